package expr

import "bytes"

// binding is what one pattern variable matched: path[start:end], and how
// many variables the path introduced before start (so that the path's
// variables inside it can be told apart).
type binding struct {
	start, end int
	base       int
}

// Match reports whether path, one encoded expression, is an instance of
// pattern.
//
// Symbols and arities must be equal. A pattern variable's first
// occurrence (NewVar) matches any whole sub-expression of path and binds
// to it; each later occurrence (VarRef) matches only a sub-expression
// equal to the bound one. Equality is by structure, with the path's own
// variables compared by identity: ($a $a) and ($a $b) differ although
// both hold two variables. A variable of the path matches only a variable
// of the pattern. Patterns and paths that are not valid expressions match
// nothing.
//
// The pass is iterative, with no allocation: it walks both once, and each
// VarRef costs one walk of its binding.
func Match(pattern, path []byte) bool {
	var b [MaxVars]binding
	_, ok := match(pattern, path, &b)
	return ok
}

// MatchBindings is Match that also returns, when it matches, one
// sub-slice of path per pattern variable in order of introduction: what
// the variable matched. Variables of path inside a binding keep the
// path's numbering (a VarRef in it may name a variable introduced before
// it).
func MatchBindings(pattern, path []byte) (bindings [][]byte, ok bool) {
	var b [MaxVars]binding
	n, ok := match(pattern, path, &b)
	if !ok {
		return nil, false
	}
	out := make([][]byte, n)
	for i := range out {
		out[i] = path[b[i].start:b[i].end:b[i].end]
	}
	return out, true
}

// Span is what one pattern variable matched: path[Start:End], and Vars,
// how many variables path introduced before Start (AppendSpan prints it
// with the path's own names for them).
type Span struct {
	Start, End, Vars int
}

// MatchSpans is MatchBindings giving each binding as a Span of path.
func MatchSpans(pattern, path []byte) (spans []Span, ok bool) {
	var b [MaxVars]binding
	n, ok := match(pattern, path, &b)
	if !ok {
		return nil, false
	}
	out := make([]Span, n)
	for i := range out {
		out[i] = Span{b[i].start, b[i].end, b[i].base}
	}
	return out, true
}

// match walks pattern and path in step. It returns the number of pattern
// variables bound in b.
func match(pattern, path []byte, b *[MaxVars]binding) (int, bool) {
	due := 1 // pattern items still to match
	pi, di := 0, 0
	pvars, dvars := 0, 0 // variables introduced so far by pattern and path
	for due > 0 {
		if pi >= len(pattern) || di >= len(path) {
			return 0, false
		}
		t := pattern[pi]
		due--
		switch tagKind(t) {
		case kindArity:
			if path[di] != t {
				return 0, false
			}
			due += operand(t)
			pi++
			di++
		case kindReserved:
			return 0, false
		case kindVar:
			r := operand(t)
			if r >= pvars {
				return 0, false
			}
			end, nv, ok := equalAt(path, b[r], di, dvars)
			if !ok {
				return 0, false
			}
			pi++
			di, dvars = end, dvars+nv
		default:
			if t == NewVar {
				if pvars == MaxVars {
					return 0, false
				}
				end, nv, ok := skip(path, di, dvars)
				if !ok {
					return 0, false
				}
				b[pvars] = binding{start: di, end: end, base: dvars}
				pvars++
				pi++
				di, dvars = end, dvars+nv
				break
			}
			n := 1 + operand(t)
			if len(pattern)-pi < n || len(path)-di < n || !bytes.Equal(pattern[pi:pi+n], path[di:di+n]) {
				return 0, false
			}
			pi += n
			di += n
		}
	}
	if pi != len(pattern) || di != len(path) {
		return 0, false
	}
	return pvars, true
}

// skip walks the one sub-expression of path at i, checking it, and
// returns where it ends and how many variables it introduces; vars were
// introduced before it.
func skip(path []byte, i, vars int) (end, newVars int, ok bool) {
	due := 1
	nv := 0
	for due > 0 {
		if i >= len(path) {
			return 0, 0, false
		}
		t := path[i]
		due--
		switch tagKind(t) {
		case kindArity:
			due += operand(t)
			i++
		case kindReserved:
			return 0, 0, false
		case kindVar:
			if operand(t) >= vars+nv {
				return 0, 0, false
			}
			i++
		default:
			if t == NewVar {
				if nv++; vars+nv > MaxVars {
					return 0, 0, false
				}
				i++
				break
			}
			i += 1 + operand(t)
			if i > len(path) {
				return 0, 0, false
			}
		}
	}
	return i, nv, true
}

// equalAt compares the sub-expression of path at j with the bound one,
// variables by identity (a NewVar is the variable numbered by the count
// before it; a VarRef names its number). vars were introduced before j.
// It returns where the sub-expression at j ends and how many variables it
// introduces.
func equalAt(path []byte, bd binding, j, vars int) (end, newVars int, ok bool) {
	due := 1
	i := bd.start
	bv := bd.base // the next NewVar's number on the bound side
	jv := vars    // and at j
	for due > 0 {
		if j >= len(path) {
			return 0, 0, false
		}
		x, y := path[i], path[j]
		due--
		kx, ky := tagKind(x), tagKind(y)
		xVar := kx == kindVar || x == NewVar
		yVar := ky == kindVar || y == NewVar
		switch {
		case xVar || yVar:
			if !xVar || !yVar {
				return 0, 0, false
			}
			var ix, iy int
			if x == NewVar {
				ix, bv = bv, bv+1
			} else {
				ix = operand(x)
			}
			if y == NewVar {
				if iy, jv = jv, jv+1; jv > MaxVars {
					return 0, 0, false
				}
			} else if iy = operand(y); iy >= jv {
				return 0, 0, false
			}
			if ix != iy {
				return 0, 0, false
			}
			i++
			j++
		case kx == kindArity:
			if x != y {
				return 0, 0, false
			}
			due += operand(x)
			i++
			j++
		default: // a symbol (the binding is valid: x is not reserved)
			n := 1 + operand(x)
			if x != y || len(path)-j < n || !bytes.Equal(path[i:i+n], path[j:j+n]) {
				return 0, 0, false
			}
			i += n
			j += n
		}
	}
	return j, jv - vars, true
}

// Prefix returns the bytes of pattern before its first variable: every
// path that matches pattern starts with them, so a sorted set of paths
// can be narrowed to those with this prefix before matching. For a
// pattern without variables it is the whole pattern; for an invalid one,
// the whole items read before the first variable or bad tag. The result is
// a sub-slice of pattern with its capacity cut at its length.
func Prefix(pattern []byte) []byte {
	due := 1
	i := 0
	for due > 0 && i < len(pattern) {
		t := pattern[i]
		switch tagKind(t) {
		case kindArity:
			due += operand(t)
			i++
		case kindSymbol:
			n := 1 + operand(t)
			if t == NewVar || len(pattern)-i < n {
				return pattern[:i:i]
			}
			i += n
		default: // a VarRef or a reserved tag
			return pattern[:i:i]
		}
		due--
	}
	return pattern[:i:i]
}
