// mmx.cpp — MMX (.mmx) from C++ through polyfmt.hpp.
//
//   mmx <path>         create <path>, write a tensor (raw and LZ4), a mesh,
//                      a text and a meta chunk, commit, roll back a write,
//                      reopen read-only and read everything back (raw chunks
//                      zero-copy), read rows, verify, compact, and read the
//                      file from memory
//   mmx read <path>    only open <path> read-only, list and summarize it
//
// A Chunk that is borrowed() points into the file's own memory: it is valid
// while its MmxFile is open and is never freed. Other chunks own their data.
// Arrays are little-endian; this program converts explicitly.
//
// Exits 1 if anything does not go as expected.
//
// Build (from the repository root, after `make lib`):
//   c++ -std=c++17 -Wall -Wextra -Werror -pedantic -I build examples/cpp/mmx.cpp
//       -L build -lpolyfmt -Wl,-rpath,'$ORIGIN' -o build/mmx_cpp
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "example.hpp"

namespace {

// ---- a minimal JSON reader, enough for the library's replies --------------

// Json is a parsed JSON value. Numbers keep their text; objects keep their
// members in order.
struct Json {
    enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
    std::string text; // String: the decoded string; Number, Bool: the literal
    std::vector<Json> items;
    std::vector<std::pair<std::string, Json>> members;

    const Json &operator[](const std::string &key) const {
        static const Json none;
        for (const auto &m : members) {
            if (m.first == key) return m.second;
        }
        return none;
    }
    const Json &operator[](size_t i) const { return items.at(i); }
    uint64_t u64() const { return kind == Number ? std::stoull(text) : 0; }
    bool is_null() const { return kind == Null; }

    // dump writes the value back as compact JSON (strings escaped minimally).
    std::string dump() const {
        switch (kind) {
        case Null: return "null";
        case Bool:
        case Number: return text;
        case String: return polyfmt::detail::quote(text);
        case Array: {
            std::string s = "[";
            for (size_t i = 0; i < items.size(); ++i) s += (i ? "," : "") + items[i].dump();
            return s + "]";
        }
        case Object: {
            std::string s = "{";
            for (size_t i = 0; i < members.size(); ++i) {
                s += (i ? "," : "") + polyfmt::detail::quote(members[i].first) + ":" + members[i].second.dump();
            }
            return s + "}";
        }
        }
        return "";
    }

    static Json parse(const std::string &s) {
        size_t i = 0;
        Json v = value(s, i);
        ws(s, i);
        if (i != s.size()) throw std::runtime_error("json: trailing bytes");
        return v;
    }

private:
    static void ws(const std::string &s, size_t &i) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
    }
    static void utf8(std::string &out, uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | cp >> 6);
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | cp >> 12);
            out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | cp >> 18);
            out += static_cast<char>(0x80 | (cp >> 12 & 0x3f));
            out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }
    static std::string str(const std::string &s, size_t &i) {
        if (s.at(i) != '"') throw std::runtime_error("json: string expected");
        std::string out;
        for (++i; s.at(i) != '"'; ++i) {
            if (s[i] != '\\') {
                out += s[i];
                continue;
            }
            char e = s.at(++i);
            switch (e) {
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                uint32_t cp = static_cast<uint32_t>(std::stoul(s.substr(i + 1, 4), nullptr, 16));
                i += 4;
                if (cp >= 0xd800 && cp < 0xdc00 && s.compare(i + 1, 2, "\\u") == 0) {
                    uint32_t lo = static_cast<uint32_t>(std::stoul(s.substr(i + 3, 4), nullptr, 16));
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    i += 6;
                }
                utf8(out, cp);
                break;
            }
            default: out += e; // \" \\ \/
            }
        }
        ++i;
        return out;
    }
    static Json value(const std::string &s, size_t &i) {
        ws(s, i);
        Json v;
        char c = s.at(i);
        if (c == '{' || c == '[') {
            v.kind = c == '{' ? Object : Array;
            char close = c == '{' ? '}' : ']';
            ++i;
            ws(s, i);
            if (s.at(i) == close) {
                ++i;
                return v;
            }
            for (;;) {
                if (v.kind == Object) {
                    ws(s, i);
                    std::string key = str(s, i);
                    ws(s, i);
                    if (s.at(i++) != ':') throw std::runtime_error("json: ':' expected");
                    v.members.emplace_back(key, value(s, i));
                } else {
                    v.items.push_back(value(s, i));
                }
                ws(s, i);
                char d = s.at(i++);
                if (d == close) return v;
                if (d != ',') throw std::runtime_error("json: ',' expected");
            }
        }
        if (c == '"') {
            v.kind = String;
            v.text = str(s, i);
            return v;
        }
        size_t start = i;
        while (i < s.size() && std::strchr(",}] \n\r\t", s[i]) == nullptr) ++i;
        v.text = s.substr(start, i - start);
        v.kind = v.text == "null" ? Null : (v.text == "true" || v.text == "false") ? Bool : Number;
        return v;
    }
};

// ---- little-endian arrays ---------------------------------------------------

void put_f32(std::vector<uint8_t> &b, float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(u >> (8 * i)));
}

void put_u32(std::vector<uint8_t> &b, uint32_t u) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(u >> (8 * i)));
}

float get_f32(const uint8_t *p) {
    uint32_t u = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

std::vector<std::string> names(const polyfmt::MmxFile &f, const std::string &prefix = "") {
    std::vector<std::string> out;
    for (const Json &e : Json::parse(f.list(prefix)).items) out.push_back(e["name"].text);
    return out;
}

// summarize prints one chunk: type, compression, arrays, value, data.
void summarize(const std::string &name, const polyfmt::Chunk &c) {
    Json j = Json::parse(c.json());
    std::string line = "  " + name;
    line.resize(std::max<size_t>(line.size() + 1, 27), ' ');
    std::cout << line << j["entry"]["chunk_type"].text << " " << j["entry"]["compression"].text << ", " << c.size()
              << " data bytes, " << (c.borrowed() ? "borrowed (zero-copy)" : "owned");
    const Json &data = j["arrays"]["data"];
    if (!data.is_null()) {
        std::cout << ", " << data["dtype"].text << " " << data["shape"].dump();
        if (data["dtype"].text == "float32" && c.size() >= 4) {
            std::cout << ", first values";
            for (size_t i = 0; i < 4 && 4 * i + 4 <= c.size(); ++i) std::cout << " " << get_f32(c.data() + 4 * i);
        }
    } else if (!j["arrays"].is_null()) {
        std::cout << "\n    arrays " << j["arrays"].dump();
    }
    if (!j["value"].is_null()) {
        std::string v = j["value"].dump();
        std::cout << "\n    value " << (v.size() > 100 ? v.substr(0, 100) + "…" : v);
    }
    std::cout << "\n";
}

void print_info(const polyfmt::MmxFile &f) {
    Json i = Json::parse(f.info_json());
    std::cout << "generation " << i["generation"].u64() << ", " << i["header"]["total_chunks"].u64() << " chunks, "
              << i["dead_bytes"].u64() << " dead bytes, recovery "
              << (i["recovery"]["clean"].text == "true" ? "clean" : i["recovery"]["reason"].text) << "\n";
}

void dump(const polyfmt::MmxFile &f) {
    print_info(f);
    for (const std::string &name : names(f)) {
        try {
            summarize(name, f.read(name));
        } catch (const polyfmt::Error &e) {
            std::cout << "  " << name << " error " << e.what() << "\n";
        }
    }
    polyfmt::MmxVerifyResult v = f.verify();
    std::cout << "verify: " << (v.ok() ? std::string("ok") : std::string(pf_errstr(v.code)) + ": " + v.message) << "\n";
}

// ---- the round trip ---------------------------------------------------------

const char *const kTensorDesc = R"({"chunk_type":"Tensor","dtype":"float32","shape":[4,3]})";

// expect_tensor reads name (rows [1,3) when rows) and checks its values
// against t and whether it came borrowed.
void expect_tensor(const polyfmt::MmxFile &f, const std::string &name, const std::vector<uint8_t> &t, bool rows,
                   bool borrowed) {
    std::string what = (rows ? "read_rows [1,3) of " : "read ") + name;
    polyfmt::Chunk c = rows ? f.read_rows(name, 1, 3) : f.read(name);
    size_t off = rows ? 12 : 0, n = rows ? 24 : 48;
    Json j = Json::parse(c.json());
    expect(c.size() == n && std::memcmp(c.data(), t.data() + off, n) == 0, what + ": data");
    expect(j["arrays"]["data"]["shape"].dump() == (rows ? "[2,3]" : "[4,3]"), what + ": shape");
    expect(c.borrowed() == borrowed, what + ": borrowed " + std::to_string(c.borrowed()));
}

void write_and_read(const std::string &path) {
    std::vector<uint8_t> tensor, mesh;
    for (int i = 0; i < 12; ++i) put_f32(tensor, float(i) / 2);
    for (float v : {0.f, 0.f, 0.f, 1.f, 0.f, 0.f, 0.f, 1.f, 0.f}) put_f32(mesh, v);
    for (uint32_t v : {0u, 1u, 2u}) put_u32(mesh, v);
    const polyfmt::WriteOptions lz4{"Lz4", 0, "clip", 0};
    uint64_t dead = 0;
    {
        polyfmt::MmxFile w = polyfmt::MmxFile::create(path, R"({"creator":"examples/cpp/mmx.cpp","no_sync":true})");
        w.write_tensor("frames/raw", tensor.data(), tensor.size(), "float32", {4, 3});
        w.write_tensor("frames/lz4", tensor.data(), tensor.size(), "float32", {4, 3}, lz4);
        w.write("mesh/tri",
                R"({"chunk_type":"Mesh","compression":"Zstd","value":{"materials":{"skin":"red"}},)"
                R"("arrays":{"vertices":{"dtype":"float32","shape":[3,3],"offset":0,"nbytes":36},)"
                R"("faces":{"dtype":"uint32","shape":[1,3],"offset":36,"nbytes":12}}})",
                mesh.data(), mesh.size());
        w.write("notes/readme", R"({"chunk_type":"Text","value":{"content":"h\u00e9llo from C++","language":"en"}})");
        w.write("meta/run", R"({"chunk_type":"Meta","value":{"version":1,"data":{"step":7}}})");
        expect_code(PF_EBADARG, "a tensor whose data is short",
                     [&] { w.write_tensor("frames/bad", tensor.data(), tensor.size(), "float32", {5, 3}); });
        w.commit();

        // Rollback drops a write that was never committed.
        w.write_tensor("frames/tmp", tensor.data(), tensor.size(), "float32", {4, 3});
        expect(names(w, "frames/").size() == 3, "a writer lists its uncommitted write");
        w.rollback();
        expect(names(w).size() == 5, "after rollback: 5 chunks");

        // Overwriting a chunk leaves its old bytes dead until compact.
        w.write_tensor("frames/lz4", tensor.data(), tensor.size(), "float32", {4, 3}, lz4);
        w.commit();
        expect_code(PF_ENOTFOUND, "delete of a missing chunk", [&] { w.remove("nope"); });
        Json info = Json::parse(w.info_json());
        dead = info["dead_bytes"].u64();
        expect(info["generation"].u64() == 3 && dead > 0, "generation 3 with dead bytes after an overwrite");

        // Ownership moves; closing the moved-from object does nothing.
        polyfmt::MmxFile moved = std::move(w);
        expect(!w && moved, "move transfers the handle");
        w.close();
        moved.close();
    }

    {
        // Read-only: memory-mapped, so raw chunks are lent (zero-copy).
        polyfmt::MmxFile r = polyfmt::MmxFile::open(path);
        print_info(r);
        expect_tensor(r, "frames/raw", tensor, false, true);
        expect_tensor(r, "frames/raw", tensor, true, true);
        expect_tensor(r, "frames/lz4", tensor, false, false);
        expect_tensor(r, "frames/lz4", tensor, true, false);
        for (const char *name : {"frames/raw", "frames/lz4"}) {
            std::vector<uint8_t> into(64, 0xff); // the caller's buffer, larger than needed
            size_t n = r.read_into(name, into.data(), into.size());
            expect(n == 48 && std::memcmp(into.data(), tensor.data(), 48) == 0, std::string("read_into ") + name);
            std::string msg = expect_code(PF_ELIMIT, std::string("read_into a short buffer: ") + name,
                                          [&] { r.read_into(name, into.data(), 47); });
            expect(msg.find("needs a buffer of 48 bytes") != std::string::npos, "read_into names the size: " + msg);
        }
        expect_code(PF_EBADARG, "read_into a Text chunk", [&] {
            uint8_t b[64];
            r.read_into("notes/readme", b, sizeof b);
        });
        {
            polyfmt::Chunk c = r.read("frames/raw");
            std::cout << "zero-copy read of frames/raw: " << c.size() << " bytes at "
                      << static_cast<const void *>(c.data()) << ", borrowed " << c.borrowed() << ", row 3 = "
                      << get_f32(c.data() + 36) << " " << get_f32(c.data() + 40) << " " << get_f32(c.data() + 44) << "\n";
        } // c is done before r closes: its view would not outlive the file

        polyfmt::Chunk m = r.read("mesh/tri");
        Json j = Json::parse(m.json());
        uint64_t voff = j["arrays"]["vertices"]["offset"].u64(), foff = j["arrays"]["faces"]["offset"].u64();
        expect(!m.borrowed() && m.size() >= foff + 12 && std::memcmp(m.data() + voff, mesh.data(), 36) == 0 &&
                   std::memcmp(m.data() + foff, mesh.data() + 36, 12) == 0 &&
                   j["value"]["materials"]["skin"].text == "red",
               "mesh/tri reads back (vertices, faces, materials)");
        polyfmt::Chunk t = r.read("notes/readme");
        expect(Json::parse(t.json())["value"]["content"].text == "h\xc3\xa9llo from C++" && t.size() == 0,
               "notes/readme reads back");
        expect_code(PF_ENOTFOUND, "read of a missing chunk", [&] { (void)r.read("nope"); });
        expect(r.verify().ok(), "verify");
        expect_code(PF_EBADARG, "write to a read-only file",
                     [&] { r.write_tensor("x", tensor.data(), tensor.size(), "float32", {4, 3}); });
        r.close();
        expect_code(PF_EBADHANDLE, "read on a closed file", [&] { (void)r.read("frames/raw"); });
    }

    {
        // Compact: only live chunks, the directory right after the header.
        polyfmt::MmxFile w = polyfmt::MmxFile::open(path, true);
        w.compact();
        Json info = Json::parse(w.info_json());
        expect(info["generation"].u64() == 4 && info["dead_bytes"].u64() < dead &&
                   info["header"]["total_chunks"].u64() == 5 && info["header"]["directory"]["offset"].u64() == 4096,
               "compact: generation 4, fewer dead bytes, directory after the header");
    }

    {
        // From memory: open_bytes keeps its own copy and lends raw chunks from it.
        std::ifstream in(path, std::ios::binary);
        std::vector<uint8_t> image((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        polyfmt::MmxFile r = polyfmt::MmxFile::open_bytes(image);
        image.clear();
        image.shrink_to_fit();
        expect_tensor(r, "frames/raw", tensor, false, true);
        expect_tensor(r, "frames/lz4", tensor, false, false);
        expect(r.verify().ok(), "verify from bytes");

    }

    {
        // In memory: create with an empty path, then reopen its image.
        polyfmt::MmxFile mem = polyfmt::MmxFile::create("");
        mem.write_tensor("t", tensor.data(), tensor.size(), "float32", {4, 3}, polyfmt::WriteOptions{"Zlib", 9, "", 0});
        mem.commit();
        polyfmt::MmxFile again = polyfmt::MmxFile::open_bytes(mem.bytes());
        expect_tensor(again, "t", tensor, false, false);
        expect(names(again) == std::vector<std::string>{"t"}, "in-memory round trip");
    }
}

} // namespace

int main(int argc, char **argv) {
    return run([&] {
        std::cout << "libpolyfmt " << polyfmt::version() << "\n";
        if (argc == 3 && std::string(argv[1]) == "read") {
            dump(polyfmt::MmxFile::open(argv[2]));
        } else if (argc == 2) {
            write_and_read(argv[1]);
            std::cout << "== " << argv[1] << ", read back:\n";
            dump(polyfmt::MmxFile::open(argv[1]));
        } else {
            std::cerr << "usage: " << argv[0] << " <path.mmx>        write, commit, reopen, read, verify, compact\n"
                      << "       " << argv[0] << " read <path.mmx>   list and summarize\n";
            return 2;
        }
        return 0;
    });
}
