package act

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// roundTripCases are small tries with a known shape.
var roundTripCases = []struct {
	name string
	recs []rec
}{
	{"empty", nil},
	{"empty path only", []rec{{nil, 5}}},
	{"empty path value 0", []rec{{nil, 0}}},
	{"one path", []rec{{[]byte("abc"), 1}}},
	{"value 0", []rec{{[]byte("a"), 0}, {[]byte("b"), 0}}},
	{"max value", []rec{{[]byte{0}, 1<<64 - 1}}},
	{"fork", []rec{{[]byte("abc"), 1}, {[]byte("abd"), 300}}},
	{"prefix chain", []rec{{nil, 5}, {[]byte("a"), 1}, {[]byte("ab"), 2}, {[]byte("abc"), 3}}},
	{"mixed", []rec{{nil, 5}, {[]byte("a"), 1}, {[]byte("ab"), 2}, {[]byte("xyzxyz"), 3}, {[]byte("xz"), 4}}},
	{"value above fork", []rec{{[]byte("ab"), 9}, {[]byte("abcd"), 1}, {[]byte("abce"), 2}, {[]byte("b"), 3}}},
	{"shared suffix", []rec{{[]byte("a-tail"), 1}, {[]byte("b-tail"), 2}, {[]byte("c-tail"), 3}}},
	{"wide 31", wide(31)},
	{"wide 32", wide(32)},
	{"wide 256", wide(256)},
	{"long", []rec{{bytes.Repeat([]byte("xy"), 400), 7}, {append(bytes.Repeat([]byte("xy"), 400), 'z'), 8}}},
	{"byte 00 and FF", []rec{{[]byte{0}, 1}, {[]byte{0, 0}, 2}, {[]byte{0xFF}, 3}, {[]byte{0xFF, 0xFF, 0xFF}, 4}}},
}

func wide(n int) []rec {
	var rs []rec
	for i := range n {
		rs = append(rs, rec{Path: []byte{'w', byte(i), 'x'}, Value: uint64(i)})
	}
	return rs
}

func TestRoundTrip(t *testing.T) {
	for _, layout := range layouts {
		for _, c := range roundTripCases {
			t.Run(layout.String()+"/"+c.name, func(t *testing.T) {
				data := build(t, layout, c.recs)
				tr, err := NewTree(data, nil)
				if err != nil {
					t.Fatal(err)
				}
				if tr.Layout() != layout || tr.Size() != int64(len(data)) {
					t.Fatalf("Layout %v Size %d; want %v %d", tr.Layout(), tr.Size(), layout, len(data))
				}
				checkTree(t, tr, c.recs)
				// Writing what Walk yields gives the same bytes.
				if again := build(t, layout, walkAll(t, tr, nil)); !bytes.Equal(again, data) {
					t.Errorf("rewrite differs:\n% x\n% x", again, data)
				}
			})
		}
	}
}

func TestRoundTripGenerated(t *testing.T) {
	for _, layout := range layouts {
		for seed := uint64(1); seed <= 4; seed++ {
			rs := genPaths(seed, 600)
			tr, err := NewTree(build(t, layout, rs), nil)
			if err != nil {
				t.Fatal(err)
			}
			checkTree(t, tr, rs)
		}
	}
}

// TestPathMapKnownBytes pins the PathMap layout of small tries, read off
// pathmap 0.3.5's output (TestInteropByteIdentical checks many more).
func TestPathMapKnownBytes(t *testing.T) {
	cases := []struct {
		recs []rec
		hex  string
	}{
		{nil, "41435472656530331000000000000000 00 0000000000000000"},
		{[]rec{{[]byte("abc"), 1}, {[]byte("abd"), 300}},
			"41435472656530331d00000000000000 4001 40f92c01 026162 02096364 810407 0000000000000000"},
	}
	for _, c := range cases {
		want := unhex(t, c.hex)
		if got := build(t, LayoutPathMap, c.recs); !bytes.Equal(got, want) {
			t.Errorf("%v:\n got % x\nwant % x", c.recs, got, want)
		}
	}
}

// TestSeedKnownBytes pins the seed layout of a two-path trie.
func TestSeedKnownBytes(t *testing.T) {
	got := build(t, LayoutSeed, []rec{{nil, 0}, {[]byte{0xF0}, 1}})
	want := unhex(t, ""+
		"4143547265653033 00000000 03000000 00000000 5800000000000000 0200000000000000 0200000000000000 0000000000000000000000000000000000000000"+
		// node 0 at 0x40: tag F0, no children, value 1, has value
		"F0000000 00000000 0100000000000000 0002000000000000"+
		// node 1 at 0x58: the root, one child 24 bytes back, value 0, has value
		"00000000 E8FFFFFF 0000000000000000 0102000000000000")
	if !bytes.Equal(got, want) {
		t.Errorf("\n got % x\nwant % x", got, want)
	}
}

func TestWriterOrder(t *testing.T) {
	for _, layout := range layouts {
		for _, c := range []struct{ first, second string }{{"b", "a"}, {"ab", "a"}, {"a", "a"}, {"a", ""}} {
			w := NewWriter(new(bytes.Buffer), layout)
			if err := w.Add([]byte(c.first), 1); err != nil {
				t.Fatal(err)
			}
			isKind(t, w.Add([]byte(c.second), 2), errcode.ErrBadArg)
			// The refused path left the writer usable.
			if err := w.Add([]byte(c.first+"z"), 3); err != nil {
				t.Fatalf("%v: Add after a refused path: %v", layout, err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			isKind(t, w.Add([]byte("zz"), 1), errcode.ErrClosed)
			if err := w.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
		}
	}
	isKind(t, NewWriter(new(bytes.Buffer), Layout(7)).Close(), errcode.ErrBadArg)
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n < len(p) {
		return 0, errors.New("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

func TestWriterErrors(t *testing.T) {
	for _, layout := range layouts {
		w := NewWriter(&failWriter{n: 10}, layout)
		for _, r := range genPaths(3, 50) {
			if err := w.Add(r.Path, r.Value); err != nil {
				t.Fatalf("Add (memory mode never writes): %v", err)
			}
		}
		if err := w.Close(); err == nil || err.Error() != "disk full" {
			t.Errorf("%v: Close = %v, want the write error", layout, err)
		}
	}
}

// TestWriterFile streams to a file (header patched by seeking) and must
// give the bytes the in-memory path gives, also after leading bytes.
func TestWriterFile(t *testing.T) {
	rs := genPaths(9, 400)
	for _, layout := range layouts {
		want := build(t, layout, rs)
		p := filepath.Join(t.TempDir(), "t.act")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("lead")
		w := NewWriter(f, layout)
		if w.out.ws == nil {
			t.Fatal("a file is not streamed")
		}
		for _, r := range rs {
			if err := w.Add(r.Path, r.Value); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		f.WriteString("tail")
		f.Close()
		got, _ := os.ReadFile(p)
		if !bytes.Equal(got, append(append([]byte("lead"), want...), "tail"...)) {
			t.Errorf("%v: file differs from the in-memory output", layout)
		}
		if err := os.WriteFile(p, want, 0o644); err != nil {
			t.Fatal(err)
		}
		tr, err := Open(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkTree(t, tr, rs)
		if err := tr.Close(); err != nil {
			t.Fatal(err)
		}
		if err := tr.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		_, _, err = tr.Get(nil)
		isKind(t, err, errcode.ErrClosed)
	}
}

// TestWriterMemory: streaming to a file, the writer's memory does not grow
// with the number of paths in the seed layout, whose nodes carry no data
// shared across the tree.
func TestWriterMemory(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "t.act"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := NewWriter(f, LayoutSeed)
	p := make([]byte, 6)
	for i := range 200000 {
		p[0], p[1], p[2], p[3], p[4], p[5] = byte(i>>16), byte(i>>8), byte(i), 'x', 'y', byte(i*7)
		if err := w.Add(p, uint64(i)); err != nil {
			t.Fatal(err)
		}
	}
	levels, kids := len(w.seed.levels), 0
	for _, lv := range w.seed.levels {
		kids += cap(lv.kids)
	}
	if levels > 7 || kids > 7*256 {
		t.Errorf("writer holds %d levels and room for %d pending nodes after 200000 paths", levels, kids)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	// PathMap layout: the open stops follow the last path, whatever the count.
	w = NewWriter(f, LayoutPathMap)
	for i := range 200000 {
		p[0], p[1], p[2], p[3], p[4], p[5] = byte(i>>16), byte(i>>8), byte(i), 'x', 'y', byte(i*7)
		if err := w.Add(p, uint64(i)); err != nil {
			t.Fatal(err)
		}
		if len(w.pm.stops) > 4 {
			t.Fatalf("%d open stops after path %d", len(w.pm.stops), i)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	s = string(bytes.ReplaceAll([]byte(s), []byte(" "), nil))
	b := make([]byte, len(s)/2)
	for i := range b {
		var v byte
		for _, c := range s[2*i : 2*i+2] {
			v <<= 4
			switch {
			case c >= '0' && c <= '9':
				v |= byte(c - '0')
			case c >= 'a' && c <= 'f':
				v |= byte(c - 'a' + 10)
			case c >= 'A' && c <= 'F':
				v |= byte(c - 'A' + 10)
			default:
				tb.Fatalf("bad hex %q", s)
			}
		}
		b[i] = v
	}
	return b
}

func TestCommonPrefix(t *testing.T) {
	long := bytes.Repeat([]byte("abcdefgh"), 5)
	for _, c := range []struct {
		a, b []byte
		want int
	}{
		{nil, nil, 0}, {nil, []byte("a"), 0}, {[]byte("a"), []byte("a"), 1}, {[]byte("ab"), []byte("ac"), 1},
		{long, long, 40}, {long, long[:17], 17}, {long, append(bytes.Clone(long[:13]), 'z'), 13},
		{long, append(bytes.Clone(long[:8]), 'z'), 8}, {long, append(bytes.Clone(long[:7]), 'z'), 7},
	} {
		if got := commonPrefix(c.a, c.b); got != c.want {
			t.Errorf("commonPrefix(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := commonPrefix(c.b, c.a); got != c.want {
			t.Errorf("commonPrefix(%q, %q) = %d, want %d", c.b, c.a, got, c.want)
		}
	}
}
