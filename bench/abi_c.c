/*
 * abi_c.c — the cost of crossing the C boundary into libpolyfmt.so.
 *
 *   abi_c [iterations]     default 10000000
 *
 * Times, with clock_gettime(CLOCK_MONOTONIC), a loop of
 *   - a call through a function pointer to an empty C function (the floor),
 *   - pf_version (a cgo call, the handle table untouched),
 *   - pf_mem8_count on an open in-memory MEM8 handle (a cgo call, a handle
 *     lookup under the table lock, the file's read lock),
 *   - pf_mem8_block + pf_free of its JSON and content (a call that
 *     allocates and marshals), a tenth as many times,
 * and prints nanoseconds per call. Every status is checked; a failure
 * exits 1.
 *
 * Build (from the repository root, after `make lib`):
 *   cc -std=c11 -O2 -Wall -Wextra -Werror -I build bench/abi_c.c
 *      -L build -lpolyfmt -Wl,-rpath,'$ORIGIN' -o build/abi_c
 */
#define _POSIX_C_SOURCE 199309L
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "polyfmt.h"

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int32_t noop(uint32_t *out) {
    *out = 0;
    return 0;
}

static void fail(const char *what, int32_t rc, uint32_t h) {
    fprintf(stderr, "abi_c: %s: %d (%s): %s\n", what, rc, pf_errstr(rc), pf_errmsg(h));
    exit(1);
}

static void report(const char *name, long n, double ns) {
    printf("%-34s %10ld calls %9.1f ns/call\n", name, n, ns / (double)n);
}

int main(int argc, char **argv) {
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 10000000L;
    if (n <= 0) {
        fprintf(stderr, "usage: %s [iterations]\n", argv[0]);
        return 2;
    }
    int32_t (*volatile floor_fn)(uint32_t *) = noop;
    uint32_t v = 0;
    int32_t rc;

    /* Warm up: the first call starts the Go runtime's bookkeeping for this thread. */
    for (int i = 0; i < 1000; i++) {
        if ((rc = pf_version(&v)) != PF_OK) {
            fail("pf_version", rc, 0);
        }
    }

    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        if (floor_fn(&v) != 0) {
            return 1;
        }
    }
    report("C call through a pointer (floor)", n, now_ns() - t0);

    t0 = now_ns();
    for (long i = 0; i < n; i++) {
        if ((rc = pf_version(&v)) != PF_OK) {
            fail("pf_version", rc, 0);
        }
    }
    report("pf_version", n, now_ns() - t0);

    uint32_t h = 0;
    if ((rc = pf_mem8_create("", 0, NULL, 0, &h)) != PF_OK) {
        fail("pf_mem8_create", rc, 0);
    }
    static const char content[] = "a block of about a hundred bytes, appended once so that there is something to count and read back";
    if ((rc = pf_mem8_append(h, (const uint8_t *)content, sizeof content - 1, 0.5f, NULL, 0, 0, NULL)) != PF_OK) {
        fail("pf_mem8_append", rc, h);
    }
    uint64_t count = 0;
    for (int i = 0; i < 1000; i++) {
        if ((rc = pf_mem8_count(h, &count)) != PF_OK) {
            fail("pf_mem8_count", rc, h);
        }
    }
    t0 = now_ns();
    for (long i = 0; i < n; i++) {
        if ((rc = pf_mem8_count(h, &count)) != PF_OK) {
            fail("pf_mem8_count", rc, h);
        }
    }
    report("pf_mem8_count (in-memory handle)", n, now_ns() - t0);
    if (count != 1) {
        fprintf(stderr, "abi_c: count %" PRIu64 ", want 1\n", count);
        return 1;
    }

    long m = n / 10 > 0 ? n / 10 : 1;
    t0 = now_ns();
    for (long i = 0; i < m; i++) {
        uint8_t *json = NULL, *body = NULL;
        size_t json_len = 0, body_len = 0;
        if ((rc = pf_mem8_block(h, 0, &json, &json_len, &body, &body_len)) != PF_OK) {
            fail("pf_mem8_block", rc, h);
        }
        if (pf_free(json) != PF_OK || pf_free(body) != PF_OK) {
            fail("pf_free", PF_EBADARG, 0);
        }
    }
    report("pf_mem8_block + 2x pf_free", m, now_ns() - t0);

    if ((rc = pf_close(h)) != PF_OK) {
        fail("pf_close", rc, h);
    }
    return 0;
}
