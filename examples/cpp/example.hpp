// example.hpp — what the C++ examples share (no part of polyfmt.hpp's API):
// a count of unexpected results and the checks that add to it.
//
//   expect(ok, what)               ok holds
//   expect_code(code, what, f)     f throws polyfmt::Error with code; returns its message
//   has, count                     a fragment in the library's JSON or text
//   run(body)                      main's exit status: body's, or 1 if it threw or
//                                  any check failed
#ifndef POLYFMT_EXAMPLE_HPP
#define POLYFMT_EXAMPLE_HPP

#include <cstdint>
#include <exception>
#include <iostream>
#include <string>

#include "polyfmt.hpp"

namespace {

int failures = 0;

inline void expect(bool ok, const std::string &what) {
    if (!ok) {
        std::cerr << "FAIL " << what << "\n";
        ++failures;
    }
}

// expect_code runs f and checks that it throws polyfmt::Error with code;
// it returns the error's message.
template <class F>
std::string expect_code(int32_t code, const std::string &what, F f) {
    try {
        f();
        expect(false, what + ": no error");
    } catch (const polyfmt::Error &e) {
        expect(e.code() == code, what + ": " + e.what());
        return e.what();
    }
    return "";
}

// has: the library writes compact JSON with its keys in a fixed order, so a
// fragment is enough to check a value.
inline bool has(const std::string &s, const std::string &fragment) { return s.find(fragment) != std::string::npos; }

inline int count(const std::string &s, const std::string &needle) {
    int n = 0;
    for (size_t i = s.find(needle); i != std::string::npos; i = s.find(needle, i + 1)) ++n;
    return n;
}

// run runs body, main's work, and returns main's exit status: body's (2 for
// a usage error), or 1 when it threw or a check failed.
template <class F>
int run(F body) {
    int rc = 0;
    try {
        rc = body();
    } catch (const polyfmt::Error &e) {
        std::cerr << "FAIL polyfmt error " << e.code() << ": " << e.what() << "\n";
        return 1;
    } catch (const std::exception &e) {
        std::cerr << "FAIL " << e.what() << "\n";
        return 1;
    }
    if (failures) {
        std::cerr << failures << " unexpected result(s)\n";
        return 1;
    }
    return rc;
}

} // namespace

#endif
