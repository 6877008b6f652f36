package mem8

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/storage"
)

// TestOptionsBadArg: a negative limit or a header float that is not a
// finite number is a caller's mistake, ErrBadArg, at every open and
// create, as in MMX (TestLimitsNegative there) — checked before a path is
// touched, so a refused Create leaves the file as it was.
func TestOptionsBadArg(t *testing.T) {
	good, err := NewMem(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := good.Append([]byte("kept"), 0.5); err != nil {
		t.Fatal(err)
	}
	img := good.Bytes()
	path := filepath.Join(t.TempDir(), "x.m8")
	if err := os.WriteFile(path, img, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, o := range []*Options{{Limits: &Limits{MaxJSONBytes: -1}}, {Limits: &Limits{MaxJSONRatio: -1}},
		{IdentityFreq: nanF64()}, {TemporalPhase: nanF64()}} {
		_, err1 := OpenBytes(img, o)
		_, err2 := NewMem(nil, o)
		_, err3 := NewMem(img, o)
		_, err4 := Create(path, o)
		_, err5 := OpenFile(path, os.O_RDWR, o)
		_, err6 := NewReader(storage.Bytes(img), int64(len(img)), o)
		for i, err := range []error{err1, err2, err3, err4, err5, err6} {
			if !errors.Is(err, errcode.ErrBadArg) {
				t.Fatalf("%+v, open %d: %v, want ErrBadArg", o, i+1, err)
			}
		}
	}
	if b, err := os.ReadFile(path); err != nil || !bytes.Equal(b, img) {
		t.Fatalf("a refused Create changed the file (%v)", err)
	}
	if _, err := NewReader(storage.Bytes(img), -1, nil); !errors.Is(err, errcode.ErrBadArg) {
		t.Fatalf("NewReader of a negative size: %v", err)
	}
}

// TestCreateInMemory: Create with no path is NewMem(nil, opt), as
// format.Format.Create("") is.
func TestCreateInMemory(t *testing.T) {
	f, err := Create("", &Options{Plain: true})
	if err != nil {
		t.Fatal(err)
	}
	if f.Name() != "memory" || !f.Writable() || f.Header().Flags != 0 {
		t.Fatalf("Create(\"\"): %s, writable %v, flags %v", f.Name(), f.Writable(), f.Header().Flags)
	}
	if _, err := f.Append([]byte("x"), 1); err != nil {
		t.Fatal(err)
	}
	if g, err := OpenBytes(f.Bytes(), nil); err != nil || g.Count() != 1 {
		t.Fatalf("the image: %v", err)
	}
}
