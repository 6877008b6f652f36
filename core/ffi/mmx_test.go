package ffi

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/mmx"
)

func f32bytes(v ...float32) []byte {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

func ptrOf(b []byte) (unsafe.Pointer, uint64) {
	if len(b) == 0 {
		return nil, 0
	}
	return unsafe.Pointer(&b[0]), uint64(len(b))
}

type readOut struct {
	Entry  map[string]any `json:"entry"`
	Value  json.RawMessage
	Arrays map[string]struct {
		DType  string   `json:"dtype"`
		Shape  []uint64 `json:"shape"`
		Offset uint64   `json:"offset"`
		NBytes uint64   `json:"nbytes"`
	} `json:"arrays"`
}

func mmxRead(t *testing.T, a *ABI, h uint32, name string) (readOut, []byte, int32, unsafe.Pointer) {
	t.Helper()
	np, nn := str(name)
	var js, data unsafe.Pointer
	var jn, dn uint64
	var borrowed int32 = -1
	if rc := MMXRead(a, h, np, nn, unsafe.Pointer(&js), unsafe.Pointer(&jn), unsafe.Pointer(&data), unsafe.Pointer(&dn), unsafe.Pointer(&borrowed)); rc != 0 {
		t.Fatalf("read %s: %d %s", name, rc, cstr(ErrMsg(a, h)))
	}
	var out readOut
	if err := json.Unmarshal(bufOf(a, js, jn), &out); err != nil {
		t.Fatal(err)
	}
	Free(a, js)
	b := bufOf(a, data, dn)
	if borrowed == 0 {
		Free(a, data)
	}
	return out, b, borrowed, data
}

func TestMMXThroughTheABI(t *testing.T) {
	a := goABI()
	var h uint32
	if rc := MMXCreate(a, nil, 0, nil, 0, unsafe.Pointer(&h)); rc != 0 {
		t.Fatalf("create: %d", rc)
	}
	write := func(name, desc string, data []byte) int32 {
		np, nn := str(name)
		dp, dn := str(desc)
		bp, bn := ptrOf(data)
		return MMXWrite(a, h, np, nn, dp, dn, bp, bn)
	}
	if rc := write("t/raw", `{"chunk_type":"Tensor","dtype":"float32","shape":[2,2]}`, f32bytes(1, 2, 3, 4)); rc != 0 {
		t.Fatalf("tensor: %d %s", rc, cstr(ErrMsg(a, h)))
	}
	if rc := write("t/z", `{"chunk_type":"Tensor","dtype":"float32","shape":[4],"compression":"Zstd","logical_region":"r"}`, f32bytes(5, 6, 7, 8)); rc != 0 {
		t.Fatalf("zstd tensor: %d %s", rc, cstr(ErrMsg(a, h)))
	}
	mesh := append(f32bytes(0, 0, 0, 1, 0, 0, 0, 1, 0), 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0)
	if rc := write("m", `{"chunk_type":"Mesh","arrays":{"vertices":{"dtype":"float32","shape":[3,3],"offset":0,"nbytes":36},"faces":{"dtype":"uint32","shape":[1,3],"offset":36,"nbytes":12}},"value":{"materials":{"a":"b"}}}`, mesh); rc != 0 {
		t.Fatalf("mesh: %d %s", rc, cstr(ErrMsg(a, h)))
	}
	if rc := write("txt", `{"chunk_type":"Text","value":{"content":"hi","language":"en"}}`, nil); rc != 0 {
		t.Fatalf("text: %d %s", rc, cstr(ErrMsg(a, h)))
	}
	for desc, want := range map[string]errcode.Code{
		`{"chunk_type":"Tensor","dtype":"float32","shape":[3]}`:            errcode.BadArg, // 16 bytes for 12
		`{"chunk_type":"Text","value":{"content":"x"}}`:                    errcode.BadArg, // data for a text chunk
		`{"chunk_type":"Nope"}`:                                            errcode.BadArg, // unknown type
		`{"chunk_type":"Tensor","compression":"Brotli"}`:                   errcode.BadArg, // unknown codec
		`{"chunk_type":"Tensor","dtype":"float32","shape":[4],"colour":1}`: errcode.BadArg, // unknown key
	} {
		if rc := write("bad", desc, f32bytes(1, 2, 3, 4)); rc != int32(want) {
			t.Errorf("%s: %d, want %s (%s)", desc, rc, want.Name(), cstr(ErrMsg(a, h)))
		}
	}
	if rc := MMXCommit(a, h); rc != 0 {
		t.Fatal(rc)
	}
	// Image → read-only bytes handle: raw chunks are lent, compressed copied.
	var img unsafe.Pointer
	var imgLen uint64
	if rc := MMXBytes(a, h, unsafe.Pointer(&img), unsafe.Pointer(&imgLen)); rc != 0 {
		t.Fatal(rc)
	}
	image := bufOf(a, img, imgLen)
	Free(a, img)
	var r uint32
	ip, in := ptrOf(image)
	if rc := MMXOpenBytes(a, ip, in, 0, unsafe.Pointer(&r)); rc != 0 {
		t.Fatalf("open bytes: %d %s", rc, cstr(ErrMsg(a, 0)))
	}
	live := a.LiveBuffers()
	out, data, borrowed, p1 := mmxRead(t, a, r, "t/raw")
	if borrowed != 1 || string(data) != string(f32bytes(1, 2, 3, 4)) || out.Arrays["data"].DType != "float32" {
		t.Fatalf("raw read: borrowed %d, %+v", borrowed, out)
	}
	_, _, _, p2 := mmxRead(t, a, r, "t/raw")
	if p1 != p2 {
		t.Fatal("two reads of a raw chunk were not the same view")
	}
	if _, data, borrowed, _ := mmxRead(t, a, r, "t/z"); borrowed != 0 || string(data) != string(f32bytes(5, 6, 7, 8)) {
		t.Fatalf("zstd read: borrowed %d", borrowed)
	}
	out, data, _, _ = mmxRead(t, a, r, "m")
	f := out.Arrays["faces"]
	if f.DType != "uint32" || binary.LittleEndian.Uint32(data[f.Offset+8:]) != 2 || !strings.Contains(string(out.Value), `"a":"b"`) {
		t.Fatalf("mesh read %+v", out)
	}
	out, _, _, _ = mmxRead(t, a, r, "txt")
	if !strings.Contains(string(out.Value), `"content":"hi"`) || len(out.Arrays) != 0 {
		t.Fatalf("text read %s", out.Value)
	}
	if a.LiveBuffers() != live {
		t.Fatalf("reads leaked %d buffers", a.LiveBuffers()-live)
	}
	// Rows of the raw tensor: lent too.
	np, nn := str("t/raw")
	var js, rows unsafe.Pointer
	var jn, rn uint64
	var b int32
	if rc := MMXReadRows(a, r, np, nn, 1, 2, unsafe.Pointer(&js), unsafe.Pointer(&jn), unsafe.Pointer(&rows), unsafe.Pointer(&rn), unsafe.Pointer(&b)); rc != 0 || b != 1 || string(bufOf(a, rows, rn)) != string(f32bytes(3, 4)) {
		t.Fatalf("rows: %d borrowed %d", rc, b)
	}
	Free(a, js)
	if rc := MMXVerify(a, r); rc != 0 {
		t.Fatalf("verify: %d", rc)
	}
	before := a.LiveBuffers()
	if rc := Close(a, r); rc != 0 {
		t.Fatal(rc)
	}
	if a.LiveBuffers() >= before {
		t.Fatal("closing a bytes handle kept its image")
	}
	// Read-only handle refuses writes; options are strict.
	var ro uint32
	MMXOpenBytes(a, ip, in, 0, unsafe.Pointer(&ro))
	if rc := MMXCommit(a, ro); rc != int32(errcode.BadArg) || !strings.Contains(cstr(ErrMsg(a, ro)), "read-only") {
		t.Fatalf("commit on a read-only file: %d %s", rc, cstr(ErrMsg(a, ro)))
	}
	Close(a, ro)
	bad, badLen := str(`{"verify":"sometimes"}`)
	if rc := MMXCreate(a, nil, 0, bad, badLen, unsafe.Pointer(&ro)); rc != int32(errcode.BadArg) {
		t.Fatalf("bad verify option: %d", rc)
	}
	Close(a, h)
}

// TestMMXReadIntoHostMemory: pf_mmx_read decompresses a chunk straight
// into the buffer it hands out (one host allocation of the payload's size,
// no payload-sized Go allocation), reports PF_ENOMEM when the host
// allocator fails, and leaks nothing either way.
func TestMMXReadIntoHostMemory(t *testing.T) {
	a := goABI()
	var allocs []int
	var failAbove = -1
	inner := a.Alloc
	a.Alloc = func(n int) (unsafe.Pointer, []byte) {
		allocs = append(allocs, n)
		if failAbove >= 0 && n > failAbove {
			return nil, nil
		}
		return inner(n)
	}
	var h uint32
	if rc := MMXCreate(a, nil, 0, nil, 0, unsafe.Pointer(&h)); rc != 0 {
		t.Fatalf("create: %d", rc)
	}
	vals := make([]float32, 1<<18) // 1 MiB
	for i := range vals {
		vals[i] = float32(i%997) * 1.5
	}
	payload := f32bytes(vals...)
	np, nn := str("t")
	dp, dn := str(`{"chunk_type":"Tensor","dtype":"float32","shape":[262144],"compression":"Zlib"}`)
	bp, bn := ptrOf(payload)
	if rc := MMXWrite(a, h, np, nn, dp, dn, bp, bn); rc != 0 {
		t.Fatalf("write: %d %s", rc, cstr(ErrMsg(a, h)))
	}
	allocs = nil
	var js, data unsafe.Pointer
	var jn, dl uint64
	var b int32
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rc := MMXRead(a, h, np, nn, unsafe.Pointer(&js), unsafe.Pointer(&jn), unsafe.Pointer(&data), unsafe.Pointer(&dl), unsafe.Pointer(&b))
	runtime.ReadMemStats(&after)
	if rc != 0 || b != 0 || string(bufOf(a, data, dl)) != string(payload) {
		t.Fatalf("read: %d, borrowed %d, %d bytes", rc, b, dl)
	}
	Free(a, js)
	Free(a, data)
	if n := slices.Index(allocs, len(payload)); n < 0 {
		t.Fatalf("host allocations %v: none of the payload's %d bytes", allocs, len(payload))
	}
	// The stored (compressed) bytes of this in-memory file are read once;
	// the payload never lands on the Go heap.
	if d := after.TotalAlloc - before.TotalAlloc; d > uint64(len(payload))*3/4 {
		t.Fatalf("the Go heap allocated %d bytes for a %d-byte read", d, len(payload))
	}
	failAbove = 1 << 16
	rc = MMXRead(a, h, np, nn, unsafe.Pointer(&js), unsafe.Pointer(&jn), unsafe.Pointer(&data), unsafe.Pointer(&dl), unsafe.Pointer(&b))
	if rc != int32(errcode.NoMem) {
		t.Fatalf("read with a failing allocator: %d %s, want PF_ENOMEM", rc, cstr(ErrMsg(a, h)))
	}
	if n := a.LiveBuffers(); n != 0 {
		t.Fatalf("%d buffers live after the reads", n)
	}
}

// TestMMXNegativeLimitOption: {"max_chunks": -1} was accepted silently.
func TestMMXNegativeLimitOption(t *testing.T) {
	a := goABI()
	for _, o := range []string{`{"max_chunks":-1}`, `{"max_ratio":-1}`, `{"max_json_bytes":-5}`, `{"max_chunk_bytes":-1}`} {
		op, on := str(o)
		var h uint32
		if rc := MMXCreate(a, nil, 0, op, on, unsafe.Pointer(&h)); rc != int32(errcode.BadArg) {
			t.Fatalf("%s: %d, want PF_EBADARG", o, rc)
		}
	}
	op, on := str(`{"max_ratio":4096,"max_json_bytes":1048576}`)
	var h uint32
	if rc := MMXCreate(a, nil, 0, op, on, unsafe.Pointer(&h)); rc != 0 {
		t.Fatalf("valid limits: %d %s", rc, cstr(ErrMsg(a, 0)))
	}
}

// The automatic-compaction thresholds reach mmx.Options; out-of-range
// values are PF_EBADARG.
func TestMMXAutoCompactOptions(t *testing.T) {
	op, on := str(`{"auto_compact_min_dead":1048576,"auto_compact_ratio":0.5}`)
	o, err := mmxOptions(op, on, true)
	if err != nil || o.AutoCompactMinDead != 1<<20 || o.AutoCompactRatio != 0.5 {
		t.Fatalf("%+v %v", o, err)
	}
	op, on = str(`{"auto_compact_min_dead":-1}`)
	if o, err := mmxOptions(op, on, false); err != nil || o.AutoCompactMinDead != -1 {
		t.Fatalf("off: %+v %v", o, err)
	}
	for _, bad := range []string{`{"auto_compact_min_dead":-2}`, `{"auto_compact_ratio":-1}`} {
		op, on := str(bad)
		if _, err := mmxOptions(op, on, true); errcode.Of(err) != errcode.BadArg {
			t.Fatalf("%s: %v", bad, err)
		}
	}
}

// mmxOptions parses an options argument as pf_mmx_create and pf_mmx_open do.
func mmxOptions(p unsafe.Pointer, n uint64, create bool) (*mmx.Options, error) {
	raw, err := in(p, n)
	if err != nil {
		return nil, err
	}
	return mmx.ParseOptions(raw, create)
}

// pf_mmx_entry: one chunk's entry without reading it; PF_ENOTFOUND else.
func TestMMXEntry(t *testing.T) {
	a := goABI()
	var h uint32
	if rc := MMXCreate(a, nil, 0, nil, 0, unsafe.Pointer(&h)); rc != 0 {
		t.Fatal(rc)
	}
	defer Close(a, h)
	np, nn := str("notes/a")
	dp, dn := str(`{"chunk_type":"Text","value":{"content":"hello"}}`)
	if rc := MMXWrite(a, h, np, nn, dp, dn, nil, 0); rc != 0 {
		t.Fatalf("write: %d %s", rc, cstr(ErrMsg(a, h)))
	}
	var out unsafe.Pointer
	var n uint64
	if rc := MMXEntry(a, h, np, nn, unsafe.Pointer(&out), unsafe.Pointer(&n)); rc != 0 {
		t.Fatalf("entry: %d %s", rc, cstr(ErrMsg(a, h)))
	}
	var e mmx.Entry
	if err := json.Unmarshal(bufOf(a, out, n), &e); err != nil || e.Name != "notes/a" || e.ChunkType != mmx.TypeText {
		t.Fatalf("entry %+v %v", e, err)
	}
	Free(a, out)
	mp, mn := str("notes/missing")
	if rc := MMXEntry(a, h, mp, mn, unsafe.Pointer(&out), unsafe.Pointer(&n)); rc != int32(errcode.NotFound) {
		t.Fatalf("missing entry: %d", rc)
	}
}

// pf_mmx_read_into fills the caller's buffer, raw or compressed, reports a
// short buffer as PF_ELIMIT with the size needed, and refuses non-arrays.
func TestMMXReadInto(t *testing.T) {
	a := goABI()
	var h uint32
	if rc := MMXCreate(a, nil, 0, nil, 0, unsafe.Pointer(&h)); rc != 0 {
		t.Fatalf("create: %d", rc)
	}
	defer Close(a, h)
	want := f32bytes(1, 2, 3, 4, 5, 6)
	for _, c := range []string{"None", "Lz4", "Zlib", "Zstd"} {
		np, nn := str("t/" + c)
		dp, dn := str(`{"chunk_type":"Tensor","dtype":"float32","shape":[2,3],"compression":"` + c + `"}`)
		bp, bn := ptrOf(want)
		if rc := MMXWrite(a, h, np, nn, dp, dn, bp, bn); rc != 0 {
			t.Fatalf("write %s: %d %s", c, rc, cstr(ErrMsg(a, h)))
		}
	}
	np, nn := str("text")
	dp, dn := str(`{"chunk_type":"Text","value":{"content":"hi"}}`)
	if rc := MMXWrite(a, h, np, nn, dp, dn, nil, 0); rc != 0 {
		t.Fatalf("text: %d", rc)
	}
	if rc := MMXCommit(a, h); rc != 0 {
		t.Fatal(rc)
	}
	readInto := func(name string, dst []byte) (int32, uint64) {
		np, nn := str(name)
		written := uint64(12345)
		dp, dn := ptrOf(dst)
		return MMXReadInto(a, h, np, nn, dp, dn, unsafe.Pointer(&written)), written
	}
	for _, c := range []string{"None", "Lz4", "Zlib", "Zstd"} {
		dst := make([]byte, 64)
		if rc, n := readInto("t/"+c, dst); rc != 0 || n != 24 || string(dst[:24]) != string(want) {
			t.Fatalf("%s: rc %d, %d bytes: %v", c, rc, n, dst[:n])
		}
		if rc, n := readInto("t/"+c, dst[:23]); rc != int32(errcode.Limit) || n != 24 || !strings.Contains(cstr(ErrMsg(a, h)), "needs a buffer of 24 bytes, got 23") {
			t.Fatalf("%s short: rc %d, needed %d, %s", c, rc, n, cstr(ErrMsg(a, h)))
		}
		if rc, n := readInto("t/"+c, nil); rc != int32(errcode.Limit) || n != 24 {
			t.Fatalf("%s no buffer: rc %d, needed %d", c, rc, n)
		}
	}
	if rc, n := readInto("text", make([]byte, 64)); rc != int32(errcode.BadArg) || n != 0 {
		t.Fatalf("text: rc %d, %d", rc, n)
	}
	if rc, _ := readInto("nope", make([]byte, 64)); rc != int32(errcode.NotFound) {
		t.Fatalf("missing: rc %d", rc)
	}
	np, nn = str("t/Lz4")
	dst := make([]byte, 64)
	if rc := MMXReadInto(a, h, np, nn, unsafe.Pointer(&dst[0]), 64, nil); rc != int32(errcode.BadArg) {
		t.Fatalf("NULL out_written: rc %d", rc)
	}
	if rc := MMXReadInto(a, h, np, nn, nil, 64, unsafe.Pointer(&dst[0])); rc != int32(errcode.BadArg) {
		t.Fatalf("NULL dst with a length: rc %d", rc)
	}
}
