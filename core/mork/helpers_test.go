package mork

import (
	"errors"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/mork/expr"
	"github.com/polyfmt/polyfmt/core/mork/paths"
)

// set makes a path set of MeTTa expressions.
func set(t testing.TB, texts ...string) *paths.Set {
	t.Helper()
	s := paths.NewSet()
	for _, x := range texts {
		p, err := expr.ParseOne(x, nil)
		if err != nil {
			t.Fatalf("parse %q: %v", x, err)
		}
		s.Add(p, 0)
	}
	s.Sort()
	return s
}

// texts prints every path of s.
func texts(t testing.TB, s *paths.Set) []string {
	t.Helper()
	var out []string
	for i := 0; i < s.Len(); i++ {
		b, err := expr.AppendText(nil, s.Path(i), nil)
		if err != nil {
			t.Fatalf("print path %d: %v", i, err)
		}
		out = append(out, string(b))
	}
	return out
}

func wantCode(t testing.TB, what string, err error, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("%s: got %v, want %v (code %v)", what, err, kind, errcode.Of(err))
	}
}

// must returns v, or panics with err: for calls whose failure ends the
// test anyway (the panic fails it, with err and the stack).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func init() { now = func() uint64 { return 1_700_000_000 } }
