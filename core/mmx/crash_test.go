package mmx

import (
	"bytes"
	"fmt"
	"maps"
	"testing"

	"github.com/polyfmt/polyfmt/core/internal/codec"
	"github.com/polyfmt/polyfmt/core/internal/storage"
)

// state is what a reader sees: every chunk's name and payload.
func state(t *testing.T, f *File) map[string]string {
	t.Helper()
	l, err := f.List("")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range l {
		_, b, err := f.ReadChunk(e.Name)
		if err != nil {
			t.Fatalf("chunk %q: %v", e.Name, err)
		}
		out[e.Name] = string(b)
	}
	return out
}

func crashBase(t *testing.T) []byte {
	f, _ := NewMem(nil, &Options{Creator: "crash"})
	f.WriteTensor("a", Float32Tensor([]uint64{3}, []float32{1, 2, 3}), nil)
	f.WriteText("b", &Text{Content: "bee"}, &WriteOptions{Compression: codec.Zstd})
	f.Commit()
	f.WriteTensor("c", Float32Tensor([]uint64{2}, []float32{4, 5}), &WriteOptions{Compression: codec.LZ4})
	f.Commit()
	return f.Bytes()
}

// transaction is the commit under test: an overwrite, a new chunk, a delete.
func transaction(f *File) error {
	if err := f.WriteTensor("a", Float32Tensor([]uint64{4}, []float32{9, 9, 9, 9}), nil); err != nil {
		return err
	}
	if err := f.WriteMesh("m", sampleMesh(), &WriteOptions{Compression: codec.Zlib}); err != nil {
		return err
	}
	if err := f.Delete("b"); err != nil {
		return err
	}
	return f.Commit()
}

// afterCrash opens image both ways and returns the state it shows, which
// must be old or new exactly; the writable open must verify and accept a
// new commit.
func afterCrash(t *testing.T, image []byte, old, new map[string]string) map[string]string {
	t.Helper()
	r, err := OpenBytes(image, nil)
	if err != nil {
		t.Fatalf("read-only open after crash: %v", err)
	}
	got := state(t, r)
	if !maps.Equal(got, old) && !maps.Equal(got, new) {
		t.Fatalf("after crash the file shows neither the old nor the new commit: %v", keys(got))
	}
	w, err := NewMem(image, nil)
	if err != nil {
		t.Fatalf("read-write open after crash: %v", err)
	}
	if !maps.Equal(state(t, w), got) {
		t.Fatal("read-write open shows another state than read-only")
	}
	if err := w.Verify(); err != nil {
		t.Fatalf("verify after repair: %v (recovery %+v)", err, w.Recovery())
	}
	if err := w.WriteText("later", &Text{Content: "x"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	again, err := OpenBytes(w.Bytes(), nil)
	if err != nil || !again.Recovery().Clean() {
		t.Fatalf("reopen after repair and commit: %v %+v", err, again.Recovery())
	}
	return got
}

func keys(m map[string]string) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	return k
}

// TestCrashEveryByte cuts the transaction (its chunk writes, directory and
// header) at every byte, under the process-crash model.
func TestCrashEveryByte(t *testing.T) {
	base := crashBase(t)
	ref, _ := NewMem(base, nil)
	old := state(t, ref)
	if err := transaction(ref); err != nil {
		t.Fatal(err)
	}
	new := state(t, ref)
	total := len(ref.Bytes()) - len(base) + HeaderSize // appended bytes plus the header rewrite
	sawOld, sawNew := 0, 0
	for cut := 0; cut <= total+64; cut++ {
		ff := storage.NewFaulty(base)
		f, err := openStorage(ff, uint64(len(base)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		ff.WriteBudget = cut
		err = transaction(f)
		if err == nil && ff.Crashed {
			t.Fatalf("cut %d: commit reported success after a crash", cut)
		}
		got := afterCrash(t, ff.Snapshot(), old, new)
		if maps.Equal(got, new) {
			sawNew++
		} else {
			sawOld++
		}
		if err == nil && !maps.Equal(got, new) {
			t.Fatalf("cut %d: commit succeeded but the file shows the old state", cut)
		}
	}
	if sawOld == 0 || sawNew == 0 {
		t.Fatalf("cuts gave %d old and %d new states: the sweep missed the commit point", sawOld, sawNew)
	}
}

// TestCrashAtSync fails each sync of the commit in turn; only synced data
// survives (power loss), or everything written (process crash).
func TestCrashAtSync(t *testing.T) {
	base := crashBase(t)
	ref, _ := NewMem(base, nil)
	old := state(t, ref)
	transaction(ref)
	new := state(t, ref)
	for k := 0; k <= 3; k++ {
		t.Run(fmt.Sprint("sync", k), func(t *testing.T) {
			ff := storage.NewFaulty(base)
			f, err := openStorage(ff, uint64(len(base)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			ff.SyncBudget = k
			err = transaction(f)
			if (err == nil) != (k == 3) {
				t.Fatalf("%d syncs allowed: %v", k, err)
			}
			power := afterCrash(t, ff.Durable, old, new)
			if k < 2 && !maps.Equal(power, old) {
				t.Fatal("power loss before the directory sync kept the new commit")
			}
			if k >= 2 && !maps.Equal(power, new) {
				t.Fatal("power loss after the directory sync lost the commit")
			}
			afterCrash(t, ff.Snapshot(), old, new)
		})
	}
}

// Chunk bytes that contain the trailer magic must not fool the scan back.
func TestScanBackPastFakeTrailer(t *testing.T) {
	f, _ := NewMem(nil, nil)
	f.WriteText("a", &Text{Content: "committed"}, nil)
	f.Commit()
	good := len(f.Bytes())
	fake := bytes.Repeat([]byte("MMXTAIL\x00"), 200)
	f.WriteTensor("fake", &Tensor{DType: Uint8, Shape: []uint64{uint64(len(fake))}, Data: fake}, nil)
	img := f.Bytes() // written, never committed: a torn tail full of magics
	r, err := OpenBytes(img, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Recovery().DroppedBytes != int64(len(img)-good) || r.Len() != 1 {
		t.Fatalf("recovery %+v, %d chunks", r.Recovery(), r.Len())
	}
}
