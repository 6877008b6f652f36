package expr

import "github.com/polyfmt/polyfmt/core/errcode"

// Limits bounds what the text parser accepts. A nil *Limits means
// DefaultLimits; a zero field takes its default; a negative field is
// [errcode.ErrBadArg].
//
// The encoding's own limits (MaxArity items, MaxVars variables, MaxSymbol
// bytes per symbol) are not configurable: text that exceeds them is
// ErrLimit whatever these are. Binary paths need no limits: Validate,
// AppendText and Match are single iterative passes whose memory is bounded
// by the path's length.
type Limits struct {
	// MaxDepth bounds how many parentheses may be open at once. The parser
	// keeps a small record per open parenthesis. Default 256.
	MaxDepth int
	// MaxExprBytes bounds the encoded size of one top-level expression:
	// the parser's output buffer never grows past it. Default 1 MiB.
	MaxExprBytes int
	// MaxTokenBytes bounds one token of text held in memory: a variable's
	// name, and a symbol before it is interned (without an Interner a
	// symbol is at most MaxSymbol bytes anyway). Default 4096.
	MaxTokenBytes int
}

// DefaultLimits are the limits used where none are given.
var DefaultLimits = Limits{MaxDepth: 256, MaxExprBytes: 1 << 20, MaxTokenBytes: 4096}

// resolve returns the effective limits: defaults for nil and zero fields,
// ErrBadArg for a negative one.
func (l *Limits) resolve() (Limits, error) {
	d := DefaultLimits
	if l == nil {
		return d, nil
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"MaxDepth", l.MaxDepth}, {"MaxExprBytes", l.MaxExprBytes}, {"MaxTokenBytes", l.MaxTokenBytes}} {
		if f.v < 0 {
			return d, errcode.New(pkg, errcode.ErrBadArg, "limit %s is %d; limits are positive (0 means the default)", f.name, f.v)
		}
	}
	if l.MaxDepth != 0 {
		d.MaxDepth = l.MaxDepth
	}
	if l.MaxExprBytes != 0 {
		d.MaxExprBytes = l.MaxExprBytes
	}
	if l.MaxTokenBytes != 0 {
		d.MaxTokenBytes = l.MaxTokenBytes
	}
	return d, nil
}

// pkg prefixes every error of this package.
const pkg = "mork"
