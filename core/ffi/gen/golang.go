package main

import (
	"bytes"
	"fmt"
	"go/format"
	"strings"

	"github.com/polyfmt/polyfmt/core/ffi"
)

// goName is a C parameter name in Go's camelCase (out_json_len → outJSONLen).
func goName(c string) string {
	parts := strings.Split(c, "_")
	for i := 1; i < len(parts); i++ {
		switch parts[i] {
		case "json", "id":
			parts[i] = strings.ToUpper(parts[i])
		default:
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// gofmt formats generated Go source; a failure is a bug in the generator.
func gofmt(b *bytes.Buffer) []byte {
	out, err := format.Source(b.Bytes())
	if err != nil {
		panic(fmt.Sprintf("gen: generated Go does not parse: %v\n%s", err, b.Bytes()))
	}
	return out
}

// docLines writes doc as Go comment lines after a first line.
func goDoc(b *bytes.Buffer, first, doc string) {
	fmt.Fprintf(b, "// %s\n", first)
	if doc == "" {
		return
	}
	b.WriteString("//\n")
	for _, l := range strings.Split(doc, "\n") {
		fmt.Fprintf(b, "// %s\n", strings.TrimRight(l, " "))
	}
}

// lifecycleGo writes the exported ffi functions of the lifecycle exports:
// each calls its Impl with the format the call requires.
func lifecycleGo() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n\npackage ffi\n\nimport \"unsafe\"\n\nvar _ unsafe.Pointer\n", header("//"))
	for i := range ffi.Spec {
		e := &ffi.Spec[i]
		impl := e
		want := "0"
		if e.Alias != "" {
			impl = ffi.Lookup(e.Of)
			want = fmt.Sprintf("%d /* %s */", formatID(e.Alias), e.Alias)
		} else if e.Impl == "" {
			continue
		}
		have := map[string]bool{}
		var params []string
		for _, s := range e.Slots() {
			have[s.Name] = true
			params = append(params, goName(s.Name)+" "+s.Go)
		}
		var args []string
		for _, s := range impl.Slots() {
			switch {
			case s.Name == "format" && s.C == "int32_t":
				if e.Alias == "" {
					want = "format"
				}
			case have[s.Name]:
				args = append(args, goName(s.Name))
			case s.Go == "unsafe.Pointer":
				args = append(args, "nil")
			default:
				args = append(args, "0")
			}
		}
		b.WriteString("\n")
		first := fmt.Sprintf("%s is %s.", e.Go, e.Name)
		if e.Alias != "" {
			first = fmt.Sprintf("%s is %s: %s for %s files only.", e.Go, e.Name, e.Of, e.Alias)
		}
		goDoc(&b, first, "")
		fmt.Fprintf(&b, "func %s(a *ABI, %s) int32 {\n\treturn %s(a, %s)\n}\n",
			e.Go, strings.Join(params, ", "), impl.Impl, strings.Join(append([]string{want}, args...), ", "))
	}
	return gofmt(&b)
}

// shimType is how a C type appears in a shim's Go signature, and how a
// value of it converts to what the ffi function takes.
type shimType struct {
	typ  string
	conv string // %s is the value
}

var capiTypes = map[string]shimType{
	"uint32_t":        {"C.uint32_t", "uint32(%s)"},
	"int32_t":         {"C.int32_t", "int32(%s)"},
	"uint64_t":        {"C.uint64_t", "uint64(%s)"},
	"float":           {"C.float", "float32(%s)"},
	"size_t":          {"C.size_t", "uint64(%s)"},
	"void *":          {"unsafe.Pointer", "%s"},
	"const char *":    {"*C.char", "unsafe.Pointer(%s)"},
	"const uint8_t *": {"*C.uint8_t", "unsafe.Pointer(%s)"},
	"uint8_t *":       {"*C.uint8_t", "unsafe.Pointer(%s)"},
	"uint8_t **":      {"**C.uint8_t", "unsafe.Pointer(%s)"},
	"size_t *":        {"*C.size_t", "unsafe.Pointer(%s)"},
	"uint32_t *":      {"*C.uint32_t", "unsafe.Pointer(%s)"},
	"int32_t *":       {"*C.int32_t", "unsafe.Pointer(%s)"},
	"uint64_t *":      {"*C.uint64_t", "unsafe.Pointer(%s)"},
	"int64_t *":       {"*C.int64_t", "unsafe.Pointer(%s)"},
}

var wasmTypes = map[string]shimType{
	"uint32_t": {"uint32", "%s"},
	"int32_t":  {"int32", "%s"},
	"uint64_t": {"uint64", "%s"},
	"float":    {"float32", "%s"},
	"size_t":   {"uint32", "uint64(%s)"},
}

func wasmType(c string) shimType {
	if strings.HasSuffix(c, "*") {
		return shimType{"unsafe.Pointer", "%s"}
	}
	t, ok := wasmTypes[c]
	if !ok {
		panic("gen: no wasm shim type for " + c)
	}
	return t
}

func capiType(c string) shimType {
	t, ok := capiTypes[c]
	if !ok {
		panic("gen: no cgo shim type for " + c)
	}
	return t
}

// shim writes one export's shim: directive, signature, the call into ffi.
// A status export's shim holds its panic guard, deferred once (see
// ffi.Running): the ffi functions defer nothing of their own on their hot
// paths, so a trivial export is one Go function once they inline. result
// converts the ffi function's result to the shim's; guard converts
// ffi.Recovered's.
func shim(b *bytes.Buffer, e *ffi.Export, directive string, types func(string) shimType, result [3]shimType, guard string) {
	var params, args []string
	handle := "0" // the handle a recovered panic is recorded on
	for _, p := range e.Params {
		if p.Kind == ffi.Handle && handle == "0" {
			handle = goName(p.Name)
		}
	}
	for _, s := range e.Slots() {
		t := types(s.C)
		n := goName(s.Name)
		params = append(params, n+" "+t.typ)
		args = append(args, fmt.Sprintf(t.conv, n))
		if n == handle {
			handle = fmt.Sprintf(t.conv, n)
		}
	}
	r := result[e.Result]
	lead := []string{"abi"}
	if e.Held {
		lead = append(lead, "&held")
	}
	call := fmt.Sprintf("ffi.%s(%s)", e.Go, strings.Join(append(lead, args...), ", "))
	if e.Result != ffi.Status {
		if e.Held {
			panic("gen: " + e.Name + ": Held needs a status result")
		}
		fmt.Fprintf(b, "\n%s %s\nfunc %s(%s) %s {\n\treturn %s\n}\n", directive, e.Name, e.Name, strings.Join(params, ", "), r.typ, fmt.Sprintf(r.conv, call))
		return
	}
	fmt.Fprintf(b, "\n%s %s\nfunc %s(%s) (code %s) {\n", directive, e.Name, e.Name, strings.Join(params, ", "), r.typ)
	release := ""
	if e.Held {
		b.WriteString("\tvar held ffi.Held\n")
		release = "\t\tif held.Release() {\n\t\t\theld.Drain()\n\t\t}\n"
	}
	fmt.Fprintf(b, "\tcode = ffi.Running\n\tdefer func() {\n%s\t\tif code == ffi.Running {\n\t\t\tcode = %s\n\t\t}\n\t}()\n",
		release, fmt.Sprintf(guard, fmt.Sprintf("ffi.Recovered(abi, %s, recover())", handle)))
	if e.Fast != "" {
		if !e.Held {
			panic("gen: " + e.Name + ": Fast needs Held")
		}
		fmt.Fprintf(b, "\tif ffi.%s(%s) {\n\t\treturn 0\n\t}\n", e.Fast, strings.Join(append([]string{"&held"}, args...), ", "))
	}
	fmt.Fprintf(b, "\treturn %s\n}\n", fmt.Sprintf(r.conv, call))
}

func capiGo() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n\npackage main\n\n/*\n#include <stddef.h>\n#include <stdint.h>\n*/\nimport \"C\"\n\n", header("//"))
	b.WriteString("import (\n\t\"unsafe\"\n\n\t\"github.com/polyfmt/polyfmt/core/ffi\"\n)\n\nvar _ unsafe.Pointer\n")
	for i := range ffi.Spec {
		if e := &ffi.Spec[i]; !e.WasmOnly {
			shim(&b, e, "//export", capiType, [3]shimType{
				ffi.Status:  {"C.int32_t", "C.int32_t(%s)"},
				ffi.CString: {"*C.char", "(*C.char)(%s)"},
				ffi.Pointer: {"unsafe.Pointer", "%s"},
			}, "C.int32_t(%s)")
		}
	}
	return gofmt(&b)
}

func wasmGo() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n\n//go:build wasip1\n\npackage main\n\n", header("//"))
	b.WriteString("import (\n\t\"unsafe\"\n\n\t\"github.com/polyfmt/polyfmt/core/ffi\"\n)\n\nvar _ unsafe.Pointer\n")
	for i := range ffi.Spec {
		shim(&b, &ffi.Spec[i], "//go:wasmexport", wasmType, [3]shimType{
			ffi.Status:  {"int32", "%s"},
			ffi.CString: {"unsafe.Pointer", "%s"},
			ffi.Pointer: {"unsafe.Pointer", "%s"},
		}, "%s")
	}
	return gofmt(&b)
}
