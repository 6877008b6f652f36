package mmx

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/polyfmt/polyfmt/core/internal/hostile"
	"github.com/polyfmt/polyfmt/core/internal/storage"
)

// FuzzOpen: arbitrary bytes never panic the reader; a file it accepts
// lists, reads and verifies every chunk without panicking, and a writable
// open of it (repair) commits again.
func FuzzOpen(f *testing.F) {
	for _, pattern := range []string{"*.mmx", "morphnet/*.mmx"} {
		paths, _ := filepath.Glob(filepath.Join(vectorDir, pattern))
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	// Hostile shapes: declared sizes the stream cannot reach, zstd bombs
	// past MaxRatio and within it, shapes that overflow, attributes of the
	// wrong type or count.
	f.Add(hostileDeclaredSizeText(f))
	f.Add(zstdBombTensor(f, 1<<20))
	f.Add(zstdBombTensor(f, 32<<10))
	f.Add(zstdBombText(f, 1<<20))
	f.Add(buildHostile(f, hostileChunk{Name: "t", Type: TypeTensor, DType: Uint8, Shape: []uint64{0, 1<<64 - 1}}))
	f.Add(buildHostile(f, hostileChunk{Name: "e", Type: TypeEmbedding, Stored: make([]byte, 8), UncompressedSize: 8,
		DType: Float32, Shape: []uint64{2, 1}, Attributes: map[string]any{"method": 5, "labels": []any{"a", "b", "c"}}}))
	// The hostile shapes recovery once choked on (core/internal/hostile).
	if base, err := os.ReadFile(filepath.Join(vectorDir, "all_types.mmx")); err == nil {
		f.Add(hostile.TrailerFlood(base, 64))
		f.Add(hostile.CraftedHeads(base, 8, 4096))
		zeros := storage.NewMem(nil)
		hostile.ZerosThenTrailer(zeros, base, 64<<10)
		f.Add(zeros.Snapshot())
	}
	lim := &Limits{MaxChunkBytes: 1 << 20, MaxDirectoryBytes: 1 << 20, MaxChunks: 1000}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := OpenBytes(data, &Options{Limits: lim})
		if err != nil {
			return
		}
		l, err := r.List("")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range l {
			r.ReadFlat(e.Name)
			if e.ChunkType == TypeTensor && len(e.Shape) > 0 && e.Shape[0] > 0 {
				r.ReadTensorRows(e.Name, 0, 1)
			}
		}
		_ = r.Verify()
		w, err := NewMem(data, &Options{Limits: lim})
		if err != nil {
			return // MorphNet files open read-only
		}
		if err := w.WriteText("fuzz", &Text{Content: "x"}, nil); err != nil {
			t.Fatal(err)
		}
		if err := w.Commit(); err != nil {
			t.Fatalf("commit after repair: %v", err)
		}
		if _, err := OpenBytes(w.Bytes(), &Options{Limits: lim}); err != nil {
			t.Fatalf("reopen after commit: %v", err)
		}
	})
}

// FuzzPayloads: the payload decoders never panic.
func FuzzPayloads(f *testing.F) {
	m, _ := encodeMesh(sampleMesh())
	f.Add(m)
	// A face index past the vertices, counts past the payload.
	bad := append([]byte(nil), m...)
	l, _ := parseMeshHead(bad)
	bad[l.fOff] = 0xff
	f.Add(bad)
	huge := append([]byte(nil), m[:meshHead]...)
	for i := 8; i < meshHead; i++ {
		huge[i] = 0xff
	}
	f.Add(huge)
	f.Add([]byte(`{"content":"x","encoding":"utf-8","language":null,"tokens":[1]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		// The streaming check agrees with the decoder on what is malformed.
		_, derr := decodeMesh(b, nil)
		ms := &meshSink{total: uint64(len(b)), lim: &DefaultLimits}
		var serr error
		for p, k := b, len(b)%13+1; len(p) > 0 && serr == nil; p = p[min(k, len(p)):] {
			_, serr = ms.Write(p[:min(k, len(p))]) // in pieces, as a decoder gives them
		}
		if serr == nil {
			serr = ms.finish()
		}
		if (derr == nil) != (serr == nil) {
			t.Fatalf("decodeMesh says %v, the streaming check %v", derr, serr)
		}
		var tx Text
		decodeJSONPayload(b, &tx, nil)
		var s Sequence
		decodeJSONPayload(b, &s, nil)
	})
}
