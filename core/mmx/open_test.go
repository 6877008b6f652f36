package mmx

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/hostile"
	"github.com/polyfmt/polyfmt/core/internal/storage"
)

// hostileBase is a valid file with a large committed chunk before its last
// directory, so that a recovery that reads more than the tail shows.
func hostileBase(t *testing.T) ([]byte, map[string]string) {
	t.Helper()
	f, err := NewMem(nil, &Options{Creator: "hostile"})
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("MMXTAIL\x00"), 1<<17) // 1 MiB of magics: chunk bytes must not fool the scan
	if err := f.WriteTensor("big", &Tensor{DType: Uint8, Shape: []uint64{uint64(len(big))}, Data: big}, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.WriteText("notes/committed", &Text{Content: "must stay reachable"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	return f.Bytes(), state(t, f)
}

// openBoth opens img read-only and for writing (repair), checks both show
// want and that the repaired file reopens clean, and returns the read-only
// File.
func openBoth(t *testing.T, img []byte, opt *Options, want map[string]string) *File {
	t.Helper()
	r, err := OpenBytes(img, opt)
	if err != nil {
		t.Fatalf("read-only open: %v", err)
	}
	if got := state(t, r); !maps.Equal(got, want) {
		t.Fatalf("read-only open shows %v", keys(got))
	}
	w, err := NewMem(img, opt)
	if err != nil {
		t.Fatalf("writable open: %v", err)
	}
	if got := state(t, w); !maps.Equal(got, want) {
		t.Fatalf("writable open shows %v", keys(got))
	}
	if err := w.Compact(); err != nil {
		t.Fatalf("compact after repair: %v", err)
	}
	again, err := OpenBytes(w.Bytes(), opt)
	if err != nil || !again.Recovery().Clean() {
		t.Fatalf("reopen after repair: %v %+v", err, again.Recovery())
	}
	return r
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.ReaderAt
	n uint64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += uint64(n)
	return n, err
}

// Defect 4: a tail of n trailers naming offset 4096 made recovery read the
// whole file once per trailer. Now each costs a 24-byte head read, and the
// bytes read are linear in the tail, not in the file.
func TestRecoveryTrailerFloodLinear(t *testing.T) {
	base, want := hostileBase(t)
	read := map[int]uint64{}
	for _, n := range []int{1 << 10, 1 << 12, 1 << 14} {
		img := hostile.TrailerFlood(base, n)
		r := openBoth(t, img, nil, want)
		if d := r.Recovery().DroppedBytes; d != int64(n*hostile.TrailerSize) {
			t.Fatalf("n=%d: dropped %d bytes, want %d", n, d, n*hostile.TrailerSize)
		}
		tail := uint64(len(img)) - r.recOff // the flood and the record that holds
		limit := recoveryFactor*tail + 2*scanWindowMin
		// Through a plain io.ReaderAt every byte open reads is counted.
		cr := &countingReader{r: bytes.NewReader(img)}
		if _, err := NewReader(cr, int64(len(img)), nil); err != nil {
			t.Fatal(err)
		}
		if cr.n > limit {
			t.Fatalf("n=%d: open read %d bytes for a tail of %d (limit %d; the file is %d)", n, cr.n, tail, limit, len(img))
		}
		// OpenBytes hashes the mapping in place; the counter covers it.
		if r.recoveryRead > limit {
			t.Fatalf("n=%d: recovery read %d bytes for a tail of %d (limit %d; the file is %d)", n, r.recoveryRead, tail, limit, len(img))
		}
		read[n] = cr.n
	}
	// 16× the trailers, at most ~16× the bytes (the record's own cost is shared).
	if read[1<<14] > 17*read[1<<10] {
		t.Fatalf("bytes read grow faster than the tail: %v", read)
	}
}

// Defect 4, crafted heads: candidates whose heads all match make recovery
// hash their records; the budget stops it with ErrFormat, having read a
// bounded multiple of the tail, instead of hashing n × the file.
func TestRecoveryBudgetCraftedHeads(t *testing.T) {
	base, want := hostileBase(t)
	// A few crafted candidates fit in the budget: the commit stays reachable.
	openBoth(t, hostile.CraftedHeads(base, 3, 64<<10), nil, want)

	img := hostile.CraftedHeads(base, 400, 256<<10)
	r, err := OpenBytes(img, nil)
	if err == nil || errcode.Of(err) != errcode.Format || !strings.Contains(err.Error(), "recovery gave up") {
		t.Fatalf("open of 400 crafted candidates: %v, want ErrFormat naming the budget", err)
	}
	if r != nil {
		t.Fatal("a File came back with the error")
	}
	// Measure the bytes read on the failed open through a File kept by hand.
	f := &File{store: &storage.Backing{R: storage.Bytes(img), Data: img, Name: "bytes"}, lim: DefaultLimits}
	if _, err := f.lastRecord(uint64(len(img))); err == nil {
		t.Fatal("lastRecord found a record")
	}
	tail := uint64(len(img) - len(base))
	if limit := recoveryFactor*tail + recoverySlack + 2*scanWindowMax; f.recoveryRead > limit {
		t.Fatalf("recovery read %d bytes for a tail of %d (limit %d)", f.recoveryRead, tail, limit)
	}
}

// Defect 5: a candidate whose record would exceed MaxDirectoryBytes was an
// error that hid the committed state before it. It is passed over now.
func TestRecoveryOverLimitCandidateSkipped(t *testing.T) {
	base, want := hostileBase(t)
	lim := &Options{Limits: &Limits{MaxDirectoryBytes: 256 << 10}}

	// The repro's shape: zeros, then one trailer naming offset 4096.
	m := storage.NewMem(nil)
	size, err := hostile.ZerosThenTrailer(m, base, 512<<10)
	if err != nil || size != m.Size() {
		t.Fatal(err)
	}
	r := openBoth(t, m.Snapshot(), lim, want)
	if d := r.Recovery().DroppedBytes; d != 512<<10+hostile.TrailerSize {
		t.Fatalf("dropped %d", d)
	}

	// A candidate whose head matches and whose record is over the limit.
	img := hostile.CraftedHeads(base, 1, 300<<10)
	openBoth(t, img, lim, want)

	// With no valid record left, that candidate is the error.
	for i := 0; i < len(base); {
		j := bytes.Index(img[i:len(base)], []byte(tailMagic))
		if j < 0 {
			break
		}
		img[i+j] = 'X' // every trailer of base's own records
		i += j + 1
	}
	_, err = OpenBytes(img, lim)
	if !errors.Is(err, errcode.ErrLimit) || !strings.Contains(err.Error(), "limit 262144") {
		t.Fatalf("open with only an over-limit candidate: %v", err)
	}
}

// Defect 5 on disk, as reported: every open, a writable open and Compact
// reach the commit before a long run of zeros (a sparse file) and a trailer.
func TestRecoveryZerosThenTrailerFile(t *testing.T) {
	base, want := hostileBase(t)
	path := filepath.Join(t.TempDir(), "zeros.mmx")
	osf, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hostile.ZerosThenTrailer(osf, base, 8<<20); err != nil {
		t.Fatal(err)
	}
	osf.Close()
	opt := &Options{Limits: &Limits{MaxDirectoryBytes: 1 << 20}}
	r, err := OpenFile(path, os.O_RDONLY, opt)
	if err != nil {
		t.Fatal(err)
	}
	if got := state(t, r); !maps.Equal(got, want) || r.Recovery().DroppedBytes != 8<<20+hostile.TrailerSize {
		t.Fatalf("read-only: %v %+v", keys(got), r.Recovery())
	}
	r.Close()
	w, err := OpenFile(path, os.O_RDWR, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !w.Recovery().Repaired {
		t.Fatalf("writable open did not repair: %+v", w.Recovery())
	}
	if err := w.Compact(); err != nil {
		t.Fatal(err)
	}
	if got := state(t, w); !maps.Equal(got, want) {
		t.Fatalf("after compact: %v", keys(got))
	}
	w.Close()
	fi, _ := os.Stat(path)
	if fi.Size() > int64(len(base))+64<<10 {
		t.Fatalf("compacted file is %d bytes", fi.Size())
	}
}

// A header naming a committed directory that is no longer valid is damage:
// the file must not open as empty (a writable open used to truncate every
// committed chunk away).
func TestRecoveryHeaderNamesMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.mmx")
	f, err := Create(path, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.WriteText("a", &Text{Content: "committed"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	img, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Damage every directory record's JSON, so no candidate validates.
	bad := bytes.ReplaceAll(img, []byte(`"chunks"`), []byte(`"chunkz"`))
	if bytes.Equal(bad, img) {
		t.Fatal("no directory JSON found to damage")
	}
	if err := os.WriteFile(path, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); !errors.Is(err, errcode.ErrFormat) || !strings.Contains(err.Error(), "names directory generation") {
		t.Fatalf("read-only open: %v", err)
	}
	if _, err := OpenFile(path, os.O_RDWR, nil); !errors.Is(err, errcode.ErrFormat) {
		t.Fatalf("writable open: %v", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(after, bad) {
		t.Fatal("a failed writable open changed the file")
	}
}
