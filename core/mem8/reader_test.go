package mem8

import (
	"encoding/binary"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// headerWith returns a file with one block whose header field at off is v
// (a float64), with the CRC fixed so open gets past it.
func headerWith(t *testing.T, off int, v float64) []byte {
	t.Helper()
	f, _ := NewMem(nil, &Options{NoSync: true})
	f.Append([]byte("memory"), 0.5)
	b := f.Bytes()
	binary.LittleEndian.PutUint64(b[off:], math.Float64bits(v))
	h := header(b[:HeaderSize])
	h.seal()
	copy(b, h[:])
	return b
}

// Regression: a header whose identity_freq (or temporal_phase) is NaN or
// infinite opened fine and then broke every JSON surface (inspect -json,
// convert, pf_mem8_info: PF_EINTERNAL). It is malformed: PF_EFORMAT at open.
func TestOpenNonFiniteHeader(t *testing.T) {
	for _, c := range []struct {
		name string
		off  int
		v    float64
	}{
		{"identity_freq NaN", 10, math.NaN()},
		{"identity_freq +Inf", 10, math.Inf(1)},
		{"identity_freq -Inf", 10, math.Inf(-1)},
		{"temporal_phase NaN", 18, math.NaN()},
		{"temporal_phase +Inf", 18, math.Inf(1)},
	} {
		b := headerWith(t, c.off, c.v)
		field := strings.Fields(c.name)[0]
		if _, err := OpenBytes(b, nil); errcode.Of(err) != errcode.Format || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: read-only open: %v", c.name, err)
		}
		if _, err := NewMem(b, nil); errcode.Of(err) != errcode.Format {
			t.Errorf("%s: read-write open: %v", c.name, err)
		}
		// The seed's format (no CRC) is refused the same way.
		plain := headerWith(t, c.off, c.v)
		plain[5] = 0
		if _, err := OpenBytes(plain, nil); errcode.Of(err) != errcode.Format {
			t.Errorf("%s: flags 0: %v", c.name, err)
		}
	}
	// Finite values, however odd, are valid and survive export.
	b := headerWith(t, 10, -1e300)
	f, err := OpenBytes(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ExportJSON(f); err != nil {
		t.Errorf("export: %v", err)
	}
}

func TestCreateNonFinite(t *testing.T) {
	for _, o := range []*Options{{IdentityFreq: math.NaN()}, {IdentityFreq: math.Inf(1)}, {TemporalPhase: math.NaN()}} {
		if _, err := NewMem(nil, o); errcode.Of(err) != errcode.BadArg {
			t.Errorf("%+v: %v", o, err)
		}
	}
}

// VerifyCommitted passes over a torn append (what a writer drops) but not
// a header that claims blocks the file does not hold; Verify fails both.
func TestVerifyCommitted(t *testing.T) {
	for _, c := range []struct {
		file      string
		committed bool
	}{{"torn_tail.m8", true}, {"header_count_too_big.m8", false}, {"three_blocks_fixed_ts.m8", true}} {
		f, err := Open(filepath.Join("..", "testdata", "mem8", c.file))
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		clean := f.Recovery().Clean()
		if err := f.Verify(); (err == nil) != clean {
			t.Errorf("%s: Verify %v with recovery %+v", c.file, err, f.Recovery())
		}
		if err := f.VerifyCommitted(); (err == nil) != c.committed {
			t.Errorf("%s: VerifyCommitted %v, want ok %v", c.file, err, c.committed)
		}
		f.Close()
	}
}

// TestStaleHeaderKeepsIntactBlocks: the blocks past a header's count (a
// NoSync writer rewrites it only now and then) are kept while each is
// intact — structure, padding, signature, chain link — and the first one
// that is not ends the file, its token definition unused.
func TestStaleHeaderKeepsIntactBlocks(t *testing.T) {
	f, err := NewMem(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		if _, err := f.AppendRecord(lazyRecord(i)); err != nil {
			t.Fatal(err)
		}
	}
	full := f.Bytes()
	stale := func(edit func(img []byte)) []byte {
		img := append([]byte(nil), full...)
		var h header
		copy(h[:], img)
		h.setBlockCount(4)
		h.seal()
		copy(img, h[:])
		if edit != nil {
			edit(img)
		}
		return img
	}
	at := func(i int) int { return int(blockOffset(uint64(i))) }
	if _, err := OpenBytes(stale(nil), &Options{Limits: &Limits{MaxBlocks: 11}}); !errors.Is(err, errcode.ErrLimit) {
		t.Fatalf("12 intact blocks with MaxBlocks 11: %v", err)
	}
	if r, err := OpenBytes(stale(nil), &Options{Limits: &Limits{MaxBlocks: 12}}); err != nil || r.Count() != 12 {
		t.Fatalf("12 intact blocks with MaxBlocks 12: %v", err)
	}
	for _, c := range []struct {
		name string
		edit func(img []byte)
		keep int
	}{
		{"intact", nil, 12},
		{"content", func(img []byte) { img[at(7)+blockHead] ^= 1 }, 7},
		{"prev_hash", func(img []byte) { img[at(7)+40] ^= 1 }, 7},
		{"padding", func(img []byte) { img[at(9)+3000] = 1 }, 9},
		{"index", func(img []byte) { img[at(5)] = 9 }, 5},
		{"timestamp of the block before a link", func(img []byte) { img[at(6)+24] ^= 1 }, 7},
		{"token definition's block", func(img []byte) { img[at(7)+blockHead+1] ^= 1 }, 7},
	} {
		t.Run(c.name, func(t *testing.T) {
			img := stale(c.edit)
			r, err := OpenBytes(img, nil)
			if err != nil {
				t.Fatal(err)
			}
			rec := r.Recovery()
			if int(r.Count()) != c.keep || rec.HeaderBlocks != 4 || rec.DroppedBytes != int64(len(img))-blockOffset(uint64(c.keep)) || rec.Clean() != (c.keep == 12) {
				t.Fatalf("%d blocks, recovery %+v; want %d", r.Count(), rec, c.keep)
			}
			if err := r.VerifyCommitted(); err != nil {
				t.Fatalf("verify committed: %v", err)
			}
			if err := r.Verify(); (err == nil) != (c.keep == 12) {
				t.Fatalf("verify: %v", err)
			}
			if _, ok := r.Tokens().Lookup("t7"); ok != (c.keep > 7) {
				t.Fatalf("token t7 known: %v, with %d blocks", ok, c.keep)
			}
			w, err := NewMem(img, nil)
			if err != nil || int(w.Count()) != c.keep {
				t.Fatalf("read-write open: %v, %d blocks", err, w.Count())
			}
			if _, err := w.AppendRecord(Record{Content: []byte("next"), Token: "t7"}); err != nil {
				t.Fatal(err)
			}
			if err := w.Verify(); err != nil {
				t.Fatalf("verify after repair and append: %v", err)
			}
		})
	}
}
