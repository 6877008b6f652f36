package vsf

import "github.com/polyfmt/polyfmt/core/errcode"

// Limits bounds what a reader accepts from untrusted input. A nil *Limits
// means DefaultLimits; zero fields take the default; a negative field is
// [errcode.ErrBadArg].
//
// Every count and length a file declares is checked against the bytes that
// remain before anything is allocated for it, and against these limits.
type Limits struct {
	// MaxDepth bounds the nesting of structures inside a section. Default 64.
	MaxDepth int
	// MaxLabels bounds the label definitions of a header. Default 1<<20.
	MaxLabels int64
	// MaxFields bounds the fields of one section or nested structure.
	// Default 1<<24.
	MaxFields int64
	// MaxDims bounds a tensor's rank. Default 32.
	MaxDims int
	// MaxElements bounds a tensor's element count (the product of its
	// shape). Default 1<<40.
	MaxElements uint64
	// MaxNameLen bounds names (labels, fields) in bytes. Default 4096.
	MaxNameLen int
	// MaxDecompressed bounds what one compressed section may expand to.
	// Default 4 GiB.
	MaxDecompressed int64
	// MaxRatio bounds a compressed section's expansion: at most MaxRatio
	// times its stored size (plus 64 KiB). Default 1024.
	MaxRatio int64
}

// DefaultLimits are used where no limits are given.
var DefaultLimits = Limits{MaxDepth: 64, MaxLabels: 1 << 20, MaxFields: 1 << 24, MaxDims: 32,
	MaxElements: 1 << 40, MaxNameLen: 4096, MaxDecompressed: 4 << 30, MaxRatio: 1024}

// resolve returns the effective limits: defaults for nil and zero fields,
// ErrBadArg for a negative one.
func (l *Limits) resolve() (Limits, error) {
	d := DefaultLimits
	if l == nil {
		return d, nil
	}
	for _, f := range []struct {
		name string
		v    int64
	}{{"MaxDepth", int64(l.MaxDepth)}, {"MaxLabels", l.MaxLabels}, {"MaxFields", l.MaxFields},
		{"MaxDims", int64(l.MaxDims)}, {"MaxNameLen", int64(l.MaxNameLen)},
		{"MaxDecompressed", l.MaxDecompressed}, {"MaxRatio", l.MaxRatio}} {
		if f.v < 0 {
			return d, errcode.New("vsf", errcode.ErrBadArg, "vsf limit %s is %d; limits are positive (0 means the default)", f.name, f.v)
		}
	}
	r := *l
	if r.MaxDepth == 0 {
		r.MaxDepth = d.MaxDepth
	}
	if r.MaxLabels == 0 {
		r.MaxLabels = d.MaxLabels
	}
	if r.MaxFields == 0 {
		r.MaxFields = d.MaxFields
	}
	if r.MaxDims == 0 {
		r.MaxDims = d.MaxDims
	}
	if r.MaxElements == 0 {
		r.MaxElements = d.MaxElements
	}
	if r.MaxNameLen == 0 {
		r.MaxNameLen = d.MaxNameLen
	}
	if r.MaxDecompressed == 0 {
		r.MaxDecompressed = d.MaxDecompressed
	}
	if r.MaxRatio == 0 {
		r.MaxRatio = d.MaxRatio
	}
	return r, nil
}
