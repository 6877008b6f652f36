// mork.cpp — MORK (MeTTa spaces: .mtts, .act, …) from C++ through polyfmt.hpp.
//
//   mork <path>        create <path>: a space file; import sample MeTTa text
//                      with its symbols interned, add one expression encoded
//                      through the space's table, add and remove another;
//                      commit, close, then read it back
//   mork read <path>   only open <path> read-only (C's file too): check its
//                      info, query it with a pattern, look paths up, list the
//                      first paths, export it as MeTTa text and as an ACT
//                      (opened again from memory), check its symbols, verify it
//
// It writes what examples/c/mork.c writes, so each one's read mode checks the
// other's file. Expressions cross as MeTTa text or as their encoded bytes
// (polyfmt::MorkPath). Failures throw polyfmt::Error; exits 1 if anything
// does not go as expected.
//
// Build (from the repository root, after `make lib`):
//   c++ -std=c++17 -Wall -Wextra -Werror -pedantic -I build examples/cpp/mork.cpp
//       -L build -lpolyfmt -Wl,-rpath,'$ORIGIN' -o build/mork_cpp
#include <cstdint>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "example.hpp"

namespace {

// ---- the content both examples write ----------------------------------------

const std::string facts = R"(; a small family
(parent Tom Bob)
(parent Bob Ann)
(parent Bob Pat)   ; Bob has two children
(age Ann 7)
(name Ann "Ann Smith")
(rule (grandparent $x $z) (, (parent $x $y) (parent $y $z)))
)";

constexpr uint64_t imported = 6, paths = 7;
constexpr int symbols = 13;

void write_file(const std::string &path) {
    auto f = polyfmt::MORK::create(path, R"({"no_sync":true})"); // a space file
    std::cout << "create " << path << " (a space file)\n";
    uint64_t n = f.import_text(facts, R"({"intern":true})");
    expect(n == imported, "import: 6 expressions");
    std::cout << "import: " << n << " expressions of MeTTa text, symbols interned\n";

    std::string msg = expect_code(PF_EFORMAT, "import of broken text", [&] { f.import_text("(parent Tom Bob)\n(parent Bob\n"); });
    expect(has(msg, "line 2, column 1"), "the syntax error names line 2, column 1");
    std::cout << "import of broken text: " << msg << "\n";

    uint64_t id = f.intern("4"); // a new symbol, so that the next expression encodes
    polyfmt::MorkPath p = f.encode("(age Pat 4)");
    f.add(p);
    std::cout << "add (age Pat 4): " << p.size() << " bytes encoded (\"4\" is symbol " << id << ")\n";
    polyfmt::MorkPath gone = f.encode("(parent Ann Bob)");
    f.add(gone);
    expect(f.remove(gone), "remove finds what add put");
    expect(f.len() == paths, "7 paths before commit");
    f.commit();
    f.close();
    std::cout << "commit, close\n";
}

void read_file(const std::string &path) {
    // Any format: the file's first bytes say which class comes back.
    polyfmt::AnyFile any = polyfmt::open(path);
    expect(std::holds_alternative<polyfmt::MORK>(any), "polyfmt::open gives a MORK file");
    polyfmt::MORK f = std::move(std::get<polyfmt::MORK>(any));
    std::string info = f.info_json();
    expect(has(info, R"("kind":"space")") && has(info, R"("version":"1.1")") && has(info, R"("paths":7)") &&
               has(info, R"("interned":true)"),
           "info: a 1.1 space, 7 paths, interned");
    std::cout << "open " << path << ": " << info << "\n";
    expect(f.len() == paths, "len: 7");

    std::string q = f.query("(parent Bob $c)");
    expect(count(q, R"("text":)") == 2 && has(q, R"("bindings":["Ann"])") && has(q, R"("bindings":["Pat"])") &&
               has(q, R"("truncated":false)"),
           "query (parent Bob $c): Ann and Pat");
    std::cout << "query (parent Bob $c): " << q << "\n";
    q = f.query("($rel Ann $v)", 1);
    expect(count(q, R"("text":)") == 1 && has(q, R"("truncated":true)"), "query with limit 1: truncated");

    std::optional<uint64_t> v = f.get(f.encode("(age Pat 4)"));
    expect(v && *v == 0, "get (age Pat 4): found, value 0");
    expect(!f.get(f.encode("(parent Ann Bob)")), "get (parent Ann Bob): removed");
    expect_code(PF_ENOTFOUND, "encode of a symbol the table lacks", [&] { f.encode("(age Zed 1)"); });

    std::vector<polyfmt::MorkRecord> first = f.paths({}, 3);
    expect(first.size() == 3, "paths with limit 3: 3 records");
    std::cout << "the first 3 paths:\n";
    for (const auto &r : first) std::cout << "  " << f.print(r.path) << " (value " << r.value << ")\n";

    std::string text = f.export_text();
    expect(count(text, "\n") == static_cast<int>(paths) && has(text, "(name Ann \"Ann Smith\")\n") &&
               has(text, "(rule (grandparent $a $b) (, (parent $a $c) (parent $c $b)))\n"),
           "export metta: 7 lines, the string symbol and the rule");
    std::cout << "export metta: " << text.size() << " bytes, " << count(text, "\n") << " lines\n";
    {
        std::vector<uint8_t> act = f.export_as("act");
        auto a = polyfmt::MORK::open_bytes(act);
        expect(a.len() == paths && a.verify().ok(), "the ACT holds 7 paths and verifies");
        expect(has(a.info_json(), R"("kind":"act")"), "the ACT's info says act");
        std::cout << "export act: " << act.size() << " bytes, " << a.len() << " paths, verified\n";
    }
    std::string syms = f.symbols_json();
    expect(count(syms, R"("id":)") == symbols && has(syms, R"("text":"\"Ann Smith\"")"),
           "13 symbols, a string symbol keeping its quotes");
    std::cout << "symbols: " << count(syms, R"("id":)") << "\n";
    expect_code(PF_EBADARG, "add to a read-only file", [&] { f.add({0}); });

    polyfmt::VerifyResult r = f.verify();
    expect(r.ok(), "verify: " + r.message);
    std::cout << "verify: ok (checksum, every path an expression, every symbol resolves)\n";
}

// check_encoding checks the spec's vector without a symbol table.
void check_encoding() {
    const polyfmt::MorkPath want = {0x03, 0xC3, 'f', 'o', 'o', 0xC0, 0x02, 0xC3, 'b', 'a', 'r', 0x80};
    polyfmt::MorkPath p = polyfmt::MORK::encode_plain("(foo $x (bar $x))");
    expect(p == want, "encode (foo $x (bar $x))");
    std::string text = polyfmt::MORK::print_plain(p);
    expect(text == "(foo $a (bar $a))", "print: variables renamed $a");
    std::cout << "encode (foo $x (bar $x)): " << p.size() << " bytes; print: " << text << "\n";
    expect_code(PF_EFORMAT, "encode of an unclosed expression", [] { polyfmt::MORK::encode_plain("(foo"); });
}

} // namespace

int main(int argc, char **argv) {
    return run([&] {
        std::cout << "libpolyfmt " << polyfmt::version() << "\n";
        check_encoding();
        if (argc == 3 && std::strcmp(argv[1], "read") == 0) {
            read_file(argv[2]);
        } else if (argc == 2) {
            write_file(argv[1]);
            read_file(argv[1]);
        } else {
            std::cerr << "usage: " << argv[0] << " <path.mtts>        write, commit, read back, verify\n"
                      << "       " << argv[0] << " read <path.mtts>   read and check, verify\n";
            return 2;
        }
        return 0;
    });
}
