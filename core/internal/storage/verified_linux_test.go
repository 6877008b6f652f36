package storage

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestVerifiedRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	open := func() *Backing {
		t.Helper()
		b, err := Open(path, false)()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	}
	// Times too close to now: not recorded (a change in the same clock
	// tick would not show).
	now := time.Now()
	if err := os.Chtimes(path, now, now); err != nil {
		t.Fatal(err)
	}
	b0 := open()
	k0, _ := b0.ChunkKey(0, 4096, "sum")
	MarkVerified(k0)
	if b0.WasVerified(k0, b0.Data[:4096]) {
		t.Fatal("a file changed just now was recorded")
	}
	b0.Close()
	// Old enough: recorded.
	old := now.Add(-time.Minute)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	time.Sleep(30 * time.Millisecond) // Chtimes set the change time to now

	b1 := open()
	k1, ok := b1.ChunkKey(4096, 8192, "sum")
	if !ok {
		t.Fatal("a mapped file has no chunk key")
	}
	rng := b1.Data[4096 : 4096+8192]
	sum := 0
	for _, c := range rng { // fault the pages in
		sum += int(c)
	}
	if b1.WasVerified(k1, rng) {
		t.Fatal("verified before it was marked")
	}
	MarkVerified(k1)
	if !resident(rng) {
		t.Fatal("mincore: pages just read are not resident")
	}
	if all, known := cachedWhole(b1.OS.File, 4096, 8192); !all || !known {
		t.Fatalf("cachestat: pages just read: all %v, known %v", all, known)
	}
	if !b1.WasVerified(k1, rng) {
		t.Fatal("marked, resident, but not verified")
	}

	// A second open of the same file: the same key, and the record holds.
	b2 := open()
	k2, _ := b2.ChunkKey(4096, 8192, "sum")
	if k2 != k1 || !b2.WasVerified(k2, b2.Data[4096:4096+8192]) {
		t.Fatalf("second open: key %+v, first %+v", k2, k1)
	}
	// Another range, or another expected checksum, is not verified.
	if k, _ := b2.ChunkKey(0, 8192, "sum"); b2.WasVerified(k, b2.Data[:8192]) {
		t.Fatal("a range never marked counts as verified")
	}
	if k, _ := b2.ChunkKey(4096, 8192, "other"); b2.WasVerified(k, rng) {
		t.Fatal("another checksum counts as verified")
	}

	// Pages dropped from memory (the file synced, so they are clean, and no
	// longer mapped): not verified until hashed again.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b1.Close()
	b2.Close()
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		t.Fatal(err)
	}
	b3 := open()
	k3, _ := b3.ChunkKey(4096, 8192, "sum")
	if k3 != k1 {
		t.Fatal("the same file, a different key")
	}
	// Both probes agree that the pages are gone (cachestat, and mincore,
	// the fallback on kernels before 6.5).
	if resident(b3.Data[4096 : 4096+8192]) {
		t.Fatal("mincore: dropped pages are resident")
	}
	if all, known := cachedWhole(b3.OS.File, 4096, 8192); all || !known {
		t.Fatalf("cachestat: dropped pages: all %v, known %v", all, known)
	}
	if b3.WasVerified(k3, b3.Data[4096:4096+8192]) {
		t.Fatal("pages not in memory count as verified")
	}

	// The file changed: a new version, a new key.
	data[5000] ^= 1
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	b4 := open()
	k4, _ := b4.ChunkKey(4096, 8192, "sum")
	if k4.V == k1.V {
		t.Fatal("a rewritten file has the same version")
	}

	// Writable and in-memory backings have no key.
	if _, ok := memory(nil).ChunkKey(0, 1, "sum"); ok {
		t.Fatal("memory backing has a key")
	}
	w, err := Open(path, true)()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, ok := w.ChunkKey(0, 1, "sum"); ok {
		t.Fatal("writable backing has a key")
	}
}

func TestRacyTimes(t *testing.T) {
	sec := int64(time.Second)
	for _, c := range []struct {
		v    FileVersion
		now  int64
		racy bool
	}{
		{FileVersion{Mtime: 100*sec + 5, Ctime: 100*sec + 5}, 100*sec + 5 + 15e6, true},
		{FileVersion{Mtime: 100*sec + 5, Ctime: 100*sec + 5}, 100*sec + 5 + 25e6, false},
		{FileVersion{Mtime: 100*sec + 5, Ctime: 200 * sec}, 200*sec + 15e6, true}, // the later of the two times counts
		{FileVersion{Mtime: 100 * sec, Ctime: 100 * sec}, 101 * sec, true},        // whole seconds: 2 s
		{FileVersion{Mtime: 100 * sec, Ctime: 100 * sec}, 102*sec + 1, false},
	} {
		if got := racy(c.v, c.now); got != c.racy {
			t.Errorf("racy(%+v, %d) = %v", c.v, c.now, got)
		}
	}
}
