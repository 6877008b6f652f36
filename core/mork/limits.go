package mork

import (
	"time"

	"github.com/polyfmt/polyfmt/core/errcode"

	"github.com/polyfmt/polyfmt/core/mork/act"
	"github.com/polyfmt/polyfmt/core/mork/expr"
	"github.com/polyfmt/polyfmt/core/mork/paths"
	"github.com/polyfmt/polyfmt/core/mork/symtab"
)

// Limits bounds what a reader accepts from untrusted input: one set of
// limits per part, each documented in its package with its defaults. A
// nil *Limits means the defaults; a zero field of a part takes that
// part's default.
type Limits struct {
	// Paths bounds path counts, path lengths and decompression (space,
	// PATHMAP1, .paths and multiplicities files).
	Paths paths.Limits
	// Symbols bounds symbol table ZIPs (entries, sizes, ratios).
	Symbols symtab.Limits
	// ACT bounds tree depth and path length in ACT files.
	ACT act.Limits
	// Expr bounds MeTTa text (nesting depth and expression size).
	Expr expr.Limits
}

// resolve returns the limits with every zero field of every part set to
// that part's default; a negative field is ErrBadArg.
func (l *Limits) resolve() (Limits, error) {
	var r Limits
	if l != nil {
		r = *l
	}
	// The parts check their own limits where they are used; the space
	// and multiplicities readers here use the paths limits directly.
	p, d := &r.Paths, paths.DefaultLimits
	if p.MaxPaths < 0 || p.MaxPathLen < 0 || p.MaxDecompressed < 0 || p.MaxRatio < 0 {
		return r, errcode.New("mork", errcode.ErrBadArg, "negative limit in %+v; limits are positive (0 means the default)", *p)
	}
	for _, f := range []struct{ v, d *int64 }{{&p.MaxPaths, &d.MaxPaths}, {&p.MaxPathLen, &d.MaxPathLen},
		{&p.MaxDecompressed, &d.MaxDecompressed}, {&p.MaxRatio, &d.MaxRatio}} {
		if *f.v == 0 {
			*f.v = *f.d
		}
	}
	return r, nil
}

// maxFile is the largest file read into memory whole (one opened over a
// reader): the paths' decompression bound.
func (l Limits) maxFile() int64 { return l.Paths.MaxDecompressed }

// now is the clock of 1.1 timestamps; tests replace it.
var now = func() uint64 { return uint64(time.Now().Unix()) }
