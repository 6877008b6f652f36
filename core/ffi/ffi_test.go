package ffi

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/mem8"
)

// goABI is a host ABI with 8-byte slots over memory outside the Go heap
// (an anonymous mapping used as a bump arena), as C's malloc would give.
func goABI() *ABI {
	arena, err := syscall.Mmap(-1, 0, 8<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		panic(err)
	}
	next := 0
	return &ABI{
		PtrSize: 8,
		Alloc: func(n int) (unsafe.Pointer, []byte) {
			if next+n > len(arena) {
				return nil, nil
			}
			b := arena[next : next+n : next+n]
			next += (n + 15) &^ 15
			return unsafe.Pointer(&b[0]), b
		},
		Release: func(unsafe.Pointer) {},
	}
}

func cstr(p unsafe.Pointer) string {
	if p == nil {
		return "<NULL>"
	}
	var b []byte
	for i := 0; *(*byte)(unsafe.Add(p, i)) != 0; i++ {
		b = append(b, *(*byte)(unsafe.Add(p, i)))
	}
	return string(b)
}

// bufOf copies a returned buffer; out-slots are unsafe.Pointer (8 bytes, as C's).
func bufOf(a *ABI, p unsafe.Pointer, n uint64) []byte {
	if p == nil {
		return nil
	}
	return append([]byte(nil), unsafe.Slice((*byte)(p), n)...)
}

func str(s string) (unsafe.Pointer, uint64) {
	if s == "" {
		return nil, 0
	}
	b := []byte(s)
	return unsafe.Pointer(&b[0]), uint64(len(b))
}

func TestHandleLifecycle(t *testing.T) {
	a := goABI()
	before := OpenHandles()
	var h uint32
	opts, optsLen := str(`{"identity_freq": 432, "no_sync": true}`)
	if rc := Mem8Create(a, nil, 0, opts, optsLen, unsafe.Pointer(&h)); rc != 0 || h == 0 {
		t.Fatalf("create in memory: rc %d h %d: %s", rc, h, cstr(ErrMsg(a, 0)))
	}
	content, n := str("hello")
	tok, tokLen := str("greeting")
	var idx uint64 = 99
	if rc := Mem8Append(a, h, content, n, 0.5, tok, tokLen, 42, unsafe.Pointer(&idx)); rc != 0 || idx != 0 {
		t.Fatalf("append: %d %d %s", rc, idx, cstr(ErrMsg(a, h)))
	}
	var count uint64
	if rc := mem8Count(a, h, unsafe.Pointer(&count)); rc != 0 || count != 1 {
		t.Fatalf("count: %d %d", rc, count)
	}
	var jp, cp unsafe.Pointer
	var jn, cn uint64
	if rc := Mem8Block(a, h, 0, unsafe.Pointer(&jp), unsafe.Pointer(&jn), unsafe.Pointer(&cp), unsafe.Pointer(&cn)); rc != 0 {
		t.Fatalf("block: %d", rc)
	}
	var rec Mem8BlockJSON
	if err := json.Unmarshal(bufOf(a, jp, jn), &rec); err != nil || rec.Token != "greeting" || rec.Timestamp != 42 || rec.ImportanceRaw != 32767 {
		t.Fatalf("record %+v %v", rec, err)
	}
	if string(bufOf(a, cp, cn)) != "hello" {
		t.Fatal("content")
	}
	for _, p := range []unsafe.Pointer{jp, cp} {
		if rc := Free(a, p); rc != 0 {
			t.Fatalf("free: %d", rc)
		}
	}
	if rc := Free(a, jp); rc != int32(errcode.BadArg) {
		t.Fatalf("double free: %d", rc)
	}
	if rc := Free(a, nil); rc != 0 {
		t.Fatalf("free NULL: %d", rc)
	}
	if rc := Mem8Block(a, h, 5, unsafe.Pointer(&jp), unsafe.Pointer(&jn), nil, nil); rc != int32(errcode.NotFound) {
		t.Fatalf("block past end: %d", rc)
	}
	if msg := cstr(ErrMsg(a, h)); !strings.Contains(msg, "block 5 of 1") {
		t.Fatalf("errmsg on handle: %q", msg)
	}
	if rc := Close(a, h); rc != 0 {
		t.Fatalf("close: %d", rc)
	}
	if rc := Close(a, h); rc != int32(errcode.BadHandle) {
		t.Fatalf("second close: %d", rc)
	}
	if msg := cstr(ErrMsg(a, 0)); !strings.Contains(msg, "not open") {
		t.Fatalf("errmsg after double close: %q", msg)
	}
	if rc := Close(a, 0); rc != 0 {
		t.Fatalf("close(0): %d", rc)
	}
	if rc := mem8Count(a, h, unsafe.Pointer(&count)); rc != int32(errcode.BadHandle) {
		t.Fatalf("use after close: %d", rc)
	}
	if rc := mem8Count(a, 12345, unsafe.Pointer(&count)); rc != int32(errcode.BadHandle) {
		t.Fatalf("unknown handle: %d", rc)
	}
	if OpenHandles() != before {
		t.Fatalf("handles leaked: %d → %d", before, OpenHandles())
	}
	// Only the errmsg and errstr buffers the table owns remain.
	if live := a.LiveBuffers(); live > 2 {
		t.Fatalf("%d buffers live", live)
	}
}

func TestArgumentChecks(t *testing.T) {
	a := goABI()
	var h uint32
	bad, badLen := str(`{"identity_frequency": 1}`)
	if rc := Mem8Create(a, nil, 0, bad, badLen, unsafe.Pointer(&h)); rc != int32(errcode.BadArg) {
		t.Fatalf("unknown option: %d", rc)
	}
	if !strings.Contains(cstr(ErrMsg(a, 0)), "identity_frequency") {
		t.Fatalf("message does not name the option: %q", cstr(ErrMsg(a, 0)))
	}
	if rc := Mem8Create(a, nil, 0, nil, 0, nil); rc != int32(errcode.BadArg) {
		t.Fatalf("NULL out-handle: %d", rc)
	}
	if rc := Mem8Create(a, nil, 5, nil, 0, unsafe.Pointer(&h)); rc != int32(errcode.BadArg) {
		t.Fatalf("NULL path with length: %d", rc)
	}
	p, n := str(filepath.Join(t.TempDir(), "missing.m8"))
	if rc := Mem8Open(a, p, n, 0, nil, 0, unsafe.Pointer(&h)); rc != int32(errcode.NotFound) {
		t.Fatalf("missing file: %d %s", rc, cstr(ErrMsg(a, 0)))
	}
	if rc := Mem8Open(a, p, n, 7, nil, 0, unsafe.Pointer(&h)); rc != int32(errcode.BadArg) {
		t.Fatalf("writable 7: %d", rc)
	}
	if rc := Version(a, nil); rc != int32(errcode.BadArg) {
		t.Fatalf("version NULL: %d", rc)
	}
	var v uint32
	if rc := Version(a, unsafe.Pointer(&v)); rc != 0 || v != VersionMajor<<16|VersionMinor<<8|VersionPatch {
		t.Fatalf("version: %d %x", rc, v)
	}
	for _, c := range errcode.All {
		if got := cstr(ErrStr(a, int32(c))); got != c.String() {
			t.Errorf("errstr(%d) = %q", c, got)
		}
	}
	if ErrStr(a, 10) != ErrStr(a, 10) {
		t.Error("errstr is not static")
	}
	if got := cstr(ErrStr(a, 12345)); got != "unknown error" {
		t.Errorf("errstr(12345) = %q", got)
	}
}

// A panic inside an export becomes PF_EINTERNAL with a message, and the
// table keeps working.
func TestPanicRecovered(t *testing.T) {
	a := goABI()
	rc := callGuarded(a, 0, func() error { panic("boom") })
	if rc != int32(errcode.Internal) {
		t.Fatalf("rc %d", rc)
	}
	if msg := cstr(ErrMsg(a, 0)); msg != "ffi: internal error in polyfmt: boom (please report)" {
		t.Fatalf("message %q", msg)
	}
	var h uint32
	if rc := Mem8Create(a, nil, 0, nil, 0, unsafe.Pointer(&h)); rc != 0 {
		t.Fatalf("create after panic: %d", rc)
	}
	Close(a, h)
}

func TestOpenBytesAndVerify(t *testing.T) {
	a := goABI()
	var h uint32
	Mem8Create(a, nil, 0, nil, 0, unsafe.Pointer(&h))
	for i := 0; i < 3; i++ {
		c, n := str("block")
		Mem8Append(a, h, c, n, 0.5, nil, 0, 0, nil)
	}
	var p unsafe.Pointer
	var n uint64
	if rc := Mem8Bytes(a, h, unsafe.Pointer(&p), unsafe.Pointer(&n)); rc != 0 || n != 30+3*4096 {
		t.Fatalf("bytes: %d %d", rc, n)
	}
	img := bufOf(a, p, n)
	Free(a, p)
	img[30+4096+72] ^= 1 // tamper with block 1's content
	var r uint32
	if rc := Mem8OpenBytes(a, unsafe.Pointer(&img[0]), uint64(len(img)), 0, unsafe.Pointer(&r)); rc != 0 {
		t.Fatalf("open bytes: %d", rc)
	}
	bad := int64(-7)
	if rc := Mem8Verify(a, r, unsafe.Pointer(&bad)); rc != int32(errcode.Checksum) || bad != 1 {
		t.Fatalf("verify: rc %d bad %d", rc, bad)
	}
	c, cn := str("x")
	if rc := Mem8Append(a, r, c, cn, 0.5, nil, 0, 0, nil); rc != int32(errcode.BadArg) {
		t.Fatalf("append to read-only bytes: %d", rc)
	}
	if rc := Mem8Bytes(a, r, unsafe.Pointer(&p), unsafe.Pointer(&n)); rc != 0 || string(bufOf(a, p, n)) != string(img) {
		t.Fatalf("bytes of a read-only in-memory file: %d", rc)
	}
	var d uint32
	path, pathLen := str("../testdata/mem8/empty.m8")
	Mem8Open(a, path, pathLen, 0, nil, 0, unsafe.Pointer(&d))
	if rc := Mem8Bytes(a, d, unsafe.Pointer(&p), unsafe.Pointer(&n)); rc != int32(errcode.BadArg) {
		t.Fatalf("bytes of a file on disk: %d", rc)
	}
	Close(a, d)
	Close(a, r)
	Close(a, h)
}

// The export spec names every function once, documented, each with an ffi
// function; a kind expands to the C slots polyfmt.h has always declared.
func TestExportSpec(t *testing.T) {
	if err := CheckSpec(); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"pf_mem8_append": "int32_t pf_mem8_append(uint32_t handle, const uint8_t *content, size_t len, float importance, const char *token, size_t token_len, uint64_t timestamp_us, uint64_t *out_index)",
		"pf_mmx_read":    "int32_t pf_mmx_read(uint32_t handle, const char *name, size_t name_len, uint8_t **out_json, size_t *out_json_len, uint8_t **out_data, size_t *out_data_len, int32_t *out_borrowed)",
		"pf_errstr":      "const char *pf_errstr(int32_t code)",
		"pf_alloc":       "void *pf_alloc(size_t size)",
	} {
		if got := Lookup(name).Prototype(); got != want {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
	if ps, r := Lookup("pf_mem8_append").WasmSignature(); strings.Join(ps, " ") != "i32 i32 i32 f32 i32 i32 i64 i32" || r != "i32" {
		t.Errorf("pf_mem8_append on wasm32: %v %v", ps, r)
	}
}

func TestOpenRefusesCreateOptions(t *testing.T) {
	a := goABI()
	var h uint32
	p, n := str("../testdata/mem8/empty.m8")
	opts, optsLen := str(`{"plain": true}`)
	if rc := Mem8Open(a, p, n, 0, opts, optsLen, unsafe.Pointer(&h)); rc != int32(errcode.BadArg) {
		t.Fatalf("open with a create option: %d", rc)
	}
	ok, okLen := str(`{"no_sync": true, "max_blocks": 10}`)
	if rc := Mem8Open(a, p, n, 0, ok, okLen, unsafe.Pointer(&h)); rc != 0 {
		t.Fatalf("open with open options: %d %s", rc, cstr(ErrMsg(a, 0)))
	}
	Close(a, h)
}

func TestQueryArguments(t *testing.T) {
	a := goABI()
	var h uint32
	Mem8Create(a, nil, 0, nil, 0, unsafe.Pointer(&h))
	defer Close(a, h)
	for i, c := range []string{"a", "b needle", "c", "d needle"} {
		p, n := str(c)
		Mem8Append(a, h, p, n, float32(i)/4, nil, 0, 0, nil)
	}
	run := func(q string) (int32, string) {
		p, n := str(q)
		var out unsafe.Pointer
		var outLen uint64
		rc := Mem8Query(a, h, p, n, unsafe.Pointer(&out), unsafe.Pointer(&outLen))
		return rc, string(bufOf(a, out, outLen))
	}
	for q, want := range map[string]string{
		``:                                 "[3,2,1,0]",
		`{"keywords":["needle"],"fill":0}`: "[3,1]",
		`{"keywords":["needle"],"fill":1}`: "[3,1]",
		`{"max":2}`:                        "[3,2]",
	} {
		if rc, got := run(q); rc != 0 || got != want {
			t.Errorf("query %s = %d %s, want %s", q, rc, got, want)
		}
	}
	for _, q := range []string{`{"fill":-1}`, `{"max":0}`, `{"keywords":"x"}`, `{"limit":3}`} {
		if rc, _ := run(q); rc != int32(errcode.BadArg) {
			t.Errorf("query %s = %d, want PF_EBADARG", q, rc)
		}
	}
}

// pf_errmsg texts outlive the next failure (another thread may hold one).
func TestErrmsgSurvivesLaterFailures(t *testing.T) {
	a := goABI()
	var count uint64
	mem8Count(a, 999999, unsafe.Pointer(&count))
	first := ErrMsg(a, 0)
	text := cstr(first)
	for i := 0; i < graveSize-1; i++ {
		mem8Count(a, uint32(1000000+i), unsafe.Pointer(&count))
		ErrMsg(a, 0)
	}
	a.mu.Lock()
	_, live := a.live[first]
	a.mu.Unlock()
	if !live || cstr(first) != text {
		t.Fatalf("the first message was freed after %d later failures", graveSize-1)
	}
}

// The hand-written block encoding is byte-identical to encoding/json's.
func TestBlockJSONMatchesEncodingJSON(t *testing.T) {
	tokens := []string{"", "plain", `q"u\o\te`, "tab\there\nnl\r\x01\x1f", "ünïcødé ✓", "\u2028\u2029", "<&>", "bad\xffutf8"}
	for i, tok := range tokens {
		for _, imp := range []uint16{0, 1, 6553, 32767, 52428, 65534, 65535} {
			b := mem8.Block{Index: uint64(i) << 40, Timestamp: 1757894400000000 + uint64(imp), Importance: imp,
				TokenID: uint16(i * 257), Token: tok, Content: make([]byte, i*100)}
			b.WaveSignature[3], b.PrevHash[31] = 0xab, 0x01
			want, err := marshal(Mem8BlockRecord(&b))
			if err != nil {
				t.Fatal(err)
			}
			if got := appendBlockJSON(nil, &b); string(got) != string(want) {
				t.Fatalf("token %q importance %d:\n got %s\nwant %s", tok, imp, got, want)
			}
		}
	}
}
