package mmx

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// The writer lock outlives Compact, which renames a new file over the path:
// the sidecar stays (and the flock moves to the new file), so a second
// writer is still refused, and Close removes the sidecar.
func TestLockSidecarAcrossCompact(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.mmx")
	w, err := Create(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "a", "b"} {
		if err := w.WriteText(n, &Text{Content: n}, nil); err != nil {
			t.Fatal(err)
		}
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Compact(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p + ".lock"); err != nil {
		t.Fatalf("sidecar after compact: %v", err)
	}
	if _, err := OpenFile(p, os.O_RDWR, nil); !errors.Is(err, errcode.ErrLocked) {
		t.Fatalf("second writer after compact: %v", err)
	}
	if _, err := Create(p, nil); !errors.Is(err, errcode.ErrLocked) {
		t.Fatalf("create over a held file: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p + ".lock"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("sidecar after close: %v", err)
	}
	r, err := OpenFile(p, os.O_RDWR, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l, err := r.List(""); err != nil || len(l) != 2 {
		t.Fatalf("%d chunks: %v", len(l), err)
	}
	r.Close()
}

// A writer that fails to open (a malformed file) gives its lock back.
func TestLockSidecarReleasedOnFailedOpen(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bad.mmx")
	os.WriteFile(p, []byte("not an mmx file at all"), 0o644)
	if _, err := OpenFile(p, os.O_RDWR, nil); err == nil {
		t.Fatal("a malformed file opened")
	}
	if _, err := os.Stat(p + ".lock"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("lock file after a failed open: %v", err)
	}
}
