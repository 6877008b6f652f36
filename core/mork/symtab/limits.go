package symtab

import "github.com/polyfmt/polyfmt/core/errcode"

// Limits bounds what a reader accepts from untrusted input. A nil *Limits
// means DefaultLimits; a zero field takes its default; a negative field is
// [errcode.ErrBadArg].
//
// Every count and length in the input is checked against the bytes that
// remain, and against these limits, before anything is allocated for it.
type Limits struct {
	// MaxEntries bounds the entries of the ZIP archive (a seed table has
	// five, a MORK table at most 129). Default 256.
	MaxEntries int64
	// MaxSymbols bounds the symbols of the table. Default 1<<24; a Table
	// holds at most 2^31−1, and larger values mean that.
	MaxSymbols int64
	// MaxSymbolLen bounds one symbol's length in bytes. Default 16 MiB.
	MaxSymbolLen int64
	// MaxUncompressed bounds the sum of the entries' uncompressed sizes, as
	// declared by the archive (and then enforced while reading).
	// Default 1 GiB.
	MaxUncompressed int64
	// MaxRatio bounds each entry's expansion: an entry of c compressed
	// bytes may declare at most MaxRatio·c uncompressed bytes, or 64 KiB
	// when that is more, so small entries never trip it. Deflate's own
	// ceiling is about 1032; symbol tables compress some 3–12× (a million
	// generated symbols: 6–12×), though long repetitive symbols can go
	// further and need a larger value. Default 256.
	MaxRatio int64
}

// DefaultLimits are used where no limits are given.
var DefaultLimits = Limits{MaxEntries: 256, MaxSymbols: 1 << 24, MaxSymbolLen: 16 << 20,
	MaxUncompressed: 1 << 30, MaxRatio: 256}

// ratioSlack is what any entry may declare, whatever its compressed size.
const ratioSlack = 64 << 10

// resolve returns the effective limits: defaults for nil and zero fields,
// ErrBadArg for a negative one.
func (l *Limits) resolve() (Limits, error) {
	d := DefaultLimits
	if l == nil {
		return d, nil
	}
	r := *l
	for _, f := range []struct {
		name string
		v    *int64
		def  int64
	}{{"MaxEntries", &r.MaxEntries, d.MaxEntries}, {"MaxSymbols", &r.MaxSymbols, d.MaxSymbols},
		{"MaxSymbolLen", &r.MaxSymbolLen, d.MaxSymbolLen}, {"MaxUncompressed", &r.MaxUncompressed, d.MaxUncompressed},
		{"MaxRatio", &r.MaxRatio, d.MaxRatio}} {
		switch {
		case *f.v < 0:
			return d, errcode.New(pkg, errcode.ErrBadArg, "symtab: limit %s is %d; limits are positive (0 means the default)", f.name, *f.v)
		case *f.v == 0:
			*f.v = f.def
		}
	}
	r.MaxSymbols = min(r.MaxSymbols, maxEntries)
	return r, nil
}

// ratioAllows reports whether an entry of compressed bytes may declare
// declared uncompressed bytes under MaxRatio.
func (l *Limits) ratioAllows(declared, compressed uint64) bool {
	if declared <= ratioSlack {
		return true
	}
	r := uint64(l.MaxRatio)
	if compressed != 0 && r > ^uint64(0)/compressed {
		return true // the product overflows: no 64-bit size exceeds it
	}
	return declared <= r*compressed
}
