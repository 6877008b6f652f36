package ffi

// Export describes one exported function as C declares it. The table is the
// source of truth: a test checks that capi/include/polyfmt.h declares
// exactly these, that the C library exports exactly these, and that the
// wasm module exports these plus WasmOnly.
type Export struct {
	Name   string
	Result string   // C result type
	Params []string // C parameter declarations, in order
}

// WasmOnly are exported by polyfmt.wasm but not the C library.
var WasmOnly = []Export{
	{"pf_alloc", "void *", []string{"size_t size"}},
}

// Exports is every function of the C library, in header order.
var Exports = []Export{
	{"pf_version", "int32_t", []string{"uint32_t *out"}},
	{"pf_errstr", "const char *", []string{"int32_t code"}},
	{"pf_errmsg", "const char *", []string{"uint32_t handle"}},
	{"pf_close", "int32_t", []string{"uint32_t handle"}},
	{"pf_free", "int32_t", []string{"void *ptr"}},

	{"pf_mem8_create", "int32_t", []string{"const char *path", "size_t path_len", "const char *opts_json", "size_t opts_len", "uint32_t *out_handle"}},
	{"pf_mem8_open", "int32_t", []string{"const char *path", "size_t path_len", "int32_t writable", "const char *opts_json", "size_t opts_len", "uint32_t *out_handle"}},
	{"pf_mem8_open_bytes", "int32_t", []string{"const uint8_t *data", "size_t len", "int32_t writable", "uint32_t *out_handle"}},
	{"pf_mem8_append", "int32_t", []string{"uint32_t handle", "const uint8_t *content", "size_t len", "float importance", "const char *token", "size_t token_len", "uint64_t timestamp_us", "uint64_t *out_index"}},
	{"pf_mem8_count", "int32_t", []string{"uint32_t handle", "uint64_t *out_count"}},
	{"pf_mem8_info", "int32_t", []string{"uint32_t handle", "uint8_t **out_json", "size_t *out_len"}},
	{"pf_mem8_block", "int32_t", []string{"uint32_t handle", "uint64_t index", "uint8_t **out_json", "size_t *out_json_len", "uint8_t **out_content", "size_t *out_content_len"}},
	{"pf_mem8_query", "int32_t", []string{"uint32_t handle", "const char *query_json", "size_t query_len", "uint8_t **out_json", "size_t *out_len"}},
	{"pf_mem8_verify", "int32_t", []string{"uint32_t handle", "int64_t *out_bad_block"}},
	{"pf_mem8_import_json", "int32_t", []string{"uint32_t handle", "const uint8_t *data", "size_t len", "uint64_t *out_count"}},
	{"pf_mem8_export_json", "int32_t", []string{"uint32_t handle", "uint8_t **out_json", "size_t *out_len"}},
	{"pf_mem8_bytes", "int32_t", []string{"uint32_t handle", "uint8_t **out", "size_t *out_len"}},
	{"pf_mem8_sync", "int32_t", []string{"uint32_t handle"}},

	{"pf_mmx_create", "int32_t", []string{"const char *path", "size_t path_len", "const char *opts_json", "size_t opts_len", "uint32_t *out_handle"}},
	{"pf_mmx_open", "int32_t", []string{"const char *path", "size_t path_len", "int32_t writable", "const char *opts_json", "size_t opts_len", "uint32_t *out_handle"}},
	{"pf_mmx_open_bytes", "int32_t", []string{"const uint8_t *data", "size_t len", "int32_t writable", "uint32_t *out_handle"}},
	{"pf_mmx_write", "int32_t", []string{"uint32_t handle", "const char *name", "size_t name_len", "const char *desc_json", "size_t desc_len", "const uint8_t *data", "size_t data_len"}},
	{"pf_mmx_read", "int32_t", []string{"uint32_t handle", "const char *name", "size_t name_len", "uint8_t **out_json", "size_t *out_json_len", "uint8_t **out_data", "size_t *out_data_len", "int32_t *out_borrowed"}},
	{"pf_mmx_read_rows", "int32_t", []string{"uint32_t handle", "const char *name", "size_t name_len", "uint64_t start", "uint64_t end", "uint8_t **out_json", "size_t *out_json_len", "uint8_t **out_data", "size_t *out_data_len", "int32_t *out_borrowed"}},
	{"pf_mmx_list", "int32_t", []string{"uint32_t handle", "const char *prefix", "size_t prefix_len", "uint8_t **out_json", "size_t *out_len"}},
	{"pf_mmx_info", "int32_t", []string{"uint32_t handle", "uint8_t **out_json", "size_t *out_len"}},
	{"pf_mmx_delete", "int32_t", []string{"uint32_t handle", "const char *name", "size_t name_len"}},
	{"pf_mmx_commit", "int32_t", []string{"uint32_t handle"}},
	{"pf_mmx_rollback", "int32_t", []string{"uint32_t handle"}},
	{"pf_mmx_compact", "int32_t", []string{"uint32_t handle"}},
	{"pf_mmx_refresh", "int32_t", []string{"uint32_t handle", "uint64_t *out_generation"}},
	{"pf_mmx_verify", "int32_t", []string{"uint32_t handle"}},
	{"pf_mmx_bytes", "int32_t", []string{"uint32_t handle", "uint8_t **out", "size_t *out_len"}},
}
