package storage

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/jsonx"
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

// writeOwner plants a sidecar for the data file at p, as another writer
// would have left it.
func writeOwner(t *testing.T, p string, o Owner) []byte {
	t.Helper()
	b, err := jsonx.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if err := os.WriteFile(p+SidecarSuffix, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}

// deadPID is the pid of a process that has exited and been reaped.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func TestSidecar(t *testing.T) {
	host, _ := os.Hostname()
	me := Owner{PID: os.Getpid(), Host: host, Flock: hasFlock}
	t.Run("created and removed", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "f")
		os.WriteFile(p, []byte("data"), 0o644)
		w, _, _, err := OpenPath(p, os.O_RDWR)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := readOwner(p + SidecarSuffix)
		if err != nil || got != me {
			t.Fatalf("sidecar: %+v %v, want %+v", got, err, me)
		}
		if err := w.Release(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(p + SidecarSuffix); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("sidecar left after Release: %v", err)
		}
	})
	t.Run("second native writer refused by flock", func(t *testing.T) {
		if !hasFlock {
			t.Skip("no flock on this platform")
		}
		p := filepath.Join(t.TempDir(), "f")
		os.WriteFile(p, nil, 0o644)
		w, _, _, err := OpenPath(p, os.O_RDWR)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Release()
		_, _, _, err = OpenPath(p, os.O_RDWR)
		if !errors.Is(err, errcode.ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", me.PID)) {
			t.Fatalf("second writer: %v", err)
		}
		if _, err := CreatePath(p); !errors.Is(err, errcode.ErrLocked) {
			t.Fatalf("create over a held file: %v", err)
		}
		if _, err := os.Stat(p + SidecarSuffix); err != nil {
			t.Fatalf("the refused writer removed the holder's sidecar: %v", err)
		}
	})
	for _, c := range []struct {
		name  string
		owner Owner
	}{
		{"live pid without flock (a wasm writer)", Owner{PID: os.Getpid(), Host: host}},
		{"unknown pid", Owner{PID: 0, Host: host}},
		{"another host", Owner{PID: 1, Host: host + ".elsewhere", Flock: true}},
	} {
		t.Run("refused: "+c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f")
			os.WriteFile(p, []byte("keep"), 0o644)
			rec := writeOwner(t, p, c.owner)
			_, _, _, err := OpenPath(p, os.O_RDWR)
			if !errors.Is(err, errcode.ErrLocked) || !strings.Contains(err.Error(), c.owner.String()) || !strings.Contains(err.Error(), p+SidecarSuffix) {
				t.Fatalf("open: %v", err)
			}
			if _, err := CreatePath(p); !errors.Is(err, errcode.ErrLocked) {
				t.Fatalf("create: %v", err)
			}
			if b, _ := os.ReadFile(p); string(b) != "keep" {
				t.Fatalf("a refused create truncated the file: %q", b)
			}
			if b, _ := os.ReadFile(p + SidecarSuffix); string(b) != string(rec) {
				t.Fatalf("the holder's sidecar changed: %q", b)
			}
		})
	}
	t.Run("refused: unreadable", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "f")
		os.WriteFile(p+SidecarSuffix, nil, 0o644) // a writer between create and write
		os.WriteFile(p, nil, 0o644)
		if _, _, _, err := OpenPath(p, os.O_RDWR); !errors.Is(err, errcode.ErrLocked) || !strings.Contains(err.Error(), "unreadable") {
			t.Fatalf("open: %v", err)
		}
	})
	for _, c := range []struct {
		name  string
		owner Owner
	}{
		{"dead pid", Owner{PID: deadPID(t), Host: host}},
		{"flock holder gone (pid reused)", Owner{PID: os.Getpid(), Host: host, Flock: true}},
	} {
		t.Run("stale replaced: "+c.name, func(t *testing.T) {
			if c.owner.Flock && !hasFlock {
				t.Skip("no flock on this platform")
			}
			p := filepath.Join(t.TempDir(), "f")
			os.WriteFile(p, nil, 0o644)
			writeOwner(t, p, c.owner)
			w, err := CreatePath(p)
			if err != nil {
				t.Fatal(err)
			}
			if got, _, _ := readOwner(p + SidecarSuffix); got != me {
				t.Fatalf("sidecar after reclaim: %+v", got)
			}
			if err := w.Release(); err != nil {
				t.Fatal(err)
			}
			if ents, _ := os.ReadDir(filepath.Dir(p)); len(ents) != 1 {
				t.Fatalf("left behind: %v", ents)
			}
		})
	}
	t.Run("taken over is not removed", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "f")
		os.WriteFile(p, nil, 0o644)
		w, _, _, err := OpenPath(p, os.O_RDWR)
		if err != nil {
			t.Fatal(err)
		}
		other := writeOwner(t, p, Owner{PID: 1, Host: "x"})
		if err := w.Release(); err == nil || !strings.Contains(err.Error(), "taken over") {
			t.Fatalf("release: %v", err)
		}
		if b, _ := os.ReadFile(p + SidecarSuffix); string(b) != string(other) {
			t.Fatal("removed another writer's sidecar")
		}
	})
}
