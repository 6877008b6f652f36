package paths

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// body is a .paths file's decompressed content: records without a count.
func body(paths ...[]byte) []byte { return rec(0, paths...)[8:] }

func writePaths(t testing.TB, s *Set) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePaths(&buf, s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func inflate(t testing.TB, data []byte) []byte {
	t.Helper()
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWritePathsEmpty(t *testing.T) {
	want := []byte{0x78, 0xDA, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}
	for _, s := range []*Set{NewSet(), new(Set)} {
		if got := writePaths(t, s); !bytes.Equal(got, want) {
			t.Fatalf("empty .paths is % x, want % x", got, want)
		}
	}
	s, err := ReadPaths(bytes.NewReader(want), nil)
	if err != nil || s.Len() != 0 {
		t.Fatal(s.Len(), err)
	}
}

func TestWritePathsReference(t *testing.T) {
	// The reference's single path (foo $x (bar $x)).
	got := writePaths(t, setOf(exprFooBar))
	if got[0] != 0x78 || got[1] != 0xDA {
		t.Fatalf("starts % x, want 78 DA (level 7)", got[:2])
	}
	want := []byte{0x0C, 0x00, 0x00, 0x00, 0x03, 0xC3, 0x66, 0x6F, 0x6F, 0xC0, 0x02, 0xC3, 0x62, 0x61, 0x72, 0x80}
	if d := inflate(t, got); !bytes.Equal(d, want) {
		t.Fatalf("decompresses to % x, want % x", d, want)
	}
	// Sorted and deduplicated, whatever the Add order.
	got = writePaths(t, setOf(symFoo, exprVars, exprUnit, symFoo, exprFooBar))
	if d := inflate(t, got); !bytes.Equal(d, body(smallPaths...)) {
		t.Fatalf("decompresses to % x", d)
	}
}

func TestPathsRoundTrip(t *testing.T) {
	for name, s := range map[string]*Set{
		"small":     setOf(smallPaths...),
		"many":      setOf(genPaths(40000)...),
		"empty":     setOf(nil),
		"long path": setOf(bytes.Repeat([]byte("ab"), 300000), nil, []byte("b")),
	} {
		t.Run(name, func(t *testing.T) {
			data := writePaths(t, s)
			for _, r := range []io.Reader{bytes.NewReader(data), plain{bytes.NewReader(data)}, io.MultiReader(bytes.NewReader(data[:len(data)/2]), bytes.NewReader(data[len(data)/2:]))} {
				got, err := ReadPaths(r, nil)
				if err != nil {
					t.Fatal(err)
				}
				wantPaths(t, got, pathsOf(s))
				if again := writePaths(t, got); !bytes.Equal(again, data) {
					t.Fatal("Write(Read(x)) != x")
				}
			}
		})
	}
}

func TestReadPathsUnsorted(t *testing.T) {
	// MORK's .upaths: unsorted, with repeats, from any zlib writer.
	in := body(symFoo, exprUnit, symFoo, exprVars, exprFooBar, exprUnit, symFoo)
	for _, level := range []int{0, 1, 6, 9} {
		s, err := ReadPaths(bytes.NewReader(zlibOf(level, in)), nil)
		if err != nil {
			t.Fatal(err)
		}
		wantPaths(t, s, smallPaths)
		// Values: the index of the path's last record.
		for p, want := range map[string]uint64{string(symFoo): 6, string(exprUnit): 5, string(exprVars): 3, string(exprFooBar): 4} {
			if v, _ := s.Get([]byte(p)); v != want {
				t.Fatalf("value of %x is %d, want %d", p, v, want)
			}
		}
	}
	// EachPath gives file order, repeats included.
	var got [][]byte
	err := EachPath(bytes.NewReader(zlibOf(6, in)), nil, func(p []byte) error {
		got = append(got, bytes.Clone(p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]byte{symFoo, exprUnit, symFoo, exprVars, exprFooBar, exprUnit, symFoo}
	if len(got) != len(want) {
		t.Fatalf("%d paths, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("path %d: %x, want %x", i, got[i], want[i])
		}
	}
}

func TestReadPathsTable(t *testing.T) {
	small := body(smallPaths...)
	good := zlibOf(7, small)
	badAdler := bytes.Clone(good)
	badAdler[len(badAdler)-1] ^= 1
	for _, tc := range []struct {
		name string
		in   []byte
		lim  *Limits
		kind error
	}{
		{name: "empty input", in: nil, kind: errcode.ErrFormat},
		{name: "not zlib", in: []byte("PATHMAP1........"), kind: errcode.ErrFormat},
		{name: "raw records", in: small, kind: errcode.ErrFormat},
		{name: "Adler-32 mismatch", in: badAdler, kind: errcode.ErrChecksum},
		{name: "bytes after the stream", in: append(bytes.Clone(good), 0), kind: errcode.ErrFormat},
		{name: "second stream", in: append(bytes.Clone(good), good...), kind: errcode.ErrFormat},
		{name: "stream ends inside a length", in: zlibOf(7, append(bytes.Clone(small), 1, 0)), kind: errcode.ErrFormat},
		{name: "stream ends inside a path", in: zlibOf(7, append(bytes.Clone(small), 9, 0, 0, 0, 1)), kind: errcode.ErrFormat},
		{name: "preset dictionary", in: []byte{0x78, 0xBB, 0x12, 0x34, 0x56, 0x78, 3, 0, 0, 0, 0, 1}, kind: errcode.ErrUnsupported},
		{name: "MaxPaths", in: good, lim: &Limits{MaxPaths: 3}, kind: errcode.ErrLimit},
		{name: "MaxPathLen", in: good, lim: &Limits{MaxPathLen: 11}, kind: errcode.ErrLimit},
		{name: "4 GiB length", in: zlibOf(7, []byte{0xff, 0xff, 0xff, 0xff, 1}), kind: errcode.ErrLimit},
		{name: "2 GiB length, MaxPathLen raised", in: zlibOf(7, []byte{0xff, 0xff, 0xff, 0x7f, 1}), lim: &Limits{MaxPathLen: 1 << 33}, kind: errcode.ErrFormat},
		{name: "MaxDecompressed", in: good, lim: &Limits{MaxDecompressed: int64(len(small)) - 1}, kind: errcode.ErrLimit},
		{name: "bad limits", in: good, lim: &Limits{MaxPathLen: -5}, kind: errcode.ErrBadArg},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, r := range []io.Reader{bytes.NewReader(tc.in), plain{bytes.NewReader(tc.in)}} {
				_, err := ReadPaths(r, tc.lim)
				wantKind(t, err, tc.kind)
			}
		})
	}
	// Exactly at the limits: accepted.
	s, err := ReadPaths(bytes.NewReader(good), &Limits{MaxPaths: 4, MaxPathLen: 12, MaxDecompressed: int64(len(small))})
	if err != nil {
		t.Fatal(err)
	}
	wantPaths(t, s, smallPaths)
}

func TestEachPathCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := EachPath(bytes.NewReader(writePaths(t, setOf(smallPaths...))), nil, func([]byte) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Fatalf("n=%d err=%v", n, err)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestEachPathReaderError(t *testing.T) {
	data := writePaths(t, setOf(genPaths(5000)...))
	ioErr := errors.New("device gone")
	r := io.MultiReader(bytes.NewReader(data[:len(data)/2]), errReader{ioErr})
	if err := EachPath(r, nil, func([]byte) error { return nil }); !errors.Is(err, ioErr) {
		t.Fatalf("reader error not passed on: %v", err)
	}
}

// TestReadPathsTruncation reads every prefix of a .paths file: none is accepted.
func TestReadPathsTruncation(t *testing.T) {
	data := writePaths(t, setOf(genPaths(500)...))
	for n := 0; n < len(data); n++ {
		for _, r := range []io.Reader{bytes.NewReader(data[:n]), plain{bytes.NewReader(data[:n])}} {
			_, err := ReadPaths(r, nil)
			if err == nil {
				t.Fatalf("prefix of %d of %d bytes accepted", n, len(data))
			}
			if !errors.Is(err, errcode.ErrFormat) && !errors.Is(err, errcode.ErrChecksum) {
				t.Fatalf("prefix of %d bytes: %v", n, err)
			}
		}
	}
}

func TestZlibMagics(t *testing.T) {
	for level, want := range map[int][2]byte{1: {0x78, 0x01}, 4: {0x78, 0x5E}, 6: {0x78, 0x9C}, 7: {0x78, 0xDA}, 9: {0x78, 0xDA}} {
		got := zlibOf(level, body(symFoo))
		if [2]byte(got[:2]) != want {
			t.Fatalf("level %d starts % x, want % x", level, got[:2], want)
		}
		found := false
		for _, m := range ZlibMagics {
			found = found || m == want
		}
		if !found {
			t.Fatalf("ZlibMagics lacks % x", want)
		}
		if _, err := ReadPaths(bytes.NewReader(got), nil); err != nil {
			t.Fatal(err)
		}
	}
	if len(ZlibMagics) != 4 {
		t.Fatalf("%d magics", len(ZlibMagics))
	}
}
