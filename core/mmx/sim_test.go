package mmx

import (
	"fmt"
	"maps"
	"math/rand"
	"testing"

	"github.com/polyfmt/polyfmt/core/internal/codec"
	"github.com/polyfmt/polyfmt/core/internal/storage"
)

// TestSimulation runs random writes, overwrites, deletes, commits,
// rollbacks and crashes against an in-memory model, checking the file
// against the model after every step.
func TestSimulation(t *testing.T) {
	steps := 3000
	if testing.Short() {
		steps = 500
	}
	rng := rand.New(rand.NewSource(1))
	f, _ := NewMem(nil, nil)
	committed := map[string]string{}
	view := map[string]string{} // committed + this transaction
	names := []string{"a", "b", "frames/1", "frames/2", "frames/3", "meta/x"}
	codecs := []codec.Codec{codec.None, codec.LZ4, codec.Zlib, codec.Zstd}
	crashes := 0
	for step := 0; step < steps; step++ {
		switch op := rng.Intn(20); {
		case op < 9: // write or overwrite
			name := names[rng.Intn(len(names))]
			data := make([]byte, rng.Intn(300))
			rng.Read(data)
			if err := f.WriteTensor(name, &Tensor{DType: Uint8, Shape: []uint64{uint64(len(data))}, Data: data}, &WriteOptions{Compression: codecs[rng.Intn(4)]}); err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
			view[name] = string(data)
		case op < 12: // delete
			name := names[rng.Intn(len(names))]
			err := f.Delete(name)
			if _, ok := view[name]; ok != (err == nil) {
				t.Fatalf("step %d: delete %s: %v (model has it: %v)", step, name, err, ok)
			}
			delete(view, name)
		case op < 16:
			if err := f.Commit(); err != nil {
				t.Fatal(err)
			}
			committed = maps.Clone(view)
		case op < 18:
			if err := f.Rollback(); err != nil {
				t.Fatal(err)
			}
			view = maps.Clone(committed)
		default: // crash somewhere in a commit, then reopen the image
			crashes++
			ff := storage.NewFaulty(f.Bytes())
			g, err := openStorage(ff, uint64(len(f.Bytes())), Options{})
			if err != nil {
				t.Fatal(err)
			}
			for n, d := range view { // replay the transaction on the faulty copy
				if committed[n] != d {
					g.WriteTensor(n, &Tensor{DType: Uint8, Shape: []uint64{uint64(len(d))}, Data: []byte(d)}, nil)
				}
			}
			for n := range committed {
				if _, ok := view[n]; !ok {
					g.Delete(n)
				}
			}
			ff.WriteBudget = rng.Intn(6000)
			g.Commit()
			img := ff.Snapshot()
			if f, err = NewMem(img, nil); err != nil {
				t.Fatalf("step %d: reopen after crash: %v", step, err)
			}
			got := state(t, f)
			switch {
			case maps.Equal(got, view):
				committed = maps.Clone(view)
			case maps.Equal(got, committed):
				view = maps.Clone(committed)
			default:
				t.Fatalf("step %d: after a crash the file matches neither commit", step)
			}
		}
		if got := state(t, f); !maps.Equal(got, view) {
			t.Fatalf("step %d: file has %v, model %v", step, keys(got), keys(view))
		}
		if step%100 == 0 {
			r, err := OpenBytes(f.Bytes(), nil)
			if err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
			if got := state(t, r); !maps.Equal(got, committed) {
				t.Fatalf("step %d: a reader sees %v, last commit %v", step, keys(got), keys(committed))
			}
			if err := r.Verify(); err != nil && r.Recovery().Clean() {
				t.Fatalf("step %d: %v", step, err)
			}
		}
	}
	if crashes == 0 {
		t.Fatal("the simulation never crashed")
	}
	_ = fmt.Sprint
}
