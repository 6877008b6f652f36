/*
 * mem8.c — MEM8 (.m8) from C through libpolyfmt.so.
 *
 *   mem8 <path>         write <path> with a few blocks, reopen it read-only,
 *                       print it, query and verify it, and show how errors
 *                       come back
 *   mem8 read <path>    only open <path> read-only and print it
 *
 * Every call returns a status (PF_OK or a PF_E* code); pf_errmsg(handle)
 * says why one failed. Every buffer the library returns is freed with
 * pf_free. The program exits 1 if anything does not go as expected.
 *
 * Build (from the repository root, after `make lib`):
 *   cc -std=c11 -Wall -Wextra -Werror -I build examples/c/mem8.c \
 *      -L build -lpolyfmt -Wl,-rpath,'$ORIGIN' -o build/mem8_c
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example.h"

/* print_bytes prints content as text, escaping bytes outside printable ASCII. */
static void print_bytes(const uint8_t *p, size_t n) {
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\') {
            putchar(p[i]);
        } else {
            printf("\\x%02x", p[i]);
        }
    }
    putchar('"');
}

/* parse_indices reads a JSON array of unsigned integers, such as the result
 * of pf_mem8_query. It returns how many it stored, or -1 if the text is not
 * such an array. */
static int parse_indices(const uint8_t *json, size_t n, uint64_t *out, int max) {
    int k = 0;
    size_t i = 0;
    if (n == 0 || json[0] != '[') {
        return -1;
    }
    for (i = 1; i < n;) {
        if (json[i] == ']') {
            return k;
        }
        if (json[i] == ',' || json[i] == ' ') {
            i++;
            continue;
        }
        if (json[i] < '0' || json[i] > '9' || k == max) {
            return -1;
        }
        uint64_t v = 0;
        while (i < n && json[i] >= '0' && json[i] <= '9') {
            v = v * 10 + (uint64_t)(json[i++] - '0');
        }
        out[k++] = v;
    }
    return -1;
}

/* dump prints what an open handle holds: count, info, every block newest
 * first, an importance query and the verification result. It returns the
 * block count. */
static uint64_t dump(uint32_t h) {
    uint64_t count = 0;
    uint8_t *json = NULL, *content = NULL;
    size_t json_len = 0, content_len = 0;

    if (!OK(pf_mem8_count(h, &count), h)) {
        return 0;
    }
    printf("count: %" PRIu64 "\n", count);

    if (OK(pf_mem8_info(h, &json, &json_len), h)) {
        printf("info: %.*s\n", (int)json_len, (const char *)json);
        expect(pf_free(json), PF_OK, 0, "pf_free(info)");
    }

    printf("blocks, newest first:\n");
    for (uint64_t i = count; i-- > 0;) {
        if (!OK(pf_mem8_block(h, i, &json, &json_len, &content, &content_len), h)) {
            continue;
        }
        printf("  %.*s\n    content ", (int)json_len, (const char *)json);
        print_bytes(content, content_len); /* content is NULL when empty */
        putchar('\n');
        expect(pf_free(json), PF_OK, 0, "pf_free(block json)");
        expect(pf_free(content), PF_OK, 0, "pf_free(block content)");
    }
    /* Past the last block: PF_ENOTFOUND, and the out-parameters are untouched. */
    expect(pf_mem8_block(h, count, &json, &json_len, NULL, NULL), PF_ENOTFOUND, h, "pf_mem8_block past the end");

    static const char query[] = "{\"keywords\": [\"Important\"]}";
    if (OK(pf_mem8_query(h, query, sizeof query - 1, &json, &json_len), h)) {
        printf("query %s: %.*s\n", query, (int)json_len, (const char *)json);
        expect(pf_free(json), PF_OK, 0, "pf_free(query)");
    }

    int64_t bad = 0;
    int32_t rc = pf_mem8_verify(h, &bad);
    if (rc == PF_OK) {
        printf("verify: ok\n");
    } else {
        printf("verify: %s, first bad block %" PRId64 ": %s\n", pf_errstr(rc), bad, pf_errmsg(h));
    }
    return count;
}

/* read_only opens path read-only and prints it. */
static int read_only(const char *path) {
    uint32_t h = 0;
    if (!OK(pf_mem8_open(path, strlen(path), 0, NULL, 0, &h), 0)) {
        return 1;
    }
    dump(h);
    OK(pf_close(h), h);
    return failures ? 1 : 0;
}

struct rec {
    const char *content;
    float importance;
    const char *token;     /* NULL: none */
    uint64_t timestamp_us; /* 0: now */
};

static int write_and_read(const char *path) {
    static const struct rec recs[] = {
        {"First memory", 0.8f, NULL, 0},
        {"Second memory", 0.5f, "src/main", 0},                /* a new token: defined in this block */
        {"Important memory", 1.0f, ".rs", 1757894400000000u}, /* a reserved token, a fixed time */
    };
    const size_t n = sizeof recs / sizeof recs[0];
    uint32_t w = 0, r = 0;

    /* Create with default options (hash chain, header CRC, tokens). An
     * options object would be e.g. "{\"identity_freq\": 432, \"no_sync\": true}". */
    if (!OK(pf_mem8_create(path, strlen(path), NULL, 0, &w), 0)) {
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t index = 0;
        const char *tok = recs[i].token;
        if (OK(pf_mem8_append(w, (const uint8_t *)recs[i].content, strlen(recs[i].content), recs[i].importance,
                              tok, tok ? strlen(tok) : 0, recs[i].timestamp_us, &index),
               w) &&
            index != i) {
            fprintf(stderr, "FAIL append %zu returned index %" PRIu64 "\n", i, index);
            failures++;
        }
    }

    /* Content over 4024 bytes is refused, never truncated. */
    uint8_t *big = calloc(5000, 1);
    if (big == NULL) {
        return 1;
    }
    if (expect(pf_mem8_append(w, big, 5000, 0.5f, NULL, 0, 0, NULL), PF_ELIMIT, w, "append 5000 bytes")) {
        printf("append of 5000 bytes: %s: %s\n", pf_errstr(PF_ELIMIT), pf_errmsg(w));
    }
    free(big);

    /* Close: the first close succeeds, the second is PF_EBADHANDLE (its
     * message is on slot 0), and closing 0 does nothing. */
    OK(pf_close(w), w);
    if (expect(pf_close(w), PF_EBADHANDLE, 0, "second pf_close")) {
        printf("second close: %s: %s\n", pf_errstr(PF_EBADHANDLE), pf_errmsg(0));
    }
    expect(pf_close(0), PF_OK, 0, "pf_close(0)");

    /* A pointer the library did not return is refused, not freed. */
    int not_ours = 0;
    expect(pf_free(&not_ours), PF_EBADARG, 0, "pf_free of a foreign pointer");
    expect(pf_free(NULL), PF_OK, 0, "pf_free(NULL)");

    /* Reopen read-only and read everything back. */
    if (!OK(pf_mem8_open(path, strlen(path), 0, NULL, 0, &r), 0)) {
        return 1;
    }
    if (dump(r) != n) {
        fprintf(stderr, "FAIL count: want %zu\n", n);
        failures++;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t *content = NULL;
        size_t len = 0;
        if (OK(pf_mem8_block(r, i, NULL, NULL, &content, &len), r)) {
            if (len != strlen(recs[i].content) || memcmp(content, recs[i].content, len) != 0) {
                fprintf(stderr, "FAIL block %zu content differs\n", i);
                failures++;
            }
            OK(pf_free(content), 0);
        }
    }

    /* The importance query: by importance, highest first. */
    uint8_t *json = NULL;
    size_t json_len = 0;
    uint64_t idx[8];
    static const char q[] = "{\"keywords\": [\"Important\"]}";
    if (OK(pf_mem8_query(r, q, sizeof q - 1, &json, &json_len), r)) {
        int k = parse_indices(json, json_len, idx, 8);
        if (k != 3 || idx[0] != 2 || idx[1] != 0 || idx[2] != 1) {
            fprintf(stderr, "FAIL query: got %.*s, want [2,0,1]\n", (int)json_len, (const char *)json);
            failures++;
        }
        OK(pf_free(json), 0);
    }

    int64_t bad = 0;
    if (OK(pf_mem8_verify(r, &bad), r) && bad != -1) {
        fprintf(stderr, "FAIL verify: bad block %" PRId64 ", want -1\n", bad);
        failures++;
    }

    /* A read-only handle refuses appends. */
    expect(pf_mem8_append(r, (const uint8_t *)"x", 1, 0.5f, NULL, 0, 0, NULL), PF_EBADARG, r, "append to a read-only handle");

    OK(pf_close(r), r);
    expect(pf_mem8_count(r, &(uint64_t){0}), PF_EBADHANDLE, 0, "pf_mem8_count on a closed handle");
    return failures ? 1 : 0;
}

int main(int argc, char **argv) {
    if (!print_version()) {
        return 1;
    }

    int rc;
    if (argc == 3 && strcmp(argv[1], "read") == 0) {
        rc = read_only(argv[2]);
    } else if (argc == 2) {
        rc = write_and_read(argv[1]);
    } else {
        fprintf(stderr, "usage: %s <path.m8>        write, reopen, read, verify\n"
                        "       %s read <path.m8>   read only\n", argv[0], argv[0]);
        return 2;
    }
    return finish(rc);
}
