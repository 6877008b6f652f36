package paths

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// vectorDir holds the golden files.
const vectorDir = "../../testdata/mork/paths"

// MORK expressions from the reference (shared/reference/mork.md).
var (
	exprFooBar = []byte{0x03, 0xC3, 0x66, 0x6F, 0x6F, 0xC0, 0x02, 0xC3, 0x62, 0x61, 0x72, 0x80} // (foo $x (bar $x))
	exprUnit   = []byte{0x00}                                                                   // ()
	exprVars   = []byte{0x05, 0xC1, 0x61, 0xC0, 0xC0, 0x80, 0x81}                               // (a $x $y $x $y)
	symFoo     = []byte{0xC3, 0x66, 0x6F, 0x6F}                                                 // foo
)

// smallPaths is the set of the small golden files, in sorted order.
var smallPaths = [][]byte{exprUnit, exprFooBar, exprVars, symFoo}

// setOf builds a set from paths, value i for path i.
func setOf(paths ...[]byte) *Set {
	s := NewSet()
	for i, p := range paths {
		s.Add(p, uint64(i))
	}
	return s
}

// pathsOf lists a set's paths in order.
func pathsOf(s *Set) [][]byte {
	var out [][]byte
	for p := range s.All() {
		out = append(out, bytes.Clone(p))
	}
	return out
}

// wantPaths fails unless s holds exactly want, in that order.
func wantPaths(t testing.TB, s *Set, want [][]byte) {
	t.Helper()
	got := pathsOf(s)
	if len(got) != len(want) {
		t.Fatalf("set has %d paths %x, want %d %x", len(got), got, len(want), want)
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("path %d is %x, want %x", i, got[i], want[i])
		}
	}
}

// wantKind fails unless err is an *errcode.Error of package "mork" of the given kind.
func wantKind(t testing.TB, err, kind error) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", kind)
	}
	if !errors.Is(err, kind) {
		t.Fatalf("error %v (code %s), want %v", err, errcode.Of(err).Name(), kind)
	}
	var e *errcode.Error
	if !errors.As(err, &e) || e.Pkg != pkg {
		t.Fatalf("error %v is not a %q *errcode.Error", err, pkg)
	}
}

// genPaths returns n distinct MORK-like paths of about 20 bytes — (edge <a> <b>)
// with decimal symbols — in random order, from a fixed seed.
func genPaths(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		a, b := fmt.Sprint(i/1000), fmt.Sprint(i%1000+100000)
		p := []byte{0x03, 0xC4, 'e', 'd', 'g', 'e', 0xC0 + byte(len(a))}
		p = append(p, a...)
		p = append(p, 0xC0+byte(len(b)))
		out[i] = append(p, b...)
	}
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(n, func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// sortedUnique returns the sorted distinct paths of ps.
func sortedUnique(ps [][]byte) [][]byte {
	out := slices.Clone(ps)
	slices.SortFunc(out, bytes.Compare)
	return slices.CompactFunc(out, bytes.Equal)
}

// allocated returns the bytes allocated while fn runs.
func allocated(fn func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	fn()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// plain hides a reader's Len method, so the readers cannot know its size.
type plain struct {
	r interface{ Read([]byte) (int, error) }
}

func (p plain) Read(b []byte) (int, error) { return p.r.Read(b) }
