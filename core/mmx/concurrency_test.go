package mmx

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// A writer streams frames and commits while readers read in the same
// process (run with -race); a reader of the file in "another process"
// (another File) sees each commit after Refresh.
func TestStreamingWriterAndReaders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.mmx")
	w, err := Create(path, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				l, err := w.List("frames/")
				if err != nil {
					t.Error(err)
					return
				}
				for _, e := range l {
					if _, err := w.ReadTensor(e.Name); err != nil {
						t.Errorf("read %s: %v", e.Name, err)
						return
					}
				}
			}
		}()
	}
	for i := 0; i < 40; i++ {
		if err := w.WriteTensor(fmt.Sprintf("frames/%05d", i), Float32Tensor([]uint64{8, 8}, ramp(64)), nil); err != nil {
			t.Fatal(err)
		}
		if i%4 == 3 {
			if err := w.Commit(); err != nil {
				t.Fatal(err)
			}
			gen, err := r.Refresh()
			if err != nil || gen != w.Generation() {
				t.Fatalf("refresh: %d %v (writer at %d)", gen, err, w.Generation())
			}
			if n := r.Len(); n != i+1 {
				t.Fatalf("reader sees %d frames after commit %d", n, i)
			}
		}
	}
	close(stop)
	wg.Wait()
	if err := r.Verify(); err != nil {
		t.Fatal(err)
	}
}

func TestOneWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.mmx")
	w, err := Create(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenFile(path, os.O_RDWR, nil); !errors.Is(err, errcode.ErrLocked) {
		t.Fatalf("second writer: %v", err)
	}
	if r, err := Open(path); err != nil {
		t.Fatalf("reader beside the writer: %v", err)
	} else {
		r.Close()
	}
	w.Close()
	if err := w.Close(); !errors.Is(err, errcode.ErrClosed) {
		t.Fatalf("second close: %v", err)
	}
	w2, err := OpenFile(path, os.O_RDWR, nil)
	if err != nil {
		t.Fatal(err)
	}
	w2.Close()
}

// Close commits what is pending; a torn file on disk is repaired by a
// writable open and left alone by a read-only one.
func TestCloseCommitsAndRepairOnDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.mmx")
	w, _ := Create(path, nil)
	w.WriteText("kept", &Text{Content: "closing commits"}, nil)
	w.Close()
	data, _ := os.ReadFile(path)
	torn := append(data, make([]byte, 777)...)
	os.WriteFile(path, torn, 0o644)
	r, err := Open(path)
	if err != nil || r.Recovery().DroppedBytes != 777 || r.Recovery().Repaired {
		t.Fatalf("read-only: %v %+v", err, r.Recovery())
	}
	r.Close()
	if st, _ := os.Stat(path); st.Size() != int64(len(torn)) {
		t.Fatal("a read-only open changed the file")
	}
	w2, err := OpenFile(path, os.O_RDWR, nil)
	if err != nil || !w2.Recovery().Repaired {
		t.Fatalf("writable: %v %+v", err, w2.Recovery())
	}
	w2.Close()
	if st, _ := os.Stat(path); st.Size() != int64(len(data)) {
		t.Fatalf("repair left %d bytes, want %d", st.Size(), len(data))
	}
	c, _ := Open(path)
	defer c.Close()
	if tx, err := c.ReadText("kept"); err != nil || tx.Content != "closing commits" || !c.Recovery().Clean() {
		t.Fatalf("after repair: %v %+v", err, c.Recovery())
	}
}

// A view taken before Refresh stays readable after it (the old mapping is
// kept until Close), and an empty raw chunk next to another is not an overlap.
func TestViewSurvivesRefreshAndEmptyChunks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.mmx")
	w, _ := Create(path, &Options{NoSync: true})
	defer w.Close()
	w.WriteTensor("empty", &Tensor{DType: Float32, Shape: []uint64{0}}, nil)
	w.WriteTensor("a", Float32Tensor([]uint64{4}, []float32{1, 2, 3, 4}), nil)
	w.WriteTensor("empty2", &Tensor{DType: Uint8, Shape: []uint64{0, 3}}, nil)
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatalf("open with empty chunks: %v", err)
	}
	defer r.Close()
	v, view, err := r.TensorView("a")
	if err != nil || !view {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		w.WriteTensor(fmt.Sprint("more/", i), Float32Tensor([]uint64{1024}, ramp(1024)), nil)
		w.Commit()
		if _, err := r.Refresh(); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := v.Float32s(); got[3] != 4 {
		t.Fatal("a view from before Refresh changed")
	}
	if r.Len() != 23 {
		t.Fatalf("reader sees %d chunks", r.Len())
	}
}

// Close while other goroutines read a mapped file: it waits for reads that
// use the mapping (decompressing from it, copying out of it) and later
// reads get ErrClosed. It used to unmap under them (a fault, not an error).
func TestCloseWhileReading(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.mmx")
	w, err := Create(path, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]float32, 2<<20)
	for i := range vals {
		vals[i] = float32(i % 977)
	}
	for _, c := range []Compression{Raw, Zstd, LZ4} {
		if err := w.WriteTensor("t/"+c.String(), Float32Tensor([]uint64{uint64(len(vals))}, vals), &WriteOptions{Compression: c}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 8; round++ {
		r, err := OpenFile(path, os.O_RDONLY, &Options{Verify: VerifyNever, Limits: &Limits{MaxRatio: 1 << 20}})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		started := make(chan struct{}, 6)
		for i := 0; i < 6; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var once sync.Once
				defer once.Do(func() { started <- struct{}{} }) // never leave Close waiting
				name := "t/" + []Compression{Raw, Zstd, LZ4}[i%3].String()
				for n := 0; ; n++ {
					if n == 1 {
						once.Do(func() { started <- struct{}{} })
					}
					t2, err := r.ReadTensor(name)
					if errors.Is(err, errcode.ErrClosed) {
						return
					}
					if err != nil {
						t.Errorf("read %s: %v", name, err)
						return
					}
					if len(t2.Data) != 4*len(vals) {
						t.Errorf("read %s: %d bytes", name, len(t2.Data))
						return
					}
				}
			}()
		}
		for i := 0; i < 6; i++ {
			<-started
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
	}
}
