package act

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/mork/internal/pathmap"
)

// rec is one path and its value (a local type so literals stay short).
type rec struct {
	Path  []byte
	Value uint64
}

// encodeRecs and decodeRecs speak the harness's record files.
func encodeRecs(rs []rec) []byte {
	var out []byte
	for _, r := range rs {
		out = pathmap.AppendRecord(out, r.Path, r.Value)
	}
	return out
}

func decodeRecs(tb testing.TB, b []byte) []rec {
	tb.Helper()
	prs, err := pathmap.ParseRecords(b)
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]rec, len(prs))
	for i, r := range prs {
		out[i] = rec{r.Path, r.Value}
	}
	return out
}

var layouts = []Layout{LayoutSeed, LayoutPathMap}

// sortRecs sorts by path and drops later duplicates.
func sortRecs(rs []rec) []rec {
	slices.SortStableFunc(rs, func(a, b rec) int { return bytes.Compare(a.Path, b.Path) })
	return slices.CompactFunc(rs, func(a, b rec) bool { return bytes.Equal(a.Path, b.Path) })
}

// build writes sorted records in layout to memory.
func build(tb testing.TB, layout Layout, rs []rec) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, layout)
	for _, r := range rs {
		if err := w.Add(r.Path, r.Value); err != nil {
			tb.Fatalf("Add(%x): %v", r.Path, err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatalf("Close: %v", err)
	}
	return buf.Bytes()
}

// walkAll collects what Walk yields under prefix.
func walkAll(tb testing.TB, tr *Tree, prefix []byte) []rec {
	tb.Helper()
	var out []rec
	err := tr.Walk(prefix, func(p []byte, v uint64) error {
		out = append(out, rec{Path: bytes.Clone(p), Value: v})
		return nil
	})
	if err != nil {
		tb.Fatalf("Walk(%x): %v", prefix, err)
	}
	return out
}

func sameRecs(tb testing.TB, what string, got, want []rec) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Errorf("%s: %d paths, want %d", what, len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if !bytes.Equal(got[i].Path, want[i].Path) || got[i].Value != want[i].Value {
			tb.Errorf("%s: path %d is %x=%d, want %x=%d", what, i, got[i].Path, got[i].Value, want[i].Path, want[i].Value)
			return
		}
	}
}

// checkTree asserts tr holds exactly rs (sorted): Walk, Get on members and
// near misses, Walk under prefixes, Count and Verify.
func checkTree(tb testing.TB, tr *Tree, rs []rec) {
	tb.Helper()
	sameRecs(tb, "Walk", walkAll(tb, tr, nil), rs)
	in := map[string]uint64{}
	for _, r := range rs {
		in[string(r.Path)] = r.Value
	}
	probe := func(p []byte) {
		v, ok, err := tr.Get(p)
		if err != nil {
			tb.Fatalf("Get(%x): %v", p, err)
		}
		want, wantOK := in[string(p)]
		if ok != wantOK || v != want {
			tb.Errorf("Get(%x) = %d, %v; want %d, %v", p, v, ok, want, wantOK)
		}
	}
	for i, r := range rs {
		probe(r.Path)
		probe(append(bytes.Clone(r.Path), 0))
		probe(append(bytes.Clone(r.Path), 0xFF))
		if len(r.Path) > 0 {
			probe(r.Path[:len(r.Path)-1])
			q := bytes.Clone(r.Path)
			q[len(q)-1]++
			probe(q)
		}
		if i%7 == 0 && len(r.Path) > 1 {
			pre := r.Path[:len(r.Path)/2]
			var want []rec
			for _, s := range rs {
				if bytes.HasPrefix(s.Path, pre) {
					want = append(want, s)
				}
			}
			sameRecs(tb, "Walk under "+string(pre), walkAll(tb, tr, pre), want)
		}
	}
	n, err := tr.Count()
	if err != nil || n != uint64(len(rs)) {
		tb.Errorf("Count = %d, %v; want %d", n, err, len(rs))
	}
	if err := tr.Verify(); err != nil {
		tb.Errorf("Verify: %v", err)
	}
}

// isKind asserts err is an *errcode.Error of kind.
func isKind(tb testing.TB, err error, kind error) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("no error, want %v", kind)
	}
	if !errors.Is(err, kind) {
		tb.Fatalf("error %v is not %v", err, kind)
	}
	var e *errcode.Error
	if !errors.As(err, &e) {
		tb.Fatalf("error %v is not an *errcode.Error", err)
	}
}

// mork encodes random MORK expressions (trueagi-io/MORK expr encoding).
type mork struct {
	r    *rand.Rand
	vars int
}

var morkSymbols = []string{"edge", "parent", "isa", "a", "b", "Sam", "Tom", "=", "foo", "bar", "long-symbol-name-of-some-length"}

func (m *mork) atom(out []byte) []byte {
	switch m.r.IntN(5) {
	case 0:
		m.vars++
		return append(out, 0xC0)
	case 1:
		if m.vars > 0 {
			return append(out, 0x80+byte(m.r.IntN(m.vars)))
		}
	}
	s := morkSymbols[m.r.IntN(len(morkSymbols))]
	if m.r.IntN(4) == 0 {
		s = string(rune('a'+m.r.IntN(26))) + s
	}
	return append(append(out, 0xC0+byte(len(s))), s...)
}

func (m *mork) expr(out []byte, depth int) []byte {
	if depth == 0 || m.r.IntN(3) == 0 {
		return m.atom(out)
	}
	n := 1 + m.r.IntN(4)
	out = append(out, byte(n))
	for range n {
		out = m.expr(out, depth-1)
	}
	return out
}

// top is one top-level expression, e.g. (edge $x (foo b)).
func (m *mork) top() []byte {
	m.vars = 0
	n := 2 + m.r.IntN(3)
	out := []byte{byte(n)}
	s := morkSymbols[m.r.IntN(4)]
	out = append(append(out, 0xC0+byte(len(s))), s...)
	for range n - 1 {
		out = m.expr(out, 3)
	}
	return out
}

// genPaths makes a mixed set: MORK expressions, random binary paths, the
// empty path, prefixes of other paths, long paths, wide forks (the child
// mask form), shared suffixes (line reuse) and edge values.
func genPaths(seed uint64, n int) []rec {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	m := &mork{r: r}
	val := func() uint64 {
		switch r.IntN(6) {
		case 0:
			return 0
		case 1:
			return 1
		case 2:
			return 1<<64 - 1
		case 3:
			return uint64(r.IntN(248))
		default:
			return r.Uint64() >> r.IntN(64)
		}
	}
	var rs []rec
	rs = append(rs, rec{Path: nil, Value: val()})
	for i := 0; i < n; i++ {
		var p []byte
		switch r.IntN(10) {
		case 0, 1:
			p = make([]byte, r.IntN(12))
			for j := range p {
				p[j] = byte(r.IntN(256))
			}
		case 2:
			if len(rs) > 0 {
				q := rs[r.IntN(len(rs))].Path
				p = bytes.Clone(q[:r.IntN(len(q)+1)])
			}
		case 3:
			p = make([]byte, 257+r.IntN(400))
			for j := range p {
				p[j] = byte('a' + r.IntN(3))
			}
		case 4:
			p = []byte{0x02, 0xC4, 'w', 'i', 'd', 'e', 0xC1, byte(r.IntN(256))}
		case 5:
			p = append([]byte{0x03, 0xC1, byte('a' + r.IntN(20))}, []byte("\xC6suffix\xC3end")...)
		default:
			p = m.top()
		}
		rs = append(rs, rec{Path: p, Value: val()})
	}
	return sortRecs(rs)
}
