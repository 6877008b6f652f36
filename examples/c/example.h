/*
 * example.h — what the C examples share (no part of the library's API): a
 * count of unexpected results and the checks that add to it.
 *
 *   OK(call, h)              the call returned PF_OK; else prints its status
 *                            and pf_errmsg(h) (h: the handle it used, or 0)
 *   expect(got, want, h, s)  the same for another status (PF_EFORMAT, …)
 *   check(cond, s)           cond holds
 *   has, count               a fragment in the library's JSON or text
 *   print_version()          prints "libpolyfmt X.Y.Z" (0 if pf_version fails)
 *   finish(rc)               main's exit status: 1 after any unexpected result
 *
 * Each check returns whether it held, so that what depends on it can be
 * skipped; none stops the program.
 */
#ifndef POLYFMT_EXAMPLE_H
#define POLYFMT_EXAMPLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "polyfmt.h"

static int failures;

/* expect reports whether a call returned want; if not, it prints the
 * status, its text and the handle's last error message, and counts a
 * failure. h is the handle the call used (0 for calls without one). */
static inline int expect(int32_t got, int32_t want, uint32_t h, const char *what) {
    if (got == want) {
        return 1;
    }
    fprintf(stderr, "FAIL %s: got %d (%s), want %d (%s): %s\n", what, got, pf_errstr(got), want,
            pf_errstr(want), pf_errmsg(h));
    failures++;
    return 0;
}

#define OK(call, h) expect((call), PF_OK, (h), #call)

/* check counts a failure when cond is false. */
static inline int check(int cond, const char *what) {
    if (!cond) {
        fprintf(stderr, "FAIL %s\n", what);
        failures++;
    }
    return cond;
}

/* count counts the occurrences of needle in the len bytes at buf (JSON or
 * text from the library, not NUL-terminated). The library writes compact
 * JSON with its keys in a fixed order, so a fragment is enough to check a
 * value. */
static inline int count(const uint8_t *buf, size_t len, const char *needle) {
    size_t n = strlen(needle);
    int c = 0;
    for (size_t i = 0; n <= len && i <= len - n; i++) {
        if (memcmp(buf + i, needle, n) == 0) c++;
    }
    return c;
}

static inline int has(const uint8_t *buf, size_t len, const char *needle) { return count(buf, len, needle) > 0; }

/* print_version prints the library's version; 0 when pf_version fails. */
static inline int print_version(void) {
    uint32_t v = 0;
    if (!OK(pf_version(&v), 0)) {
        return 0;
    }
    printf("libpolyfmt %u.%u.%u\n", (unsigned)(v >> 16), (unsigned)(v >> 8 & 0xff), (unsigned)(v & 0xff));
    return 1;
}

/* finish is main's exit status: 1 when any check failed, else rc. */
static inline int finish(int rc) {
    if (failures) {
        fprintf(stderr, "%d unexpected result(s)\n", failures);
        return 1;
    }
    return rc;
}

#endif
