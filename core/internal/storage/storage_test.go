package storage

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

func TestMem(t *testing.T) {
	m := NewMem([]byte("abc"))
	if _, err := m.WriteAt([]byte("XY"), 5); err != nil || string(m.Snapshot()) != "abc\x00\x00XY" {
		t.Fatalf("write past end: %q %v", m.Snapshot(), err)
	}
	buf := make([]byte, 4)
	if n, err := m.ReadAt(buf, 5); n != 2 || err != io.EOF {
		t.Fatalf("short read: %d %v", n, err)
	}
	if err := m.Truncate(2); err != nil || m.Size() != 2 {
		t.Fatal("truncate down")
	}
	if err := m.Truncate(4); err != nil || string(m.Snapshot()) != "ab\x00\x00" {
		t.Fatalf("truncate up: %q", m.Snapshot())
	}
}

func TestFaulty(t *testing.T) {
	f := NewFaulty([]byte("0123"))
	f.WriteBudget = 3
	if n, err := f.WriteAt([]byte("abcdef"), 4); n != 3 || !errors.Is(err, ErrCrash) {
		t.Fatalf("cut write: %d %v", n, err)
	}
	if string(f.Snapshot()) != "0123abc" || string(f.Durable) != "0123" {
		t.Fatalf("after crash: %q durable %q", f.Snapshot(), f.Durable)
	}
	if _, err := f.WriteAt([]byte("z"), 0); !errors.Is(err, ErrCrash) {
		t.Fatal("write after crash")
	}
	g := NewFaulty(nil)
	g.SyncBudget = 1
	g.WriteAt([]byte("a"), 0)
	if g.Sync() != nil || string(g.Durable) != "a" {
		t.Fatal("first sync")
	}
	g.WriteAt([]byte("b"), 1)
	if !errors.Is(g.Sync(), ErrCrash) || string(g.Durable) != "a" {
		t.Fatal("second sync should crash and keep the synced state")
	}
}

func TestLockWriter(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	a, _ := os.Create(p)
	defer a.Close()
	unlock, err := LockWriter(a)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.OpenFile(p, os.O_RDWR, 0)
	defer b.Close()
	if _, err := LockWriter(b); !errors.Is(err, errcode.ErrLocked) {
		t.Fatalf("second lock: %v", err)
	}
	unlock()
	if u, err := LockWriter(b); err != nil {
		t.Fatalf("after unlock: %v", err)
	} else {
		u()
	}
	Preallocate(a, 1<<20) // must not change the length
	if st, _ := a.Stat(); st.Size() != 0 {
		t.Fatalf("preallocate changed the size to %d", st.Size())
	}
}

func TestOpenPath(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	os.WriteFile(p, []byte("mapped"), 0o644)
	ro, size, data, err := OpenPath(p, os.O_RDONLY)
	if err != nil || size != 6 || string(data) != "mapped" || ro.Unlock != nil {
		t.Fatalf("read-only: %v %d %q", err, size, data)
	}
	rw, _, wdata, err := OpenPath(p, os.O_RDWR)
	if err != nil || wdata != nil || rw.Unlock == nil {
		t.Fatalf("writable: %v", err)
	}
	if _, _, _, err := OpenPath(p, os.O_RDWR); !errors.Is(err, errcode.ErrLocked) {
		t.Fatalf("second writer: %v", err)
	}
	if err := rw.Release(); err != nil {
		t.Fatal(err)
	}
	if err := ro.Release(); err != nil || ro.File != nil {
		t.Fatal("release")
	}
	e := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(e, nil, 0o644)
	if o, n, d, err := OpenPath(e, os.O_RDONLY); err != nil || n != 0 || len(d) != 0 {
		t.Fatalf("empty file: %v", err)
	} else {
		o.Release()
	}
	if _, _, _, err := OpenPath(filepath.Join(t.TempDir(), "missing"), os.O_RDONLY); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing: %v", err)
	}
	if err := Empty(mustCreate(t, p)); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Size() != 0 {
		t.Fatal("Empty left contents")
	}
}

func mustCreate(t *testing.T, p string) *os.File {
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
