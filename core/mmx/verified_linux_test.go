package mmx

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// A chunk verified by one open is not hashed again by a later open of the
// same unchanged file while its pages stay in memory; a changed file or an
// explicit Verify hash again, and damage is found. (Pages that left memory:
// storage's TestVerifiedRecord; here the kernel's read-around at open
// would bring a small file back in whole.)
func TestVerifiedAcrossOpens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.mmx")
	data := make([]byte, 1<<20) // 1 MiB: hashed on several goroutines
	for i := range data {
		data[i] = byte(i % 251)
	}
	w, err := Create(path, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteTensor("t", &Tensor{DType: "uint8", Shape: []uint64{1 << 20}, Data: data}, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	// read opens path, reads t at defaults, and returns how many chunks
	// were hashed and the read's error.
	read := func() (int64, error) {
		t.Helper()
		f, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		before := hashedChunks.Load()
		got, err := f.ReadTensor("t")
		if err == nil && len(got.Data) != len(data) {
			t.Fatalf("read %d bytes", len(got.Data))
		}
		return hashedChunks.Load() - before, err
	}
	// Just written: too recent to be recorded (storage.MarkVerified).
	if n, err := read(); err != nil || n != 1 {
		t.Fatalf("first open: hashed %d, %v", n, err)
	}
	if n, err := read(); err != nil || n != 1 {
		t.Fatalf("second open of a file written just now: hashed %d, %v", n, err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	time.Sleep(30 * time.Millisecond) // past the change time Chtimes set
	if n, err := read(); err != nil || n != 1 {
		t.Fatalf("first open of the settled file: hashed %d, %v", n, err)
	}
	if n, err := read(); err != nil || n != 0 {
		t.Fatalf("second open of the unchanged file: hashed %d, %v", n, err)
	}

	// Verify always hashes.
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	before := hashedChunks.Load()
	if err := f.Verify(); err != nil {
		t.Fatal(err)
	}
	if hashedChunks.Load() == before {
		t.Fatal("Verify used the record")
	}
	f.Close()

	// Damage on disk: the file's times change, the record does not apply,
	// and the read fails.
	g, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := g.Entry("t")
	if err != nil {
		t.Fatal(err)
	}
	g.Close()
	rw, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rw.WriteAt([]byte{0xFF}, int64(e.Offset)+12345); err != nil {
		t.Fatal(err)
	}
	rw.Close()
	if _, err := read(); errcode.Of(err) != errcode.Checksum {
		t.Fatalf("damaged chunk after a verified open: %v", err)
	}
}
