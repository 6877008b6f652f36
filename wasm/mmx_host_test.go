//go:build !wasip1

// MMX inside the module: the shared vectors and a write/read round trip,
// driven through the pf_mmx_* exports as the JS wrapper drives them.
package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/ffi"
	"github.com/polyfmt/polyfmt/core/mmx"
	"github.com/polyfmt/polyfmt/core/vectors"
)

// mmxVectors mirrors core/testdata/mmx/manifest.json.
type mmxVectors struct {
	Cases []struct {
		Name   string `json:"name"`
		File   string `json:"file"`
		Error  string `json:"error"`
		Expect struct {
			Generation    uint64         `json:"generation"`
			TotalChunks   int            `json:"total_chunks"`
			FileID        string         `json:"file_id"`
			Creator       string         `json:"creator"`
			RecoveryClean bool           `json:"recovery_clean"`
			Verify        string         `json:"verify"`
			Chunks        []mmxWantChunk `json:"chunks"`
		} `json:"expect"`
	} `json:"cases"`
}

type mmxWantChunk struct {
	Name          string  `json:"name"`
	ChunkType     string  `json:"chunk_type"`
	Compression   string  `json:"compression"`
	LogicalRegion *string `json:"logical_region"`
	Arrays        map[string]struct {
		DType  string   `json:"dtype"`
		Shape  []uint64 `json:"shape"`
		SHA256 string   `json:"sha256"`
	} `json:"arrays"`
	Value json.RawMessage `json:"value"`
	Error string          `json:"error"`
}

// mmxReadJSON is the description pf_mmx_read returns.
type mmxReadJSON struct {
	Entry  mmx.Entry                `json:"entry"`
	Value  json.RawMessage          `json:"value"`
	Arrays map[string]mmx.FlatArray `json:"arrays"`
}

// mmxChunk is one pf_mmx_read or pf_mmx_read_rows result, copied out of
// the guest. A buffer the library owned has been freed; a borrowed view
// has been left alone.
type mmxChunk struct {
	desc     mmxReadJSON
	data     []byte
	borrowed int32
}

func (g *guest) mmxOpenPath(path string, writable int) (uint32, int32) {
	p, n := g.put([]byte(path))
	out := g.alloc(4)
	rc := g.rc("pf_mmx_open", p, n, uint64(writable), 0, 0, uint64(out))
	g.rc("pf_free", p)
	return g.u32(out), rc
}

// mmxRead calls pf_mmx_read (rows nil) or pf_mmx_read_rows.
func (g *guest) mmxRead(h uint32, name string, rows []uint64) (*mmxChunk, int32) {
	g.t.Helper()
	slot := g.alloc(20)
	defer g.rc("pf_free", uint64(slot))
	np, nn := g.put([]byte(name))
	defer g.rc("pf_free", np)
	var rc int32
	if rows == nil {
		rc = g.rc("pf_mmx_read", uint64(h), np, nn, uint64(slot), uint64(slot+4), uint64(slot+8), uint64(slot+12), uint64(slot+16))
	} else {
		rc = g.rc("pf_mmx_read_rows", uint64(h), np, nn, rows[0], rows[1], uint64(slot), uint64(slot+4), uint64(slot+8), uint64(slot+12), uint64(slot+16))
	}
	if rc != 0 {
		return nil, rc
	}
	c := &mmxChunk{borrowed: int32(g.u32(slot + 16))}
	if err := json.Unmarshal(g.take(slot, slot+4), &c.desc); err != nil {
		g.t.Fatalf("read %s: %v", name, err)
	}
	switch c.borrowed {
	case 1:
		p, n := g.u32(slot+8), g.u32(slot+12)
		b, ok := g.mod.Memory().Read(p, n)
		if !ok || n == 0 {
			g.t.Fatalf("read %s: borrowed view %d+%d", name, p, n)
		}
		c.data = bytes.Clone(b)
		// A view is the file's memory, not a buffer: pf_free refuses it.
		if rc := g.rc("pf_free", uint64(p)); rc != int32(errcode.BadArg) {
			g.t.Fatalf("read %s: pf_free of a borrowed view: %d", name, rc)
		}
	case 0:
		c.data = g.take(slot+8, slot+12)
	default:
		g.t.Fatalf("read %s: borrowed = %d", name, c.borrowed)
	}
	return c, 0
}

func (g *guest) mmxInfo(h uint32) ffi.MMXInfoJSON {
	g.t.Helper()
	slot := g.alloc(8)
	defer g.rc("pf_free", uint64(slot))
	if rc := g.rc("pf_mmx_info", uint64(h), uint64(slot), uint64(slot+4)); rc != 0 {
		g.t.Fatalf("info: %d %s", rc, g.errmsg(h))
	}
	var info ffi.MMXInfoJSON
	if err := json.Unmarshal(g.take(slot, slot+4), &info); err != nil {
		g.t.Fatal(err)
	}
	return info
}

func (g *guest) mmxList(h uint32, prefix string) []string {
	g.t.Helper()
	slot := g.alloc(8)
	defer g.rc("pf_free", uint64(slot))
	p, n := g.put([]byte(prefix))
	defer g.rc("pf_free", p)
	if rc := g.rc("pf_mmx_list", uint64(h), p, n, uint64(slot), uint64(slot+4)); rc != 0 {
		g.t.Fatalf("list: %d %s", rc, g.errmsg(h))
	}
	var entries []mmx.Entry
	if err := json.Unmarshal(g.take(slot, slot+4), &entries); err != nil {
		g.t.Fatal(err)
	}
	names := []string{}
	for _, e := range entries {
		names = append(names, e.Name)
	}
	return names
}

func (g *guest) mmxWrite(h uint32, name, desc string, data []byte) int32 {
	np, nn := g.put([]byte(name))
	dp, dn := g.put([]byte(desc))
	bp, bn := g.put(data)
	rc := g.rc("pf_mmx_write", uint64(h), np, nn, dp, dn, bp, bn)
	for _, p := range []uint64{np, dp, bp} {
		if p != 0 {
			g.rc("pf_free", p)
		}
	}
	return rc
}

// Every case of the MMX manifest, inside the module, from bytes and from a
// mounted path.
func TestMMXVectors(t *testing.T) {
	root, err := vectors.Root()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "mmx")
	var m mmxVectors
	readJSON(t, filepath.Join(dir, "manifest.json"), &m)
	if len(m.Cases) == 0 {
		t.Fatal("mmx manifest has no cases")
	}
	g := newGuest(t, map[string]string{"/vectors": dir})
	for _, c := range m.Cases {
		data, err := os.ReadFile(filepath.Join(dir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		for _, how := range []string{"bytes", "path"} {
			t.Run(c.Name+"/"+how, func(t *testing.T) {
				g.t = t
				var h uint32
				var rc int32
				if how == "bytes" {
					h, rc = g.openBytesWith("pf_mmx_open_bytes", data, 0)
				} else {
					h, rc = g.mmxOpenPath("/vectors/"+c.File, 0)
				}
				if c.Error != "" {
					if name := errcode.Code(rc).Name(); name != c.Error {
						t.Fatalf("open: %s (%s), want %s", name, g.errmsg(0), c.Error)
					}
					return
				}
				if rc != 0 {
					t.Fatalf("open: %d %s", rc, g.errmsg(0))
				}
				defer func() {
					if rc := g.rc("pf_close", uint64(h)); rc != 0 {
						t.Errorf("close: %d", rc)
					}
				}()
				e := c.Expect
				info := g.mmxInfo(h)
				if info.Generation != e.Generation || info.Header.TotalChunks != e.TotalChunks || info.Header.FileID != e.FileID ||
					info.Header.Creator != e.Creator || info.Recovery.Clean != e.RecoveryClean || info.Writable {
					t.Errorf("info %+v, want %+v", info, e)
				}
				if rc := g.rc("pf_mmx_verify", uint64(h)); errcode.Code(rc).Name() != e.Verify {
					t.Errorf("verify: %s (%s), want %s", errcode.Code(rc).Name(), g.errmsg(h), e.Verify)
				}
				var names []string
				for _, w := range e.Chunks {
					names = append(names, w.Name)
				}
				if got := g.mmxList(h, ""); !slices.Equal(got, names) && len(got)+len(names) > 0 {
					t.Errorf("list %q, want %q", got, names)
				}
				morphnet := strings.HasPrefix(c.Name, "morphnet/")
				for _, w := range e.Chunks {
					checkMMXChunk(t, g, h, w, morphnet)
				}
			})
		}
	}
}

// checkMMXChunk reads one chunk and compares it with the manifest.
func checkMMXChunk(t *testing.T, g *guest, h uint32, w mmxWantChunk, morphnet bool) {
	t.Helper()
	c, rc := g.mmxRead(h, w.Name, nil)
	if w.Error != "" {
		if name := errcode.Code(rc).Name(); name != w.Error {
			t.Errorf("read %s: %s (%s), want %s", w.Name, name, g.errmsg(h), w.Error)
		}
		return
	}
	if rc != 0 {
		t.Errorf("read %s: %d %s", w.Name, rc, g.errmsg(h))
		return
	}
	d := c.desc
	if string(d.Entry.ChunkType) != w.ChunkType || d.Entry.Compression != w.Compression || d.Entry.Name != w.Name ||
		(d.Entry.LogicalRegion == nil) != (w.LogicalRegion == nil) || w.LogicalRegion != nil && *d.Entry.LogicalRegion != *w.LogicalRegion {
		t.Errorf("read %s: entry %+v, want %+v", w.Name, d.Entry, w)
	}
	if len(d.Arrays) != len(w.Arrays) {
		t.Errorf("read %s: arrays %v, want %v", w.Name, d.Arrays, w.Arrays)
	}
	for k, want := range w.Arrays {
		a, ok := d.Arrays[k]
		if !ok || a.Offset+a.NBytes > uint64(len(c.data)) {
			t.Errorf("read %s: array %s %+v outside %d data bytes", w.Name, k, a, len(c.data))
			continue
		}
		if string(a.DType) != want.DType || !slices.Equal(a.Shape, want.Shape) || sha256Hex(c.data[a.Offset:a.Offset+a.NBytes]) != want.SHA256 {
			t.Errorf("read %s: array %s %+v, want %+v", w.Name, k, a, want)
		}
	}
	value := d.Value
	if len(value) == 0 {
		value = json.RawMessage("null")
	}
	if !equalJSON(t, value, w.Value) {
		t.Errorf("read %s: value %s, want %s", w.Name, value, w.Value)
	}
	// Raw chunks of a polyfmt file open read-only are lent in place;
	// everything decoded or decompressed is a buffer to free.
	lent := !morphnet && w.Compression == "None" && len(c.data) > 0
	if (c.borrowed == 1) != lent {
		t.Errorf("read %s: borrowed %d, want %v", w.Name, c.borrowed, lent)
	}
}

func mmxF32Bytes(vs ...float32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

func mmxU32Bytes(vs ...uint32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

// A tensor and a mesh written, committed and read back inside the module,
// then read from bytes (borrowed views) and by the host.
func TestMMXWriteRead(t *testing.T) {
	dir := t.TempDir()
	g := newGuest(t, map[string]string{"/work": dir})
	slot := g.alloc(8)
	path, pathLen := g.put([]byte("/work/rt.mmx"))
	opts, optsLen := g.put([]byte(`{"creator": "wasm test", "no_sync": true}`))
	if rc := g.rc("pf_mmx_create", path, pathLen, opts, optsLen, uint64(slot)); rc != 0 {
		t.Fatalf("create: %d %s", rc, g.errmsg(0))
	}
	h := g.u32(slot)

	var vals []float32
	for i := range 12 {
		vals = append(vals, float32(i)/2)
	}
	tensor := mmxF32Bytes(vals...)
	verts := mmxF32Bytes(0, 0, 0, 1, 0, 0, 0, 1, 0)
	faces := mmxU32Bytes(0, 1, 2)
	mesh := append(bytes.Clone(verts), faces...)
	meshDesc := `{"chunk_type": "Mesh", "compression": "Zstd", "value": {"materials": {"skin": "red"}},
		"arrays": {"vertices": {"dtype": "float32", "shape": [3, 3], "offset": 0, "nbytes": 36},
		           "faces": {"dtype": "uint32", "shape": [1, 3], "offset": 36, "nbytes": 12}}}`
	writes := []struct{ name, desc string }{
		{"t/raw", `{"chunk_type": "Tensor", "dtype": "float32", "shape": [4, 3]}`},
		{"t/lz4", `{"chunk_type": "Tensor", "dtype": "float32", "shape": [4, 3], "compression": "Lz4", "logical_region": "r"}`},
	}
	for _, w := range writes {
		if rc := g.mmxWrite(h, w.name, w.desc, tensor); rc != 0 {
			t.Fatalf("write %s: %d %s", w.name, rc, g.errmsg(h))
		}
	}
	if rc := g.mmxWrite(h, "m/tri", meshDesc, mesh); rc != 0 {
		t.Fatalf("write mesh: %d %s", rc, g.errmsg(h))
	}
	if rc := g.mmxWrite(h, "t/bad", `{"chunk_type": "Tensor", "dtype": "float32", "shape": [5, 3]}`, tensor); rc != int32(errcode.BadArg) {
		t.Fatalf("write of a short tensor: %d", rc)
	}
	if info := g.mmxInfo(h); !info.Pending || info.Generation != 1 {
		t.Fatalf("before commit: %+v", info)
	}
	if rc := g.rc("pf_mmx_commit", uint64(h)); rc != 0 {
		t.Fatalf("commit: %d %s", rc, g.errmsg(h))
	}
	// A write rolled back leaves no trace.
	if rc := g.mmxWrite(h, "t/tmp", writes[0].desc, tensor); rc != 0 {
		t.Fatal(rc)
	}
	if got := g.mmxList(h, "t/"); !slices.Equal(got, []string{"t/lz4", "t/raw", "t/tmp"}) {
		t.Fatalf("list before rollback: %q", got)
	}
	if rc := g.rc("pf_mmx_rollback", uint64(h)); rc != 0 {
		t.Fatal(rc)
	}
	if got := g.mmxList(h, ""); !slices.Equal(got, []string{"m/tri", "t/lz4", "t/raw"}) {
		t.Fatalf("list after rollback: %q", got)
	}
	if info := g.mmxInfo(h); info.Pending || info.Generation != 2 || info.Header.TotalChunks != 3 || info.Header.Creator != "wasm test" {
		t.Fatalf("after commit: %+v", info)
	}

	// On the writer nothing is lent: every read is a buffer to free.
	checkTensor := func(h uint32, name string, borrowed int32) {
		t.Helper()
		c, rc := g.mmxRead(h, name, nil)
		if rc != 0 {
			t.Fatalf("read %s: %d %s", name, rc, g.errmsg(h))
		}
		a := c.desc.Arrays["data"]
		if c.borrowed != borrowed || !bytes.Equal(c.data, tensor) || a.DType != mmx.Float32 || !slices.Equal(a.Shape, []uint64{4, 3}) {
			t.Fatalf("read %s: borrowed %d, %+v, %d bytes; want borrowed %d", name, c.borrowed, c.desc, len(c.data), borrowed)
		}
		r, rc := g.mmxRead(h, name, []uint64{1, 3})
		if rc != 0 || r.borrowed != borrowed || !bytes.Equal(r.data, tensor[12:36]) || !slices.Equal(r.desc.Arrays["data"].Shape, []uint64{2, 3}) {
			t.Fatalf("rows [1,3) of %s: %d %+v", name, rc, r)
		}
	}
	checkMesh := func(h uint32) {
		t.Helper()
		c, rc := g.mmxRead(h, "m/tri", nil)
		if rc != 0 {
			t.Fatalf("read mesh: %d %s", rc, g.errmsg(h))
		}
		v, f := c.desc.Arrays["vertices"], c.desc.Arrays["faces"]
		if c.borrowed != 0 || !bytes.Equal(c.data[v.Offset:v.Offset+v.NBytes], verts) || !bytes.Equal(c.data[f.Offset:f.Offset+f.NBytes], faces) ||
			!equalJSON(t, c.desc.Value, []byte(`{"materials": {"skin": "red"}}`)) || c.desc.Entry.Compression != "Zstd" {
			t.Fatalf("mesh: %+v", c)
		}
	}
	checkTensor(h, "t/raw", 0)
	checkTensor(h, "t/lz4", 0)
	checkMesh(h)
	if rc := g.rc("pf_mmx_verify", uint64(h)); rc != 0 {
		t.Fatalf("verify: %d %s", rc, g.errmsg(h))
	}
	if _, rc := g.mmxRead(h, "nope", nil); rc != int32(errcode.NotFound) || !strings.Contains(g.errmsg(h), "nope") {
		t.Fatalf("read of a missing chunk: %d %q", rc, g.errmsg(h))
	}
	if rc := g.rc("pf_close", uint64(h)); rc != 0 {
		t.Fatal(rc)
	}

	// The host reads what the guest wrote.
	f, err := mmx.Open(filepath.Join(dir, "rt.mmx"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Verify(); err != nil {
		t.Fatal(err)
	}
	ht, err := f.ReadTensor("t/lz4")
	if err != nil || !bytes.Equal(ht.Data, tensor) {
		t.Fatalf("host read: %v", err)
	}
	hm, err := f.ReadMesh("m/tri")
	if err != nil || len(hm.Vertices) != 3 || hm.Faces[0] != [3]uint32{0, 1, 2} || hm.Materials["skin"] != "red" {
		t.Fatalf("host mesh: %+v %v", hm, err)
	}
	f.Close()
	img, err := os.ReadFile(filepath.Join(dir, "rt.mmx"))
	if err != nil {
		t.Fatal(err)
	}

	// Read-only from bytes and from the mounted path: raw chunks are lent in
	// place (borrowed 1, never freed); compressed ones are buffers to free.
	for _, how := range []string{"bytes", "path"} {
		var r uint32
		var rc int32
		if how == "bytes" {
			r, rc = g.openBytesWith("pf_mmx_open_bytes", img, 0)
		} else {
			r, rc = g.mmxOpenPath("/work/rt.mmx", 0)
		}
		if rc != 0 {
			t.Fatalf("open %s: %d %s", how, rc, g.errmsg(0))
		}
		checkTensor(r, "t/raw", 1)
		checkTensor(r, "t/lz4", 0)
		checkMesh(r)
		if rc := g.mmxWrite(r, "x", writes[0].desc, tensor); rc != int32(errcode.BadArg) {
			t.Fatalf("write to a read-only handle: %d", rc)
		}
		if rc := g.rc("pf_close", uint64(r)); rc != 0 {
			t.Fatal(rc)
		}
	}

	// Writable in memory: delete, compact, and the image reopens.
	w, rc := g.openBytesWith("pf_mmx_open_bytes", img, 1)
	if rc != 0 {
		t.Fatalf("open_bytes writable: %d %s", rc, g.errmsg(0))
	}
	np, nn := g.put([]byte("t/lz4"))
	if rc := g.rc("pf_mmx_delete", uint64(w), np, nn); rc != 0 {
		t.Fatal(rc)
	}
	if rc := g.rc("pf_mmx_compact", uint64(w)); rc != 0 {
		t.Fatalf("compact: %d %s", rc, g.errmsg(w))
	}
	if rc := g.rc("pf_mmx_bytes", uint64(w), uint64(slot), uint64(slot+4)); rc != 0 {
		t.Fatal(rc)
	}
	compacted := g.take(slot, slot+4)
	g.rc("pf_close", uint64(w))
	r, rc := g.openBytesWith("pf_mmx_open_bytes", compacted, 0)
	if rc != 0 {
		t.Fatal(rc)
	}
	if got := g.mmxList(r, ""); !slices.Equal(got, []string{"m/tri", "t/raw"}) {
		t.Fatalf("after compact: %q", got)
	}
	if info := g.mmxInfo(r); info.Generation != 4 || info.Header.Directory == nil || info.Header.Directory.Offset != mmx.HeaderSize {
		t.Fatalf("after compact: %+v", info)
	}
	checkTensor(r, "t/raw", 1)
	if rc := g.rc("pf_mmx_verify", uint64(r)); rc != 0 {
		t.Fatal(rc)
	}
	g.rc("pf_close", uint64(r))
}

// pf_mmx_read_into fills a buffer in guest memory (as the JS wrapper's
// kept scratch buffer), raw or compressed; a short one is PF_ELIMIT with
// the size needed.
func TestMMXReadIntoGuestMemory(t *testing.T) {
	g := newGuest(t, nil)
	slot := g.alloc(8)
	if rc := g.rc("pf_mmx_create", 0, 0, 0, 0, uint64(slot)); rc != 0 {
		t.Fatalf("create: %d %s", rc, g.errmsg(0))
	}
	h := g.u32(slot)
	tensor := mmxF32Bytes(1, 2, 3, 4, 5, 6)
	for _, c := range []string{"None", "Lz4", "Zlib", "Zstd"} {
		if rc := g.mmxWrite(h, "t/"+c, `{"chunk_type": "Tensor", "dtype": "float32", "shape": [2, 3], "compression": "`+c+`"}`, tensor); rc != 0 {
			t.Fatalf("write %s: %d %s", c, rc, g.errmsg(h))
		}
	}
	if rc := g.rc("pf_mmx_commit", uint64(h)); rc != 0 {
		t.Fatal(rc)
	}
	dst := g.alloc(64)
	for _, c := range []string{"None", "Lz4", "Zlib", "Zstd"} {
		np, nn := g.put([]byte("t/" + c))
		if rc := g.rc("pf_mmx_read_into", uint64(h), np, nn, uint64(dst), 64, uint64(slot)); rc != 0 || g.u64(slot) != 24 {
			t.Fatalf("%s: rc %d, %d bytes, %s", c, rc, g.u64(slot), g.errmsg(h))
		}
		if got, _ := g.mod.Memory().Read(dst, 24); !bytes.Equal(got, tensor) {
			t.Fatalf("%s: %v", c, got)
		}
		if rc := g.rc("pf_mmx_read_into", uint64(h), np, nn, uint64(dst), 20, uint64(slot)); rc != int32(errcode.Limit) || g.u64(slot) != 24 {
			t.Fatalf("%s short: rc %d, needed %d", c, rc, g.u64(slot))
		}
		g.rc("pf_free", np)
	}
}
