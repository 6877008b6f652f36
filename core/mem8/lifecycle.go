package mem8

import (
	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/format"
)

// *File is a format.File: the lifecycle every format shares.
var _ format.File = (*File)(nil)

// FormatID is MEM8's pinned number on the ABI (PF_FORMAT_MEM8).
const FormatID = 1

func init() {
	format.Register(format.Bind(format.Format{ID: FormatID, Name: "mem8", Title: "MEM8",
		Extensions: []string{".m8"}, Magic: [][]byte{[]byte(Magic)}},
		ParseOptions, Create, OpenFile, NewMem, OpenBytes))
}

// optionsJSON is the JSON form of Options (the ABI's and the bindings').
type optionsJSON struct {
	IdentityFreq    float64 `json:"identity_freq"`
	TemporalPhase   float64 `json:"temporal_phase"`
	Plain           bool    `json:"plain"`
	NoSync          bool    `json:"no_sync"`
	MaxBlocks       uint64  `json:"max_blocks"`
	MaxImportBlocks uint64  `json:"max_import_blocks"`
	MaxJSONBytes    int64   `json:"max_json_bytes"`
	MaxJSONRatio    int64   `json:"max_json_ratio"`
}

// ParseOptions reads Options from their JSON form: {"identity_freq",
// "temporal_phase", "plain", "no_sync", "max_blocks", "max_import_blocks",
// "max_json_bytes", "max_json_ratio"}, every key optional, an unknown key
// ErrBadArg. The first three shape a new file: with create false they are
// ErrBadArg.
func ParseOptions(b []byte, create bool) (*Options, error) {
	var o optionsJSON
	if err := format.DecodeStrict("mem8", "mem8 options", b, &o); err != nil {
		return nil, err
	}
	if o.MaxJSONBytes < 0 || o.MaxJSONRatio < 0 {
		return nil, errcode.New("mem8", errcode.ErrBadArg, "max_json_bytes and max_json_ratio must be ≥ 0")
	}
	if !create && (o.Plain || o.IdentityFreq != 0 || o.TemporalPhase != 0) {
		return nil, errcode.New("mem8", errcode.ErrBadArg, "identity_freq, temporal_phase and plain shape a new file: they apply to create (pf_mem8_create), not to open")
	}
	return &Options{IdentityFreq: o.IdentityFreq, TemporalPhase: o.TemporalPhase, Plain: o.Plain,
		NoSync: o.NoSync, Limits: &Limits{MaxBlocks: o.MaxBlocks, MaxImportBlocks: o.MaxImportBlocks,
			MaxJSONBytes: o.MaxJSONBytes, MaxJSONRatio: o.MaxJSONRatio}}, nil
}

// Info is the summary Info returns (pf_info, pf_mem8_info, inspect -json).
type Info struct {
	Format        string   `json:"format"` // "mem8"
	Name          string   `json:"name"`
	Writable      bool     `json:"writable"`
	Version       uint8    `json:"version"`
	Flags         uint8    `json:"flags"`
	FlagNames     []string `json:"flag_names"`
	BlockCount    uint64   `json:"block_count"`
	IdentityFreq  float64  `json:"identity_freq"`
	TemporalPhase float64  `json:"temporal_phase"`
	CRC32         uint32   `json:"crc32"`
	Tokens        []string `json:"tokens"`
	Recovery      struct {
		format.RecoveryInfo
		HeaderBlocks uint64 `json:"header_blocks"`
	} `json:"recovery"`
}

// Info summarizes the file: header, flags, dynamic tokens and what open
// recovered. It returns an Info.
func (f *File) Info() any { return f.Summary() }

// Summary is Info, typed.
func (f *File) Summary() Info {
	h := f.Header()
	r := f.Recovery()
	out := Info{Format: "mem8", Name: f.Name(), Writable: f.Writable(), Version: h.Version, Flags: uint8(h.Flags),
		BlockCount: f.Count(), IdentityFreq: h.IdentityFreq, TemporalPhase: h.TemporalPhase, CRC32: h.CRC32,
		FlagNames: []string{}, Tokens: f.Tokens().Dynamic()}
	for _, fl := range []struct {
		f Flags
		n string
	}{{FlagHashChain, "hash_chain"}, {FlagHeaderCRC, "header_crc"}, {FlagTokens, "tokens"}} {
		if h.Flags&fl.f != 0 {
			out.FlagNames = append(out.FlagNames, fl.n)
		}
	}
	out.Recovery.RecoveryInfo = format.RecoveryInfo{Clean: r.Clean(), Reason: r.Reason, DroppedBytes: r.DroppedBytes, Repaired: r.Repaired}
	out.Recovery.HeaderBlocks = r.HeaderBlocks
	return out
}
