package storage

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

func heap(n int) ([]byte, error) { return make([]byte, n), nil }

// attach is Attach with a setup that keeps the Backing.
func attach(t *testing.T, open Opener) *Backing {
	t.Helper()
	b, err := Attach("test", open, func(b *Backing) (*Backing, error) { return b, nil })
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBackingBytes(t *testing.T) {
	data := []byte("the caller's bytes")
	ro := attach(t, OpenBytes(data, false))
	if ro.Name != "bytes" || ro.Writable() || ro.New || ro.Size != int64(len(data)) || &ro.Data[0] != &data[0] {
		t.Fatalf("read-only bytes: %+v (not a view of the caller's bytes?)", ro)
	}
	rw := attach(t, OpenBytes(data, true))
	if rw.Name != "memory" || !rw.Writable() || rw.New || rw.Mem == nil || rw.Data != nil {
		t.Fatalf("writable bytes: %+v", rw)
	}
	data[0] = 'T'
	for _, tc := range []struct {
		b    *Backing
		want string
	}{{ro, "The caller's bytes"}, {rw, "the caller's bytes"}} {
		img, inMemory, err := tc.b.ImageInto(heap)
		if err != nil || !inMemory || string(img) != tc.want {
			t.Fatalf("%s: image %q, inMemory %v, %v; want %q", tc.b.Name, img, inMemory, err, tc.want)
		}
	}
	for _, data := range [][]byte{nil, {}} {
		if b := attach(t, OpenBytes(data, true)); !b.New || !b.Writable() || b.Name != "memory" {
			t.Fatalf("writable over no bytes: %+v", b)
		}
	}
	if b := attach(t, Create("")); !b.New || b.Mem == nil || b.Name != "memory" {
		t.Fatalf(`Create(""): %+v`, b)
	}
	if _, err := OpenReader(bytes.NewReader(data), -1)(); !errors.Is(err, errcode.ErrBadArg) {
		t.Fatalf("a reader of negative size: %v", err)
	}
}

func TestBackingClose(t *testing.T) {
	b := attach(t, OpenBytes(nil, true))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); !errors.Is(err, errcode.ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
	if err := b.CheckOpen(); !errors.Is(err, errcode.ErrClosed) {
		t.Fatalf("CheckOpen after Close: %v", err)
	}
	if _, _, err := b.ImageInto(heap); !errors.Is(err, errcode.ErrClosed) {
		t.Fatalf("ImageInto after Close: %v", err)
	}
	if b.Writable() {
		t.Fatal("writable after Close")
	}
}

func TestBackingPath(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("old contents"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := attach(t, Create(p))
	if !w.New || !w.Writable() || !w.OnDisk() || w.Path() != p || w.Size != 0 {
		t.Fatalf("Create: %+v", w)
	}
	if _, err := Create(p)(); !errors.Is(err, errcode.ErrLocked) {
		t.Fatalf("a second Create: %v", err)
	}
	if fi, err := os.Stat(p); err != nil || fi.Size() != 0 {
		t.Fatalf("Create did not empty the file (%v)", err)
	}
	if _, err := w.W.WriteAt([]byte("abc"), 0); err != nil {
		t.Fatal(err)
	}
	if img, inMemory, err := w.ImageInto(heap); img != nil || inMemory || err != nil {
		t.Fatalf("ImageInto on disk: %q %v %v", img, inMemory, err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// A setup that fails releases the Backing: its lock is free again.
	boom := errors.New("boom")
	if _, err := Attach("test", Open(p, true), func(*Backing) (int, error) { return 0, boom }); err != boom {
		t.Fatalf("Attach: %v", err)
	}
	if err := attach(t, Open(p, true)).Close(); err != nil {
		t.Fatal(err)
	}
	r := attach(t, Open(p, false))
	if r.Writable() || string(r.Data) != "abc" || r.Size != 3 {
		t.Fatalf("read-only open: %+v", r)
	}
	if img, inMemory, err := r.ImageInto(heap); img != nil || inMemory || err != nil {
		t.Fatalf("ImageInto of a mapped file: %q %v %v", img, inMemory, err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestBackingRefresh(t *testing.T) {
	for _, keep := range []bool{false, true} {
		p := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(p, []byte("one"), 0o644); err != nil {
			t.Fatal(err)
		}
		r := attach(t, Open(p, false))
		r.KeepMaps = keep
		grow := func(s string) {
			fh, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			fh.WriteString(s)
			fh.Close()
		}
		grow(" two")
		// A load that fails leaves the Backing as it was.
		if ok, err := r.Refresh(func(next *Backing) error { return errcode.ErrFormat }); ok || err != errcode.ErrFormat || string(r.Data) != "one" {
			t.Fatalf("failed load: %v %v, data %q", ok, err, r.Data)
		}
		var seen string
		if ok, err := r.Refresh(func(next *Backing) error { seen = string(next.Data); return nil }); !ok || err != nil {
			t.Fatalf("Refresh: %v %v", ok, err)
		}
		if seen != "one two" || string(r.Data) != "one two" || r.Size != 7 {
			t.Fatalf("after Refresh: load saw %q, data %q", seen, r.Data)
		}
		// A writer that compacts renames a new file over the path.
		tmp := p + ".new"
		if err := os.WriteFile(tmp, []byte("three"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, p); err != nil {
			t.Fatal(err)
		}
		if ok, err := r.Refresh(func(*Backing) error { return nil }); !ok || err != nil || string(r.Data) != "three" || !SamePath(r.OS.File, p) {
			t.Fatalf("Refresh after a rename: %v %v, data %q", ok, err, r.Data)
		}
		if want := map[bool]int{false: 0, true: 2}[keep]; len(r.retired) != want {
			t.Fatalf("KeepMaps %v: %d mappings kept, want %d", keep, len(r.retired), want)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// Writable and in-memory Backings are current: nothing to do.
	for _, b := range []*Backing{attach(t, Create("")), attach(t, OpenBytes([]byte("x"), false))} {
		if ok, err := b.Refresh(func(*Backing) error { t.Fatal("load called"); return nil }); ok || err != nil {
			t.Fatalf("%s: %v %v", b.Name, ok, err)
		}
	}
}
