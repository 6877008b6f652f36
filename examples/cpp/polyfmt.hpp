// polyfmt.hpp — a small header-only C++17 wrapper over polyfmt.h (MEM8).
//
// It holds no format logic: each method is one C call plus ownership.
//   - Mem8File owns one handle: move-only, closed by its destructor.
//   - Failures throw polyfmt::Error, carrying the PF_E* code and the
//     library's message for that call.
//   - Buffers the library returns are held by polyfmt::Buffer (a unique_ptr
//     whose deleter is pf_free) and copied into std::string / std::vector.
//
// The library is thread-safe; a Mem8File object is not (guard it as you
// would a std::fstream).
#ifndef POLYFMT_HPP
#define POLYFMT_HPP

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
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
} // namespace detail

// version returns the library version as "major.minor.patch".
inline std::string version() {
    uint32_t v = 0;
    check(pf_version(&v), 0);
    return std::to_string(v >> 16) + "." + std::to_string((v >> 8) & 0xff) + "." + std::to_string(v & 0xff);
}

// Block is one block: its JSON record and its content.
struct Block {
    std::string json; // {"index","timestamp","importance","importance_raw","token_id","token",...}
    std::vector<uint8_t> content;
    std::string text() const { return std::string(content.begin(), content.end()); }
};

// VerifyResult: code PF_OK, or PF_ECHECKSUM / PF_EFORMAT with the first bad
// block (-1 for the header) and the library's reason. A file that fails
// verification is an answer, not an exception.
struct VerifyResult {
    int32_t code = PF_OK;
    int64_t bad_block = -1;
    std::string message;
    bool ok() const noexcept { return code == PF_OK; }
};

class Mem8File {
public:
    // create makes a new file at path (truncating); an empty path makes an
    // in-memory file. opts is a JSON object (see polyfmt.h), or empty.
    static Mem8File create(std::string_view path, std::string_view opts = {}) {
        uint32_t h = 0;
        check(pf_mem8_create(path.data(), path.size(), opts.data(), opts.size(), &h), 0);
        return Mem8File(h);
    }

    // open opens path read-only (memory-mapped) or for appending.
    static Mem8File open(std::string_view path, bool writable = false, std::string_view opts = {}) {
        uint32_t h = 0;
        check(pf_mem8_open(path.data(), path.size(), writable ? 1 : 0, opts.data(), opts.size(), &h), 0);
        return Mem8File(h);
    }

    // open_bytes opens a copy of an image.
    static Mem8File open_bytes(const std::vector<uint8_t> &image, bool writable = false) {
        uint32_t h = 0;
        check(pf_mem8_open_bytes(image.data(), image.size(), writable ? 1 : 0, &h), 0);
        return Mem8File(h);
    }

    Mem8File() noexcept = default;
    Mem8File(const Mem8File &) = delete;
    Mem8File &operator=(const Mem8File &) = delete;
    Mem8File(Mem8File &&o) noexcept : h_(std::exchange(o.h_, 0)) {}
    Mem8File &operator=(Mem8File &&o) noexcept {
        if (this != &o) {
            pf_close(h_);
            h_ = std::exchange(o.h_, 0);
        }
        return *this;
    }
    ~Mem8File() { pf_close(h_); } // pf_close(0) is a no-op

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

    std::string info_json() const {
        detail::OutBuf out;
        check(pf_mem8_info(h_, &out.ptr, &out.len), h_);
        return out.str();
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

    VerifyResult verify() const {
        VerifyResult r;
        r.code = pf_mem8_verify(h_, &r.bad_block);
        if (r.code == PF_ECHECKSUM || r.code == PF_EFORMAT) {
            r.message = pf_errmsg(h_);
        } else {
            check(r.code, h_);
        }
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

    // bytes is the image of an in-memory file.
    std::vector<uint8_t> bytes() const {
        detail::OutBuf out;
        check(pf_mem8_bytes(h_, &out.ptr, &out.len), h_);
        return out.bytes();
    }

    void sync() { check(pf_mem8_sync(h_), h_); }

private:
    explicit Mem8File(uint32_t h) noexcept : h_(h) {}

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

    uint32_t h_ = 0;
};

} // namespace polyfmt

#endif // POLYFMT_HPP
