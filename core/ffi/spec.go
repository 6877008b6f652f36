package ffi

import (
	"fmt"
	"strings"

	"github.com/polyfmt/polyfmt/core/format"

	"github.com/polyfmt/polyfmt/core/internal/codec"
	"github.com/polyfmt/polyfmt/core/mmx"
)

// This file is the export spec: every function libpolyfmt.so and
// polyfmt.wasm export, with its parameters typed by kind and its
// documentation. It is the one place a signature is written. The generator
// (core/ffi/gen, run by `go generate ./...`) writes every other copy from
// it: the cgo shims (capi/exports_gen.go), the wasm shims
// (wasm/exports_gen.go), the prototypes in capi/include/polyfmt.h, the
// Python ctypes table (bindings/python/src/polyfmt/_generated.py) and the
// JS call table and typings (bindings/js/src/exports.gen.js, .d.ts).
//
// Adding an export: write its ffi function (the Go name in Export.Go, its
// parameters in the order below, each kind as Kind.Go says), add an entry
// here, run `go generate ./...`.

//go:generate go run ./gen

// Kind is what one parameter of an export is. A kind fixes the C type (one
// or two C parameters), the wasm value types, the Go type the ffi function
// takes, the ctypes type and the TypeScript type.
type Kind uint8

// The kinds.
const (
	Handle    Kind = iota + 1 // uint32_t: a handle
	FormatID                  // int32_t: a PF_FORMAT_* number
	Flag                      // int32_t: 0 or 1
	I32                       // int32_t: a number (a status code)
	U64                       // uint64_t
	F32                       // float
	Size                      // size_t: a byte count on its own (pf_alloc)
	Ptr                       // void *: a buffer the library returned
	InText                    // const char *, size_t: UTF-8 text (a path, a name, JSON), borrowed for the call
	InBytes                   // const uint8_t *, size_t: bytes, borrowed for the call
	InBulk                    // const uint8_t *, size_t: bulk bytes, borrowed (Python passes any buffer's address)
	OutBuf                    // uint8_t **, size_t *: a buffer the caller frees with pf_free
	OutHandle                 // uint32_t *: a new handle
	OutFormat                 // int32_t *: a PF_FORMAT_* number
	OutFlag                   // int32_t *: 0 or 1
	OutU32                    // uint32_t *
	OutU64                    // uint64_t *
	OutI64                    // int64_t *
	OutBulk                   // uint8_t *, size_t: memory the caller lends for the library to fill, for the call (Python passes any writable buffer's address)
)

// kindInfo is a kind's types: C types of its one or two C parameters, the
// Go types of the same ffi arguments.
type kindInfo struct {
	c   []string
	go_ []string
}

var kinds = map[Kind]kindInfo{
	Handle:    {[]string{"uint32_t"}, []string{"uint32"}},
	FormatID:  {[]string{"int32_t"}, []string{"int32"}},
	Flag:      {[]string{"int32_t"}, []string{"int32"}},
	I32:       {[]string{"int32_t"}, []string{"int32"}},
	U64:       {[]string{"uint64_t"}, []string{"uint64"}},
	F32:       {[]string{"float"}, []string{"float32"}},
	Size:      {[]string{"size_t"}, []string{"uint64"}},
	Ptr:       {[]string{"void *"}, []string{"unsafe.Pointer"}},
	InText:    {[]string{"const char *", "size_t"}, []string{"unsafe.Pointer", "uint64"}},
	InBytes:   {[]string{"const uint8_t *", "size_t"}, []string{"unsafe.Pointer", "uint64"}},
	InBulk:    {[]string{"const uint8_t *", "size_t"}, []string{"unsafe.Pointer", "uint64"}},
	OutBuf:    {[]string{"uint8_t **", "size_t *"}, []string{"unsafe.Pointer", "unsafe.Pointer"}},
	OutHandle: {[]string{"uint32_t *"}, []string{"unsafe.Pointer"}},
	OutFormat: {[]string{"int32_t *"}, []string{"unsafe.Pointer"}},
	OutFlag:   {[]string{"int32_t *"}, []string{"unsafe.Pointer"}},
	OutU32:    {[]string{"uint32_t *"}, []string{"unsafe.Pointer"}},
	OutU64:    {[]string{"uint64_t *"}, []string{"unsafe.Pointer"}},
	OutI64:    {[]string{"int64_t *"}, []string{"unsafe.Pointer"}},
	OutBulk:   {[]string{"uint8_t *", "size_t"}, []string{"unsafe.Pointer", "uint64"}},
}

// Result is what an export returns.
type Result uint8

// The results.
const (
	Status  Result = iota // int32_t: PF_OK or a PF_E* code
	CString               // const char *: text the library owns
	Pointer               // void *: a buffer (pf_alloc), NULL on failure
)

// C is the result's C type.
func (r Result) C() string { return [...]string{"int32_t", "const char *", "void *"}[r] }

// Param is one parameter of an export.
type Param struct {
	Name string // the C name (of the pointer, for two-slot kinds)
	Kind Kind
	Len  string // the C name of the length slot of a two-slot kind; "" is Name+"_len"
}

// Slot is one C parameter.
type Slot struct {
	Name string
	C    string // C type
	Go   string // the Go type the ffi function takes for it
}

// Slots are the C parameters p stands for: one, or a pointer and a length.
func (p Param) Slots() []Slot {
	k := kinds[p.Kind]
	s := []Slot{{p.Name, k.c[0], k.go_[0]}}
	if len(k.c) == 2 {
		n := p.Len
		if n == "" {
			n = p.Name + "_len"
		}
		s = append(s, Slot{n, k.c[1], k.go_[1]})
	}
	return s
}

// Export is one exported function.
type Export struct {
	Name    string
	Section string // the header section it is declared in
	Doc     string // its documentation, the header's comment
	Result  Result
	Params  []Param
	// Go is the ffi function the shims call: func Go(a *ABI, <slots>) int32
	// (or unsafe.Pointer for the other results).
	Go string
	// Impl, for a lifecycle export, is the unexported ffi function behind
	// it: func Impl(a *ABI, want int32, <the lifecycle export's slots>),
	// want being the format the call requires. Go is then generated
	// (lifecycle_gen.go): it passes the FormatID parameter named "format"
	// as want if the export has one, else 0 (any format).
	Impl string
	// Alias names the format whose per-format form of a lifecycle export
	// this is (pf_mmx_open is pf_open for "mmx"); Of names that export. Its
	// generated Go function calls Of's Impl with the format's ID as want
	// and zero for each of Of's parameters this export does not have.
	Alias string
	Of    string
	// WasmOnly exports exist in polyfmt.wasm only (pf_alloc).
	WasmOnly bool
	// Held exports' Go function takes a *Held after the ABI (func Go(a
	// *ABI, held *Held, <slots>) int32): it records there the handle it
	// acquires instead of deferring the release, which the shim's guard
	// does (see Running). For the hot handle calls.
	Held bool
	// Fast, for a Held export, is an ffi function the shim tries first:
	// func Fast(held *Held, <slots>) bool, small enough to inline into the
	// shim; true means it did the call and the status is PF_OK, false that
	// Go is to be called (with the same held).
	Fast string
}

// Slots are every C parameter, in order.
func (e *Export) Slots() []Slot {
	var s []Slot
	for _, p := range e.Params {
		s = append(s, p.Slots()...)
	}
	return s
}

// Prototype is the C declaration, without the trailing semicolon.
func (e *Export) Prototype() string {
	var ps []string
	for _, s := range e.Slots() {
		ps = append(ps, cDecl(s.C, s.Name))
	}
	if len(ps) == 0 {
		ps = []string{"void"}
	}
	return cDecl(e.Result.C(), e.Name) + "(" + strings.Join(ps, ", ") + ")"
}

// cDecl writes "type name", with no space after a '*'.
func cDecl(typ, name string) string {
	if strings.HasSuffix(typ, "*") {
		return typ + name
	}
	return typ + " " + name
}

// WasmType is the wasm value type of a C type on wasm32: pointers and
// size_t are i32, 64-bit integers i64, float f32.
func WasmType(c string) string {
	switch {
	case strings.HasSuffix(c, "*"), c == "size_t", c == "int32_t", c == "uint32_t":
		return "i32"
	case c == "int64_t", c == "uint64_t":
		return "i64"
	case c == "float":
		return "f32"
	}
	panic("ffi: no wasm type for " + c)
}

// WasmSignature is the export's wasm parameter and result types.
func (e *Export) WasmSignature() (params []string, result string) {
	for _, s := range e.Slots() {
		params = append(params, WasmType(s.C))
	}
	return params, WasmType(e.Result.C())
}

// Section is a part of the header: a title and what holds for its exports.
type Section struct {
	Name  string // the key Export.Section uses
	Title string // the header's divider
	Doc   string // written below the divider
}

// Sections are the header's sections, in order.
var Sections = []Section{
	{Name: "library", Title: "library"},
	{Name: "files", Title: "files of every format", Doc: filesDoc},
	{Name: "mem8", Title: "MEM8 (.m8)", Doc: mem8Doc},
	{Name: "mmx", Title: "MMX (.mmx)", Doc: mmxDoc},
	{Name: "vsf", Title: "VSF v2 (.vsf)", Doc: vsfDoc},
	{Name: "mork", Title: "MORK (.mtts, .paths, .act, .pathmap, .mttm)", Doc: morkDoc},
}

const filesDoc = `The lifecycle every format shares (core/format; "One lifecycle" in
core/RATIONALE.md). A file's format is a PF_FORMAT_* number: pf_open and
pf_open_bytes detect it from the first bytes and report it; pf_create is
told it. Options are the format's JSON object (see its section below; every
key optional, an unknown key PF_EBADARG; opts_json may be NULL with
opts_len 0). The per-format functions further down (pf_mem8_open,
pf_mmx_info, …) are these same calls for one format: a file or handle of
another format is refused.`

const mem8Doc = `Options (JSON object, every key optional; unknown keys are PF_EBADARG):
  "identity_freq": 440.0   (create) written in the header
  "temporal_phase": 0.0    (create) written in the header
  "plain": false           (create) flags 0: exactly the seed's files
  "no_sync": false         skip fsync after each append
  "max_blocks": 67108864   refuse files with more blocks
  "max_import_blocks": 1048576   pf_mem8_import_json appends at most this many
  "max_json_bytes": 268435456    pf_mem8_import_json: JSON text, after zlib
  "max_json_ratio": 100          pf_mem8_import_json: zlib inflates at most
                                 this many times its size (or 64 KiB)`

const mmxDoc = `A multimodal container: named chunks (Tensor, Sequence, Text, Mesh,
Embedding, Meta), written in transactions that become visible at commit.

Options (JSON object, every key optional; unknown keys are PF_EBADARG):
  "creator": "", "model_uuid": ""   (create) written in the header
  "no_sync": false                  skip fsync at commit
  "verify": "on_read"               chunk checksums: "on_read", "on_open", "never"
  "checksum": "crc32c"              new chunks' checksum: "crc32c", "blake3" or
                                    "sha256"
                                    (reads check each by the one its entry names)
  "max_chunk_bytes", "max_chunks"   limits on untrusted files
  "max_ratio", "max_json_bytes"     (0 or absent: 1024, 64 MiB) a compressed
                                    chunk's largest ratio; a JSON payload's size.
                                    Negative limits are PF_EBADARG.
  "auto_compact_min_dead",          a writer compacts on its own after a commit
  "auto_compact_ratio"              leaving more dead bytes than both this
                                    (0: 64 MiB; -1: never) and ratio (0: 1) ×
                                    the live bytes.

Chunks cross the ABI in flat form: a JSON description plus one data
buffer holding the chunk's arrays.
  Tensor, Embedding: one array "data"; write desc {"chunk_type":"Tensor",
    "dtype":"float32","shape":[2,3]}, data = the elements (little-endian,
    row-major). Embedding adds "value":{"method":"PCA","labels":[...]}.
  Mesh: arrays "vertices" (float32 [V,3]), "faces" (uint32 [F,3]),
    optional "normals" (float32 [N,3]) and "uvs" (float32 [U,2]), each
    {"dtype","shape","offset","nbytes"} inside data; "value":{"materials":{}}.
  Text, Sequence, Meta: everything in "value" (see docs/spec/mmx.md); no data.
Every write desc may add "compression" ("None","Lz4","Zlib","Zstd"),
"level", "logical_region" and "alignment".`

const vsfDoc = `A self-describing typed format (docs/spec/vsf.md): a header of labels,
then sections — structured (named fields holding typed values, nested
structures) or unboxed (raw bytes) — with hashes and Ed25519 signatures
per section and for the whole file.

Options (JSON object, every key optional; unknown keys are PF_EBADARG):
  "form": "seed"                    (create) "seed" (polyfmt's default) or
                                    "crate" (the public crate's V2 form)
  "no_sync": false                  skip fsync at commit
  "max_depth", "max_labels", "max_fields", "max_dims", "max_elements",
  "max_name_len", "max_decompressed", "max_ratio"   limits on untrusted
                                    files (0 or absent: the defaults)

Values cross as JSON with a "type": integers of every width are decimal
strings ({"type":"u5","value":"100000"}), floats numbers, names and text
strings, times {"type":"time","form":"T5","seconds":"…"}, hashes,
signatures and keys {"alg","hex"}, nested structures {"type":"struct",
"fields":[{"name","value"}]}. Tensors are described in JSON and their
elements read with pf_vsf_tensor (converted to little-endian).

A writable handle (pf_create, or pf_open writable) builds the file:
pf_vsf_add, pf_vsf_add_tensor, pf_vsf_put_unboxed, pf_vsf_section_options,
pf_vsf_sign and pf_vsf_remove change the pending image; pf_vsf_commit (or
pf_close) writes it whole and atomically.`

const morkDoc = `MeTTa spaces as MORK stores them (docs/spec/mork.md): expressions
encoded as byte paths, in one of six containers, each a sorted set of
paths with u64 values — a space file (MTTS: symbol table, paths,
Blake2b-256 footer), PATHMAP1, PathMap's .paths, an ACT (ACTree03, the
seed's layout or PathMap's, read in place), a symbol table ZIP, and
multiplicities (MTTM: UTF-8 keys with counts). pf_open detects which.

Options (JSON object, every key optional; unknown keys are PF_EBADARG):
  "kind": "space"          (create) "space", "pathmap1", "paths", "act",
                           "symbols" or "mult"
  "compression": "zstd"    PATHMAP1: "none", "zlib", "lz4", "zstd"
  "act_layout": "pathmap"  a new ACT: "pathmap" or "seed"
  "symbol_layout": "seed"  a new symbol table: "seed" or "mork"
  "compress_space": false  a space's paths as one zstd frame
  "no_sync": false         skip fsync at commit
  "max_paths", "max_path_len", "max_decompressed", "max_ratio",
  "max_depth", "max_symbols"   limits on untrusted files (0: defaults)

Paths cross as their bytes. A list of paths crosses as records: u32 LE
length, the path, u64 LE value, repeated. Values in JSON are decimal
strings. A writable handle keeps changes in memory; pf_mork_commit (or
pf_close) writes the container whole and atomically.`

// p is a parameter; p2 one whose length slot has its own name.
func p(name string, k Kind) Param      { return Param{Name: name, Kind: k} }
func p2(name, ln string, k Kind) Param { return Param{Name: name, Kind: k, Len: ln} }
func ps(params ...Param) []Param       { return params }
func alias(format, of string, e Export) Export {
	e.Alias, e.Of, e.Section = format, of, format
	return e
}

// Spec is every export, in header order.
var Spec = []Export{
	{Name: "pf_alloc", Section: "library", Result: Pointer, Params: ps(p("size", Size)), Go: "Alloc", WasmOnly: true,
		Doc: `polyfmt.wasm only: size bytes of linear memory for staging an input,
freed with pf_free. 0 (NULL) when memory cannot hold them.`},
	{Name: "pf_version", Section: "library", Params: ps(p("out", OutU32)), Go: "Version",
		Doc: `Writes the version as major<<16 | minor<<8 | patch (PF_VERSION_* above).`},
	{Name: "pf_errstr", Section: "library", Result: CString, Params: ps(p("code", I32)), Go: "ErrStr",
		Doc: `Static description of a status code; never freed. NULL only if memory
is exhausted.`},
	{Name: "pf_errmsg", Section: "library", Result: CString, Params: ps(p("handle", Handle)), Go: "ErrMsg",
		Doc: `The last error recorded on handle (slot 0: calls without an open handle),
"" if none. Do not free it. The text stays valid until 64 more error
texts have been replaced or closed anywhere in the process, so a thread
can read it safely right after its failing call even while others fail;
copy it if you keep it. Slot 0 is shared by all threads: with several
threads opening at once, it may hold another thread's message.`},
	{Name: "pf_close", Section: "library", Params: ps(p("handle", Handle)), Go: "Close",
		Doc: `Closes any handle. 0 is a no-op; a closed or unknown one PF_EBADHANDLE.
Calls running on the handle in other threads finish first (see "Closing
under calls" above); views it lent are invalid once it returns. A writer
commits what is pending (MMX) and releases its lock.`},
	{Name: "pf_free", Section: "library", Params: ps(p("ptr", Ptr)), Go: "Free",
		Doc: `Frees a buffer the library returned. NULL is a no-op; a pointer the
library did not return (or freed already) is PF_EBADARG.`},

	{Name: "pf_detect", Section: "files", Params: ps(p2("data", "len", InBytes), p("out_format", OutFormat)), Go: "Detect",
		Doc: `The format whose magic data starts with (its first PF_DETECT_LEN bytes suffice):
*out_format is a PF_FORMAT_*; PF_EFORMAT when no format claims them.`},
	{Name: "pf_create", Section: "files", Impl: "create",
		Params: ps(p("format", FormatID), p("path", InText), p2("opts_json", "opts_len", InText), p("out_handle", OutHandle)), Go: "Create",
		Doc: `Creates a new file of format (a PF_FORMAT_*) at path (truncating),
locked for writing: flock and the lock file path.lock (docs/spec/mmx.md
§5.1), PF_ELOCKED if another writer holds it. An empty path (path_len 0)
creates a file in memory; pf_bytes returns its image.`},
	{Name: "pf_open", Section: "files", Impl: "open",
		Params: ps(p("format", FormatID), p("path", InText), p("writable", Flag), p2("opts_json", "opts_len", InText), p("out_handle", OutHandle), p("out_format", OutFormat)), Go: "Open",
		Doc: `Opens path as format (a PF_FORMAT_*), or whatever its format is when
format is 0 (detected from its first bytes; *out_format says which, and
may be NULL): read-only (writable 0, memory-mapped; a torn tail is ignored
and reported by pf_info) or for writing (1: takes the writer lock,
PF_ELOCKED if taken; repairs a torn tail). A file of another format than
a nonzero format asks is PF_EFORMAT, with that format's reason. Options
that shape a new file (create's) are PF_EBADARG here.`},
	{Name: "pf_open_bytes", Section: "files", Impl: "openBytes",
		Params: ps(p("format", FormatID), p2("data", "len", InBulk), p("writable", Flag), p2("opts_json", "opts_len", InText), p("out_handle", OutHandle), p("out_format", OutFormat)), Go: "OpenBytes",
		Doc: `Opens a copy of a file image as format, or (format 0) whatever its
first bytes say it is: read-only (0; MMX lends raw chunks as views of the
copy) or writable in memory (1; pf_bytes returns the new image). Writable
with no bytes is a new, empty file of format (PF_EBADARG with format 0:
there is nothing to detect); read-only with no bytes is PF_EFORMAT.`},
	{Name: "pf_format", Section: "files", Params: ps(p("handle", Handle), p("out_format", OutFormat)), Go: "FormatOf",
		Doc: `The format of the file behind handle (a PF_FORMAT_*).`},
	{Name: "pf_info", Section: "files", Impl: "info", Params: ps(p("handle", Handle), p2("out_json", "out_len", OutBuf)), Go: "Info",
		Doc: `A summary as JSON: {"format","name","writable",…,"recovery":{"clean",
"reason","dropped_bytes","repaired"}} plus the format's own fields (see
pf_mem8_info, pf_mmx_info).`},
	{Name: "pf_verify", Section: "files", Impl: "verify", Params: ps(p("handle", Handle)), Go: "Verify",
		Doc: `Reads everything committed and checks every checksum, hash and rule of
the format, in bounded memory. PF_OK, or PF_ECHECKSUM / PF_EFORMAT (or
PF_ELIMIT) with pf_errmsg naming the first bad block or chunk.`},
	{Name: "pf_refresh", Section: "files", Impl: "refresh", Params: ps(p("handle", Handle), p("out_generation", OutU64)), Go: "Refresh",
		Doc: `A file opened read-only from a path moves to what writers committed
since; *out_generation (may be NULL) is then the MMX generation or the
MEM8 block count. Other files stay as they are.`},
	{Name: "pf_bytes", Section: "files", Impl: "image", Params: ps(p("handle", Handle), p2("out", "out_len", OutBuf)), Go: "Bytes",
		Doc: `A copy of the image of a file held in memory (created with an empty
path, or opened from bytes); PF_EBADARG for a file on disk.`},

	alias("mem8", "pf_create", Export{Name: "pf_mem8_create", Go: "Mem8Create",
		Params: ps(p("path", InText), p2("opts_json", "opts_len", InText), p("out_handle", OutHandle)),
		Doc: `pf_create for MEM8: a new file at path (truncating), locked for writing.
An empty path (path_len 0) creates an in-memory file; pf_mem8_bytes
returns it.`}),
	alias("mem8", "pf_open", Export{Name: "pf_mem8_open", Go: "Mem8Open",
		Params: ps(p("path", InText), p("writable", Flag), p2("opts_json", "opts_len", InText), p("out_handle", OutHandle)),
		Doc: `pf_open for MEM8: path read-only (writable 0, memory-mapped) or for
appending (writable 1: takes the writer lock — flock and the lock file
path.lock, docs/spec/mmx.md §5.1 — PF_ELOCKED if taken; repairs a torn
tail). A read-only open ignores a torn tail and reports it in pf_mem8_info.
Only "no_sync" and the "max_…" limits apply; create options are PF_EBADARG.`}),
	alias("mem8", "pf_open_bytes", Export{Name: "pf_mem8_open_bytes", Go: "Mem8OpenBytes",
		Params: ps(p2("data", "len", InBytes), p("writable", Flag), p("out_handle", OutHandle)),
		Doc: `pf_open_bytes for MEM8: a copy of an in-memory image, read-only (0) or
appendable (1). Writable with no bytes is a new, empty file.`}),
	{Name: "pf_mem8_append", Section: "mem8", Go: "Mem8Append",
		Params: ps(p("handle", Handle), p2("content", "len", InBytes), p("importance", F32), p("token", InText), p("timestamp_us", U64), p("out_index", OutU64)),
		Doc: `Appends a block. importance in [0,1] (quantized as the seed does, NaN -> 0);
token may be NULL/0 for none; timestamp_us 0 means now. Content over 4024
bytes (less a new token's definition) is PF_ELIMIT, never truncated.
out_index may be NULL.`},
	{Name: "pf_mem8_count", Section: "mem8", Go: "Mem8Count", Held: true, Fast: "Mem8CountFast", Params: ps(p("handle", Handle), p("out_count", OutU64)),
		Doc: `Number of blocks.`},
	alias("mem8", "pf_info", Export{Name: "pf_mem8_info", Go: "Mem8InfoExport", Params: ps(p("handle", Handle), p2("out_json", "out_len", OutBuf)),
		Doc: `Header, flags, dynamic tokens and recovery report as JSON:
{"format","name","writable","version","flags","flag_names","block_count",
 "identity_freq","temporal_phase","crc32","tokens",
 "recovery":{"clean","header_blocks","dropped_bytes","reason","repaired"}}`}),
	{Name: "pf_mem8_block", Section: "mem8", Go: "Mem8Block",
		Params: ps(p("handle", Handle), p("index", U64), p("out_json", OutBuf), p("out_content", OutBuf)),
		Doc: `Block index (0 = oldest): its record as JSON
{"index","timestamp","importance","importance_raw","token_id","token",
 "wave_signature","prev_hash","content_len"} and its content. Either
pair of out-parameters may be NULL. PF_ENOTFOUND past the last block.
Free both buffers with pf_free. Empty content gives NULL and length 0.`},
	{Name: "pf_mem8_query", Section: "mem8", Go: "Mem8Query",
		Params: ps(p("handle", Handle), p2("query_json", "query_len", InText), p2("out_json", "out_len", OutBuf)),
		Doc: `The seed's read_by_importance: blocks by importance (ties oldest first),
kept if their content contains a keyword or while fewer than "fill" are
kept, stopping at "max". query_json: {"keywords":[...], "fill":10,
"max":20}, all optional ("fill":0 keeps keyword matches only; a negative
fill or max < 1 is PF_EBADARG). Result: JSON array of block indices.`},
	{Name: "pf_mem8_verify", Section: "mem8", Go: "Mem8Verify", Params: ps(p("handle", Handle), p("out_bad_block", OutI64)),
		Doc: `pf_verify for MEM8, also saying where: reads the whole file and checks
wave signatures, the hash chain and the header CRC. PF_OK, or
PF_ECHECKSUM / PF_EFORMAT with *out_bad_block the first bad block (-1:
the header; the block count: a torn tail that a read-only open ignored).
out_bad_block may be NULL.`},
	{Name: "pf_mem8_import_json", Section: "mem8", Go: "Mem8ImportJSON",
		Params: ps(p("handle", Handle), p2("data", "len", InBytes), p("out_count", OutU64)),
		Doc: `Appends the blocks of a JSON document: the seed's {"contexts":[...]}
(plain or zlib; every element a JSON object) or pf_mem8_export_json's
output. The whole document is checked first (shape, sizes, the limits
"max_json_bytes", "max_json_ratio", "max_import_blocks" of the handle's options):
if that fails, nothing is appended. Then each block is appended and
committed on its own; a failure while appending (I/O, a full disk) leaves
the blocks before it committed, and *out_count is the number of blocks
appended in every case. out_count may be NULL.`},
	{Name: "pf_mem8_export_json", Section: "mem8", Go: "Mem8ExportJSON", Params: ps(p("handle", Handle), p2("out_json", "out_len", OutBuf)),
		Doc: `Every block as a JSON document that pf_mem8_import_json restores exactly.`},
	alias("mem8", "pf_bytes", Export{Name: "pf_mem8_bytes", Go: "Mem8Bytes", Params: ps(p("handle", Handle), p2("out", "out_len", OutBuf)),
		Doc: `pf_bytes for MEM8: a copy of the image of a file held in memory
(pf_mem8_create with an empty path, or pf_mem8_open_bytes); PF_EBADARG
for a file on disk.`}),
	{Name: "pf_mem8_sync", Section: "mem8", Go: "Mem8Sync", Params: ps(p("handle", Handle)),
		Doc: `Flushes to stable storage (for files opened with "no_sync").`},

	alias("mmx", "pf_create", Export{Name: "pf_mmx_create", Go: "MMXCreate",
		Params: ps(p("path", InText), p2("opts_json", "opts_len", InText), p("out_handle", OutHandle)),
		Doc: `pf_create for MMX: a new file at path (truncating), locked for writing;
empty path: in memory (pf_mmx_bytes returns the image).`}),
	alias("mmx", "pf_open", Export{Name: "pf_mmx_open", Go: "MMXOpen",
		Params: ps(p("path", InText), p("writable", Flag), p2("opts_json", "opts_len", InText), p("out_handle", OutHandle)),
		Doc: `pf_open for MMX: path read-only (writable 0, memory-mapped) or for
writing (1: takes the writer lock — flock and path.lock — PF_ELOCKED if
taken; repairs a torn tail). Files written by MorphNet open read-only.`}),
	alias("mmx", "pf_open_bytes", Export{Name: "pf_mmx_open_bytes", Go: "MMXOpenBytes",
		Params: ps(p2("data", "len", InBulk), p("writable", Flag), p("out_handle", OutHandle)),
		Doc: `pf_open_bytes for MMX: a copy of an image, read-only (0; raw chunks are
then lent as views) or writable in memory (1). Writable with no bytes is
a new, empty file.`}),
	{Name: "pf_mmx_write", Section: "mmx", Go: "MMXWrite",
		Params: ps(p("handle", Handle), p("name", InText), p2("desc_json", "desc_len", InText), p("data", InBulk)),
		Doc: `Writes one chunk into the open transaction (replacing name at commit).
Nothing is visible to other readers until pf_mmx_commit.`},
	{Name: "pf_mmx_read", Section: "mmx", Go: "MMXRead",
		Params: ps(p("handle", Handle), p("name", InText), p("out_json", OutBuf), p("out_data", OutBuf), p("out_borrowed", OutFlag)),
		Doc: `Reads one chunk: *out_json is {"entry":{…},"value":…,"arrays":{name:
{"dtype","shape","offset","nbytes"}}} (free it), *out_data the bytes the
arrays point into. *out_borrowed 1: the data is the file's mapping itself
(a raw chunk of a read-only file), valid until pf_close on the handle
returns (see "Borrowed views" above), not to be freed or written; 0: a
buffer to pf_free (PF_ENOMEM if it cannot be allocated). Checksums are checked as
the "verify" option says.`},
	{Name: "pf_mmx_read_into", Section: "mmx", Go: "MMXReadInto",
		Params: ps(p("handle", Handle), p("name", InText), p("dst", OutBulk), p("out_written", OutU64)),
		Doc: `Reads a Tensor or Embedding's elements (little-endian, row-major; the
dtype and shape are its pf_mmx_entry) into dst, memory the caller owns
and may reuse from read to read: a compressed chunk is decompressed
straight into it, a raw one copied into it, with no buffer in between.
*out_written is the number of bytes written (the entry's
uncompressed_size). A dst shorter than that is PF_ELIMIT, *out_written
then the size needed, and nothing is read. Checksums are checked, as the
"verify" option says, before it returns; on any error dst holds nothing
useful. Another chunk type is PF_EBADARG.`},
	{Name: "pf_mmx_read_rows", Section: "mmx", Go: "MMXReadRows",
		Params: ps(p("handle", Handle), p("name", InText), p("start", U64), p("end", U64), p("out_json", OutBuf), p("out_data", OutBuf), p("out_borrowed", OutFlag)),
		Doc: `Rows [start, end) of a Tensor or Embedding along its first axis. Only
those rows of a raw chunk are read (without its whole-chunk checksum).`},
	{Name: "pf_mmx_list", Section: "mmx", Go: "MMXList",
		Params: ps(p("handle", Handle), p("prefix", InText), p2("out_json", "out_len", OutBuf)),
		Doc: `Directory entries whose names start with prefix (empty: all), sorted by
name, as a JSON array. A writer sees its uncommitted writes.`},
	{Name: "pf_mmx_entry", Section: "mmx", Go: "MMXEntry",
		Params: ps(p("handle", Handle), p("name", InText), p2("out_json", "out_len", OutBuf)),
		Doc: `The directory entry of one chunk as JSON (one element of pf_mmx_list's
array), without reading the chunk: PF_ENOTFOUND if there is none.`},
	alias("mmx", "pf_info", Export{Name: "pf_mmx_info", Go: "MMXInfoExport", Params: ps(p("handle", Handle), p2("out_json", "out_len", OutBuf)),
		Doc: `{"format","name","writable","from_morphnet","generation","pending",
 "dead_bytes","header":{…},"recovery":{"clean","reason","dropped_bytes","repaired"}}`}),
	{Name: "pf_mmx_delete", Section: "mmx", Go: "MMXDelete", Params: ps(p("handle", Handle), p("name", InText)),
		Doc: `Deletes name at the next commit (PF_ENOTFOUND if there is none).`},
	{Name: "pf_mmx_commit", Section: "mmx", Go: "MMXCommit", Params: ps(p("handle", Handle)),
		Doc: `Makes every write and delete since the last commit visible at once.`},
	{Name: "pf_mmx_rollback", Section: "mmx", Go: "MMXRollback", Params: ps(p("handle", Handle)),
		Doc: `Discards every write and delete since the last commit.`},
	{Name: "pf_mmx_compact", Section: "mmx", Go: "MMXCompact", Params: ps(p("handle", Handle)),
		Doc: `Commits, then rewrites the file with only live chunks and the directory
right after the header.`},
	alias("mmx", "pf_refresh", Export{Name: "pf_mmx_refresh", Go: "MMXRefresh", Params: ps(p("handle", Handle), p("out_generation", OutU64)),
		Doc: `pf_refresh for MMX: a read-only file moves to the newest commit;
*out_generation (may be NULL).`}),
	alias("mmx", "pf_verify", Export{Name: "pf_mmx_verify", Go: "MMXVerify", Params: ps(p("handle", Handle)),
		Doc: `Checks every chunk's SHA-256 and payload; on failure errmsg names the chunk.`}),
	alias("mmx", "pf_bytes", Export{Name: "pf_mmx_bytes", Go: "MMXBytes", Params: ps(p("handle", Handle), p2("out", "out_len", OutBuf)),
		Doc: `A copy of the image of a file held in memory; PF_EBADARG for a file on disk.`}),

	alias("vsf", "pf_create", Export{Name: "pf_vsf_create", Go: "VSFCreate",
		Params: ps(p("path", InText), p2("opts_json", "opts_len", InText), p("out_handle", OutHandle)),
		Doc: `pf_create for VSF: a new file at path (truncating), locked for writing;
empty path: in memory (pf_vsf_bytes returns the image after a commit).`}),
	alias("vsf", "pf_open", Export{Name: "pf_vsf_open", Go: "VSFOpen",
		Params: ps(p("path", InText), p("writable", Flag), p2("opts_json", "opts_len", InText), p("out_handle", OutHandle)),
		Doc: `pf_open for VSF: path read-only (writable 0, memory-mapped) or writable
(1: takes the writer lock; unchanged sections are kept byte for byte).`}),
	alias("vsf", "pf_open_bytes", Export{Name: "pf_vsf_open_bytes", Go: "VSFOpenBytes",
		Params: ps(p2("data", "len", InBulk), p("writable", Flag), p("out_handle", OutHandle)),
		Doc: `pf_open_bytes for VSF: a copy of an image, read-only (0; unboxed
sections are then lent as views) or writable in memory (1).`}),
	alias("vsf", "pf_info", Export{Name: "pf_vsf_info", Go: "VSFInfoExport", Params: ps(p("handle", Handle), p2("out_json", "out_len", OutBuf)),
		Doc: `{"format","name","writable","form","version","backward","size",
 "header_len","labels":[{"name","offset","size","count","unboxed",
 "compressed","raw_size","hashes","signatures","keys"}],"trailer",
 "pending","recovery"}`}),
	alias("vsf", "pf_bytes", Export{Name: "pf_vsf_bytes", Go: "VSFBytes", Params: ps(p("handle", Handle), p2("out", "out_len", OutBuf)),
		Doc: `A copy of the committed image of a file held in memory; PF_EBADARG for a
file on disk.`}),
	{Name: "pf_vsf_section", Section: "vsf", Go: "VSFSection",
		Params: ps(p("handle", Handle), p("name", InText), p2("out_json", "out_len", OutBuf)),
		Doc: `A structured section's fields as JSON {"name","fields":[{"name","value"}]}.
PF_ENOTFOUND if there is no such section; PF_EBADARG for an unboxed one
(read it with pf_vsf_raw).`},
	{Name: "pf_vsf_get", Section: "vsf", Go: "VSFGet",
		Params: ps(p("handle", Handle), p("path", InText), p2("out_json", "out_len", OutBuf)),
		Doc: `The value at a dotted path (a section's name, then field names, then
nested fields' names: "imaging.raw.exposure.shutter_time_ns") as JSON.
A section alone gives a struct; an unboxed section a u3 tensor.`},
	{Name: "pf_vsf_tensor", Section: "vsf", Go: "VSFTensor",
		Params: ps(p("handle", Handle), p("path", InText), p("out_json", OutBuf), p("out_data", OutBuf)),
		Doc: `The tensor at path: *out_json {"type","dtype","shape","strides","bits",
"nbytes"} and *out_data its elements in native little-endian order
(bool: one byte each; a bit-packed tensor's samples unpacked to the
smallest unsigned width, "type" naming it and "bits" the packed depth;
Spirix elements as their parts, each little-endian). Free both.`},
	{Name: "pf_vsf_raw", Section: "vsf", Go: "VSFRaw",
		Params: ps(p("handle", Handle), p("name", InText), p("out_data", OutBuf), p("out_borrowed", OutFlag)),
		Doc: `A section's bytes: an unboxed section's blob, a structured one's
encoding; decompressed if it is stored compressed. *out_borrowed 1: a
view of the file (a read-only handle, the section stored plain), valid
until pf_close on the handle, not to be freed or written; 0: a buffer to
pf_free.`},
	{Name: "pf_vsf_verify_report", Section: "vsf", Go: "VSFVerifyReport",
		Params: ps(p("handle", Handle), p2("key", "key_len", InBytes), p2("out_json", "out_len", OutBuf)),
		Doc: `Every check pf_verify makes, as JSON {"checks":[{"section","what","alg",
"status","error","code"}]} (status "ok", "failed", or "unverified": a
signature with no key to check it; a failed check's "code" is its status
code's name, "PF_ECHECKSUM"). With a key (32-byte Ed25519 public key, or a
64-byte private key; key_len 0: none) every signature must verify against
it. Returns PF_OK whatever the checks say.`},
	{Name: "pf_vsf_add", Section: "vsf", Go: "VSFAdd",
		Params: ps(p("handle", Handle), p("section", InText), p("field", InText), p2("value_json", "value_len", InText)),
		Doc: `Appends a field, given as its JSON form, to a structured section (made
at the end if missing) of a writable handle.`},
	{Name: "pf_vsf_add_tensor", Section: "vsf", Go: "VSFAddTensor",
		Params: ps(p("handle", Handle), p("section", InText), p("field", InText), p2("desc_json", "desc_len", InText), p("data", InBulk)),
		Doc: `Appends a tensor field: desc {"type":"u4"} (or {"dtype":"uint16"}),
"shape", optional "strides" (in elements: a q tensor), optional "bits"
(1..64: a bit-packed tensor of unsigned samples); data the elements in
native little-endian order (bool: one byte each). The data is copied.`},
	{Name: "pf_vsf_put_unboxed", Section: "vsf", Go: "VSFPutUnboxed",
		Params: ps(p("handle", Handle), p("name", InText), p("data", InBulk)),
		Doc:    `Makes or replaces an unboxed section (raw bytes, n[0]) holding a copy of data.`},
	{Name: "pf_vsf_section_options", Section: "vsf", Go: "VSFSectionOptions",
		Params: ps(p("handle", Handle), p("name", InText), p2("opts_json", "opts_len", InText)),
		Doc: `Options of a section: {"compress":true (zstd), "hash":["blake3","sha256",
"sha512","blake2b","blake2b-512"]}; with name "" (the whole file)
{"hash":[…], "no_file_hash":true}. The seed form hashes the whole file
with BLAKE3 unless no_file_hash.`},
	{Name: "pf_vsf_sign", Section: "vsf", Go: "VSFSign",
		Params: ps(p("handle", Handle), p("name", InText), p2("key", "key_len", InBytes), p("with_key", Flag)),
		Doc: `Signs a section (or, name "", the whole file) with a 64-byte Ed25519
private key when the file is written; with_key 1 also stores the public
key, so the file verifies without being given it.`},
	{Name: "pf_vsf_remove", Section: "vsf", Go: "VSFRemove",
		Params: ps(p("handle", Handle), p("name", InText)),
		Doc:    `Drops a section from the pending image (PF_ENOTFOUND if there is none).`},
	{Name: "pf_vsf_commit", Section: "vsf", Go: "VSFCommit", Params: ps(p("handle", Handle)),
		Doc: `Writes the pending image: to a temporary file beside the path, synced and
renamed over it (a crash leaves the previous commit or this one), or in
memory.`},
	{Name: "pf_vsf_keygen", Section: "vsf", Go: "VSFKeygen",
		Params: ps(p2("seed", "seed_len", InBytes), p2("out_key", "out_len", OutBuf)),
		Doc: `An Ed25519 private key (64 bytes: the 32-byte seed, then the public key)
from a 32-byte seed, or a random one (seed_len 0).`},
	{Name: "pf_vsf_convert", Section: "vsf", Go: "VSFConvert",
		Params: ps(p2("data", "len", InBulk), p("form", I32), p("drop_signatures", Flag), p2("out", "out_len", OutBuf)),
		Doc: `A VSF image rewritten in form 0 (the seed's) or 1 (the public crate's),
every section and value kept. A signed file is PF_EUNSUPPORTED unless
drop_signatures (its signatures cannot be made again without the key).`},
	{Name: "pf_vsf_encode_value", Section: "vsf", Go: "VSFEncodeValue",
		Params: ps(p2("value_json", "value_len", InText), p2("out", "out_len", OutBuf)),
		Doc:    `The wire bytes of one value given as its JSON form.`},
	{Name: "pf_vsf_decode_value", Section: "vsf", Go: "VSFDecodeValue",
		Params: ps(p2("data", "len", InBytes), p2("out_json", "out_len", OutBuf)),
		Doc:    `The JSON form of the one value data holds (trailing bytes: PF_EFORMAT).`},

	alias("mork", "pf_create", Export{Name: "pf_mork_create", Go: "MORKCreate",
		Params: ps(p("path", InText), p2("opts_json", "opts_len", InText), p("out_handle", OutHandle)),
		Doc: `pf_create for MORK: a new container ("kind" in the options; a space by
default) at path (truncating), locked for writing; empty path: in memory.`}),
	alias("mork", "pf_open", Export{Name: "pf_mork_open", Go: "MORKOpen",
		Params: ps(p("path", InText), p("writable", Flag), p2("opts_json", "opts_len", InText), p("out_handle", OutHandle)),
		Doc: `pf_open for MORK: path read-only (writable 0: memory-mapped, an ACT read
in place) or writable (1: the writer lock; commits rewrite it whole).`}),
	alias("mork", "pf_open_bytes", Export{Name: "pf_mork_open_bytes", Go: "MORKOpenBytes",
		Params: ps(p2("data", "len", InBulk), p("writable", Flag), p("out_handle", OutHandle)),
		Doc:    `pf_open_bytes for MORK: a copy of a container, read-only (0) or writable in memory (1).`}),
	alias("mork", "pf_info", Export{Name: "pf_mork_info", Go: "MORKInfoExport", Params: ps(p("handle", Handle), p2("out_json", "out_len", OutBuf)),
		Doc: `{"format","name","writable","kind","version","timestamp","checksum",
 "compression","act_layout","symbol_layout","paths","symbols","interned",
 "pending","recovery"}`}),
	alias("mork", "pf_bytes", Export{Name: "pf_mork_bytes", Go: "MORKBytes", Params: ps(p("handle", Handle), p2("out", "out_len", OutBuf)),
		Doc: `A copy of the committed image of a container held in memory; PF_EBADARG
for a file on disk.`}),
	{Name: "pf_mork_import", Section: "mork", Go: "MORKImport",
		Params: ps(p("handle", Handle), p("text", InBulk), p2("opts_json", "opts_len", InText), p("out_count", OutU64)),
		Doc: `Parses MeTTa text (S-expressions, $variables, quoted strings, ; comments)
and adds every top-level expression to a writable space, path file or
ACT; *out_count (may be NULL) is how many were read. opts {"intern":
true (symbols as 8-byte ids of the file's table), "value": "0"}. A syntax
error is PF_EFORMAT, a limit PF_ELIMIT, errmsg naming line and column;
the expressions before it are added.`},
	{Name: "pf_mork_add", Section: "mork", Go: "MORKAdd",
		Params: ps(p("handle", Handle), p2("path", "path_len", InBytes), p("value", U64)),
		Doc: `Adds an encoded path with value (replacing its value if present). In a
space the path must be one MORK expression.`},
	{Name: "pf_mork_remove", Section: "mork", Go: "MORKRemove",
		Params: ps(p("handle", Handle), p2("path", "path_len", InBytes), p("out_found", OutFlag)),
		Doc:    `Removes an encoded path; *out_found (may be NULL) says whether it was there.`},
	{Name: "pf_mork_get", Section: "mork", Go: "MORKGet",
		Params: ps(p("handle", Handle), p2("path", "path_len", InBytes), p("out_value", OutU64), p("out_found", OutFlag)),
		Doc: `Looks an encoded path up (an ACT in place): *out_found 1 and its value,
or 0.`},
	{Name: "pf_mork_len", Section: "mork", Go: "MORKLen",
		Params: ps(p("handle", Handle), p("out_count", OutU64)),
		Doc:    `How many paths the file holds (an ACT read in place is walked once).`},
	{Name: "pf_mork_paths", Section: "mork", Go: "MORKPaths",
		Params: ps(p("handle", Handle), p2("prefix", "prefix_len", InBytes), p("limit", U64), p2("out", "out_len", OutBuf)),
		Doc: `Every path starting with prefix (empty: all), in byte order, at most limit
of them (0: no limit), as records (u32 LE length, path, u64 LE value).`},
	{Name: "pf_mork_query", Section: "mork", Go: "MORKQuery",
		Params: ps(p("handle", Handle), p("pattern", InText), p("limit", U64), p2("out_json", "out_len", OutBuf)),
		Doc: `The paths matching a MeTTa pattern ("(edge $x b)": a variable matches any
sub-expression, a repeated one the same each time), at most limit (0: no
limit), as JSON {"matches":[{"text","path" (hex),"value","bindings":[text
per variable, in order of first appearance]}],"truncated"}.`},
	{Name: "pf_mork_export", Section: "mork", Go: "MORKExport",
		Params: ps(p("handle", Handle), p("kind", InText), p2("opts_json", "opts_len", InText), p2("out", "out_len", OutBuf)),
		Doc: `The file's content as another container: kind "space", "pathmap1",
"paths", "act", "symbols", "mult", or "metta" (text, one expression per
line). opts {"compression","act_layout","symbol_layout","compress_space",
"no_checksum","timestamp"}.`},
	{Name: "pf_mork_encode", Section: "mork", Go: "MORKEncode",
		Params: ps(p("handle", Handle), p("text", InText), p2("out", "out_len", OutBuf)),
		Doc: `One MeTTa expression encoded as a path. handle 0: symbols as written; a
handle of an interned space: symbols as its ids (PF_ENOTFOUND for a
symbol its table lacks); a multiplicities file's handle: the key's own
bytes.`},
	{Name: "pf_mork_print", Section: "mork", Go: "MORKPrint",
		Params: ps(p("handle", Handle), p2("path", "path_len", InBytes), p2("out", "out_len", OutBuf)),
		Doc: `An encoded path printed as MeTTa text (variables named $a, $b, …). handle
0: no symbol table; else interned ids resolve through the file's table.`},
	{Name: "pf_mork_symbols", Section: "mork", Go: "MORKSymbols",
		Params: ps(p("handle", Handle), p2("out_json", "out_len", OutBuf)),
		Doc:    `The file's symbol table as JSON {"symbols":[{"id","text"}]} in id order.`},
	{Name: "pf_mork_intern", Section: "mork", Go: "MORKIntern",
		Params: ps(p("handle", Handle), p2("symbol", "symbol_len", InBytes), p("out_id", OutU64)),
		Doc:    `The id of a symbol in a writable file's table, added if missing.`},
	{Name: "pf_mork_commit", Section: "mork", Go: "MORKCommit", Params: ps(p("handle", Handle)),
		Doc: `Writes the container again, whole: to a temporary file beside the path,
synced and renamed over it, or in memory. A 1.0 space file is written as
1.1 (a commit of an unchanged file migrates it).`},
	{Name: "pf_mork_migrate", Section: "mork", Go: "MORKMigrate",
		Params: ps(p2("data", "len", InBulk), p("timestamp", U64), p2("out", "out_len", OutBuf)),
		Doc: `A space file in the current version (1.1; timestamp in Unix seconds, 0:
now), every symbol and path kept; a 1.1 file comes back unchanged. An
unknown major version is PF_EUNSUPPORTED.`},
}

// Lookup returns the export called name, or nil.
func Lookup(name string) *Export {
	for i := range Spec {
		if Spec[i].Name == name {
			return &Spec[i]
		}
	}
	return nil
}

// DType is one element type as every language sees it.
type DType struct {
	Name string // numpy's name, as stored
	Size int    // bytes per element
	// JSArray is the TypedArray a read returns ("" for none: raw
	// little-endian bytes in a Uint8Array); JSAccepts the TypedArrays a
	// write takes for it besides raw bytes.
	JSArray   string
	JSAccepts []string
}

// DTypes is the element types of tensors across the ABI (MMX today), in
// the order core/mmx lists them.
func DTypes() []DType {
	js := map[mmx.DType][2]string{
		mmx.Bool: {"Uint8Array", "Uint8Array"}, mmx.Int8: {"Int8Array", "Int8Array"},
		mmx.Int16: {"Int16Array", "Int16Array"}, mmx.Int32: {"Int32Array", "Int32Array"},
		mmx.Int64: {"BigInt64Array", "BigInt64Array"}, mmx.Uint8: {"Uint8Array", "Uint8Array Uint8ClampedArray"},
		mmx.Uint16: {"Uint16Array", "Uint16Array"}, mmx.Uint32: {"Uint32Array", "Uint32Array"},
		mmx.Uint64: {"BigUint64Array", "BigUint64Array"}, mmx.Float16: {"Float16Array", "Float16Array Uint16Array"},
		mmx.BFloat16: {"", "Uint16Array"}, mmx.Float32: {"Float32Array", "Float32Array"},
		mmx.Float64: {"Float64Array", "Float64Array"}, mmx.Complex64: {"", "Float32Array"},
		mmx.Complex128: {"", "Float64Array"},
	}
	var out []DType
	for _, d := range mmx.DTypes() {
		j, ok := js[d]
		if !ok {
			panic("ffi: no JS mapping for dtype " + string(d))
		}
		out = append(out, DType{Name: string(d), Size: d.ItemSize(), JSArray: j[0], JSAccepts: strings.Fields(j[1])})
	}
	return out
}

// Codecs are the compression codecs' names, as stored and as the ABI takes them.
func Codecs() []string { return codec.Names() }

// CheckSpec checks the spec's own rules: names pf_… and unique, each export
// documented, in a known section, with an ffi function; an alias names a
// lifecycle export and a registered format, and has only parameters of it.
// The generator runs it before it writes anything.
func CheckSpec() error {
	seen := map[string]bool{}
	sections := map[string]bool{}
	for _, s := range Sections {
		sections[s.Name] = true
	}
	for i := range Spec {
		e := &Spec[i]
		switch {
		case !strings.HasPrefix(e.Name, "pf_"):
			return fmt.Errorf("%s: every export is named pf_…", e.Name)
		case seen[e.Name]:
			return fmt.Errorf("%s: exported twice", e.Name)
		case e.Go == "":
			return fmt.Errorf("%s: no ffi function (Go)", e.Name)
		case strings.TrimSpace(e.Doc) == "":
			return fmt.Errorf("%s: no documentation", e.Name)
		case !sections[e.Section]:
			return fmt.Errorf("%s: unknown section %q", e.Name, e.Section)
		case e.Alias != "" && (Lookup(e.Of) == nil || Lookup(e.Of).Impl == ""):
			return fmt.Errorf("%s: alias of %q, which is not a lifecycle export", e.Name, e.Of)
		case e.Alias != "" && format.ByName(e.Alias) == nil:
			return fmt.Errorf("%s: alias for unknown format %q", e.Name, e.Alias)
		}
		seen[e.Name] = true
		if e.Alias != "" {
			of := Lookup(e.Of)
			have := map[string]string{}
			for _, s := range of.Slots() {
				have[s.Name] = s.C
			}
			for _, s := range e.Slots() {
				if c, ok := have[s.Name]; !ok || c != s.C {
					return fmt.Errorf("%s: parameter %s %s is not one of %s's", e.Name, s.C, s.Name, e.Of)
				}
			}
		}
	}
	return nil
}
