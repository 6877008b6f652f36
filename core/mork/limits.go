package mork

import (
	"time"

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

func (l *Limits) resolve() (Limits, error) {
	if l == nil {
		return Limits{}, nil
	}
	return *l, nil
}

// now is the clock of 1.1 timestamps; tests replace it.
var now = func() uint64 { return uint64(time.Now().Unix()) }
