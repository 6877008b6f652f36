package pathmap

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestRecords(t *testing.T) {
	recs := []Record{{Path: nil, Value: 7}, {Path: []byte("ab"), Value: 1<<64 - 1}, {Path: bytes.Repeat([]byte{0xC4}, 300), Value: 0}}
	enc := EncodeRecords(recs)
	if len(enc) != 3*12+2+300 {
		t.Fatalf("encoded %d bytes", len(enc))
	}
	got, err := ParseRecords(enc)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(recs) {
		t.Fatalf("got %d records", len(got))
	}
	for i := range recs {
		if !bytes.Equal(got[i].Path, recs[i].Path) || got[i].Value != recs[i].Value {
			t.Errorf("record %d: got %x=%d, want %x=%d", i, got[i].Path, got[i].Value, recs[i].Path, recs[i].Value)
		}
	}
	for n := 1; n < len(enc); n++ {
		if r, err := ParseRecords(enc[:n]); err == nil && n != 12 && n != 26 {
			t.Errorf("prefix of %d bytes parsed into %d records", n, len(r))
		}
	}
}

// TestHarnessEmptyTree builds the harness and checks the smallest fact
// about pathmap it relies on: the 25-byte empty tree, and its .paths form.
func TestHarnessEmptyTree(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "empty.rec")
	if err := os.WriteFile(in, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	act := filepath.Join(dir, "empty.act")
	Run(t, "write-act", in, act)
	got, err := os.ReadFile(act)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte("ACTree03\x10\x00\x00\x00\x00\x00\x00\x00\x00"), make([]byte, 8)...)
	if !bytes.Equal(got, want) {
		t.Errorf("empty tree:\n got % x\nwant % x", got, want)
	}
	paths := filepath.Join(dir, "empty.paths")
	Run(t, "write-paths", in, paths)
	if got, _ := os.ReadFile(paths); !bytes.Equal(got, []byte{0x78, 0xDA, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}) {
		t.Errorf("empty .paths: % x", got)
	}
	back := filepath.Join(dir, "back.rec")
	Run(t, "read-act", act, back)
	if b, _ := os.ReadFile(back); len(b) != 0 {
		t.Errorf("read-act of the empty tree gave %d bytes", len(b))
	}
}
