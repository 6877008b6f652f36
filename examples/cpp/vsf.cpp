// vsf.cpp — VSF v2 (.vsf) from C++ through polyfmt.hpp.
//
//   vsf <path>         create <path>: a structured section "camera" (fields
//                      given as JSON values, signed with an Ed25519 key made
//                      from a fixed seed), a section "frames" holding a uint16
//                      4x3 tensor and 12-bit bit-packed samples, an unboxed
//                      section "blob"; commit, close, then read it back
//   vsf read <path>    only open <path> read-only (C's file too), read every
//                      section back, check the values, and verify it
//
// It writes what examples/c/vsf.c writes, so each one's read mode checks the
// other's file. A VsfRaw that is borrowed() points into the file's mapping:
// valid while its VsfFile is open, never freed. Failures throw
// polyfmt::Error; exits 1 if anything does not go as expected.
//
// Build (from the repository root, after `make lib`):
//   c++ -std=c++17 -Wall -Wextra -Werror -pedantic -I build examples/cpp/vsf.cpp
//       -L build -lpolyfmt -Wl,-rpath,'$ORIGIN' -o build/vsf_cpp
#include <cstdint>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "example.hpp"

namespace {

// ---- the content both examples write ----------------------------------------

constexpr int rows = 4, cols = 3, samples = 24;
const std::string blob = std::string("unboxed bytes \x01\x02\x03", 17);

uint16_t tensor_value(int i) { return static_cast<uint16_t>(i * 1000 + 7); }
uint16_t sample_value(int i) { return static_cast<uint16_t>(4095 - i * 170); }

// The key's seed: fixed, so that both examples sign with the same key (a
// real program keeps a random key secret).
std::vector<uint8_t> seed() {
    std::vector<uint8_t> s(32);
    for (int i = 0; i < 32; ++i) s[static_cast<size_t>(i)] = static_cast<uint8_t>(i * 7 + 1);
    return s;
}

std::vector<uint8_t> le16(int n, uint16_t (*value)(int)) {
    std::vector<uint8_t> b;
    for (int i = 0; i < n; ++i) {
        b.push_back(static_cast<uint8_t>(value(i)));
        b.push_back(static_cast<uint8_t>(value(i) >> 8));
    }
    return b;
}

uint16_t get_u16(const uint8_t *p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

void write_file(const std::string &path, const std::vector<uint8_t> &key) {
    auto f = polyfmt::VSF::create(path, R"({"no_sync":true})");
    std::cout << "create " << path << "\n";
    f.add("camera", "iso_speed", R"({"type":"u5","value":"400"})");
    f.add("camera", "camera_make", R"({"type":"text","value":"written from C++"})");
    f.add("camera", "exposure_bias_ev", R"({"type":"f5","value":-0.5})");
    f.add("camera", "capture_time", R"({"type":"time","iso":"2024-05-01T12:30:00Z"})");
    f.add("camera", "lens",
          R"({"type":"struct","fields":[{"name":"focal_length_mm","value":{"type":"f6","value":35}}]})");
    std::cout << "add: camera, 5 fields as JSON values (a nested structure among them)\n";

    auto tensor = le16(rows * cols, tensor_value), packed = le16(samples, sample_value);
    f.add_tensor("frames", "thumb", R"({"type":"u4","shape":[4,3]})", tensor.data(), tensor.size());
    f.add_tensor("frames", "raw", R"({"type":"u4","shape":[4,6],"bits":12})", packed.data(), packed.size());
    std::cout << "add_tensor: frames.thumb (uint16 4x3), frames.raw (12-bit 4x6)\n";
    expect_code(PF_EBADARG, "add_tensor with short data",
                [&] { f.add_tensor("frames", "bad", R"({"type":"u4","shape":[4,3]})", tensor.data(), tensor.size() - 2); });
    expect_code(PF_EBADARG, "add of broken JSON", [&] { f.add("camera", "bad", R"({"type":)"); });

    f.put_unboxed("blob", blob.data(), blob.size());
    f.section_options("frames", R"({"hash":["blake3"]})");
    f.sign("camera", key, true);
    std::cout << "put_unboxed: blob; frames hashed (BLAKE3); camera signed (Ed25519, key stored)\n";
    expect_code(PF_ENOTFOUND, "sign of a missing section", [&] { f.sign("nope", key); });
    f.commit();
    f.close();
    std::cout << "commit, close\n";
}

void check_tensor(const polyfmt::VSF &f, const std::string &path, const std::string &desc, int n,
                  uint16_t (*value)(int)) {
    polyfmt::VsfTensor t = f.tensor(path);
    bool ok = has(t.json, desc) && t.data.size() == static_cast<size_t>(n) * 2;
    for (int i = 0; ok && i < n; ++i) ok = get_u16(t.data.data() + 2 * i) == value(i);
    expect(ok, "tensor " + path + ": " + t.json);
    std::cout << "tensor " << path << ": " << t.json << ", first values";
    for (size_t i = 0; i < 3 && 2 * i + 2 <= t.data.size(); ++i) std::cout << " " << get_u16(t.data.data() + 2 * i);
    std::cout << "\n";
}

void read_file(const std::string &path, const std::vector<uint8_t> &key) {
    // Any format: the file's first bytes say which class comes back.
    polyfmt::AnyFile any = polyfmt::open(path);
    expect(std::holds_alternative<polyfmt::VSF>(any), "polyfmt::open gives a VSF file");
    polyfmt::VSF f = std::move(std::get<polyfmt::VSF>(any));
    std::string info = f.info_json();
    expect(count(info, "\"unboxed\":") == 3 && has(info, "\"form\":\"seed\""), "info: 3 labels, seed form");
    std::cout << "open " << path << ": VSF, " << count(info, "\"unboxed\":") << " labels\n";

    std::string cam = f.section("camera");
    expect(has(cam, R"({"name":"iso_speed","value":{"type":"u5","value":"400"}})") &&
               has(cam, R"("name":"focal_length_mm","value":{"type":"f6","value":35})") &&
               has(cam, R"("name":"capture_time","value":{"type":"time","form":"T5")"),
           "section camera: iso_speed, lens.focal_length_mm, capture_time");
    std::cout << "section camera: " << cam.substr(0, 120) << (cam.size() > 120 ? "..." : "") << "\n";
    expect_code(PF_EBADARG, "section of an unboxed section", [&] { f.section("blob"); });
    expect_code(PF_ENOTFOUND, "section of a missing section", [&] { f.section("nope"); });
    expect(has(f.get("camera.lens.focal_length_mm"), "\"value\":35"), "get of a nested field");

    check_tensor(f, "frames.thumb", R"("type":"u4","dtype":"uint16","shape":[4,3])", rows * cols, tensor_value);
    check_tensor(f, "frames.raw", R"("dtype":"uint16","shape":[4,6],"bits":12)", samples, sample_value);

    {
        polyfmt::VsfRaw r = f.raw("blob"); // a view of the mapping: valid while f is open
        expect(r.size() == blob.size() && std::memcmp(r.data(), blob.data(), r.size()) == 0, "raw blob");
        std::cout << "raw blob: " << r.size() << " bytes, " << (r.borrowed() ? "borrowed (a view of the mapping)" : "copied")
                  << "\n";
    }

    polyfmt::VerifyResult v = f.verify();
    expect(v.ok(), "verify: " + v.message);
    std::string report = f.verify_report(key);
    int checks = count(report, "\"status\":"), ok = count(report, "\"status\":\"ok\"");
    expect(checks >= 5 && checks == ok && has(report, "\"what\":\"signature\""),
           "verify report against the key: every check ok, the signature among them");
    std::cout << "verify: ok; against the key: " << ok << " of " << checks << " checks ok\n";
}

} // namespace

int main(int argc, char **argv) {
    return run([&] {
        std::cout << "libpolyfmt " << polyfmt::version() << "\n";
        std::vector<uint8_t> key = polyfmt::VSF::keygen(seed());
        expect(key.size() == 64, "a 64-byte private key");
        if (argc == 3 && std::strcmp(argv[1], "read") == 0) {
            read_file(argv[2], key);
        } else if (argc == 2) {
            write_file(argv[1], key);
            read_file(argv[1], key);
        } else {
            std::cerr << "usage: " << argv[0] << " <path.vsf>        write, commit, read back, verify\n"
                      << "       " << argv[0] << " read <path.vsf>   read and check, verify\n";
            return 2;
        }
        return 0;
    });
}
