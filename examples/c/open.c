/*
 * open.c — any polyfmt file from C, whatever its format.
 *
 *   open <file>...   for each file: detect its format from the first bytes
 *                    (pf_detect), open it read-only (pf_open), print its
 *                    format and pf_info summary, verify it (pf_verify), then
 *                    load a copy from memory (pf_open_bytes) and check that
 *                    it reports the same format
 *
 * Only the lifecycle every format shares is used here (the "files of every
 * format" section of polyfmt.h); a format's own verbs (pf_mem8_append,
 * pf_mmx_read, …) take the same handles. Exits 1 if anything fails.
 *
 * Build (from the repository root, after `make lib`):
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -I build examples/c/open.c \
 *      -L build -lpolyfmt -Wl,-rpath,'$ORIGIN' -o build/open_c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "polyfmt.h"

/* format_name is the name of a PF_FORMAT_* number. */
static const char *format_name(int32_t format) {
    switch (format) {
    case PF_FORMAT_MEM8:
        return "MEM8";
    case PF_FORMAT_MMX:
        return "MMX";
    case PF_FORMAT_VSF:
        return "VSF";
    case PF_FORMAT_MORK:
        return "MORK";
    }
    return "another format";
}

/* read_file reads path whole into a malloc'd buffer; NULL on failure. */
static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 1 << 16;
            uint8_t *nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

/* show opens one file; 0 when everything held. */
static int show(const char *path) {
    size_t len = 0;
    uint8_t *data = read_file(path, &len);
    if (data == NULL) {
        fprintf(stderr, "FAIL %s: cannot read it\n", path);
        return 1;
    }
    int32_t detected = 0;
    int32_t rc = pf_detect(data, len < 16 ? len : 16, &detected);
    if (rc != PF_OK) {
        fprintf(stderr, "FAIL pf_detect %s: %s: %s\n", path, pf_errstr(rc), pf_errmsg(0));
        free(data);
        return 1;
    }

    uint32_t h = 0;
    int32_t format = 0;
    rc = pf_open(0, path, strlen(path), 0, NULL, 0, &h, &format);
    if (rc != PF_OK || format != detected) {
        fprintf(stderr, "FAIL pf_open %s: %s: %s (format %d, detected %d)\n", path, pf_errstr(rc), pf_errmsg(0),
                format, detected);
        free(data);
        return 1;
    }
    int failed = 0;
    uint8_t *json = NULL;
    size_t json_len = 0;
    rc = pf_info(h, &json, &json_len);
    if (rc == PF_OK) {
        printf("%s: %s, %.*s\n", path, format_name(format), (int)json_len, (const char *)json);
        pf_free(json);
    } else {
        fprintf(stderr, "FAIL pf_info %s: %s\n", path, pf_errmsg(h));
        failed = 1;
    }
    rc = pf_verify(h);
    printf("%s: verify: %s%s%s\n", path, pf_errstr(rc), rc == PF_OK ? "" : ": ", rc == PF_OK ? "" : pf_errmsg(h));
    failed |= rc != PF_OK;
    if (pf_close(h) != PF_OK || pf_close(h) != PF_EBADHANDLE) {
        fprintf(stderr, "FAIL %s: close, then a second close is PF_EBADHANDLE\n", path);
        failed = 1;
    }

    int32_t from_bytes = 0;
    rc = pf_open_bytes(0, data, len, 0, NULL, 0, &h, &from_bytes);
    if (rc != PF_OK || from_bytes != format) {
        fprintf(stderr, "FAIL pf_open_bytes %s: %s: %s\n", path, pf_errstr(rc), pf_errmsg(0));
        failed = 1;
    } else {
        pf_close(h);
    }
    free(data);
    return failed;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...\n", argv[0]);
        return 2;
    }
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        failed |= show(argv[i]);
    }
    return failed;
}
