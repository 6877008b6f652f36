package expr

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// A tree is the test's model of an expression, independent of the
// package's code: a symbol, a variable (by identity) or a list.
type tree struct {
	sym  []byte // a symbol when non-nil
	v    int    // a variable's identity when isVar
	isV  bool
	kids []*tree // a list when sym == nil && !isV
}

func sym(s string) *tree     { return &tree{sym: []byte(s)} }
func vr(i int) *tree         { return &tree{v: i, isV: true} }
func list(k ...*tree) *tree  { return &tree{kids: append([]*tree{}, k...)} }
func (t *tree) isList() bool { return t.sym == nil && !t.isV }

// decodeTree is a recursive reference decoder (inputs in tests are
// small). Variables get identities by order of introduction. It returns
// nil for anything invalid.
func decodeTree(b []byte) *tree {
	vars := 0
	var rec func(i, depth int) (*tree, int)
	rec = func(i, depth int) (*tree, int) {
		if i >= len(b) || depth > 10000 {
			return nil, 0
		}
		t := b[i]
		switch {
		case t <= 0x3F:
			l := &tree{kids: []*tree{}}
			j := i + 1
			for k := 0; k < int(t); k++ {
				c, n := rec(j, depth+1)
				if c == nil {
					return nil, 0
				}
				l.kids = append(l.kids, c)
				j = n
			}
			return l, j
		case t <= 0x7F:
			return nil, 0
		case t <= 0xBF:
			if int(t-0x80) >= vars {
				return nil, 0
			}
			return vr(int(t - 0x80)), i + 1
		case t == 0xC0:
			if vars == 64 {
				return nil, 0
			}
			vars++
			return vr(vars - 1), i + 1
		default:
			n := int(t - 0xC0)
			if i+1+n > len(b) {
				return nil, 0
			}
			return &tree{sym: bytes.Clone(b[i+1 : i+1+n])}, i + 1 + n
		}
	}
	t, n := rec(0, 0)
	if t == nil || n != len(b) {
		return nil
	}
	return t
}

// encodeTree is the reference encoder: a variable's first occurrence in
// pre-order is NewVar, later ones VarRef, renumbered by that order.
func encodeTree(t *tree) []byte {
	num := map[int]int{}
	var out []byte
	var rec func(t *tree)
	rec = func(t *tree) {
		switch {
		case t.isV:
			if i, ok := num[t.v]; ok {
				out = append(out, byte(0x80+i))
			} else {
				num[t.v] = len(num)
				out = append(out, 0xC0)
			}
		case t.sym != nil:
			out = append(out, byte(0xC0+len(t.sym)))
			out = append(out, t.sym...)
		default:
			out = append(out, byte(len(t.kids)))
			for _, k := range t.kids {
				rec(k)
			}
		}
	}
	rec(t)
	return out
}

func treeEqual(a, b *tree) bool {
	switch {
	case a.isV || b.isV:
		return a.isV && b.isV && a.v == b.v
	case a.sym != nil || b.sym != nil:
		return a.sym != nil && b.sym != nil && bytes.Equal(a.sym, b.sym)
	}
	if len(a.kids) != len(b.kids) {
		return false
	}
	for i := range a.kids {
		if !treeEqual(a.kids[i], b.kids[i]) {
			return false
		}
	}
	return true
}

// refMatch is the reference matcher, recursive over trees: a pattern
// variable binds at its first occurrence (pre-order) and must equal its
// binding at the others; a data variable matches only a pattern variable.
func refMatch(p, d *tree) (map[int]*tree, bool) {
	binds := map[int]*tree{}
	var rec func(p, d *tree) bool
	rec = func(p, d *tree) bool {
		if p.isV {
			if b, ok := binds[p.v]; ok {
				return treeEqual(b, d)
			}
			binds[p.v] = d
			return true
		}
		if d.isV {
			return false
		}
		if p.sym != nil || d.sym != nil {
			return p.sym != nil && d.sym != nil && bytes.Equal(p.sym, d.sym)
		}
		if len(p.kids) != len(d.kids) {
			return false
		}
		for i := range p.kids {
			if !rec(p.kids[i], d.kids[i]) {
				return false
			}
		}
		return true
	}
	ok := rec(p, d)
	return binds, ok
}

// randTree makes a random expression over a small alphabet (so that
// random patterns match random data often enough); vars is the number of
// variable identities it may use.
func randTree(r *rand.Rand, depth, vars int) *tree {
	switch x := r.IntN(10); {
	case depth <= 0 || x < 4:
		return sym([]string{"a", "b", "foo", "\"s t\"", "x y", "$", "c"}[r.IntN(7)])
	case x < 6 && vars > 0:
		return vr(r.IntN(vars))
	default:
		n := r.IntN(4)
		l := list()
		for range n {
			l.kids = append(l.kids, randTree(r, depth-1, vars))
		}
		return l
	}
}

// generalize replaces random subtrees of t by pattern variables (some
// repeated), making a pattern that t often matches.
func generalize(r *rand.Rand, t *tree, next *int) *tree {
	if r.IntN(4) == 0 {
		if *next > 0 && r.IntN(3) == 0 {
			return vr(r.IntN(*next))
		}
		*next++
		return vr(*next - 1)
	}
	if !t.isList() {
		return t
	}
	l := list()
	for _, k := range t.kids {
		l.kids = append(l.kids, generalize(r, k, next))
	}
	return l
}

func unhexT(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantErr checks err's code and, when line > 0, its position.
func wantErr(t testing.TB, err error, code errcode.Code, line, col int) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", code.Name())
	}
	if got := errcode.Of(err); got != code {
		t.Fatalf("%v: code %s, want %s", err, got.Name(), code.Name())
	}
	if line > 0 {
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("%v: not a *SyntaxError", err)
		}
		if se.Line != line || se.Col != col {
			t.Fatalf("%v: at %d:%d, want %d:%d", err, se.Line, se.Col, line, col)
		}
		if want := fmt.Sprintf("mork: line %d, column %d: ", line, col); !strings.HasPrefix(err.Error(), want) {
			t.Fatalf("message %q does not start %q", err.Error(), want)
		}
	}
}
