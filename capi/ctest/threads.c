/*
 * threads.c — pf_close racing with reads on the same handle.
 *
 *   threads <dir> [iterations [case]]     default 4 iterations, every case
 *
 * Writes <dir>/threads.mmx holding one 64 MiB uint32 tensor twice, raw
 * ("raw") and zstd-compressed ("zst"). Then, per iteration and per case
 * (raw chunk with checksums verified on read, zstd chunk without, zstd
 * chunk with), it opens the file read-only, starts READERS threads that
 * call pf_mmx_read, pf_mmx_read_rows and pf_mmx_info on the handle until it
 * goes away, and closes the handle from the main thread while they are
 * inside those calls.
 *
 * What polyfmt.h promises, and this checks: every call returns PF_OK or
 * PF_EBADHANDLE, pf_close returns PF_OK once every call in flight on the
 * handle has returned, and nothing crashes. Data that was copied (zstd) is
 * checked against the ramp it was written as; borrowed views (raw) are not
 * touched, because they are valid only until pf_close, which may already
 * have run. It exits 1 if anything does not go as expected.
 *
 * Built and run by `make test-c`, plain, under ASan + UBSan and under TSan.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "polyfmt.h"

#define READERS 3
#define ELEMS (16u << 20) /* 16 Mi uint32: 64 MiB */

static atomic_int failures;

static void fail(const char *what, int32_t rc, uint32_t h) {
    fprintf(stderr, "FAIL %s: %d (%s): %s\n", what, rc, pf_errstr(rc), pf_errmsg(h));
    atomic_fetch_add(&failures, 1);
}

static void sleep_us(long us) {
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* build writes the test file: the same ramp raw and zstd-compressed. */
static int build(const char *path) {
    uint32_t *ramp = malloc((size_t)ELEMS * 4);
    if (ramp == NULL) {
        return 0;
    }
    for (uint32_t i = 0; i < ELEMS; i++) {
        ramp[i] = i; /* stored little-endian: this program runs on x86-64 and arm64 */
    }
    uint32_t h = 0;
    int32_t rc = pf_mmx_create(path, strlen(path), "{\"no_sync\":true}", 16, &h);
    if (rc != PF_OK) {
        fail("create", rc, 0);
        free(ramp);
        return 0;
    }
    char desc[160];
    const char *names[2] = {"raw", "zst"}, *comp[2] = {"None", "Zstd"};
    for (int i = 0; i < 2 && rc == PF_OK; i++) {
        snprintf(desc, sizeof desc,
                 "{\"chunk_type\":\"Tensor\",\"dtype\":\"uint32\",\"shape\":[%u],\"compression\":\"%s\"}",
                 ELEMS, comp[i]);
        rc = pf_mmx_write(h, names[i], 3, desc, strlen(desc), (const uint8_t *)ramp, (size_t)ELEMS * 4);
    }
    if (rc == PF_OK) {
        rc = pf_mmx_commit(h);
    }
    if (rc != PF_OK) {
        fail("write", rc, h);
    }
    free(ramp);
    int32_t crc = pf_close(h);
    if (crc != PF_OK) {
        fail("close after write", crc, 0);
    }
    return rc == PF_OK && crc == PF_OK;
}

typedef struct {
    uint32_t h;
    const char *name;
    atomic_int *started;
    long ok, gone; /* calls that returned PF_OK, PF_EBADHANDLE */
} reader;

/* checkCopy checks a copied chunk against the ramp: its length and a few
 * elements spread across it (offset is the first row's index). */
static void checkCopy(const uint8_t *data, size_t n, size_t want, uint32_t offset) {
    if (n != want) {
        fprintf(stderr, "FAIL copied read: %zu bytes, want %zu\n", n, want);
        atomic_fetch_add(&failures, 1);
        return;
    }
    size_t elems = n / 4;
    for (size_t k = 0; k < 16; k++) {
        size_t i = k * (elems - 1) / 15;
        uint32_t v;
        memcpy(&v, data + 4 * i, 4);
        if (v != offset + (uint32_t)i) {
            fprintf(stderr, "FAIL copied read: element %zu is %" PRIu32 "\n", i, v);
            atomic_fetch_add(&failures, 1);
            return;
        }
    }
}

/* readLoop calls a reading export on r->h until the handle is gone. */
static void *readLoop(void *arg) {
    reader *r = arg;
    int first = 1;
    for (unsigned i = 0;; i++) {
        uint8_t *js = NULL, *data = NULL;
        size_t jn = 0, dn = 0, want = (size_t)ELEMS * 4;
        int32_t borrowed = -1, rc;
        uint32_t offset = 0;
        if (first) {
            atomic_fetch_add(r->started, 1);
            first = 0;
        }
        switch (i % 4) {
        case 0:
        case 1:
            rc = pf_mmx_read(r->h, r->name, 3, &js, &jn, &data, &dn, &borrowed);
            break;
        case 2:
            offset = ELEMS / 2;
            want = (size_t)ELEMS;
            rc = pf_mmx_read_rows(r->h, r->name, 3, offset, offset + ELEMS / 4, &js, &jn, &data, &dn, &borrowed);
            break;
        default:
            borrowed = 0;
            rc = pf_mmx_info(r->h, &js, &jn);
            want = 0;
            break;
        }
        if (rc == PF_EBADHANDLE) {
            r->gone++;
            if (js != NULL || data != NULL) {
                fprintf(stderr, "FAIL a call on a closed handle returned buffers\n");
                atomic_fetch_add(&failures, 1);
            }
            return NULL;
        }
        if (rc != PF_OK) {
            fail(r->name, rc, r->h);
            return NULL;
        }
        r->ok++;
        if (borrowed == 0 && want > 0) {
            checkCopy(data, dn, want, offset);
        } else if (borrowed == 1 && dn != want) {
            /* the view's bytes may be unmapped by now: only its length is checked */
            fprintf(stderr, "FAIL borrowed read: %zu bytes, want %zu\n", dn, want);
            atomic_fetch_add(&failures, 1);
        }
        pf_free(js);
        if (borrowed == 0) {
            pf_free(data);
        }
    }
}

/* race opens path, starts the readers on name and closes the handle after
 * delay_us, while they are inside their calls. */
static void race(const char *path, const char *name, const char *opts, long delay_us, long *ok, long *gone) {
    uint32_t h = 0;
    int32_t rc = pf_mmx_open(path, strlen(path), 0, opts, strlen(opts), &h);
    if (rc != PF_OK) {
        fail("open", rc, 0);
        return;
    }
    atomic_int started = 0;
    pthread_t th[READERS];
    reader rs[READERS];
    for (int i = 0; i < READERS; i++) {
        rs[i] = (reader){.h = h, .name = name, .started = &started};
        if (pthread_create(&th[i], NULL, readLoop, &rs[i]) != 0) {
            fprintf(stderr, "FAIL pthread_create\n");
            exit(1);
        }
    }
    while (atomic_load(&started) < READERS) {
        sleep_us(100);
    }
    sleep_us(delay_us);
    if ((rc = pf_close(h)) != PF_OK) {
        fail("close during reads", rc, 0);
    }
    /* New calls on the handle fail at once. */
    uint8_t *js = NULL;
    size_t jn = 0;
    if ((rc = pf_mmx_info(h, &js, &jn)) != PF_EBADHANDLE) {
        fail("info after close", rc, 0);
    }
    if ((rc = pf_close(h)) != PF_EBADHANDLE) {
        fail("second close", rc, 0);
    }
    for (int i = 0; i < READERS; i++) {
        pthread_join(th[i], NULL);
        *ok += rs[i].ok;
        *gone += rs[i].gone;
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: threads <dir> [iterations [case]]\n");
        return 2;
    }
    int iterations = argc > 2 ? atoi(argv[2]) : 4;
    int only = argc > 3 ? atoi(argv[3]) : -1; /* one case: 0, 1 or 2 */
    char path[4096];
    snprintf(path, sizeof path, "%s/threads.mmx", argv[1]);
    if (!build(path)) {
        return 1;
    }
    static const struct {
        const char *name, *opts;
    } cases[] = {
        {"raw", "{\"verify\":\"on_read\"}"},
        {"zst", "{\"verify\":\"never\"}"},
        {"zst", "{\"verify\":\"on_read\"}"},
    };
    srand(1);
    long ok = 0, gone = 0;
    for (int it = 0; it < iterations; it++) {
        for (int c = 0; c < (int)(sizeof cases / sizeof cases[0]); c++) {
            if (only >= 0 && c != only) {
                continue;
            }
            race(path, cases[c].name, cases[c].opts, rand() % 150000, &ok, &gone);
        }
    }
    printf("threads: %d iterations, %d readers: %ld calls returned PF_OK, %ld PF_EBADHANDLE, %d failures\n",
           iterations, READERS, ok, gone, atomic_load(&failures));
    return atomic_load(&failures) == 0 ? 0 : 1;
}
