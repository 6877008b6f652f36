package mmx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/polyfmt/polyfmt/core/errcode"

	"github.com/polyfmt/polyfmt/core/internal/hostile"
)

// allocated reports the bytes the Go heap handed out while f ran (the
// TotalAlloc delta: it counts a reservation even if its pages are never
// touched, so a buffer sized by a lie is seen).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func wantCode(t testing.TB, err error, code errcode.Code, what string) {
	t.Helper()
	if errcode.Of(err) != code {
		t.Fatalf("%s: %v (code %v), want code %v", what, err, errcode.Of(err), code)
	}
}

// TestHostileDeclaredSizeTextChunk: a 17 KB file whose Text chunk declares
// 4 GiB uncompressed made every read reserve 4 GiB before the codec found
// the lie. Now the declaration is checked first, and nothing near it is
// allocated, whatever the limits.
func TestHostileDeclaredSizeTextChunk(t *testing.T) {
	b := hostileDeclaredSizeText(t)
	for _, tc := range []struct {
		name string
		lim  *Limits
		code errcode.Code
	}{
		{"default limits", nil, errcode.Limit},                                               // MaxJSONBytes, MaxRatio
		{"limits raised", &Limits{MaxRatio: 1 << 40, MaxJSONBytes: 1 << 40}, errcode.Format}, // the codec's check
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := OpenBytes(b, &Options{Limits: tc.lim})
			if err != nil {
				t.Fatal(err)
			}
			var rerr, cerr, verr error
			a := allocated(func() {
				_, rerr = r.ReadText("notes/readme")
				_, _, cerr = r.ReadChunk("notes/readme")
				verr = r.Verify()
			})
			wantCode(t, rerr, tc.code, "ReadText")
			wantCode(t, cerr, tc.code, "ReadChunk")
			wantCode(t, verr, tc.code, "Verify")
			if a > 4<<20 {
				t.Fatalf("allocated %d bytes for a chunk of %d stored bytes", a, len(b))
			}
		})
	}
	// The same lie on an array chunk, whose shape agrees with it.
	tb := buildHostile(t, hostileChunk{Name: "t", Type: TypeTensor, Compression: Zstd,
		Stored: zstdCompress(t, make([]byte, 1000)), UncompressedSize: 1 << 32, DType: Uint8, Shape: []uint64{1 << 32}})
	r, err := OpenBytes(tb, &Options{Limits: &Limits{MaxRatio: 1 << 40}})
	if err != nil {
		t.Fatal(err)
	}
	var rerr error
	if a := allocated(func() { _, rerr = r.ReadTensor("t") }); a > 4<<20 {
		t.Fatalf("allocated %d bytes", a)
	}
	wantCode(t, rerr, errcode.Format, "ReadTensor")
}

// TestHostileRatioLimit: under the default MaxRatio a 64 KiB zstd frame
// declaring 2 GiB is refused by reads and Verify with ErrLimit naming the
// option, before anything is allocated; the rest of the file still opens.
func TestHostileRatioLimit(t *testing.T) {
	b := zstdBombTensor(t, 2<<30)
	r, err := OpenBytes(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	var rerr, verr error
	a := allocated(func() {
		_, rerr = r.ReadTensor("bomb")
		verr = r.Verify()
	})
	wantCode(t, rerr, errcode.Limit, "ReadTensor")
	wantCode(t, verr, errcode.Limit, "Verify")
	if !strings.Contains(rerr.Error(), "MaxRatio") {
		t.Fatalf("error %q does not name Limits.MaxRatio", rerr)
	}
	if a > 1<<20 {
		t.Fatalf("allocated %d bytes", a)
	}
	// Small chunks pass whatever their ratio (RatioFloor).
	small := buildHostile(t, hostileChunk{Name: "z", Type: TypeTensor, Compression: Zstd,
		Stored: hostile.ZstdRLE(RatioFloor, 0), UncompressedSize: RatioFloor, DType: Uint8, Shape: []uint64{RatioFloor}})
	r, err = OpenBytes(small, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.ReadTensor("z"); err != nil {
		t.Fatal(err)
	}
	if err := r.Verify(); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyStreamsZstdBomb: with the ratio limit raised, Verify of a
// 64 KiB zstd frame that decodes to 2 GiB checks it all (size,
// decodability, checksum) in memory independent of the chunk's size.
func TestVerifyStreamsZstdBomb(t *testing.T) {
	const n = 2 << 30
	lim := &Limits{MaxRatio: 1 << 20}
	b := zstdBombTensor(t, n)
	for _, open := range []struct {
		name string
		fn   func() (*File, error)
	}{
		{"mapped", func() (*File, error) { return OpenBytes(b, &Options{Limits: lim}) }},
		{"writable", func() (*File, error) { return NewMem(b, &Options{Limits: lim}) }},
	} {
		t.Run(open.name, func(t *testing.T) {
			r, err := open.fn()
			if err != nil {
				t.Fatal(err)
			}
			var verr error
			a := allocated(func() { verr = r.Verify() })
			if verr != nil {
				t.Fatal(verr)
			}
			if a > 64<<20 {
				t.Fatalf("Verify allocated %d bytes for a %d-byte chunk (want < 64 MiB)", a, n)
			}
		})
	}
	// A frame one byte short of its declaration still fails Verify.
	short := buildHostile(t, hostileChunk{Name: "bomb", Type: TypeTensor, Compression: Zstd,
		Stored: hostile.ZstdRLE(n-1, 0), UncompressedSize: n, DType: Uint8, Shape: []uint64{n}})
	r, err := OpenBytes(short, &Options{Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, r.Verify(), errcode.Format, "Verify of a short frame")
	// A JSON chunk that inflates past MaxJSONBytes is refused unread.
	r, err = OpenBytes(zstdBombText(t, 1<<30), &Options{Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	var verr error
	if a := allocated(func() { verr = r.Verify() }); a > 1<<20 {
		t.Fatalf("allocated %d bytes", a)
	}
	wantCode(t, verr, errcode.Limit, "Verify of a 1 GiB Text")
}

// TestVerifyStreamsMesh: a large compressed mesh is checked as it streams
// (face indices, counts, materials) without being held, and a bad face
// index deep inside it is still found.
func TestVerifyStreamsMesh(t *testing.T) {
	const faces = 3 << 20 // 36 MiB of faces
	m := &Mesh{Vertices: [][3]float32{{0, 0, 0}, {1, 0, 0}, {0, 1, 0}}, Faces: make([][3]uint32, faces),
		Materials: map[string]string{"skin": "red"}}
	for i := range m.Faces {
		m.Faces[i] = [3]uint32{0, 1, 2}
	}
	lim := &Limits{MaxRatio: 1 << 20}
	// Built by hand: the writer refuses a bad face index.
	build := func(m *Mesh, bad bool) []byte {
		p, err := encodeMesh(m)
		if err != nil {
			t.Fatal(err)
		}
		if bad {
			l, _ := parseMeshHead(p)
			binary.LittleEndian.PutUint32(p[l.fOff+12*(faces-7)+4:], 3)
		}
		return buildHostile(t, hostileChunk{Name: "m", Type: TypeMesh, Compression: Zstd,
			Stored: zstdCompress(t, p), UncompressedSize: uint64(len(p))})
	}
	r, err := OpenBytes(build(m, false), &Options{Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	var verr error
	if a := allocated(func() { verr = r.Verify() }); verr != nil || a > 16<<20 {
		t.Fatalf("Verify: %v, allocated %d bytes for a %d-byte mesh", verr, a, 12*faces)
	}
	r, err = OpenBytes(build(m, true), &Options{Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	verr = r.Verify()
	wantCode(t, verr, errcode.Format, "Verify of a bad face")
	if !strings.Contains(verr.Error(), "vertex 3 of 3") {
		t.Fatalf("error %q does not name the bad index", verr)
	}
}

// TestHostileShapeOverflow: a shape whose zero dimension hid an overflowing
// one ([0, 2^64-1]) passed open and Verify; numpy and JS cannot hold it.
func TestHostileShapeOverflow(t *testing.T) {
	for _, tc := range []struct {
		shape []uint64
		ok    bool
	}{
		{[]uint64{0, 1<<64 - 1}, false},
		{[]uint64{0, MaxDim + 1}, false},
		{[]uint64{0, MaxDim}, true},
		{[]uint64{0, 1 << 31, 1 << 31}, true},  // 2^62 bytes
		{[]uint64{0, 1 << 32, 1 << 31}, false}, // 2^63 bytes: past int64
		{[]uint64{0, 1 << 32, 1 << 32}, false}, // 2^64
		{[]uint64{MaxDim, 0, 2}, true},
	} {
		b := buildHostile(t, hostileChunk{Name: "t", Type: TypeTensor, Compression: Raw,
			Stored: nil, UncompressedSize: 0, DType: Uint8, Shape: tc.shape})
		_, err := OpenBytes(b, nil)
		werr := newWriter(t).WriteTensor("t", &Tensor{DType: Uint8, Shape: tc.shape}, nil)
		if tc.ok {
			if err != nil || werr != nil {
				t.Fatalf("%v: open %v, write %v", tc.shape, err, werr)
			}
			continue
		}
		wantCode(t, err, errcode.Format, "open of shape")
		wantCode(t, werr, errcode.BadArg, "write of shape")
	}
}

func newWriter(t testing.TB) *File {
	w, err := NewMem(nil, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestHostileEmbeddingAttributes: labels and method of the wrong type or
// count passed Verify (5 labels for 2 rows) or were dropped silently by
// ReadEmbedding (method 5, labels "x").
func TestHostileEmbeddingAttributes(t *testing.T) {
	data := make([]byte, 2*3*4)
	for _, tc := range []struct {
		name  string
		attrs map[string]any
		ok    bool
	}{
		{"valid", map[string]any{"method": "pca", "labels": []any{"a", "b"}}, true},
		{"no labels", map[string]any{"method": "pca"}, true},
		{"null labels", map[string]any{"method": "pca", "labels": nil}, true},
		{"no attributes", nil, true},
		{"5 labels for 2 rows", map[string]any{"method": "pca", "labels": []any{"a", "b", "c", "d", "e"}}, false},
		{"1 label for 2 rows", map[string]any{"labels": []any{"a"}}, false},
		{"labels a string", map[string]any{"labels": "x"}, false},
		{"label a number", map[string]any{"labels": []any{"a", 1.0}}, false},
		{"method a number", map[string]any{"method": 5.0}, false},
		{"method null", map[string]any{"method": nil}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := buildHostile(t, hostileChunk{Name: "e", Type: TypeEmbedding, Compression: Raw, Stored: data,
				UncompressedSize: uint64(len(data)), DType: Float32, Shape: []uint64{2, 3}, Attributes: tc.attrs})
			r, err := OpenBytes(b, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, rerr := r.ReadEmbedding("e")
			_, ferr := r.ReadFlat("e")
			verr := r.Verify()
			if tc.ok {
				if rerr != nil || ferr != nil || verr != nil {
					t.Fatalf("ReadEmbedding %v, ReadFlat %v, Verify %v", rerr, ferr, verr)
				}
				return
			}
			wantCode(t, rerr, errcode.Format, "ReadEmbedding")
			wantCode(t, ferr, errcode.Format, "ReadFlat")
			wantCode(t, verr, errcode.Format, "Verify")
		})
	}
}

// TestLimitsNegative: a negative limit was read as "use the default"; it
// is a caller's mistake, ErrBadArg, at every open and create.
func TestLimitsNegative(t *testing.T) {
	good := newWriter(t)
	if err := good.Commit(); err != nil {
		t.Fatal(err)
	}
	img := good.Bytes()
	for _, lim := range []Limits{{MaxChunks: -1}, {MaxDirectoryBytes: -1}, {MaxNameLen: -1}, {MaxJSONDepth: -1},
		{MaxDims: -1}, {MaxRatio: -1}, {MaxJSONBytes: -1}} {
		o := &Options{Limits: &lim}
		_, err1 := OpenBytes(img, o)
		_, err2 := NewMem(nil, o)
		_, err3 := NewMem(img, o)
		_, err4 := Create(t.TempDir()+"/x.mmx", o)
		for i, err := range []error{err1, err2, err3, err4} {
			if !errors.Is(err, errcode.ErrBadArg) {
				t.Fatalf("%+v, open %d: %v, want ErrBadArg", lim, i, err)
			}
		}
	}
}

// TestMaxJSONBytes: a JSON payload over the limit is refused at write and
// at read, unread.
func TestMaxJSONBytes(t *testing.T) {
	big := &Text{Content: strings.Repeat("x", 5000)}
	w := newWriter(t)
	if err := w.WriteText("t", big, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	small := &Options{Limits: &Limits{MaxJSONBytes: 4096}}
	r, err := OpenBytes(w.Bytes(), small)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.ReadText("t")
	wantCode(t, err, errcode.Limit, "ReadText")
	wantCode(t, r.Verify(), errcode.Limit, "Verify")
	w2, err := NewMem(nil, small)
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, w2.WriteText("t", big, nil), errcode.Limit, "WriteText")
}

// TestReadChunkInto: the payload lands in the caller's memory, allocated
// once at its checked size, without a second copy on the heap.
func TestReadChunkInto(t *testing.T) {
	vals := make([]float32, 8<<20) // 32 MiB
	x := uint32(1)
	for i := range vals {
		x = x*1664525 + 1013904223
		vals[i] = float32(i%1000) + float32(x>>28) // compresses about 2:1
	}
	tensor := Float32Tensor([]uint64{uint64(len(vals))}, vals)
	for _, c := range []Compression{Raw, LZ4, Zlib, Zstd} {
		t.Run(c.String(), func(t *testing.T) {
			w := newWriter(t)
			if err := w.WriteTensor("t", tensor, &WriteOptions{Compression: c}); err != nil {
				t.Fatal(err)
			}
			if err := w.Commit(); err != nil {
				t.Fatal(err)
			}
			for _, r := range []*File{w, mustOpenBytes(t, w.Bytes())} {
				mem := make([]byte, len(tensor.Data))
				calls := 0
				alloc := func(n int) ([]byte, error) {
					calls++
					if n != len(mem) {
						t.Fatalf("alloc(%d), want %d", n, len(mem))
					}
					return mem, nil
				}
				var got []byte
				var err error
				a := allocated(func() { _, got, err = r.ReadChunkInto("t", alloc) })
				if err != nil {
					t.Fatal(err)
				}
				if calls != 1 || unsafe.SliceData(got) != unsafe.SliceData(mem) || string(got) != string(tensor.Data) {
					t.Fatalf("%d alloc calls; payload in the caller's memory: %v", calls, unsafe.SliceData(got) == unsafe.SliceData(mem))
				}
				// The stored bytes of a compressed chunk in a writable
				// (unmapped) file are read once; the payload never is.
				if limit := uint64(len(mem)) / 2; a > limit {
					t.Fatalf("allocated %d bytes beside the caller's %d", a, len(mem))
				}
				fl, err := r.ReadFlatInto("t", alloc)
				if err != nil {
					t.Fatal(err)
				}
				if !fl.View && unsafe.SliceData(fl.Data) != unsafe.SliceData(mem) {
					t.Fatal("ReadFlatInto: data neither a view nor the caller's memory")
				}
			}
		})
	}
	// A lie is found before alloc is called; alloc's error comes back.
	r := mustOpenBytes(t, hostileDeclaredSizeText(t))
	_, _, err := r.ReadChunkInto("notes/readme", func(n int) ([]byte, error) {
		t.Fatalf("alloc(%d) called for a lie", n)
		return nil, nil
	})
	wantCode(t, err, errcode.Limit, "ReadChunkInto of a lie")
	w := newWriter(t)
	w.WriteTensor("t", tensor, &WriteOptions{Compression: Zstd})
	_, _, err = w.ReadChunkInto("t", func(int) ([]byte, error) { return nil, errcode.ErrNoMem })
	if err != errcode.ErrNoMem {
		t.Fatalf("alloc's error: %v", err)
	}
}

func mustOpenBytes(t testing.TB, b []byte) *File {
	t.Helper()
	r, err := OpenBytes(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestReadFlatIntoAllocatesOnce: over every vector (MorphNet's too), each
// chunk read in flat form calls alloc at most once, and its data is a view
// or that memory, equal to what ReadFlat gives.
func TestReadFlatIntoAllocatesOnce(t *testing.T) {
	var paths []string
	for _, pattern := range []string{"*.mmx", "morphnet/*.mmx"} {
		p, _ := filepath.Glob(filepath.Join(vectorDir, pattern))
		paths = append(paths, p...)
	}
	if len(paths) == 0 {
		t.Fatal("no vectors")
	}
	for _, p := range paths {
		r, err := OpenFile(p, os.O_RDONLY, nil)
		if err != nil {
			continue // the malformed vectors
		}
		l, _ := r.List("")
		for _, e := range l {
			want, werr := r.ReadFlat(e.Name)
			var mem []byte
			calls := 0
			got, err := r.ReadFlatInto(e.Name, func(n int) ([]byte, error) {
				calls++
				mem = make([]byte, n)
				return mem, nil
			})
			if (err == nil) != (werr == nil) {
				t.Fatalf("%s %s: ReadFlatInto %v, ReadFlat %v", p, e.Name, err, werr)
			}
			if err != nil {
				continue
			}
			if calls > 1 || !bytes.Equal(got.Data, want.Data) {
				t.Fatalf("%s %s: %d alloc calls, data equal %v", p, e.Name, calls, bytes.Equal(got.Data, want.Data))
			}
			if !got.View && len(got.Data) > 0 && (calls != 1 || unsafe.SliceData(got.Data) != unsafe.SliceData(mem)) {
				t.Fatalf("%s %s: data is neither a view nor the caller's memory", p, e.Name)
			}
		}
		r.Close()
	}
}

// A MorphNet LZ4 chunk's u32 size prefix is the file's word: it was
// allocated before the codec checked it (a 12-byte chunk reserved 4 GiB).
// It is checked against MaxRatio first, and nothing is sized by it.
func TestHostileMorphNetLZ4SizePrefix(t *testing.T) {
	stored := binary.LittleEndian.AppendUint32(nil, 1<<32-1)
	stored = append(stored, 0x1f, 0, 1, 0, 0, 0, 0, 0) // a few bytes of block
	e := &Entry{Name: "m", Compression: "Lz4", Size: uint64(len(stored)), morphnet: true}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := morphPayload(e, stored, DefaultLimits)
	runtime.ReadMemStats(&after)
	if errcode.Of(err) != errcode.Limit || !strings.Contains(err.Error(), "MaxRatio") {
		t.Fatalf("declared 4 GiB in %d bytes: %v", len(stored), err)
	}
	if heap := after.TotalAlloc - before.TotalAlloc; heap > 1<<20 {
		t.Fatalf("refusing it allocated %d bytes", heap)
	}
	// Within the ratio, the codec's own check still refuses a block too
	// short for its prefix, before allocating.
	lim := DefaultLimits
	lim.MaxRatio = 1 << 30
	runtime.ReadMemStats(&before)
	_, err = morphPayload(e, stored, lim)
	runtime.ReadMemStats(&after)
	if errcode.Of(err) != errcode.Format {
		t.Fatalf("with the ratio raised: %v", err)
	}
	if heap := after.TotalAlloc - before.TotalAlloc; heap > 1<<20 {
		t.Fatalf("refusing it allocated %d bytes", heap)
	}
}
