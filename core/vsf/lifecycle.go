package vsf

import (
	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/format"
)

// *File is a format.File: the lifecycle every format shares.
var _ format.File = (*File)(nil)

// FormatID is VSF's pinned number on the ABI (PF_FORMAT_VSF).
const FormatID = 3

func init() {
	format.Register(format.Bind(format.Format{ID: FormatID, Name: "vsf", Title: "VSF",
		Extensions: []string{".vsf"}, Magic: [][]byte{[]byte(Magic)}},
		ParseOptions, Create, OpenFile, NewMem, OpenBytes))
}

// optionsJSON is the JSON form of Options (the ABI's and the bindings').
type optionsJSON struct {
	Form            string `json:"form"` // "seed" (default) or "crate"
	NoSync          bool   `json:"no_sync"`
	MaxDepth        int    `json:"max_depth"`
	MaxLabels       int64  `json:"max_labels"`
	MaxFields       int64  `json:"max_fields"`
	MaxDims         int    `json:"max_dims"`
	MaxElements     uint64 `json:"max_elements"`
	MaxNameLen      int    `json:"max_name_len"`
	MaxDecompressed int64  `json:"max_decompressed"`
	MaxRatio        int64  `json:"max_ratio"`
}

// ParseOptions reads Options from their JSON form: {"form" ("seed",
// "crate"), "no_sync", "max_depth", "max_labels", "max_fields", "max_dims",
// "max_elements", "max_name_len", "max_decompressed", "max_ratio"}, every
// key optional, an unknown key ErrBadArg. form shapes a new file: with
// create false it is ErrBadArg (an opened file keeps its form).
func ParseOptions(b []byte, create bool) (*Options, error) {
	var o optionsJSON
	if err := format.DecodeStrict("vsf", "vsf options", b, &o); err != nil {
		return nil, err
	}
	out := &Options{NoSync: o.NoSync, Limits: &Limits{MaxDepth: o.MaxDepth, MaxLabels: o.MaxLabels,
		MaxFields: o.MaxFields, MaxDims: o.MaxDims, MaxElements: o.MaxElements, MaxNameLen: o.MaxNameLen,
		MaxDecompressed: o.MaxDecompressed, MaxRatio: o.MaxRatio}}
	switch o.Form {
	case "", "seed":
	case "crate":
		out.Form = FormCrate
	default:
		return nil, errcode.New("vsf", errcode.ErrBadArg, `form must be "seed" or "crate", got %q`, o.Form)
	}
	if o.Form != "" && !create {
		return nil, errcode.New("vsf", errcode.ErrBadArg, "form shapes a new file: it applies to create, not to open")
	}
	if _, err := out.Limits.resolve(); err != nil {
		return nil, err
	}
	return out, nil
}

// Info is the summary Info returns (pf_info, inspect -json).
type Info struct {
	Format   string      `json:"format"` // "vsf"
	Name     string      `json:"name"`
	Writable bool        `json:"writable"`
	Form     string      `json:"form"` // "seed" or "crate"
	Version  uint64      `json:"version"`
	Backward uint64      `json:"backward"`
	Size     uint64      `json:"size"`
	Header   uint64      `json:"header_len"`
	Labels   []LabelInfo `json:"labels"`
	Trailer  []string    `json:"trailer"`
	Pending  bool        `json:"pending"`
	// Recovery is always clean: a commit replaces the file whole, so open
	// never has a torn tail to recover.
	Recovery format.RecoveryInfo `json:"recovery"`
}

// LabelInfo is one label in Info.
type LabelInfo struct {
	Name       string   `json:"name"`
	Offset     uint64   `json:"offset"`
	Size       uint64   `json:"size"`
	Count      uint64   `json:"count"`
	Unboxed    bool     `json:"unboxed"`
	Compressed bool     `json:"compressed"`
	RawSize    uint64   `json:"raw_size"`
	Hashes     []string `json:"hashes"`
	Signatures int      `json:"signatures"`
	Keys       int      `json:"keys"`
}

// Info summarizes the committed file. It returns an Info.
func (f *File) Info() any { return f.Summary() }

// Summary is Info, typed.
func (f *File) Summary() Info {
	f.mu.RLock()
	defer f.mu.RUnlock()
	in := Info{Format: "vsf", Name: f.store.Name, Writable: f.store.Writable(), Form: f.hdr.Form.String(),
		Version: f.hdr.Version, Backward: f.hdr.Backward, Size: uint64(len(f.data)), Header: f.hdr.Len,
		Labels: []LabelInfo{}, Trailer: []string{}, Pending: f.dirty, Recovery: format.RecoveryInfo{Clean: true}}
	for _, l := range f.hdr.Labels {
		li := LabelInfo{Name: l.Name, Offset: l.Offset, Size: l.Size, Count: l.Count, Unboxed: l.Unboxed(),
			Compressed: l.Wrap != nil, RawSize: l.Size, Hashes: []string{}, Signatures: len(l.Sigs), Keys: len(l.Keys)}
		if l.Wrap != nil {
			li.RawSize = l.Wrap.RawSize
		}
		for _, h := range l.Hashes {
			li.Hashes = append(li.Hashes, algName(h.Alg))
		}
		in.Labels = append(in.Labels, li)
	}
	for _, fl := range f.trailer {
		in.Trailer = append(in.Trailer, fl.Name)
	}
	return in
}
