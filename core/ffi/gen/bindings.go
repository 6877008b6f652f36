package main

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/polyfmt/polyfmt/core/ffi"
	"github.com/polyfmt/polyfmt/core/format"
)

// ctypes is a C type's ctypes spelling in the Python table. Input text is
// c_char_p (Python bytes are passed without a copy); bulk input and every
// returned buffer are addresses (c_void_p), so the wrappers can pass any
// buffer's address and hand returned ones to pf_free.
func ctypes(s ffi.Slot, k ffi.Kind) string {
	switch s.C {
	case "uint32_t":
		return "c_uint32"
	case "int32_t":
		return "c_int32"
	case "uint64_t":
		return "c_uint64"
	case "float":
		return "c_float"
	case "size_t":
		return "c_size_t"
	case "void *":
		return "c_void_p"
	case "const char *":
		return "c_char_p"
	case "const uint8_t *":
		if k == ffi.InBulk {
			return "c_void_p"
		}
		return "c_char_p"
	case "uint8_t *": // OutBulk: any writable buffer's address
		return "c_void_p"
	case "uint8_t **":
		return "_u8pp"
	case "size_t *":
		return "_szp"
	case "uint32_t *":
		return "_u32p"
	case "int32_t *":
		return "_i32p"
	case "uint64_t *":
		return "_u64p"
	case "int64_t *":
		return "_i64p"
	}
	panic("gen: no ctypes type for " + s.C)
}

func pyStr(s string) string { return strconv.Quote(s) }

func python() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n", header("#"))
	b.WriteString(`"""The tables of libpolyfmt, written once in Go and generated from there.

FUNCTIONS is every C function as (name, argtypes, restype) in polyfmt.h
order; _lib applies it when it loads the library. The other tables are the
status codes, the formats, the dtypes, the codecs and the version.
"""

from ctypes import POINTER, c_char_p, c_float, c_int32, c_int64, c_size_t, c_uint32, c_uint64, c_void_p

_u8pp = POINTER(c_void_p)  # uint8_t ** out-parameter: receives an address
_szp = POINTER(c_size_t)
_u32p = POINTER(c_uint32)
_u64p = POINTER(c_uint64)
_i64p = POINTER(c_int64)
_i32p = POINTER(c_int32)

`)
	fmt.Fprintf(&b, "VERSION = %s\n\"\"\"The library version, major.minor.patch.\"\"\"\n\n", pyStr(versionString()))
	b.WriteString("CODES = {\n")
	for _, c := range codes() {
		fmt.Fprintf(&b, "    %s: %d,\n", pyStr(c.name), c.num)
	}
	b.WriteString("}\n\"\"\"Status codes by name (PF_OK, PF_EFORMAT, …), pinned.\"\"\"\n\n")
	b.WriteString("CODE_TEXT = {\n")
	for _, c := range codes() {
		fmt.Fprintf(&b, "    %d: %s,\n", c.num, pyStr(c.text))
	}
	b.WriteString("}\n\"\"\"pf_errstr's text of each code.\"\"\"\n\n")
	b.WriteString("FORMATS = (\n")
	for _, f := range format.All() {
		var magic []string
		for _, m := range f.Magic {
			magic = append(magic, pyBytes(m))
		}
		fmt.Fprintf(&b, "    (%d, %s, %s, (%s,), (%s,)),\n", f.ID, pyStr(f.Name), pyStr(f.Title), pyList(f.Extensions), strings.Join(magic, ", "))
	}
	b.WriteString(")\n\"\"\"Every format as (id, name, title, extensions, magics); id is its PF_FORMAT_* number.\"\"\"\n\n")
	fmt.Fprintf(&b, "DETECT_LEN = %d\n\"\"\"Leading bytes that always tell a file's format (PF_DETECT_LEN).\"\"\"\n\n", format.HeadLen)
	b.WriteString("DTYPES = (\n")
	for _, d := range ffi.DTypes() {
		fmt.Fprintf(&b, "    (%s, %d),\n", pyStr(d.Name), d.Size)
	}
	b.WriteString(")\n\"\"\"Every tensor dtype as (numpy name, item size in bytes).\"\"\"\n\n")
	fmt.Fprintf(&b, "CODECS = (%s,)\n\"\"\"The compression codecs' names, as stored.\"\"\"\n\n", pyList(ffi.Codecs()))
	b.WriteString("FUNCTIONS = (\n")
	for i := range ffi.Spec {
		e := &ffi.Spec[i]
		if e.WasmOnly {
			continue
		}
		var args []string
		for _, p := range e.Params {
			for _, s := range p.Slots() {
				args = append(args, ctypes(s, p.Kind))
			}
		}
		tuple := strings.Join(args, ", ")
		if len(args) == 1 {
			tuple += ","
		}
		res := [...]string{"c_int32", "c_char_p", "c_void_p"}[e.Result]
		fmt.Fprintf(&b, "    (%s, (%s), %s),\n", pyStr(e.Name), tuple, res)
	}
	b.WriteString(")\n\"\"\"Every C function as (name, argtypes, restype), in polyfmt.h order.\"\"\"\n")
	return b.Bytes()
}

func pyList(ss []string) string {
	var q []string
	for _, s := range ss {
		q = append(q, pyStr(s))
	}
	return strings.Join(q, ", ")
}

func pyBytes(m []byte) string {
	var s strings.Builder
	s.WriteString(`b"`)
	for _, c := range m {
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			s.WriteByte(c)
		} else {
			fmt.Fprintf(&s, `\x%02x`, c)
		}
	}
	s.WriteString(`"`)
	return s.String()
}

func jsStr(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func jsList(ss []string) string {
	var q []string
	for _, s := range ss {
		q = append(q, jsStr(s))
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func jsTables() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n", header("//"))
	b.WriteString(`// The tables of polyfmt.wasm, written once in Go and generated from there:
// the call table of the raw exports, the status codes, the formats, the
// dtypes, the codecs and the version.

`)
	fmt.Fprintf(&b, "/** The library version, major.minor.patch. */\nexport const VERSION = %s;\n\n", jsStr(versionString()))
	b.WriteString("/** Status codes by name, pinned. */\nexport const CODES = Object.freeze({\n")
	for _, c := range codes() {
		fmt.Fprintf(&b, "  %s: %d,\n", c.name, c.num)
	}
	b.WriteString("});\n\n/** pf_errstr's text of each code. */\nexport const CODE_TEXT = Object.freeze({\n")
	for _, c := range codes() {
		fmt.Fprintf(&b, "  %d: %s,\n", c.num, jsStr(c.text))
	}
	b.WriteString("});\n\n/** Every format: its PF_FORMAT_* id, name, title, extensions and magics (bytes). */\nexport const FORMATS = Object.freeze([\n")
	for _, f := range format.All() {
		var magic []string
		for _, m := range f.Magic {
			var nums []string
			for _, c := range m {
				nums = append(nums, strconv.Itoa(int(c)))
			}
			magic = append(magic, "["+strings.Join(nums, ", ")+"]")
		}
		fmt.Fprintf(&b, "  Object.freeze({ id: %d, name: %s, title: %s, extensions: %s, magic: [%s] }),\n",
			f.ID, jsStr(f.Name), jsStr(f.Title), jsList(f.Extensions), strings.Join(magic, ", "))
	}
	fmt.Fprintf(&b, "]);\n\n/** Leading bytes that always tell a file's format (PF_DETECT_LEN). */\nexport const DETECT_LEN = %d;\n", format.HeadLen)
	b.WriteString("\n/**\n * Every tensor dtype: its item size, the TypedArray a read returns (null:\n * raw little-endian bytes), the TypedArrays a write accepts besides raw bytes.\n */\nexport const DTYPES = Object.freeze({\n")
	for _, d := range ffi.DTypes() {
		arr := "null"
		if d.JSArray != "" {
			arr = jsStr(d.JSArray)
		}
		fmt.Fprintf(&b, "  %s: Object.freeze({ size: %d, array: %s, accepts: %s }),\n", d.Name, d.Size, arr, jsList(d.JSAccepts))
	}
	fmt.Fprintf(&b, "});\n\n/** The compression codecs' names, as stored. */\nexport const CODECS = Object.freeze(%s);\n\n", jsList(ffi.Codecs()))
	b.WriteString("/**\n * Every export of polyfmt.wasm: its C parameter names, their wasm value\n * types and the result's (i32, i64, f32).\n */\nexport const EXPORTS = Object.freeze({\n")
	for i := range ffi.Spec {
		e := &ffi.Spec[i]
		params, result := e.WasmSignature()
		var names []string
		for _, s := range e.Slots() {
			names = append(names, s.Name)
		}
		fmt.Fprintf(&b, "  %s: Object.freeze({ names: %s, params: %s, result: %s }),\n", e.Name, jsList(names), jsList(params), jsStr(result))
	}
	b.WriteString("});\n")
	return b.Bytes()
}

// tsType is a wasm value type in TypeScript: i64 crosses as BigInt.
func tsType(w string) string {
	if w == "i64" {
		return "bigint"
	}
	return "number"
}

func jsTypes() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n", header("//"))
	b.WriteString(`// Types of exports.gen.js and of polyfmt.wasm's raw exports.

export declare const VERSION: string;
export declare const CODES: Readonly<Record<string, number>>;
export declare const CODE_TEXT: Readonly<Record<number, string>>;
export declare const DETECT_LEN: number;
export declare const FORMATS: ReadonlyArray<Readonly<{ id: number; name: string; title: string; extensions: readonly string[]; magic: readonly (readonly number[])[] }>>;
export declare const DTYPES: Readonly<Record<string, Readonly<{ size: number; array: string | null; accepts: readonly string[] }>>>;
export declare const CODECS: readonly string[];
export declare const EXPORTS: Readonly<Record<string, Readonly<{ names: readonly string[]; params: readonly ('i32' | 'i64' | 'f32')[]; result: 'i32' | 'i64' | 'f32' }>>>;

/** A format's PF_FORMAT_* number. */
export type FormatId = `)
	var ids []string
	for _, f := range format.All() {
		ids = append(ids, strconv.Itoa(int(f.ID)))
	}
	b.WriteString(strings.Join(ids, " | ") + ";\n\n/** A format's name. */\nexport type FormatName = ")
	var names []string
	for _, f := range format.All() {
		names = append(names, jsStr(f.Name))
	}
	b.WriteString(strings.Join(names, " | ") + ";\n\n/** A tensor dtype's name. */\nexport type DTypeName = ")
	var dts []string
	for _, d := range ffi.DTypes() {
		dts = append(dts, jsStr(d.Name))
	}
	b.WriteString(strings.Join(dts, " | ") + ";\n\n/** A compression codec's name. */\nexport type CodecName = " + strings.Join(strings.Split(jsList(ffi.Codecs())[1:len(jsList(ffi.Codecs()))-1], ", "), " | ") + ";\n\n")
	b.WriteString(`/**
 * The raw exports of polyfmt.wasm, as polyfmt.h declares them: pointers and
 * size_t are numbers (i32 addresses in linear memory; an address the module
 * returns arrives signed: take it >>> 0), uint64_t/int64_t are BigInt.
 */
export interface RawExports {
  readonly memory: WebAssembly.Memory;
`)
	for i := range ffi.Spec {
		e := &ffi.Spec[i]
		b.WriteString("  /**\n")
		for _, l := range strings.Split(e.Doc, "\n") {
			fmt.Fprintf(&b, "%s\n", strings.TrimRight("   * "+strings.ReplaceAll(l, "*/", "*\\/"), " "))
		}
		b.WriteString("   */\n")
		var ps []string
		for _, s := range e.Slots() {
			ps = append(ps, fmt.Sprintf("%s: %s", s.Name, tsType(ffi.WasmType(s.C))))
		}
		fmt.Fprintf(&b, "  %s(%s): %s;\n", e.Name, strings.Join(ps, ", "), tsType(ffi.WasmType(e.Result.C())))
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// jsCodes is the module of the PF_* status codes the package exports (or
// its declarations): one constant each, documented with its meaning.
func jsCodes(dts bool) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n// The status codes of polyfmt.h, pinned forever; new codes go into the gaps.\n", header("//"))
	for _, c := range codes() {
		if dts {
			fmt.Fprintf(&b, "\n/** %s */\nexport declare const %s: %d;\n", c.meaning, c.name, c.num)
		} else {
			fmt.Fprintf(&b, "\n/** %s */\nexport const %s = %d;\n", c.meaning, c.name, c.num)
		}
	}
	if dts {
		var names []string
		for _, c := range codes() {
			names = append(names, jsStr(c.name))
		}
		fmt.Fprintf(&b, "\n/** The name of a status code, as polyfmt.h spells it. */\nexport type CodeName = %s;\n", strings.Join(names, " | "))
	}
	return b.Bytes()
}
