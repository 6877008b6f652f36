package vsf

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/codec"
)

// fuzzLimits keep a fuzz input's reads small.
var fuzzLimits = &Limits{MaxDepth: 16, MaxLabels: 1 << 10, MaxFields: 1 << 12, MaxDims: 8,
	MaxElements: 1 << 20, MaxDecompressed: 1 << 20, MaxRatio: 64}

// fileFuzzSeeds are the shared vectors and hand-made hostile files.
func fileFuzzSeeds(f *testing.F) [][]byte {
	paths, _ := filepath.Glob(filepath.Join(vsfVectorDir, "*.vsf"))
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	zeros, _ := codec.Compress(codec.Zstd, nil, make([]byte, 1<<16), 0)
	deep := secBytes("a", append(bytes.Repeat(field("x", []byte{markSecOpen})[:7], 20), bytes.Repeat([]byte{markSecEnd, markLabelEnd}, 20)...))
	out = append(out,
		signedFile(f, true), signedFile(f, false), smallCrate(f),
		oneSection("a", 0, &Wrap{Alg: WrapZstd, RawSize: 1 << 16}, zeros),
		oneSection("a", 0, &Wrap{Alg: WrapZstd, RawSize: 1 << 40}, zeros),
		oneSection("a", 1, nil, deep),
		oneSection("a", 2, nil, secBytes("a", field("x", []byte{markUint, '3', 1}))),
		oneSection("a", 1, nil, secBytes("a", field("x", unhexQuiet("74 33 02 75 33 35 00100000 35 00100000")))),
		craft(func(uint64) []byte { return unhexQuiet("7A 33 02 79 33 01 6E 36 FFFFFFFFFFFFFFFF 3E") }, nil),
		craft(labelsBody(func(h uint64) []Label {
			return []Label{{Name: "a", Offset: h, Size: 6}, {Name: "b", Offset: h + 5, Size: 5}}
		}), make([]byte, 10)),
		headerWith(f, "count", wide128),
	)
	return out
}

// FuzzOpen: any bytes either fail to open or open into a file whose every
// section, raw bytes, lookup, summary and verification can be read without
// a panic; Convert to the other form does not panic, and what it writes
// opens; a file that verifies commits again (writable, in memory) into a
// file that verifies and holds the same sections.
func FuzzOpen(f *testing.F) {
	for _, b := range fileFuzzSeeds(f) {
		f.Add(b)
	}
	opt := &Options{Limits: fuzzLimits}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := OpenBytes(data, opt)
		if err != nil {
			if errcode.Of(err) == errcode.Internal {
				t.Fatalf("open: %v", err)
			}
			return
		}
		readAll(r)
		verr := r.Verify()
		to := FormCrate
		if r.Form() == FormCrate {
			to = FormSeed
		}
		if out, err := Convert(data, to, fuzzLimits, true); err == nil {
			c, err := OpenBytes(out, nil)
			if err != nil {
				t.Fatalf("Convert wrote a file that does not open: %v", err)
			}
			if err := c.Verify(); err != nil && !errors.Is(err, errcode.ErrLimit) {
				t.Fatalf("Convert wrote a file that does not verify: %v", err)
			}
		} else if errcode.Of(err) == errcode.Internal {
			t.Fatalf("Convert: %v", err)
		}
		if verr != nil {
			return
		}
		w, err := NewMem(data, opt)
		if err != nil {
			t.Fatalf("a file that verifies does not open writable: %v", err)
		}
		if _, err := w.Builder(); err != nil {
			t.Fatal(err)
		}
		if err := w.Commit(); err != nil {
			t.Fatalf("commit of a file that verifies: %v", err)
		}
		img, _ := w.Bytes()
		again, err := OpenBytes(img, opt)
		if err != nil {
			t.Fatalf("the committed file does not open: %v", err)
		}
		if err := again.Verify(); err != nil {
			t.Fatalf("the committed file does not verify: %v", err)
		}
		before, after := r.Labels(), again.Labels()
		if len(before) != len(after) {
			t.Fatalf("%d sections became %d", len(before), len(after))
		}
		for i := range before {
			x, _ := r.Stored(before[i].Name)
			y, _ := again.Stored(after[i].Name)
			if before[i].Name != after[i].Name || !bytes.Equal(x, y) {
				t.Fatalf("section %q changed in the commit", before[i].Name)
			}
		}
	})
}

// FuzzHeader: parseHeader never panics, and a header it accepts keeps its
// promises: its length within the file, every section after it and within
// the file, no two overlapping, no two names alike.
func FuzzHeader(f *testing.F) {
	for _, b := range fileFuzzSeeds(f) {
		f.Add(b)
	}
	lim, _ := fuzzLimits.resolve()
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := parseHeader(data, lim)
		if err != nil {
			if errcode.Of(err) == errcode.Internal {
				t.Fatalf("parseHeader: %v", err)
			}
			return
		}
		if h.Len > uint64(len(data)) || h.Len < uint64(len(Magic)) || data[h.Len-1] != markHeaderEnd {
			t.Fatalf("header of %d bytes in a file of %d", h.Len, len(data))
		}
		if (h.FileHash != nil) != (h.Form == FormCrate) || h.Backward > ReadVersion || h.Version < h.Backward {
			t.Fatalf("header %+v", h)
		}
		names := map[string]bool{}
		for i, l := range h.Labels {
			if l.Offset < h.Len || l.End() < l.Offset || l.End() > uint64(len(data)) || names[l.Name] {
				t.Fatalf("label %+v in a file of %d with a header of %d", l, len(data), h.Len)
			}
			names[l.Name] = true
			for _, m := range h.Labels[:i] {
				if l.Offset < m.End() && m.Offset < l.End() {
					t.Fatalf("labels %q and %q overlap", l.Name, m.Name)
				}
			}
		}
		// The labels written again read back the same.
		var enc []byte
		for i := range h.Labels {
			enc = appendLabel(enc, &h.Labels[i])
		}
		d := &decoder{b: enc, lim: lim}
		for i := range h.Labels {
			l, err := d.label()
			if err != nil || l.Name != h.Labels[i].Name || l.Offset != h.Labels[i].Offset || l.Size != h.Labels[i].Size || l.Count != h.Labels[i].Count {
				t.Fatalf("label %d does not read back: %+v, %v", i, l, err)
			}
		}
	})
}
