package paths

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// fuzzLimits keep each fuzz input cheap.
var fuzzLimits = &Limits{MaxPaths: 1 << 12, MaxPathLen: 1 << 12, MaxDecompressed: 1 << 20}

// seedFormat adds every vector of a format to the corpus.
func seedFormat(f *testing.F, format string) {
	for _, v := range vectors() {
		if v.format != format {
			continue
		}
		b, err := os.ReadFile(filepath.Join(vectorDir, v.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// sameSet fails unless a and b hold the same paths.
func sameSet(t *testing.T, a, b *Set) {
	t.Helper()
	if a.Len() != b.Len() {
		t.Fatalf("%d paths, then %d", a.Len(), b.Len())
	}
	for i := range a.Len() {
		if !bytes.Equal(a.Path(i), b.Path(i)) {
			t.Fatalf("path %d: %x, then %x", i, a.Path(i), b.Path(i))
		}
	}
}

// FuzzReadPathMap1 reads arbitrary bytes as PATHMAP1, as they are and with
// the checksum made right (so the payload parsers are reached): never a
// panic, and a file read is written back, in the compression it had, to a
// file that reads to the same set.
func FuzzReadPathMap1(f *testing.F) {
	seedFormat(f, "pathmap1")
	f.Fuzz(func(t *testing.T, data []byte) {
		inputs := [][]byte{data}
		if len(data) >= HeaderSize+ChecksumSize {
			inputs = append(inputs, reseal(data))
		}
		for _, in := range inputs {
			s, h, err := ReadPathMap1(in, fuzzLimits)
			if err != nil {
				continue
			}
			var buf bytes.Buffer
			if err := WritePathMap1(&buf, s, h.Compression); err != nil {
				t.Fatal(err)
			}
			again, h2, err := ReadPathMap1(buf.Bytes(), nil)
			if err != nil {
				t.Fatalf("rewritten file: %v", err)
			}
			if h2.Compression != h.Compression || h2.Major != 1 || h2.Minor != 0 {
				t.Fatalf("rewritten header %+v", h2)
			}
			sameSet(t, s, again)
		}
	})
}

// FuzzReadPaths reads arbitrary bytes as .paths, and also deflated as the
// records of one: never a panic, and a set read is written back to a
// .paths file that reads to the same set.
func FuzzReadPaths(f *testing.F) {
	seedFormat(f, "paths")
	f.Add(body(smallPaths...))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, in := range [][]byte{data, zlibOf(6, data)} {
			s, err := ReadPaths(bytes.NewReader(in), fuzzLimits)
			if err != nil {
				continue
			}
			var buf bytes.Buffer
			if err := WritePaths(&buf, s); err != nil {
				t.Fatal(err)
			}
			again, err := ReadPaths(&buf, nil)
			if err != nil {
				t.Fatalf("rewritten file: %v", err)
			}
			sameSet(t, s, again)
		}
	})
}

// FuzzReadRecords reads arbitrary bytes as a record section, with the size
// known and unknown: never a panic, both agree, and a section read is
// appended back to the same bytes when its paths were sorted and distinct.
func FuzzReadRecords(f *testing.F) {
	seedFormat(f, "records")
	f.Fuzz(func(t *testing.T, data []byte) {
		var sized, unsized [][]byte
		n1, err1 := ReadRecords(bytes.NewReader(data), fuzzLimits, func(p []byte) error { sized = append(sized, bytes.Clone(p)); return nil })
		n2, err2 := ReadRecords(plain{bytes.NewReader(data)}, fuzzLimits, func(p []byte) error { unsized = append(unsized, bytes.Clone(p)); return nil })
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("sized: %v; unsized: %v", err1, err2)
		}
		if err1 != nil {
			return
		}
		if n1 != n2 || len(sized) != len(unsized) || uint64(len(sized)) != n1 {
			t.Fatalf("sized %d/%d, unsized %d/%d", n1, len(sized), n2, len(unsized))
		}
		s := setOf(sized...)
		out := AppendRecords(nil, s)
		strict := true
		for i := 1; i < len(sized); i++ {
			strict = strict && bytes.Compare(sized[i-1], sized[i]) < 0
		}
		if strict && !bytes.Equal(out, data[:len(out)]) {
			t.Fatalf("sorted section %x written back as %x", data, out)
		}
	})
}
