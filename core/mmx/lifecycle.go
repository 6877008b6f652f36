package mmx

import (
	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/format"
)

// *File is a format.File: the lifecycle every format shares.
var _ format.File = (*File)(nil)

// FormatID is MMX's pinned number on the ABI (PF_FORMAT_MMX).
const FormatID = 2

func init() {
	format.Register(format.Bind(format.Format{ID: FormatID, Name: "mmx", Title: "MMX",
		Extensions: []string{".mmx"}, Magic: [][]byte{[]byte(Magic)}},
		ParseOptions, Create, OpenFile, NewMem, OpenBytes))
}

// optionsJSON is the JSON form of Options (the ABI's and the bindings').
type optionsJSON struct {
	Creator            string  `json:"creator"`
	ModelUUID          string  `json:"model_uuid"`
	NoSync             bool    `json:"no_sync"`
	Verify             string  `json:"verify"`   // "on_read" (default), "on_open", "never"
	Checksum           string  `json:"checksum"` // new chunks: "crc32c" (default), "blake3", "sha256"
	MaxChunkBytes      uint64  `json:"max_chunk_bytes"`
	MaxChunks          int     `json:"max_chunks"`
	MaxRatio           int64   `json:"max_ratio"`
	MaxJSONBytes       int64   `json:"max_json_bytes"`
	AutoCompactMinDead int64   `json:"auto_compact_min_dead"` // -1: never compact on its own
	AutoCompactRatio   float64 `json:"auto_compact_ratio"`
}

// ParseOptions reads Options from their JSON form: {"creator",
// "model_uuid", "no_sync", "verify" ("on_read", "on_open", "never"),
// "checksum" (new chunks' checksum: "crc32c", the default, "blake3" or
// "sha256"),
// "max_chunk_bytes", "max_chunks", "max_ratio", "max_json_bytes",
// "auto_compact_min_dead", "auto_compact_ratio"}, every key optional, an
// unknown key ErrBadArg. creator and model_uuid shape a new file: with
// create false they are ErrBadArg.
func ParseOptions(b []byte, create bool) (*Options, error) {
	var o optionsJSON
	if err := format.DecodeStrict("mmx", "mmx options", b, &o); err != nil {
		return nil, err
	}
	if !create && (o.Creator != "" || o.ModelUUID != "") {
		return nil, errcode.New("mmx", errcode.ErrBadArg, "creator and model_uuid shape a new file: they apply to create (pf_mmx_create), not to open")
	}
	for _, l := range []struct {
		key string
		v   int64
	}{{"max_chunks", int64(o.MaxChunks)}, {"max_ratio", o.MaxRatio}, {"max_json_bytes", o.MaxJSONBytes}} {
		if l.v < 0 {
			return nil, errcode.New("mmx", errcode.ErrBadArg, "mmx option %s is %d; limits are positive (0 means the default)", l.key, l.v)
		}
	}
	if o.AutoCompactMinDead < -1 || o.AutoCompactRatio < 0 {
		return nil, errcode.New("mmx", errcode.ErrBadArg, "auto_compact_min_dead is bytes (or -1: off) and auto_compact_ratio ≥ 0, got %d and %g", o.AutoCompactMinDead, o.AutoCompactRatio)
	}
	out := &Options{Creator: o.Creator, ModelUUID: o.ModelUUID, NoSync: o.NoSync, Checksum: ChecksumAlgorithm(o.Checksum),
		AutoCompactMinDead: o.AutoCompactMinDead, AutoCompactRatio: o.AutoCompactRatio,
		Limits: &Limits{MaxChunkBytes: o.MaxChunkBytes, MaxChunks: o.MaxChunks, MaxRatio: o.MaxRatio, MaxJSONBytes: o.MaxJSONBytes}}
	if _, err := writerChecksum(out.Checksum); err != nil {
		return nil, err
	}
	switch o.Verify {
	case "", "on_read":
	case "on_open":
		out.Verify = VerifyOnOpen
	case "never":
		out.Verify = VerifyNever
	default:
		return nil, errcode.New("mmx", errcode.ErrBadArg, `verify must be "on_read", "on_open" or "never", got %q`, o.Verify)
	}
	return out, nil
}

// Info is the summary Info returns (pf_info, pf_mmx_info, inspect -json).
type Info struct {
	Format       string              `json:"format"` // "mmx"
	Name         string              `json:"name"`
	Writable     bool                `json:"writable"`
	FromMorphNet bool                `json:"from_morphnet"`
	Generation   uint64              `json:"generation"`
	Pending      bool                `json:"pending"`
	DeadBytes    uint64              `json:"dead_bytes"`
	Header       Header              `json:"header"`
	Recovery     format.RecoveryInfo `json:"recovery"`
}

// Info summarizes the file: header, generation, pending writes, dead bytes
// and what open recovered. It returns an Info.
func (f *File) Info() any { return f.Summary() }

// Summary is Info, typed.
func (f *File) Summary() Info {
	r := f.Recovery()
	return Info{Format: "mmx", Name: f.Name(), Writable: f.Writable(), FromMorphNet: f.FromMorphNet(),
		Generation: f.Generation(), Pending: f.Pending(), DeadBytes: f.DeadBytes(), Header: f.Header(),
		Recovery: format.RecoveryInfo{Clean: r.Clean(), Reason: r.Reason, DroppedBytes: r.DroppedBytes, Repaired: r.Repaired}}
}
