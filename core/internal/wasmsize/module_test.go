package main

import (
	"bytes"
	"strings"
	"testing"
)

func uleb(n int) []byte {
	var b []byte
	for {
		c := byte(n & 0x7f)
		n >>= 7
		if n != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

func vec(items ...[]byte) []byte {
	out := uleb(len(items))
	for _, it := range items {
		out = append(out, it...)
	}
	return out
}

func str(s string) []byte { return append(uleb(len(s)), s...) }

func sec(id byte, body []byte) []byte {
	return append(append([]byte{id}, uleb(len(body))...), body...)
}

// testModule has two function imports and one memory import, then three
// defined functions (bodies of 3, 130 and 5 bytes) named in a name section
// that also has a module-name subsection to skip.
func testModule() []byte {
	imp := func(mod, field string, desc ...byte) []byte {
		return append(append(str(mod), str(field)...), desc...)
	}
	imports := vec(
		imp("wasi", "fd_write", 0, 0),
		imp("env", "mem", 2, 1, 1, 2), // memory, limits min 1 max 2
		imp("wasi", "proc_exit", 0, 1),
	)
	body := func(n int) []byte { return append(uleb(n), bytes.Repeat([]byte{0x01}, n)...) }
	code := vec(body(3), body(130), body(5))
	names := vec(
		append(uleb(2), str("main.f")...),
		append(uleb(3), str("encoding_json.Marshal")...),
		append(uleb(4), str("github.com_klauspost_compress_zstd.__Encoder_.EncodeAll")...),
	)
	nameSec := append(str("name"), sec(0, str("mod"))...)
	nameSec = append(nameSec, sec(1, names)...)
	m := []byte("\x00asm\x01\x00\x00\x00")
	m = append(m, sec(2, imports)...)
	m = append(m, sec(10, code)...)
	m = append(m, sec(0, nameSec)...)
	return m
}

func TestParseModule(t *testing.T) {
	m, err := parseModule(testModule())
	if err != nil {
		t.Fatal(err)
	}
	want := []function{{Name: "main.f", Size: 3}, {Name: "encoding_json.Marshal", Size: 130},
		{Name: "github.com_klauspost_compress_zstd.__Encoder_.EncodeAll", Size: 5}}
	if len(m.Functions) != len(want) {
		t.Fatalf("%d functions, want %d", len(m.Functions), len(want))
	}
	for i, f := range m.Functions {
		if f.Name != want[i].Name || f.Size != want[i].Size || len(f.body) != f.Size {
			t.Errorf("function %d = %q %d, want %q %d", i, f.Name, f.Size, want[i].Name, want[i].Size)
		}
	}
	var labels []string
	for _, s := range m.Sections {
		labels = append(labels, s.Label())
	}
	if got := strings.Join(labels, ","); got != "import,code,custom name" {
		t.Errorf("sections %s", got)
	}
}

func TestParseModuleRejectsDamage(t *testing.T) {
	m := testModule()
	for n := 0; n < len(m); n++ {
		if _, err := parseModule(m[:n]); err == nil && n < len(m) {
			// A prefix that ends exactly between sections is a valid module.
			if !sectionBoundary(m, n) {
				t.Errorf("prefix of %d bytes parsed", n)
			}
		}
	}
	if _, err := parseModule([]byte("\x00asm\x01\x00\x00\x00\x0a\xff\xff\xff\xff\x7f")); err == nil {
		t.Error("a section longer than the module parsed")
	}
}

func sectionBoundary(m []byte, n int) bool {
	if n == 8 {
		return true
	}
	r := &reader{b: m, i: 8}
	for r.i < len(m) {
		if _, err := r.byte(); err != nil {
			return false
		}
		if _, err := r.bytes(); err != nil {
			return false
		}
		if r.i == n {
			return true
		}
	}
	return false
}

func TestPackageOf(t *testing.T) {
	p := newPackageNamer([]string{"encoding/json", "encoding", "github.com/klauspost/compress",
		"github.com/klauspost/compress/zstd", "runtime", "internal/runtime/maps"})
	for name, want := range map[string]string{
		"encoding_json.Marshal":                                   "encoding/json",
		"encoding_json.__encodeState_.marshal.func1":              "encoding/json",
		"github.com_klauspost_compress_zstd.__Encoder_.EncodeAll": "github.com/klauspost/compress/zstd",
		"github.com_klauspost_compress.Estimate":                  "github.com/klauspost/compress",
		"runtime.mallocgc":                                        "runtime",
		"internal_runtime_maps.__Map_.getWithKey":                 "internal/runtime/maps",
		"type_.eq.encoding_json.field":                            "[type equality and hash functions]",
		"wasm_pc_f_loop":                                          "[linker and export entry points]",
		"":                                                        "[unnamed]",
		"encodingX.Foo":                                           "[linker and export entry points]",
	} {
		if got := p.Of(name); got != want {
			t.Errorf("Of(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestSummarize(t *testing.T) {
	m, err := parseModule(testModule())
	if err != nil {
		t.Fatal(err)
	}
	rep := summarize(m, newPackageNamer([]string{"main", "encoding/json", "github.com/klauspost/compress/zstd"}))
	if rep.Code != 138 || len(rep.Packages) != 3 || rep.Packages[0].Path != "encoding/json" ||
		rep.Packages[0].Bytes != 130 || len(rep.Packages[0].bodies) != 130 {
		t.Fatalf("%+v", rep)
	}
	if rep.Groups[0].Path != "Go standard library" || rep.Groups[0].Bytes != 130 {
		t.Errorf("groups %+v", rep.Groups)
	}
}
