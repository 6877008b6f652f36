package mmx

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/codec"
)

func ramp(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(i) * 0.5
	}
	return v
}

func sampleMesh() *Mesh {
	return &Mesh{
		Vertices:  [][3]float32{{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
		Faces:     [][3]uint32{{0, 1, 2}, {0, 2, 3}},
		Normals:   [][3]float32{{0, 0, 1}, {0, 0, 1}, {0, 0, 1}, {1, 0, 0}},
		UVs:       [][2]float32{{0, 0}, {1, 0}, {0, 1}, {1, 1}},
		Materials: map[string]string{"base": "steel"},
	}
}

// writeAll writes one chunk of every type, each codec in turn.
func writeAll(t *testing.T, f *File) {
	t.Helper()
	lang := "en"
	fps := 30.0
	codecs := []codec.Codec{codec.None, codec.LZ4, codec.Zlib, codec.Zstd}
	for i, c := range codecs {
		o := &WriteOptions{Compression: c, LogicalRegion: "region_" + c.String()}
		name := "frames/" + c.String()
		if err := f.WriteTensor(name, Float32Tensor([]uint64{4, 3}, ramp(12+0*i)), o); err != nil {
			t.Fatalf("tensor %s: %v", c, err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.WriteMesh("meshes/tetra", sampleMesh(), &WriteOptions{Compression: codec.Zstd}))
	must(f.WriteMesh("meshes/bare", &Mesh{Vertices: [][3]float32{{1, 2, 3}}, Faces: [][3]uint32{}}, nil))
	must(f.WriteText("docs/readme", &Text{Content: "héllo wörld", Language: &lang, Tokens: []uint32{1, 2, 3}}, nil))
	must(f.WriteSequence("seq/video", &Sequence{Frames: []string{"frames/None", "frames/Lz4"}, FPS: &fps, Metadata: map[string]string{"camera": "left"}}, nil))
	must(f.WriteEmbedding("emb/pca", &Embedding{Tensor: *Float32Tensor([]uint64{2, 3}, ramp(6)), Method: "PCA", Labels: []string{"a", "b"}}, &WriteOptions{Compression: codec.LZ4}))
	must(f.WriteMeta("meta/info", &Meta{Version: 3, Timestamp: "2026-01-02T03:04:05Z", Data: json.RawMessage(`{"k":[1,2]}`)}, nil))
	for _, d := range DTypes() {
		n := 6 * d.ItemSize()
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i*7 + 1)
		}
		must(f.WriteTensor("dtypes/"+string(d), &Tensor{DType: d, Shape: []uint64{2, 3}, Data: data}, nil))
	}
}

func checkAll(t *testing.T, f *File) {
	t.Helper()
	for _, c := range []string{"None", "Lz4", "Zlib", "Zstd"} {
		tt, err := f.ReadTensor("frames/" + c)
		if err != nil {
			t.Fatalf("tensor %s: %v", c, err)
		}
		v, _ := tt.Float32s()
		if len(v) != 12 || v[11] != 5.5 || tt.Shape[0] != 4 || tt.Shape[1] != 3 {
			t.Fatalf("tensor %s = %v %v", c, tt.Shape, v)
		}
		e, _ := f.Entry("frames/" + c)
		if e.Compression != c || *e.LogicalRegion != "region_"+c || *e.DType != Float32 || e.Offset%64 != 0 {
			t.Fatalf("entry %+v", e)
		}
	}
	m, err := f.ReadMesh("meshes/tetra")
	if err != nil {
		t.Fatal(err)
	}
	want := sampleMesh()
	if len(m.Vertices) != 4 || m.Faces[1] != want.Faces[1] || m.Normals[3] != want.Normals[3] || m.UVs[3] != want.UVs[3] || m.Materials["base"] != "steel" {
		t.Fatalf("mesh %+v", m)
	}
	bare, err := f.ReadMesh("meshes/bare")
	if err != nil || bare.Normals != nil || bare.UVs != nil || bare.Materials != nil || len(bare.Faces) != 0 {
		t.Fatalf("bare mesh %+v %v", bare, err)
	}
	tx, err := f.ReadText("docs/readme")
	if err != nil || tx.Content != "héllo wörld" || *tx.Language != "en" || tx.Encoding != "utf-8" || len(tx.Tokens) != 3 {
		t.Fatalf("text %+v %v", tx, err)
	}
	sq, err := f.ReadSequence("seq/video")
	if err != nil || len(sq.Frames) != 2 || *sq.FPS != 30 || sq.Duration != nil || sq.Metadata["camera"] != "left" {
		t.Fatalf("sequence %+v %v", sq, err)
	}
	em, err := f.ReadEmbedding("emb/pca")
	if err != nil || em.Method != "PCA" || em.Labels[1] != "b" || em.Shape[1] != 3 {
		t.Fatalf("embedding %+v %v", em, err)
	}
	mt, err := f.ReadMeta("meta/info")
	if err != nil || mt.Version != 3 || string(mt.Data) != `{"k":[1,2]}` || mt.Timestamp != "2026-01-02T03:04:05Z" {
		t.Fatalf("meta %+v %v", mt, err)
	}
	for _, d := range DTypes() {
		tt, err := f.ReadTensor("dtypes/" + string(d))
		if err != nil || tt.DType != d || len(tt.Data) != 6*d.ItemSize() || tt.Data[5] != byte(5*7+1) {
			t.Fatalf("dtype %s: %v", d, err)
		}
	}
}

func TestRoundTripEveryType(t *testing.T) {
	path := filepath.Join(t.TempDir(), "all.mmx")
	f, err := Create(path, &Options{Creator: "tests", ModelUUID: "f8e8b0d1-8c4e-42bb-9a30-bafd0731b871"})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, f)
	checkAll(t, f) // the writer sees its own uncommitted writes
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	checkAll(t, r)
	if err := r.Verify(); err != nil {
		t.Fatal(err)
	}
	h := r.Header()
	st, _ := os.Stat(path)
	if h.Creator != "tests" || *h.ModelUUID != "f8e8b0d1-8c4e-42bb-9a30-bafd0731b871" || h.FileSize != st.Size() ||
		h.TotalChunks != 4+2+1+1+1+1+len(DTypes()) || h.ModalitySummary["Tensor"] != 4+len(DTypes()) || h.ModalitySummary["Mesh"] != 2 ||
		len(h.FileID) != 36 || h.Version != 1 {
		t.Fatalf("header %+v (size %d)", h, st.Size())
	}
	l, _ := r.List("frames/")
	if len(l) != 4 || l[0].Name != "frames/Lz4" {
		t.Fatalf("list %v", l)
	}
	if _, err := r.ReadTensor("nope"); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("missing chunk: %v", err)
	}
	if _, err := r.ReadMesh("frames/None"); errcode.Of(err) != errcode.BadArg {
		t.Fatalf("wrong type: %v", err)
	}
	if err := r.WriteText("x", &Text{}, nil); errcode.Of(err) != errcode.BadArg {
		t.Fatalf("write to read-only: %v", err)
	}
}

func TestHeaderBytes(t *testing.T) {
	f, _ := NewMem(nil, &Options{Creator: "sustilliano"})
	b := f.Bytes()
	if string(b[:4]) != "MMX\x00" || binary.LittleEndian.Uint32(b[4:]) != 1 {
		t.Fatalf("magic/version % x", b[:8])
	}
	n := binary.LittleEndian.Uint32(b[8:])
	var h map[string]any
	if err := json.Unmarshal(b[12:12+n], &h); err != nil {
		t.Fatal(err)
	}
	keys := string(b[12 : 12+n])
	order := []string{`"version"`, `"file_id"`, `"created"`, `"creator"`, `"model_uuid"`, `"modality_summary"`, `"total_chunks"`, `"file_size"`, `"directory"`}
	last := -1
	for _, k := range order {
		i := strings.Index(keys, k)
		if i <= last {
			t.Fatalf("header field %s out of order in %s", k, keys)
		}
		last = i
	}
	if h["model_uuid"] != nil || h["total_chunks"].(float64) != 0 || int(h["file_size"].(float64)) != len(b) {
		t.Fatalf("header %v", h)
	}
	if len(b) < HeaderSize || !bytes.Equal(b[len(b)-8:], []byte("MMXTAIL\x00")) {
		t.Fatal("an empty file must end with its directory")
	}
}

func TestTransactions(t *testing.T) {
	f, _ := NewMem(nil, nil)
	f.WriteTensor("a", Float32Tensor([]uint64{2}, []float32{1, 2}), nil)
	f.WriteTensor("b", Float32Tensor([]uint64{1}, []float32{3}), nil)
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	g1 := f.Generation()
	size1 := len(f.Bytes())
	// Uncommitted writes are invisible to a reader of the image, and roll back.
	f.WriteTensor("c", Float32Tensor([]uint64{1}, []float32{4}), nil)
	f.Delete("a")
	r, _ := OpenBytes(f.Bytes(), nil)
	if _, err := r.Entry("c"); errcode.Of(err) != errcode.NotFound {
		t.Fatal("reader saw an uncommitted write")
	}
	if _, err := r.Entry("a"); err != nil {
		t.Fatal("reader lost a committed chunk to an uncommitted delete")
	}
	if _, err := f.Entry("a"); errcode.Of(err) != errcode.NotFound {
		t.Fatal("writer still sees its deleted chunk")
	}
	if err := f.Rollback(); err != nil {
		t.Fatal(err)
	}
	if len(f.Bytes()) != size1 || f.Generation() != g1 || f.Pending() {
		t.Fatalf("rollback left %d bytes (had %d)", len(f.Bytes()), size1)
	}
	if _, err := f.Entry("a"); err != nil {
		t.Fatal("rollback did not restore the delete")
	}
	// Overwrite: the new value wins, the old bytes become dead.
	f.WriteTensor("b", Float32Tensor([]uint64{2}, []float32{5, 6}), nil)
	f.Commit()
	tt, _ := f.ReadTensor("b")
	if v, _ := tt.Float32s(); v[1] != 6 {
		t.Fatal("overwrite")
	}
	if f.DeadBytes() == 0 {
		t.Fatal("an overwrite left no dead bytes")
	}
	if err := f.Delete("nope"); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("delete missing: %v", err)
	}
}

func TestCompact(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.mmx")
	f, _ := Create(path, nil)
	writeAll(t, f)
	f.Commit()
	for i := 0; i < 5; i++ {
		f.WriteTensor("frames/None", Float32Tensor([]uint64{4, 3}, ramp(12)), &WriteOptions{LogicalRegion: "region_None"})
		f.Commit()
	}
	f.Delete("dtypes/int8")
	f.WriteTensor("dtypes/int8", &Tensor{DType: Int8, Shape: []uint64{2, 3}, Data: []byte{1, 8, 15, 22, 29, 36}}, nil)
	before, _ := os.Stat(path)
	if err := f.Compact(); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(path)
	if after.Size() >= before.Size() || f.DeadBytes() > uint64(HeaderSize) {
		t.Fatalf("compact: %d → %d bytes, %d dead", before.Size(), after.Size(), f.DeadBytes())
	}
	checkAll(t, f)
	// The first bytes describe the whole file: the header points at the
	// directory right after it, which lists every chunk.
	raw, _ := os.ReadFile(path)
	var h Header
	json.Unmarshal(raw[12:12+binary.LittleEndian.Uint32(raw[8:])], &h)
	if h.Directory.Offset != HeaderSize || string(raw[HeaderSize:HeaderSize+4]) != dirMagic {
		t.Fatalf("no start directory: %+v", h.Directory)
	}
	f.WriteText("after", &Text{Content: "still writable"}, nil)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	checkAll(t, r)
	if tx, err := r.ReadText("after"); err != nil || tx.Content != "still writable" {
		t.Fatal("write after compact")
	}
	if err := r.Verify(); err != nil {
		t.Fatal(err)
	}
}

func TestViewsAndRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.mmx")
	f, _ := Create(path, nil)
	vals := ramp(1000 * 8)
	f.WriteTensor("raw", Float32Tensor([]uint64{1000, 8}, vals), nil)
	f.WriteTensor("z", Float32Tensor([]uint64{1000, 8}, vals), &WriteOptions{Compression: codec.Zstd})
	f.Close()
	r, _ := Open(path)
	defer r.Close()
	tv, view, err := r.TensorView("raw")
	if err != nil || !view {
		t.Fatalf("view: %v %v", view, err)
	}
	if uintptr(unsafePointer(tv.Data))%64 != 0 {
		t.Fatal("raw chunk is not 64-byte aligned in memory")
	}
	for _, name := range []string{"raw", "z"} {
		rows, rview, err := r.ReadTensorRows(name, 10, 13)
		if err != nil || rows.Shape[0] != 3 || rows.Shape[1] != 8 {
			t.Fatalf("%s rows: %v", name, err)
		}
		if rview != (name == "raw") {
			t.Fatalf("%s rows view=%v", name, rview)
		}
		v, _ := rows.Float32s()
		if v[0] != vals[80] || v[23] != vals[103] {
			t.Fatalf("%s rows values", name)
		}
	}
	if _, _, err := r.ReadTensorRows("raw", 5, 1001); errcode.Of(err) != errcode.BadArg {
		t.Fatalf("rows past the end: %v", err)
	}
}

// A flipped bit in a chunk is caught on read and by Verify.
func TestChecksumOnRead(t *testing.T) {
	f, _ := NewMem(nil, nil)
	f.WriteTensor("t", Float32Tensor([]uint64{4}, []float32{1, 2, 3, 4}), nil)
	f.Commit()
	img := f.Bytes()
	e, _ := f.Entry("t")
	img[e.Offset+1] ^= 0x10
	r, err := OpenBytes(img, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.ReadTensor("t"); !errors.Is(err, errcode.ErrChecksum) {
		t.Fatalf("read: %v", err)
	}
	var ve *VerifyError
	if err := r.Verify(); !errors.As(err, &ve) || ve.Chunk != "t" || !errors.Is(err, errcode.ErrChecksum) {
		t.Fatalf("verify: %v", err)
	}
	nv, _ := OpenBytes(img, &Options{Verify: VerifyNever})
	if _, err := nv.ReadTensor("t"); err != nil {
		t.Fatalf("VerifyNever: %v", err)
	}
	if _, err := OpenBytes(img, &Options{Verify: VerifyOnOpen}); !errors.Is(err, errcode.ErrChecksum) {
		t.Fatalf("VerifyOnOpen: %v", err)
	}
}

func TestBadWrites(t *testing.T) {
	f, _ := NewMem(nil, nil)
	cases := map[string]error{
		"short data":   f.WriteTensor("t", &Tensor{DType: Float32, Shape: []uint64{3}, Data: make([]byte, 8)}, nil),
		"bad dtype":    f.WriteTensor("t", &Tensor{DType: "float8", Shape: []uint64{1}, Data: make([]byte, 1)}, nil),
		"empty name":   f.WriteText("", &Text{}, nil),
		"control char": f.WriteText("a\nb", &Text{}, nil),
		"bad face":     f.WriteMesh("m", &Mesh{Vertices: [][3]float32{{0, 0, 0}}, Faces: [][3]uint32{{0, 1, 0}}}, nil),
		"labels":       f.WriteEmbedding("e", &Embedding{Tensor: *Float32Tensor([]uint64{2, 1}, []float32{1, 2}), Labels: []string{"x"}}, nil),
		"alignment":    f.WriteTensor("t", Float32Tensor([]uint64{1}, []float32{1}), &WriteOptions{Alignment: 12}),
		"timestamp":    f.WriteMeta("m", &Meta{Timestamp: "yesterday"}, nil),
	}
	for name, err := range cases {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if f.Pending() {
		t.Fatal("a refused write left something pending")
	}
	_ = math.Pi
}
