//go:build !wasip1

// These tests run on the host: they build polyfmt.wasm, load it in wazero,
// and drive it through its exports exactly as the JS wrapper does.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/ffi"
	"github.com/polyfmt/polyfmt/core/vectors"
)

var wasmBytes []byte

// TestMain builds the module once, or uses POLYFMT_WASM (set by the Makefile).
func TestMain(m *testing.M) {
	path := os.Getenv("POLYFMT_WASM")
	if path == "" {
		dir, err := os.MkdirTemp("", "polyfmt-wasm")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "polyfmt.wasm")
		cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", path, ".")
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building polyfmt.wasm: %v\n%s", err, out)
			os.Exit(1)
		}
	}
	var err error
	if wasmBytes, err = os.ReadFile(path); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// guest is one instance of the module.
type guest struct {
	t   testing.TB
	ctx context.Context
	rt  wazero.Runtime
	mod api.Module
}

func newGuest(t testing.TB, mounts map[string]string) *guest {
	t.Helper()
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	t.Cleanup(func() { r.Close(ctx) })
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	fs := wazero.NewFSConfig()
	for guestPath, hostDir := range mounts {
		fs = fs.WithDirMount(hostDir, guestPath)
	}
	cfg := wazero.NewModuleConfig().WithStartFunctions("_initialize").WithFSConfig(fs).WithStderr(os.Stderr)
	mod, err := r.InstantiateWithConfig(ctx, wasmBytes, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &guest{t: t, ctx: ctx, rt: r, mod: mod}
}

func (g *guest) call(name string, args ...uint64) uint64 {
	g.t.Helper()
	f := g.mod.ExportedFunction(name)
	if f == nil {
		g.t.Fatalf("no export %s", name)
	}
	res, err := f.Call(g.ctx, args...)
	if err != nil {
		g.t.Fatalf("%s trapped: %v", name, err)
	}
	if len(res) == 0 {
		return 0
	}
	return res[0]
}

// rc calls a status-returning export.
func (g *guest) rc(name string, args ...uint64) int32 { return int32(uint32(g.call(name, args...))) }

func (g *guest) alloc(n int) uint32 {
	p := uint32(g.call("pf_alloc", uint64(n)))
	if p == 0 {
		g.t.Fatal("pf_alloc failed")
	}
	return p
}

// put stages b in guest memory; (0,0) for empty.
func (g *guest) put(b []byte) (uint64, uint64) {
	if len(b) == 0 {
		return 0, 0
	}
	p := g.alloc(len(b))
	g.mod.Memory().Write(p, b)
	return uint64(p), uint64(len(b))
}

func (g *guest) u32(p uint32) uint32 { v, _ := g.mod.Memory().ReadUint32Le(p); return v }
func (g *guest) u64(p uint32) uint64 { v, _ := g.mod.Memory().ReadUint64Le(p); return v }

// take copies out the buffer described by two 4-byte slots and frees it.
func (g *guest) take(ptrSlot, lenSlot uint32) []byte {
	p, n := g.u32(ptrSlot), g.u32(lenSlot)
	if p == 0 {
		return nil
	}
	b, ok := g.mod.Memory().Read(p, n)
	if !ok {
		g.t.Fatalf("buffer %d+%d out of memory", p, n)
	}
	out := append([]byte(nil), b...)
	if rc := g.rc("pf_free", uint64(p)); rc != 0 {
		g.t.Fatalf("pf_free: %d", rc)
	}
	return out
}

func (g *guest) cstr(p uint32) string {
	var b []byte
	for ; ; p++ {
		c, ok := g.mod.Memory().ReadByte(p)
		if !ok || c == 0 {
			return string(b)
		}
		b = append(b, c)
	}
}

func (g *guest) errmsg(h uint32) string { return g.cstr(uint32(g.call("pf_errmsg", uint64(h)))) }

// callStaged calls export name with handle h (0 for a handle-less call's
// first argument), then each of in staged as its (ptr, len) pair ("" as
// (0, 0)), then extra.
func (g *guest) callStaged(name string, h uint32, in []string, extra ...uint64) int32 {
	args := []uint64{uint64(h)}
	for _, s := range in {
		p, n := g.put([]byte(s))
		args = append(args, p, n)
	}
	return g.rc(name, append(args, extra...)...)
}

// callBuf is callStaged for an export whose last two arguments are a
// buffer's out-slots (slots and slots+4): it returns that buffer.
func (g *guest) callBuf(name string, h uint32, in []string, extra []uint64, slots uint32) ([]byte, int32) {
	if rc := g.callStaged(name, h, in, append(extra[:len(extra):len(extra)], uint64(slots), uint64(slots+4))...); rc != 0 {
		return nil, rc
	}
	return g.take(slots, slots+4), 0
}

// codeName is the PF_* name of a status.
func codeName(rc int32) string { return errcode.Code(rc).Name() }

// readJSON decodes the JSON file at path into v.
func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// equalJSON reports whether a and b hold the same JSON value.
func equalJSON(t testing.TB, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%v: %s", err, a)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return reflect.DeepEqual(x, y)
}

// sha256Hex is the lowercase hex SHA-256 of b, as the manifests give it.
func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// The module exports exactly the export spec's functions (the C library's
// plus pf_alloc), each with the wasm parameter and result types its C
// types have on wasm32: a shim whose Go signature drifted from the spec
// (a size_t taken as uint64, a parameter missing) fails here.
func TestExportsMatchFFI(t *testing.T) {
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	cm, err := r.CompileModule(ctx, wasmBytes)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]api.FunctionDefinition{}
	for name, def := range cm.ExportedFunctions() {
		if strings.HasPrefix(name, "pf_") {
			got[name] = def
		}
	}
	if len(got) != len(ffi.Spec) {
		var names []string
		for n := range got {
			names = append(names, n)
		}
		slices.Sort(names)
		t.Errorf("module exports %d pf_ functions, the spec has %d: %v", len(got), len(ffi.Spec), names)
	}
	valueType := map[string]api.ValueType{"i32": api.ValueTypeI32, "i64": api.ValueTypeI64, "f32": api.ValueTypeF32}
	for i := range ffi.Spec {
		e := &ffi.Spec[i]
		def, ok := got[e.Name]
		if !ok {
			t.Errorf("%s is not exported by polyfmt.wasm", e.Name)
			continue
		}
		ps, res := e.WasmSignature()
		var params []api.ValueType
		for _, p := range ps {
			params = append(params, valueType[p])
		}
		if !slices.Equal(def.ParamTypes(), params) {
			t.Errorf("%s params %v, the spec gives %v (%s)", e.Name, def.ParamTypes(), params, e.Prototype())
		}
		if r := def.ResultTypes(); len(r) != 1 || r[0] != valueType[res] {
			t.Errorf("%s result %v, the spec gives %v", e.Name, r, res)
		}
	}
	if _, ok := cm.ExportedFunctions()["_initialize"]; !ok {
		t.Error("not a reactor: no _initialize export")
	}
}

// The header declares exactly the spec's C functions, in order, each with
// the spec's result and parameter types and names.
func TestHeaderMatchesFFI(t *testing.T) {
	src, err := os.ReadFile("../capi/include/polyfmt.h")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^((?:const )?[a-z_0-9]+ \*?)(pf_[a-z0-9_]+)\(([^)]*)\);`)
	var decls []string
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		decls = append(decls, m[1]+m[2]+"("+m[3]+")")
	}
	var want []string
	for i := range ffi.Spec {
		if !ffi.Spec[i].WasmOnly {
			want = append(want, ffi.Spec[i].Prototype())
		}
	}
	if len(decls) != len(want) {
		t.Errorf("header declares %d functions, the spec has %d", len(decls), len(want))
	}
	for i := range min(len(decls), len(want)) {
		if decls[i] != want[i] {
			t.Errorf("header: %s\n  spec: %s", decls[i], want[i])
		}
	}
}

func (g *guest) openPath(path string) (uint32, int32) {
	p, n := g.put([]byte(path))
	out := g.alloc(4)
	rc := g.rc("pf_mem8_open", p, n, 0, 0, 0, uint64(out))
	return g.u32(out), rc
}

// openBytesWith opens data through a format's open-bytes export
// (pf_mem8_open_bytes, pf_mmx_open_bytes, …: data, writable, out) and
// returns the handle and status. The staged data is freed: the module keeps
// its own copy.
func (g *guest) openBytesWith(export string, data []byte, writable int) (uint32, int32) {
	p, n := g.put(data)
	out := g.alloc(4)
	rc := g.rc(export, p, n, uint64(writable), uint64(out))
	g.rc("pf_free", p)
	return g.u32(out), rc
}

// The shared vectors pass inside the module, from bytes and from a path.
func TestVectors(t *testing.T) {
	m, err := vectors.LoadMem8()
	if err != nil {
		t.Fatal(err)
	}
	g := newGuest(t, map[string]string{"/vectors": m.Dir})
	slot := g.alloc(32)
	for _, c := range m.Cases {
		data, err := os.ReadFile(filepath.Join(m.Dir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		for _, how := range []string{"bytes", "path"} {
			t.Run(c.Name+"/"+how, func(t *testing.T) {
				g.t = t
				var h uint32
				var rc int32
				if how == "bytes" {
					h, rc = g.openBytesWith("pf_mem8_open_bytes", data, 0)
				} else {
					h, rc = g.openPath("/vectors/" + c.File)
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
				if rc := g.rc("pf_mem8_info", uint64(h), uint64(slot), uint64(slot+4)); rc != 0 {
					t.Fatalf("info: %d", rc)
				}
				var info ffi.Mem8InfoJSON
				if err := json.Unmarshal(g.take(slot, slot+4), &info); err != nil {
					t.Fatal(err)
				}
				if info.BlockCount != e.Count || info.Flags != e.Flags || info.IdentityFreq != e.IdentityFreq ||
					info.TemporalPhase != e.TemporalPhase || info.Recovery.Clean != e.RecoveryClean ||
					strings.Join(info.Tokens, "\x00") != strings.Join(e.Tokens, "\x00") {
					t.Fatalf("info %+v, want %+v", info, e)
				}
				for i, want := range e.Blocks {
					if rc := g.rc("pf_mem8_block", uint64(h), uint64(i), uint64(slot), uint64(slot+4), uint64(slot+8), uint64(slot+12)); rc != 0 {
						t.Fatalf("block %d: %d %s", i, rc, g.errmsg(h))
					}
					var rec ffi.Mem8BlockJSON
					if err := json.Unmarshal(g.take(slot, slot+4), &rec); err != nil {
						t.Fatal(err)
					}
					content := g.take(slot+8, slot+12)
					if rec.Index != want.Index || rec.Timestamp != want.Timestamp || rec.ImportanceRaw != want.ImportanceRaw ||
						rec.TokenID != want.TokenID || rec.Token != want.Token || rec.WaveSignature != want.WaveSignature ||
						rec.PrevHash != want.PrevHash || string(content) != string(want.Bytes()) {
						t.Errorf("block %d = %+v %q, want %+v", i, rec, content, want)
					}
				}
				for _, q := range e.Queries {
					qj, _ := json.Marshal(map[string]any{"keywords": q.Keywords})
					qp, qn := g.put(qj)
					if rc := g.rc("pf_mem8_query", uint64(h), qp, qn, uint64(slot), uint64(slot+4)); rc != 0 {
						t.Fatalf("query: %d", rc)
					}
					g.rc("pf_free", qp)
					var got []uint64
					json.Unmarshal(g.take(slot, slot+4), &got)
					if fmt.Sprint(got) != fmt.Sprint(q.Result) && len(got)+len(q.Result) > 0 {
						t.Errorf("query %q = %v, want %v", q.Keywords, got, q.Result)
					}
				}
				rc = g.rc("pf_mem8_verify", uint64(h), uint64(slot+16))
				if bad := int64(g.u64(slot + 16)); errcode.Code(rc).Name() != e.Verify.Status || bad != e.Verify.BadBlock {
					t.Errorf("verify %s block %d, want %s %d (%s)", errcode.Code(rc).Name(), bad, e.Verify.Status, e.Verify.BadBlock, g.errmsg(h))
				}
			})
		}
	}
}

// Writing in the module: to a mounted directory and in memory; errors.
func TestWriteReadAndErrors(t *testing.T) {
	dir := t.TempDir()
	g := newGuest(t, map[string]string{"/work": dir})
	slot := g.alloc(32)
	path, pathLen := g.put([]byte("/work/w.m8"))
	opts, optsLen := g.put([]byte(`{"identity_freq": 432}`))
	if rc := g.rc("pf_mem8_create", path, pathLen, opts, optsLen, uint64(slot)); rc != 0 {
		t.Fatalf("create: %d %s", rc, g.errmsg(0))
	}
	h := g.u32(slot)
	for i, tok := range []string{"", "tok", "tok", ".rs"} {
		c, cn := g.put([]byte(fmt.Sprintf("memory %d", i)))
		tp, tn := g.put([]byte(tok))
		if rc := g.rc("pf_mem8_append", uint64(h), c, cn, uint64(api.EncodeF32(0.25*float32(i))), tp, tn, uint64(1000+i), uint64(slot)); rc != 0 {
			t.Fatalf("append %d: %d %s", i, rc, g.errmsg(h))
		}
		if idx := g.u64(slot); idx != uint64(i) {
			t.Fatalf("index %d, want %d", idx, i)
		}
	}
	big, bigLen := g.put(make([]byte, 4025))
	if rc := g.rc("pf_mem8_append", uint64(h), big, bigLen, uint64(api.EncodeF32(0.5)), 0, 0, 0, 0); rc != int32(errcode.Limit) {
		t.Fatalf("4025-byte append: %d", rc)
	}
	if msg := g.errmsg(h); !strings.Contains(msg, "4025") {
		t.Fatalf("errmsg: %q", msg)
	}
	if rc := g.rc("pf_close", uint64(h)); rc != 0 {
		t.Fatal(rc)
	}
	if rc := g.rc("pf_close", uint64(h)); rc != int32(errcode.BadHandle) {
		t.Fatalf("double close: %d", rc)
	}
	if rc := g.rc("pf_close", 0); rc != 0 {
		t.Fatalf("close(0): %d", rc)
	}
	if rc := g.rc("pf_free", 12345); rc != int32(errcode.BadArg) {
		t.Fatalf("free of a stray pointer: %d", rc)
	}

	// The host sees what the guest wrote, byte for byte a MEM8 file.
	data, err := os.ReadFile(filepath.Join(dir, "w.m8"))
	if err != nil || len(data) != 30+4*4096 {
		t.Fatalf("file on host: %d bytes, %v", len(data), err)
	}
	h2, rc := g.openBytesWith("pf_mem8_open_bytes", data, 0)
	if rc != 0 {
		t.Fatal(rc)
	}
	if rc := g.rc("pf_mem8_verify", uint64(h2), 0); rc != 0 {
		t.Fatalf("verify: %d %s", rc, g.errmsg(h2))
	}
	if rc := g.rc("pf_mem8_export_json", uint64(h2), uint64(slot), uint64(slot+4)); rc != 0 {
		t.Fatal(rc)
	}
	doc := g.take(slot, slot+4)
	if !strings.Contains(string(doc), `"token": "tok"`) {
		t.Fatalf("export: %s", doc)
	}
	// Import the export into a new in-memory file: identical bytes.
	if rc := g.rc("pf_mem8_create", 0, 0, opts, optsLen, uint64(slot)); rc != 0 {
		t.Fatal(rc)
	}
	h3 := g.u32(slot)
	dp, dn := g.put(doc)
	if rc := g.rc("pf_mem8_import_json", uint64(h3), dp, dn, uint64(slot)); rc != 0 || g.u64(slot) != 4 {
		t.Fatalf("import: %d %s", rc, g.errmsg(h3))
	}
	if rc := g.rc("pf_mem8_bytes", uint64(h3), uint64(slot), uint64(slot+4)); rc != 0 {
		t.Fatal(rc)
	}
	if img := g.take(slot, slot+4); string(img) != string(data) {
		t.Fatal("export → import in memory did not reproduce the file")
	}
	for _, hh := range []uint32{h2, h3} {
		g.rc("pf_close", uint64(hh))
	}
}
