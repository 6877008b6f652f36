// mem8.cpp — MEM8 (.m8) from C++ through polyfmt.hpp.
//
//   mem8 <path>         write <path>, reopen it read-only, print, query and
//                       verify it, and show how errors come back
//   mem8 read <path>    only open <path> read-only and print it
//
// Exits 1 if anything does not go as expected.
//
// Build (from the repository root, after `make lib`):
//   c++ -std=c++17 -Wall -Wextra -Werror -I build examples/cpp/mem8.cpp
//       -L build -lpolyfmt -Wl,-rpath,'$ORIGIN' -o build/mem8_cpp
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "example.hpp"

namespace {

// printable shows content as text, escaping bytes outside printable ASCII.
std::string printable(const std::vector<uint8_t> &b) {
    std::string s = "\"";
    for (uint8_t c : b) {
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            s += static_cast<char>(c);
        } else {
            char esc[5];
            std::snprintf(esc, sizeof esc, "\\x%02x", c);
            s += esc;
        }
    }
    return s + "\"";
}

std::string join(const std::vector<uint64_t> &v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) {
        s += (i ? "," : "") + std::to_string(v[i]);
    }
    return s + "]";
}

uint64_t dump(const polyfmt::Mem8File &f) {
    uint64_t n = f.count();
    std::cout << "count: " << n << "\ninfo: " << f.info_json() << "\nblocks, newest first:\n";
    for (uint64_t i = n; i-- > 0;) {
        polyfmt::Block b = f.block(i);
        std::cout << "  " << b.json << "\n    content " << printable(b.content) << "\n";
    }
    std::cout << "query: " << join(f.query(R"({"keywords": ["Important"]})")) << "\n";
    polyfmt::VerifyResult v = f.verify();
    if (v.ok()) {
        std::cout << "verify: ok\n";
    } else {
        std::cout << "verify: " << pf_errstr(v.code) << ", first bad block " << v.bad_block << ": " << v.message << "\n";
    }
    return n;
}

struct Rec {
    std::string content;
    float importance;
    std::string token;
    uint64_t timestamp_us;
};

void write_and_read(const std::string &path) {
    const std::vector<Rec> recs = {
        {"First memory", 0.8f, "", 0},
        {"Second memory", 0.5f, "src/main", 0},               // a new token, defined in this block
        {"Important memory", 1.0f, ".rs", 1757894400000000}, // a reserved token, a fixed time
    };
    {
        polyfmt::Mem8File w = polyfmt::Mem8File::create(path); // default options
        for (size_t i = 0; i < recs.size(); ++i) {
            uint64_t index = w.append(recs[i].content, recs[i].importance, recs[i].token, recs[i].timestamp_us);
            expect(index == i, "append returns index " + std::to_string(i));
        }

        // Content over 4024 bytes is refused, never truncated.
        try {
            w.append(std::string(5000, 'x'), 0.5f);
            expect(false, "append of 5000 bytes should throw");
        } catch (const polyfmt::Error &e) {
            expect(e.code() == PF_ELIMIT, "append of 5000 bytes gives PF_ELIMIT");
            std::cout << "append of 5000 bytes: code " << e.code() << ": " << e.what() << "\n";
        }

        // Ownership moves; the moved-from object holds nothing, and closing
        // it does nothing (pf_close(0) is a no-op).
        polyfmt::Mem8File moved = std::move(w);
        expect(!w && moved, "move transfers the handle");
        w.close();

        // The raw handle closes once; the second close is PF_EBADHANDLE.
        uint32_t raw = moved.release();
        expect(pf_close(raw) == PF_OK, "first pf_close");
        int32_t rc = pf_close(raw);
        expect(rc == PF_EBADHANDLE, "second pf_close gives PF_EBADHANDLE");
        std::cout << "second close: " << pf_errstr(rc) << ": " << pf_errmsg(0) << "\n";
    } // nothing left to close: both objects are empty

    polyfmt::Mem8File r = polyfmt::Mem8File::open(path);
    expect(dump(r) == recs.size(), "count");
    for (size_t i = 0; i < recs.size(); ++i) {
        expect(r.block(i).text() == recs[i].content, "block " + std::to_string(i) + " content");
    }
    expect(join(r.query(R"({"keywords": ["Important"]})")) == "[2,0,1]", "query order");
    polyfmt::VerifyResult v = r.verify();
    expect(v.ok() && v.bad_block == -1, "verify");

    // A read-only handle refuses appends.
    try {
        r.append("x", 0.5f);
        expect(false, "append to a read-only file should throw");
    } catch (const polyfmt::Error &e) {
        expect(e.code() == PF_EBADARG, "append to a read-only file gives PF_EBADARG");
    }

    // The same blocks through an in-memory copy: export, import, compare.
    polyfmt::Mem8File mem = polyfmt::Mem8File::create("");
    expect(mem.import_json(r.export_json()) == recs.size(), "import_json count");
    polyfmt::Mem8File again = polyfmt::Mem8File::open_bytes(mem.bytes());
    expect(again.count() == recs.size() && again.block(2).text() == "Important memory", "in-memory round trip");

    r.close();
    try {
        (void)r.count();
        expect(false, "count on a closed file should throw");
    } catch (const polyfmt::Error &e) {
        expect(e.code() == PF_EBADHANDLE, "count on a closed file gives PF_EBADHANDLE");
    }
}

} // namespace

int main(int argc, char **argv) {
    return run([&] {
        std::cout << "libpolyfmt " << polyfmt::version() << "\n";
        if (argc == 3 && std::string(argv[1]) == "read") {
            dump(polyfmt::Mem8File::open(argv[2]));
        } else if (argc == 2) {
            write_and_read(argv[1]);
        } else {
            std::cerr << "usage: " << argv[0] << " <path.m8>        write, reopen, read, verify\n"
                      << "       " << argv[0] << " read <path.m8>   read only\n";
            return 2;
        }
        return 0;
    });
}
