// polyfmt.hpp — a small header-only C++17 wrapper over polyfmt.h (MEM8, MMX, VSF, MORK).
//
// It holds no format logic: each method is one C call plus ownership.
//   - Mem8File, MmxFile, VsfFile (also named VSF) and MorkFile (MORK) own one handle:
//     move-only, closed by their destructors. Each is a File<…>, which opens through the calls of
//     every format (pf_create, pf_open, pf_open_bytes) and answers what every
//     format does (info_json, verify, refresh, bytes); each adds its verbs.
//   - polyfmt::open / open_bytes open a file of any format (detected from
//     its first bytes) as an AnyFile, a std::variant of the file classes;
//     polyfmt::detect names the format of some bytes.
//   - Failures throw polyfmt::Error, carrying the PF_E* code and the
//     library's message for that call.
//   - Buffers the library returns are held by polyfmt::Buffer (a unique_ptr
//     whose deleter is pf_free) and copied into std::string / std::vector.
//
// The library is thread-safe; a Mem8File, MmxFile, VsfFile or MorkFile object is not (guard
// it as you would a std::fstream).
#ifndef POLYFMT_HPP
#define POLYFMT_HPP

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "polyfmt.h"

namespace polyfmt {

// Error is a failed call: code() is the PF_E* status, what() says
// "<pf_errstr text>: <pf_errmsg text>".
class Error : public std::runtime_error {
public:
    Error(int32_t code, const std::string &message) : std::runtime_error(message), code_(code) {}
    int32_t code() const noexcept { return code_; }

private:
    int32_t code_;
};

// check throws if rc is not PF_OK. handle is the handle the call used (0 for
// calls without one: opens, pf_free), whose last error explains rc.
inline void check(int32_t rc, uint32_t handle) {
    if (rc != PF_OK) {
        throw Error(rc, std::string(pf_errstr(rc)) + ": " + pf_errmsg(handle));
    }
}

struct FreeDeleter {
    void operator()(uint8_t *p) const noexcept { pf_free(p); }
};

// Buffer owns memory the library returned.
using Buffer = std::unique_ptr<uint8_t, FreeDeleter>;

namespace detail {
// OutBuf collects a (pointer, length) out-parameter pair and owns the
// pointer from the moment the call returns.
struct OutBuf {
    uint8_t *ptr = nullptr;
    size_t len = 0;
    Buffer take() { return Buffer(std::exchange(ptr, nullptr)); }
    std::string str() { Buffer b = take(); return b ? std::string(reinterpret_cast<const char *>(b.get()), len) : std::string(); }
    std::vector<uint8_t> bytes() { Buffer b = take(); return b ? std::vector<uint8_t>(b.get(), b.get() + len) : std::vector<uint8_t>(); }
    ~OutBuf() { pf_free(ptr); }
};

// quote returns s as a JSON string literal.
inline std::string quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        unsigned char u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            char esc[7];
            std::snprintf(esc, sizeof esc, "\\u%04x", u);
            out += esc;
        } else {
            out += c;
        }
    }
    return out + "\"";
}
} // namespace detail

// OwnedHandle is what every file class is: the one owner of a library
// handle. Move-only; the destructor closes it (pf_close(0) is a no-op).
class OwnedHandle {
public:
    OwnedHandle(const OwnedHandle &) = delete;
    OwnedHandle &operator=(const OwnedHandle &) = delete;
    OwnedHandle(OwnedHandle &&o) noexcept : h_(std::exchange(o.h_, 0)) {}
    OwnedHandle &operator=(OwnedHandle &&o) noexcept {
        if (this != &o) {
            pf_close(h_);
            h_ = std::exchange(o.h_, 0);
        }
        return *this;
    }
    ~OwnedHandle() { pf_close(h_); }

    // close closes the handle now and reports a failure the destructor
    // would swallow. Closing a closed (or moved-from) object does nothing.
    void close() {
        uint32_t h = std::exchange(h_, 0);
        check(pf_close(h), h);
    }

    explicit operator bool() const noexcept { return h_ != 0; }
    uint32_t handle() const noexcept { return h_; }
    // release gives up ownership: the caller must pf_close the result.
    uint32_t release() noexcept { return std::exchange(h_, 0); }

protected:
    OwnedHandle() noexcept = default;
    explicit OwnedHandle(uint32_t h) noexcept : h_(h) {}
    uint32_t h_ = 0;
};

// version returns the library version as "major.minor.patch".
inline std::string version() {
    uint32_t v = 0;
    check(pf_version(&v), 0);
    return std::to_string(v >> 16) + "." + std::to_string((v >> 8) & 0xff) + "." + std::to_string(v & 0xff);
}

// VerifyResult: code PF_OK, or the failure (PF_ECHECKSUM, PF_EFORMAT, …)
// and the library's reason, naming the first bad block or chunk; for MEM8,
// bad_block is that block (-1 for the header). A file that fails
// verification is an answer, not an exception.
struct VerifyResult {
    int32_t code = PF_OK;
    int64_t bad_block = -1;
    std::string message;
    bool ok() const noexcept { return code == PF_OK; }
};

// File is what every format's class derives from (CRTP: Derived is
// Mem8File or MmxFile, Format its PF_FORMAT_*, Title its name): opening
// through the calls of every format, refusing a file of another format
// before opening it, and the calls every format answers.
template <class Derived, int32_t Format, const char *Title>
class File : public OwnedHandle {
public:
    static constexpr int32_t format_id = Format;
    static constexpr const char *title = Title;

    // create makes a new file at path (truncating; locked for writing); an
    // empty path makes an in-memory file. opts is a JSON object (see
    // polyfmt.h), or empty.
    static Derived create(std::string_view path, std::string_view opts = {}) {
        uint32_t h = 0;
        check(pf_create(Format, path.data(), path.size(), opts.data(), opts.size(), &h), 0);
        return Derived::adopt(h);
    }

    // open opens path read-only (memory-mapped) or for writing (the writer
    // lock; a torn tail repaired), as this format: a file of another format
    // is PF_EFORMAT, and is not opened.
    static Derived open(std::string_view path, bool writable = false, std::string_view opts = {}) {
        uint32_t h = 0;
        int32_t format = 0;
        check(pf_open(Format, path.data(), path.size(), writable ? 1 : 0, opts.data(), opts.size(), &h, &format), 0);
        return checked(h, format, path);
    }

    // open_bytes opens a copy of an image, read-only or writable in memory
    // (writable with no bytes: a new, empty file), as this format. Bytes of
    // another format are PF_EFORMAT.
    static Derived open_bytes(const std::vector<uint8_t> &image, bool writable = false, std::string_view opts = {}) {
        uint32_t h = 0;
        int32_t format = 0;
        check(pf_open_bytes(Format, image.data(), image.size(), writable ? 1 : 0, opts.data(), opts.size(), &h,
                            &format),
              0);
        return checked(h, format, "the image");
    }

    // adopt takes ownership of an open handle of this format (see release()).
    static Derived adopt(uint32_t h) noexcept { return Derived(h); }

    // info_json is the file's state: {"format","name","writable",…,"recovery":{…}}
    // and the format's own fields (see polyfmt.h).
    std::string info_json() const {
        detail::OutBuf out;
        check(pf_info(h_, &out.ptr, &out.len), h_);
        return out.str();
    }

    // verify reads everything committed and checks every checksum and rule.
    VerifyResult verify() const {
        VerifyResult r;
        r.code = pf_verify(h_);
        answer(r);
        return r;
    }

    // refresh moves a file opened read-only from a path to what writers
    // committed since; returns the generation (MMX) or block count (MEM8).
    uint64_t refresh() {
        uint64_t g = 0;
        check(pf_refresh(h_, &g), h_);
        return g;
    }

    // bytes is the image of an in-memory file (PF_EBADARG for one on disk).
    std::vector<uint8_t> bytes() const {
        detail::OutBuf out;
        check(pf_bytes(h_, &out.ptr, &out.len), h_);
        return out.bytes();
    }

protected:
    File() noexcept = default;
    explicit File(uint32_t h) noexcept : OwnedHandle(h) {}

    // answer fills r's message for a failed verification and throws for any
    // other failure.
    void answer(VerifyResult &r) const {
        if (r.code == PF_ECHECKSUM || r.code == PF_EFORMAT || r.code == PF_EUNSUPPORTED || r.code == PF_ELIMIT) {
            r.message = pf_errmsg(h_);
        } else {
            check(r.code, h_);
        }
    }

private:
    // checked owns h, or closes it and throws when the library reports
    // another format than the one it was asked to open (which it never does).
    static Derived checked(uint32_t h, int32_t format, std::string_view what) {
        Derived d = Derived::adopt(h);
        if (format != Format) {
            throw Error(PF_EINTERNAL, "polyfmt.hpp: " + std::string(what) + " opened as format " + std::to_string(format) +
                                          ", not " + Title);
        }
        return d;
    }
};

inline constexpr char mem8_title[] = "MEM8";
inline constexpr char mmx_title[] = "MMX";
inline constexpr char vsf_title[] = "VSF";

// Block is one block: its JSON record and its content.
struct Block {
    std::string json; // {"index","timestamp","importance","importance_raw","token_id","token",...}
    std::vector<uint8_t> content;
    std::string text() const { return std::string(content.begin(), content.end()); }
};

class Mem8File : public File<Mem8File, PF_FORMAT_MEM8, mem8_title> {
public:
    Mem8File() noexcept = default;

    // append adds a block and returns its index. token empty means none;
    // timestamp_us 0 means now.
    uint64_t append(std::string_view content, float importance, std::string_view token = {},
                    uint64_t timestamp_us = 0) {
        uint64_t index = 0;
        check(pf_mem8_append(h_, reinterpret_cast<const uint8_t *>(content.data()), content.size(), importance,
                             token.empty() ? nullptr : token.data(), token.size(), timestamp_us, &index),
              h_);
        return index;
    }

    uint64_t count() const {
        uint64_t n = 0;
        check(pf_mem8_count(h_, &n), h_);
        return n;
    }

    Block block(uint64_t index) const {
        detail::OutBuf json, content;
        check(pf_mem8_block(h_, index, &json.ptr, &json.len, &content.ptr, &content.len), h_);
        return Block{json.str(), content.bytes()};
    }

    // query runs the importance query; query_json is e.g.
    // {"keywords":["x"],"fill":10,"max":20}. It returns block indices.
    std::vector<uint64_t> query(std::string_view query_json = {}) const {
        detail::OutBuf out;
        check(pf_mem8_query(h_, query_json.data(), query_json.size(), &out.ptr, &out.len), h_);
        return parse_indices(out.str());
    }

    // verify checks every wave signature, the hash chain and the header
    // CRC; bad_block is the first bad block (-1: the header).
    VerifyResult verify() const {
        VerifyResult r;
        r.code = pf_mem8_verify(h_, &r.bad_block);
        answer(r);
        return r;
    }

    uint64_t import_json(std::string_view doc) {
        uint64_t n = 0;
        check(pf_mem8_import_json(h_, reinterpret_cast<const uint8_t *>(doc.data()), doc.size(), &n), h_);
        return n;
    }

    std::string export_json() const {
        detail::OutBuf out;
        check(pf_mem8_export_json(h_, &out.ptr, &out.len), h_);
        return out.str();
    }

    void sync() { check(pf_mem8_sync(h_), h_); }

private:
    friend class File<Mem8File, PF_FORMAT_MEM8, mem8_title>;
    explicit Mem8File(uint32_t h) noexcept : File(h) {}

    // parse_indices reads the JSON array of unsigned integers that
    // pf_mem8_query returns.
    static std::vector<uint64_t> parse_indices(const std::string &s) {
        std::vector<uint64_t> out;
        size_t i = s.find('[');
        if (i == std::string::npos) {
            throw Error(PF_EINTERNAL, "polyfmt.hpp: query result is not a JSON array: " + s);
        }
        for (++i; i < s.size() && s[i] != ']'; ++i) {
            if (s[i] >= '0' && s[i] <= '9') {
                uint64_t v = 0;
                for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
                    v = v * 10 + static_cast<uint64_t>(s[i] - '0');
                }
                out.push_back(v);
                --i;
            }
        }
        return out;
    }
};

// ---- MMX ----------------------------------------------------------------

// WriteOptions are the optional keys of a pf_mmx_write description. Empty
// strings and zeros mean the library's defaults (raw, no region, 64-byte
// alignment).
struct WriteOptions {
    std::string compression;    // "None", "Lz4", "Zlib" or "Zstd"
    int level = 0;              // codec level; 0: the codec's default
    std::string logical_region; // grouping label
    uint64_t alignment = 0;     // power of two >= 8

    // append_to adds the set options as JSON members (each preceded by a comma).
    void append_to(std::string &desc) const {
        if (!compression.empty()) desc += ",\"compression\":" + detail::quote(compression);
        if (level != 0) desc += ",\"level\":" + std::to_string(level);
        if (!logical_region.empty()) desc += ",\"logical_region\":" + detail::quote(logical_region);
        if (alignment != 0) desc += ",\"alignment\":" + std::to_string(alignment);
    }
};

// Chunk is one chunk as pf_mmx_read returns it: its JSON description
// ({"entry":{…},"value":…,"arrays":{name:{"dtype","shape","offset","nbytes"}}})
// and the bytes its arrays point into.
//
// When borrowed() is true, data() is the file's own memory (a raw chunk of a
// read-only file, zero-copy): it stays valid only while the MmxFile that
// read it is open, and it is never freed. Otherwise the Chunk owns a copy
// and frees it. Move-only.
class Chunk {
public:
    const std::string &json() const noexcept { return json_; }
    const uint8_t *data() const noexcept { return data_; }
    size_t size() const noexcept { return size_; }
    bool borrowed() const noexcept { return borrowed_; }

private:
    friend class MmxFile;
    std::string json_;
    const uint8_t *data_ = nullptr;
    size_t size_ = 0;
    bool borrowed_ = false;
    Buffer owned_; // the data when not borrowed
};

// MmxVerifyResult: what MmxFile::verify returns (bad_block is unused).
using MmxVerifyResult = VerifyResult;

// Closing an MmxFile (close() or the destructor) commits its pending writes;
// borrowed chunk data is invalid afterwards. Opened read-only (from a path:
// memory-mapped; or from bytes: from the library's copy), raw chunks are lent.
class MmxFile : public File<MmxFile, PF_FORMAT_MMX, mmx_title> {
public:
    MmxFile() noexcept = default;

    // write stores one chunk in flat form: desc_json as in polyfmt.h, data
    // holding its arrays.
    void write(std::string_view name, std::string_view desc_json, const void *data = nullptr, size_t size = 0) {
        check(pf_mmx_write(h_, name.data(), name.size(), desc_json.data(), desc_json.size(),
                           static_cast<const uint8_t *>(data), size),
              h_);
    }

    // write_tensor stores an array: size bytes of dtype elements
    // (little-endian, row-major) of the given shape.
    void write_tensor(std::string_view name, const void *data, size_t size, std::string_view dtype,
                      const std::vector<uint64_t> &shape, const WriteOptions &o = {}) {
        std::string desc = "{\"chunk_type\":\"Tensor\",\"dtype\":" + detail::quote(dtype) + ",\"shape\":[";
        for (size_t i = 0; i < shape.size(); ++i) {
            desc += (i ? "," : "") + std::to_string(shape[i]);
        }
        desc += "]";
        o.append_to(desc);
        write(name, desc + "}", data, size);
    }

    Chunk read(std::string_view name) const {
        detail::OutBuf json;
        uint8_t *data = nullptr;
        size_t size = 0;
        int32_t borrowed = 0;
        check(pf_mmx_read(h_, name.data(), name.size(), &json.ptr, &json.len, &data, &size, &borrowed), h_);
        return adopt_chunk(json, data, size, borrowed);
    }

    // read_into reads a Tensor or Embedding's elements (little-endian,
    // row-major) into dst, memory the caller owns and may reuse: a
    // compressed chunk is decompressed straight into it. Returns the bytes
    // written; a dst smaller than the chunk throws Error with PF_ELIMIT,
    // whose message names the size needed.
    size_t read_into(std::string_view name, void *dst, size_t size) const {
        uint64_t written = 0;
        check(pf_mmx_read_into(h_, name.data(), name.size(), static_cast<uint8_t *>(dst), size, &written), h_);
        return static_cast<size_t>(written);
    }

    // read_rows reads rows [start, end) of a Tensor or Embedding.
    Chunk read_rows(std::string_view name, uint64_t start, uint64_t end) const {
        detail::OutBuf json;
        uint8_t *data = nullptr;
        size_t size = 0;
        int32_t borrowed = 0;
        check(pf_mmx_read_rows(h_, name.data(), name.size(), start, end, &json.ptr, &json.len, &data, &size, &borrowed),
              h_);
        return adopt_chunk(json, data, size, borrowed);
    }

    // list returns the entries under prefix as pf_mmx_list's JSON array.
    std::string list(std::string_view prefix = {}) const {
        detail::OutBuf out;
        check(pf_mmx_list(h_, prefix.data(), prefix.size(), &out.ptr, &out.len), h_);
        return out.str();
    }

    // remove deletes name at the next commit.
    void remove(std::string_view name) { check(pf_mmx_delete(h_, name.data(), name.size()), h_); }
    void commit() { check(pf_mmx_commit(h_), h_); }
    void rollback() { check(pf_mmx_rollback(h_), h_); }
    void compact() { check(pf_mmx_compact(h_), h_); }

private:
    friend class File<MmxFile, PF_FORMAT_MMX, mmx_title>;
    explicit MmxFile(uint32_t h) noexcept : File(h) {}

    static Chunk adopt_chunk(detail::OutBuf &json, uint8_t *data, size_t size, int32_t borrowed) {
        Chunk c;
        c.borrowed_ = borrowed != 0;
        if (!c.borrowed_) {
            c.owned_ = Buffer(data); // ours from here on, even if what follows throws
        }
        c.data_ = data;
        c.size_ = size;
        c.json_ = json.str();
        return c;
    }
};

// ---- VSF ------------------------------------------------------------------

// VsfTensor is one pf_vsf_tensor result: its JSON description
// ({"type","dtype","shape","strides","bits","nbytes"}) and its elements in
// native little-endian order (bit-packed samples unpacked), owned.
struct VsfTensor {
    std::string json;
    std::vector<uint8_t> data;
};

// VsfRaw is one pf_vsf_raw result: a section's bytes. When borrowed() is
// true, data() is a view of the file's mapping (a read-only VsfFile, the
// section stored plain): valid only while the VsfFile that read it is open,
// never freed. Otherwise the VsfRaw owns a copy and frees it. Move-only.
class VsfRaw {
public:
    const uint8_t *data() const noexcept { return data_; }
    size_t size() const noexcept { return size_; }
    bool borrowed() const noexcept { return borrowed_; }

private:
    friend class VsfFile;
    const uint8_t *data_ = nullptr;
    size_t size_ = 0;
    bool borrowed_ = false;
    Buffer owned_; // the bytes when not borrowed
};

// VsfFile is a VSF v2 file. Values cross as JSON ({"type":"u5","value":"400"},
// see polyfmt.h); a writable file (create, or open writable) builds its
// pending image with add, add_tensor, put_unboxed, section_options, sign and
// remove, and commit (or closing) writes it whole.
class VsfFile : public File<VsfFile, PF_FORMAT_VSF, vsf_title> {
public:
    VsfFile() noexcept = default;

    // add appends a field, given as its JSON form, to a structured section
    // (made at the end if missing).
    void add(std::string_view section, std::string_view field, std::string_view value_json) {
        check(pf_vsf_add(h_, section.data(), section.size(), field.data(), field.size(), value_json.data(),
                         value_json.size()),
              h_);
    }

    // add_tensor appends a tensor field: desc_json {"type":"u4","shape":[…]}
    // (optional "strides", or "bits" for bit-packed samples), data its
    // elements little-endian (copied).
    void add_tensor(std::string_view section, std::string_view field, std::string_view desc_json, const void *data,
                    size_t size) {
        check(pf_vsf_add_tensor(h_, section.data(), section.size(), field.data(), field.size(), desc_json.data(),
                                desc_json.size(), static_cast<const uint8_t *>(data), size),
              h_);
    }

    // put_unboxed makes or replaces an unboxed section holding a copy of data.
    void put_unboxed(std::string_view name, const void *data, size_t size) {
        check(pf_vsf_put_unboxed(h_, name.data(), name.size(), static_cast<const uint8_t *>(data), size), h_);
    }

    // section_options: {"compress":true,"hash":["blake3",…]}; name "" is the whole file.
    void section_options(std::string_view name, std::string_view opts_json) {
        check(pf_vsf_section_options(h_, name.data(), name.size(), opts_json.data(), opts_json.size()), h_);
    }

    // sign signs a section (name "": the whole file) with a 64-byte Ed25519
    // private key (keygen) when the file is written; with_key stores the
    // public key too.
    void sign(std::string_view name, const std::vector<uint8_t> &key, bool with_key = false) {
        check(pf_vsf_sign(h_, name.data(), name.size(), key.data(), key.size(), with_key ? 1 : 0), h_);
    }

    void remove(std::string_view name) { check(pf_vsf_remove(h_, name.data(), name.size()), h_); }
    void commit() { check(pf_vsf_commit(h_), h_); }

    // section is a structured section's fields as JSON {"name","fields":[…]}.
    std::string section(std::string_view name) const {
        detail::OutBuf out;
        check(pf_vsf_section(h_, name.data(), name.size(), &out.ptr, &out.len), h_);
        return out.str();
    }

    // get is the value at a dotted path ("camera.lens.focal_length_mm") as JSON.
    std::string get(std::string_view path) const {
        detail::OutBuf out;
        check(pf_vsf_get(h_, path.data(), path.size(), &out.ptr, &out.len), h_);
        return out.str();
    }

    // tensor is the tensor (or bit-packed samples) at a dotted path.
    VsfTensor tensor(std::string_view path) const {
        detail::OutBuf json, data;
        check(pf_vsf_tensor(h_, path.data(), path.size(), &json.ptr, &json.len, &data.ptr, &data.len), h_);
        return VsfTensor{json.str(), data.bytes()};
    }

    // raw is a section's bytes (an unboxed section's blob), lent or copied.
    VsfRaw raw(std::string_view name) const {
        uint8_t *data = nullptr;
        size_t size = 0;
        int32_t borrowed = 0;
        check(pf_vsf_raw(h_, name.data(), name.size(), &data, &size, &borrowed), h_);
        VsfRaw r;
        r.borrowed_ = borrowed != 0;
        if (!r.borrowed_) {
            r.owned_ = Buffer(data);
        }
        r.data_ = data;
        r.size_ = size;
        return r;
    }

    // verify_report is every check verify makes, as JSON {"checks":[…]};
    // with a key (32-byte public or 64-byte private) every signature must
    // verify against it.
    std::string verify_report(const std::vector<uint8_t> &key = {}) const {
        detail::OutBuf out;
        check(pf_vsf_verify_report(h_, key.empty() ? nullptr : key.data(), key.size(), &out.ptr, &out.len), h_);
        return out.str();
    }

    // keygen makes a 64-byte Ed25519 private key from a 32-byte seed, or a
    // random one (no seed).
    static std::vector<uint8_t> keygen(const std::vector<uint8_t> &seed = {}) {
        detail::OutBuf out;
        check(pf_vsf_keygen(seed.empty() ? nullptr : seed.data(), seed.size(), &out.ptr, &out.len), 0);
        return out.bytes();
    }

    // convert rewrites an image in form 0 (the seed's) or 1 (the crate's).
    static std::vector<uint8_t> convert(const std::vector<uint8_t> &image, int32_t form, bool drop_signatures = false) {
        detail::OutBuf out;
        check(pf_vsf_convert(image.data(), image.size(), form, drop_signatures ? 1 : 0, &out.ptr, &out.len), 0);
        return out.bytes();
    }

private:
    friend class File<VsfFile, PF_FORMAT_VSF, vsf_title>;
    explicit VsfFile(uint32_t h) noexcept : File(h) {}
};

// VSF is VsfFile by the format's name.
using VSF = VsfFile;

// ---- MORK -----------------------------------------------------------------

inline constexpr char mork_title[] = "MORK";

// MorkPath is an encoded expression (or any path of a path file or ACT).
using MorkPath = std::vector<uint8_t>;

// MorkRecord is one path and its value, as pf_mork_paths lists them.
struct MorkRecord {
    MorkPath path;
    uint64_t value = 0;
};

// MorkFile is any MORK container: a space file (the default of create), a
// path file, an ACT, a symbol table or multiplicities ("kind" in create's
// options). A writable file keeps changes in memory; commit() (or closing
// it) writes the container whole and atomically.
class MorkFile : public File<MorkFile, PF_FORMAT_MORK, mork_title> {
public:
    MorkFile() noexcept = default;

    // import_text parses MeTTa text and adds every expression; opts_json
    // {"intern":true,"value":"0"}. Returns how many expressions were read.
    // A syntax error is PF_EFORMAT (PF_ELIMIT for a limit), its message
    // naming the line and column; the expressions before it are added.
    uint64_t import_text(std::string_view text, std::string_view opts_json = {}) {
        uint64_t n = 0;
        check(pf_mork_import(h_, reinterpret_cast<const uint8_t *>(text.data()), text.size(), opts_json.data(),
                             opts_json.size(), &n),
              h_);
        return n;
    }

    void add(const MorkPath &path, uint64_t value = 0) { check(pf_mork_add(h_, path.data(), path.size(), value), h_); }

    // remove reports whether path was there.
    bool remove(const MorkPath &path) {
        int32_t found = 0;
        check(pf_mork_remove(h_, path.data(), path.size(), &found), h_);
        return found != 0;
    }

    // get is path's value, or nothing when the file does not hold path.
    std::optional<uint64_t> get(const MorkPath &path) const {
        uint64_t value = 0;
        int32_t found = 0;
        check(pf_mork_get(h_, path.data(), path.size(), &value, &found), h_);
        return found ? std::optional<uint64_t>(value) : std::nullopt;
    }

    uint64_t len() const {
        uint64_t n = 0;
        check(pf_mork_len(h_, &n), h_);
        return n;
    }

    // paths lists the paths starting with prefix (all: empty), in byte
    // order, at most limit of them (0: no limit).
    std::vector<MorkRecord> paths(const MorkPath &prefix = {}, uint64_t limit = 0) const {
        detail::OutBuf out;
        check(pf_mork_paths(h_, prefix.data(), prefix.size(), limit, &out.ptr, &out.len), h_);
        return records(out.bytes());
    }

    // query is pf_mork_query's JSON for a MeTTa pattern ("(edge $x b)"):
    // {"matches":[{"text","path","value","bindings"}],"truncated"}.
    std::string query(std::string_view pattern, uint64_t limit = 0) const {
        detail::OutBuf out;
        check(pf_mork_query(h_, pattern.data(), pattern.size(), limit, &out.ptr, &out.len), h_);
        return out.str();
    }

    // export_as is the content as kind ("space", "pathmap1", "paths",
    // "act", "symbols", "mult") or "metta" (text, one expression a line).
    std::vector<uint8_t> export_as(std::string_view kind, std::string_view opts_json = {}) const {
        detail::OutBuf out;
        check(pf_mork_export(h_, kind.data(), kind.size(), opts_json.data(), opts_json.size(), &out.ptr, &out.len), h_);
        return out.bytes();
    }

    // export_text is export_as("metta") as a string.
    std::string export_text() const {
        std::vector<uint8_t> b = export_as("metta");
        return std::string(b.begin(), b.end());
    }

    // encode encodes one expression as this file stores it (an interned
    // space's symbols as its ids: PF_ENOTFOUND for one its table lacks).
    MorkPath encode(std::string_view text) const { return encode_with(h_, text); }
    // encode_plain encodes without a symbol table (symbols as written).
    static MorkPath encode_plain(std::string_view text) { return encode_with(0, text); }

    // print prints a path as MeTTa text (variables named $a, $b, …).
    std::string print(const MorkPath &path) const { return print_with(h_, path); }
    static std::string print_plain(const MorkPath &path) { return print_with(0, path); }

    // symbols_json is the symbol table: {"symbols":[{"id","text"}]}.
    std::string symbols_json() const {
        detail::OutBuf out;
        check(pf_mork_symbols(h_, &out.ptr, &out.len), h_);
        return out.str();
    }

    // intern returns symbol's id in a writable file's table, adding it.
    uint64_t intern(std::string_view symbol) {
        uint64_t id = 0;
        check(pf_mork_intern(h_, reinterpret_cast<const uint8_t *>(symbol.data()), symbol.size(), &id), h_);
        return id;
    }

    void commit() { check(pf_mork_commit(h_), h_); }

    // migrate is a space file's image in the current version (1.1;
    // timestamp in Unix seconds, 0: now); a 1.1 image comes back unchanged.
    static std::vector<uint8_t> migrate(const std::vector<uint8_t> &image, uint64_t timestamp = 0) {
        detail::OutBuf out;
        check(pf_mork_migrate(image.data(), image.size(), timestamp, &out.ptr, &out.len), 0);
        return out.bytes();
    }

private:
    friend class File<MorkFile, PF_FORMAT_MORK, mork_title>;
    explicit MorkFile(uint32_t h) noexcept : File(h) {}

    static MorkPath encode_with(uint32_t h, std::string_view text) {
        detail::OutBuf out;
        check(pf_mork_encode(h, text.data(), text.size(), &out.ptr, &out.len), h);
        return out.bytes();
    }

    static std::string print_with(uint32_t h, const MorkPath &path) {
        detail::OutBuf out;
        check(pf_mork_print(h, path.data(), path.size(), &out.ptr, &out.len), h);
        return out.str();
    }

    // records reads the ABI's list of paths: u32 LE length, the path, u64
    // LE value, repeated.
    static std::vector<MorkRecord> records(const std::vector<uint8_t> &b) {
        auto le = [&b](size_t at, int n) {
            uint64_t v = 0;
            for (int i = n - 1; i >= 0; --i) v = v << 8 | b[at + static_cast<size_t>(i)];
            return v;
        };
        std::vector<MorkRecord> out;
        for (size_t off = 0; off < b.size();) {
            if (b.size() - off < 4) throw Error(PF_EINTERNAL, "polyfmt.hpp: a path record cut short");
            size_t n = static_cast<size_t>(le(off, 4));
            if (b.size() - off - 4 < n || b.size() - off - 4 - n < 8) {
                throw Error(PF_EINTERNAL, "polyfmt.hpp: a path record cut short");
            }
            MorkRecord r;
            auto at = b.begin() + static_cast<std::ptrdiff_t>(off + 4);
            r.path.assign(at, at + static_cast<std::ptrdiff_t>(n));
            r.value = le(off + 4 + n, 8);
            out.push_back(std::move(r));
            off += 4 + n + 8;
        }
        return out;
    }
};

// MORK is MorkFile by the format's name.
using MORK = MorkFile;

// ---- any format -----------------------------------------------------------

// AnyFile is a file of any format: the class of its format.
using AnyFile = std::variant<Mem8File, MmxFile, VsfFile, MorkFile>;

namespace detail {
// any_file owns h as the class of format (the registry of file classes);
// PF_EUNSUPPORTED (h closed) for a format this header has no class for.
inline AnyFile any_file(uint32_t h, int32_t format) {
    switch (format) {
    case Mem8File::format_id: return Mem8File::adopt(h);
    case MmxFile::format_id: return MmxFile::adopt(h);
    case VsfFile::format_id: return VsfFile::adopt(h);
    case MorkFile::format_id: return MorkFile::adopt(h);
    default: pf_close(h); throw Error(PF_EUNSUPPORTED, "polyfmt.hpp: no class for format " + std::to_string(format));
    }
}
} // namespace detail

// detect returns the format (a PF_FORMAT_*) data starts with (its first PF_DETECT_LEN
// bytes suffice); PF_EFORMAT, naming the bytes, when no format claims them.
inline int32_t detect(const uint8_t *data, size_t len) {
    int32_t format = 0;
    check(pf_detect(data, len, &format), 0);
    return format;
}

// open opens path, whatever its format (detected from its first bytes),
// read-only or for writing; opts are that format's open options (JSON).
inline AnyFile open(std::string_view path, bool writable = false, std::string_view opts = {}) {
    uint32_t h = 0;
    int32_t format = 0;
    check(pf_open(0, path.data(), path.size(), writable ? 1 : 0, opts.data(), opts.size(), &h, &format), 0);
    return detail::any_file(h, format);
}

// open_bytes opens a copy of an image, whatever its format. No bytes are
// PF_EBADARG (nothing to detect: use a class's create("")).
inline AnyFile open_bytes(const std::vector<uint8_t> &image, bool writable = false, std::string_view opts = {}) {
    uint32_t h = 0;
    int32_t format = 0;
    check(pf_open_bytes(0, image.data(), image.size(), writable ? 1 : 0, opts.data(), opts.size(), &h, &format), 0);
    return detail::any_file(h, format);
}

} // namespace polyfmt

#endif // POLYFMT_HPP
