/*
 * mmx.c — MMX (.mmx) from C through libpolyfmt.so.
 *
 *   mmx <path>         create <path>, write a tensor (raw and LZ4), a mesh,
 *                      a text and a meta chunk, commit, roll back a write,
 *                      reopen read-only and read everything back (raw chunks
 *                      zero-copy), read rows, verify, compact, and read the
 *                      file from memory
 *   mmx read <path>    only open <path> read-only, list and summarize it
 *
 * Chunks cross the ABI in "flat form": a JSON description plus one data
 * buffer holding the chunk's arrays (see polyfmt.h). pf_mmx_read says
 * whether the data is borrowed: 1 means it is the file's own memory (a raw
 * chunk of a read-only file), valid until the handle is closed and never
 * passed to pf_free; 0 means a buffer the caller frees with pf_free. The
 * JSON is always the caller's to free.
 *
 * Arrays are little-endian; this program converts explicitly, so it is
 * correct on any host. It exits 1 if anything does not go as expected.
 *
 * Build (from the repository root, after `make lib`):
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -I build examples/c/mmx.c \
 *      -L build -lpolyfmt -Wl,-rpath,'$ORIGIN' -o build/mmx_c
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example.h"

/* ---- a minimal JSON reader, enough for the library's replies ---------- */

typedef struct {
    const char *p, *end;
} cursor;

static void ws(cursor *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' || *c->p == '\t')) {
        c->p++;
    }
}

static int hexval(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static int hex4(const char *p, const char *end, uint32_t *out) {
    uint32_t v = 0;
    if (end - p < 4) return 0;
    for (int i = 0; i < 4; i++) {
        int d = hexval(p[i]);
        if (d < 0) return 0;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 1;
}

/* string reads a JSON string at c into out (UTF-8, NUL-terminated,
 * truncated to cap-1 bytes; out may be NULL to skip). 1 on success. */
static int string(cursor *c, char *out, size_t cap) {
    size_t n = 0;
    ws(c);
    if (c->p >= c->end || *c->p != '"') return 0;
    c->p++;
    while (c->p < c->end && *c->p != '"') {
        uint32_t cp = (unsigned char)*c->p++;
        if (cp == '\\') {
            if (c->p >= c->end) return 0;
            char e = *c->p++;
            switch (e) {
            case 'b': cp = '\b'; break;
            case 'f': cp = '\f'; break;
            case 'n': cp = '\n'; break;
            case 'r': cp = '\r'; break;
            case 't': cp = '\t'; break;
            case 'u':
                if (!hex4(c->p, c->end, &cp)) return 0;
                c->p += 4;
                if (cp >= 0xd800 && cp < 0xdc00) { /* a surrogate pair */
                    uint32_t lo = 0;
                    if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u' || !hex4(c->p + 2, c->end, &lo) ||
                        lo < 0xdc00 || lo > 0xdfff) {
                        return 0;
                    }
                    c->p += 6;
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                }
                break;
            default: cp = (unsigned char)e; break; /* \" \\ \/ */
            }
            /* encode cp as UTF-8 */
            unsigned char u[4];
            size_t k = 0;
            if (cp < 0x80) {
                u[k++] = (unsigned char)cp;
            } else if (cp < 0x800) {
                u[k++] = (unsigned char)(0xc0 | cp >> 6);
                u[k++] = (unsigned char)(0x80 | (cp & 0x3f));
            } else if (cp < 0x10000) {
                u[k++] = (unsigned char)(0xe0 | cp >> 12);
                u[k++] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
                u[k++] = (unsigned char)(0x80 | (cp & 0x3f));
            } else {
                u[k++] = (unsigned char)(0xf0 | cp >> 18);
                u[k++] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
                u[k++] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
                u[k++] = (unsigned char)(0x80 | (cp & 0x3f));
            }
            for (size_t i = 0; i < k; i++) {
                if (out && n + 1 < cap) out[n++] = (char)u[i];
            }
        } else if (out && n + 1 < cap) {
            out[n++] = (char)cp;
        }
    }
    if (c->p >= c->end) return 0;
    c->p++; /* closing quote */
    if (out && cap > 0) out[n] = '\0';
    return 1;
}

/* skip passes over one JSON value. */
static int skip(cursor *c) {
    ws(c);
    if (c->p >= c->end) return 0;
    if (*c->p == '"') return string(c, NULL, 0);
    if (*c->p == '{' || *c->p == '[') {
        char close = *c->p == '{' ? '}' : ']';
        c->p++;
        ws(c);
        if (c->p < c->end && *c->p == close) {
            c->p++;
            return 1;
        }
        for (;;) {
            if (close == '}') {
                if (!string(c, NULL, 0)) return 0;
                ws(c);
                if (c->p >= c->end || *c->p++ != ':') return 0;
            }
            if (!skip(c)) return 0;
            ws(c);
            if (c->p >= c->end) return 0;
            if (*c->p == ',') {
                c->p++;
                continue;
            }
            if (*c->p++ != close) return 0;
            return 1;
        }
    }
    while (c->p < c->end && *c->p != ',' && *c->p != '}' && *c->p != ']' && *c->p != ' ' && *c->p != '\n') {
        c->p++; /* number, true, false, null */
    }
    return 1;
}

/* member finds key in the object at obj and sets *val to its value. */
static int member(cursor obj, const char *key, cursor *val) {
    char k[256];
    ws(&obj);
    if (obj.p >= obj.end || *obj.p++ != '{') return 0;
    ws(&obj);
    if (obj.p < obj.end && *obj.p == '}') return 0;
    for (;;) {
        if (!string(&obj, k, sizeof k)) return 0;
        ws(&obj);
        if (obj.p >= obj.end || *obj.p++ != ':') return 0;
        ws(&obj);
        if (strcmp(k, key) == 0) {
            *val = obj;
            return 1;
        }
        if (!skip(&obj)) return 0;
        ws(&obj);
        if (obj.p >= obj.end || *obj.p++ != ',') return 0;
    }
}

/* path follows a chain of keys from obj:
 * path(obj, &v, "entry", "chunk_type", (const char *)NULL). */
static int path(cursor obj, cursor *val, ...) {
    va_list ap;
    va_start(ap, val);
    const char *key;
    while ((key = va_arg(ap, const char *)) != NULL) {
        if (!member(obj, key, &obj)) {
            va_end(ap);
            return 0;
        }
    }
    va_end(ap);
    *val = obj;
    return 1;
}

static int u64(cursor c, uint64_t *out) {
    uint64_t v = 0;
    ws(&c);
    if (c.p >= c.end || *c.p < '0' || *c.p > '9') return 0;
    while (c.p < c.end && *c.p >= '0' && *c.p <= '9') {
        v = v * 10 + (uint64_t)(*c.p++ - '0');
    }
    *out = v;
    return 1;
}

static int is_true(cursor c) {
    ws(&c);
    return c.end - c.p >= 4 && memcmp(c.p, "true", 4) == 0;
}

static cursor cur(const uint8_t *json, size_t len) {
    cursor c = {(const char *)json, (const char *)json + len};
    return c;
}

/* get_string reads the string at keys... of json into out ("" if absent). */
#define GET_STRING(obj, out, ...)                                                                                      \
    do {                                                                                                               \
        cursor v_;                                                                                                     \
        (out)[0] = '\0';                                                                                               \
        if (path((obj), &v_, __VA_ARGS__, (const char *)NULL)) string(&v_, (out), sizeof(out));                        \
    } while (0)

static uint64_t get_u64(cursor obj, const char *a, const char *b) {
    cursor v;
    uint64_t n = 0;
    if (path(obj, &v, a, b, (const char *)NULL)) u64(v, &n);
    return n;
}

/* ---- little-endian arrays --------------------------------------------- */

static void put_f32(uint8_t *p, float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(u >> (8 * i));
}

static void put_u32(uint8_t *p, uint32_t u) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(u >> (8 * i));
}

static float get_f32(const uint8_t *p) {
    uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* ---- reading ------------------------------------------------------------ */

/* chunk is one pf_mmx_read result: the JSON is always ours to free, the
 * data only when it is not borrowed. */
typedef struct {
    uint8_t *json;
    size_t json_len;
    uint8_t *data;
    size_t data_len;
    int32_t borrowed;
} chunk;

static int32_t read_chunk(uint32_t h, const char *name, const uint64_t *rows, chunk *c) {
    memset(c, 0, sizeof *c);
    if (rows) {
        return pf_mmx_read_rows(h, name, strlen(name), rows[0], rows[1], &c->json, &c->json_len, &c->data, &c->data_len,
                                &c->borrowed);
    }
    return pf_mmx_read(h, name, strlen(name), &c->json, &c->json_len, &c->data, &c->data_len, &c->borrowed);
}

static void release(chunk *c) {
    expect(pf_free(c->json), PF_OK, 0, "pf_free(chunk json)");
    if (!c->borrowed) {
        expect(pf_free(c->data), PF_OK, 0, "pf_free(chunk data)");
    } /* a borrowed view belongs to the handle: never freed */
    memset(c, 0, sizeof *c);
}

/* summarize prints one chunk: type, compression, arrays, value, data. */
static void summarize(const char *name, const chunk *c) {
    cursor j = cur(c->json, c->json_len), arrays, v;
    char type[32], comp[16];
    GET_STRING(j, type, "entry", "chunk_type");
    GET_STRING(j, comp, "entry", "compression");
    printf("  %-24s %-9s %-5s %6zu data bytes, %s", name, type, comp, c->data_len,
           c->borrowed ? "borrowed (zero-copy)" : "copied");
    if (member(j, "arrays", &arrays) && member(arrays, "data", &v)) {
        char dtype[16];
        cursor shape;
        GET_STRING(v, dtype, "dtype");
        printf(", %s", dtype);
        if (member(v, "shape", &shape)) {
            const char *s = shape.p;
            skip(&shape);
            printf(" %.*s", (int)(shape.p - s), s);
        }
        if (strcmp(dtype, "float32") == 0 && c->data_len >= 4) {
            printf(", first values");
            for (size_t i = 0; i < 4 && 4 * i + 4 <= c->data_len; i++) printf(" %g", (double)get_f32(c->data + 4 * i));
        }
    } else if (member(j, "arrays", &arrays)) {
        const char *s = arrays.p;
        skip(&arrays);
        int n = (int)(arrays.p - s);
        if (n != 4 || memcmp(s, "null", 4) != 0) {
            printf("\n    arrays %.*s%s", n > 160 ? 160 : n, s, n > 160 ? "…" : "");
        }
    }
    if (member(j, "value", &v)) {
        const char *s = v.p;
        skip(&v);
        int n = (int)(v.p - s);
        if (n != 4 || memcmp(s, "null", 4) != 0) {
            printf("\n    value %.*s%s", n > 100 ? 100 : n, s, n > 100 ? "…" : "");
        }
    }
    putchar('\n');
}

/* names returns the names pf_mmx_list lists, as one malloc'd block of
 * NUL-terminated strings, and their count in *n. */
static char *names(uint32_t h, const char *prefix, size_t *n) {
    uint8_t *json = NULL;
    size_t len = 0;
    *n = 0;
    if (!OK(pf_mmx_list(h, prefix, strlen(prefix), &json, &len), h)) {
        return NULL;
    }
    char *out = malloc(len + 1), *w = out;
    cursor c = cur(json, len);
    ws(&c);
    if (out == NULL || c.p >= c.end || *c.p++ != '[') {
        free(out);
        pf_free(json);
        return NULL;
    }
    ws(&c);
    while (c.p < c.end && *c.p != ']') {
        cursor obj = c, v;
        if (!skip(&c) || !member(obj, "name", &v) || !string(&v, w, (size_t)(out + len + 1 - w))) {
            check(0, "pf_mmx_list returns entries with names");
            break;
        }
        w += strlen(w) + 1;
        (*n)++;
        ws(&c);
        if (c.p < c.end && *c.p == ',') c.p++;
        ws(&c);
    }
    OK(pf_free(json), 0);
    return out;
}

static void print_info(uint32_t h) {
    uint8_t *json = NULL;
    size_t len = 0;
    if (OK(pf_mmx_info(h, &json, &len), h)) {
        cursor j = cur(json, len), rec;
        char reason[256];
        printf("generation %" PRIu64 ", %" PRIu64 " chunks, %" PRIu64 " dead bytes, ", get_u64(j, "generation", NULL),
               get_u64(j, "header", "total_chunks"), get_u64(j, "dead_bytes", NULL));
        GET_STRING(j, reason, "recovery", "reason");
        printf("recovery %s\n", path(j, &rec, "recovery", "clean", (const char *)NULL) && is_true(rec) ? "clean" : reason);
        OK(pf_free(json), 0);
    }
}

/* read_only opens path read-only, lists and summarizes every chunk, and
 * verifies it. */
static int read_only(const char *p) {
    uint32_t h = 0;
    size_t n = 0;
    if (!OK(pf_mmx_open(p, strlen(p), 0, NULL, 0, &h), 0)) {
        return 1;
    }
    print_info(h);
    char *list = names(h, "", &n);
    const char *name = list;
    for (size_t i = 0; list && i < n; i++, name += strlen(name) + 1) {
        chunk c;
        int32_t rc = read_chunk(h, name, NULL, &c);
        if (rc != PF_OK) {
            printf("  %-24s error %s: %s\n", name, pf_errstr(rc), pf_errmsg(h));
            continue;
        }
        summarize(name, &c);
        release(&c);
    }
    free(list);
    int32_t rc = pf_mmx_verify(h);
    if (rc == PF_OK) {
        printf("verify: ok\n");
    } else {
        printf("verify: %s: %s\n", pf_errstr(rc), pf_errmsg(h));
    }
    OK(pf_close(h), h);
    return failures ? 1 : 0;
}

/* ---- the round trip ------------------------------------------------------ */

enum { ROWS = 4, COLS = 3 };

static int write_json(uint32_t h, const char *name, const char *desc, const uint8_t *data, size_t len) {
    return OK(pf_mmx_write(h, name, strlen(name), desc, strlen(desc), data, len), h);
}

/* expect_tensor reads name (rows [1,3) when rows) and checks its values
 * against t and whether it came borrowed. */
static void expect_tensor(uint32_t h, const char *name, const uint8_t *t, int rows, int32_t borrowed) {
    static const uint64_t r13[2] = {1, 3};
    char what[160];
    chunk c;
    snprintf(what, sizeof what, "%s %s", rows ? "read_rows [1,3) of" : "read", name);
    if (!expect(read_chunk(h, name, rows ? r13 : NULL, &c), PF_OK, h, what)) {
        return;
    }
    size_t want = rows ? 2 * COLS * 4 : ROWS * COLS * 4;
    const uint8_t *from = rows ? t + COLS * 4 : t;
    cursor shape;
    char dtype[16];
    GET_STRING(cur(c.json, c.json_len), dtype, "arrays", "data", "dtype");
    int shape_ok = path(cur(c.json, c.json_len), &shape, "arrays", "data", "shape", (const char *)NULL) &&
                   strncmp(shape.p, rows ? "[2,3]" : "[4,3]", 5) == 0;
    if (!check(c.data_len == want && memcmp(c.data, from, want) == 0 && strcmp(dtype, "float32") == 0 && shape_ok, what) ||
        !check(c.borrowed == borrowed, what)) {
        fprintf(stderr, "  got %zu bytes, borrowed %d (want %d): %.*s\n", c.data_len, c.borrowed, borrowed,
                (int)c.json_len, (const char *)c.json);
    }
    release(&c);
}

static uint8_t *read_file(const char *p, size_t *len) {
    FILE *f = fopen(p, "rb");
    uint8_t *buf = NULL;
    long n;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        (buf = malloc((size_t)n + 1)) == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    } else {
        *len = (size_t)n;
    }
    if (f) fclose(f);
    return buf;
}

static int write_and_read(const char *p) {
    uint8_t tensor[ROWS * COLS * 4], mesh[3 * 3 * 4 + 3 * 4];
    static const float verts[9] = {0, 0, 0, 1, 0, 0, 0, 1, 0};
    static const uint32_t faces[3] = {0, 1, 2};
    static const char tensor_desc[] = "{\"chunk_type\":\"Tensor\",\"dtype\":\"float32\",\"shape\":[4,3]}";
    uint32_t w = 0, r = 0;
    uint8_t *json = NULL;
    size_t len = 0, n = 0;

    for (int i = 0; i < ROWS * COLS; i++) put_f32(tensor + 4 * i, (float)i / 2);
    for (int i = 0; i < 9; i++) put_f32(mesh + 4 * i, verts[i]);
    for (int i = 0; i < 3; i++) put_u32(mesh + 36 + 4 * i, faces[i]);

    /* Create: the first commit (an empty directory) is made at once. */
    static const char opts[] = "{\"creator\":\"examples/c/mmx.c\",\"no_sync\":true}";
    if (!OK(pf_mmx_create(p, strlen(p), opts, sizeof opts - 1, &w), 0)) {
        return 1;
    }
    write_json(w, "frames/raw", tensor_desc, tensor, sizeof tensor);
    write_json(w, "frames/lz4",
               "{\"chunk_type\":\"Tensor\",\"dtype\":\"float32\",\"shape\":[4,3],\"compression\":\"Lz4\","
               "\"logical_region\":\"clip\"}",
               tensor, sizeof tensor);
    write_json(w, "mesh/tri",
               "{\"chunk_type\":\"Mesh\",\"compression\":\"Zstd\",\"value\":{\"materials\":{\"skin\":\"red\"}},"
               "\"arrays\":{\"vertices\":{\"dtype\":\"float32\",\"shape\":[3,3],\"offset\":0,\"nbytes\":36},"
               "\"faces\":{\"dtype\":\"uint32\",\"shape\":[1,3],\"offset\":36,\"nbytes\":12}}}",
               mesh, sizeof mesh);
    write_json(w, "notes/readme",
               "{\"chunk_type\":\"Text\",\"value\":{\"content\":\"h\\u00e9llo from C\",\"language\":\"en\"}}", NULL, 0);
    write_json(w, "meta/run", "{\"chunk_type\":\"Meta\",\"value\":{\"version\":1,\"data\":{\"step\":7}}}", NULL, 0);

    /* A tensor whose data does not match its shape is refused. */
    static const char bad[] = "{\"chunk_type\":\"Tensor\",\"dtype\":\"float32\",\"shape\":[5,3]}";
    expect(pf_mmx_write(w, "frames/bad", 10, bad, sizeof bad - 1, tensor, sizeof tensor), PF_EBADARG, w,
           "write of a tensor whose data is short");

    OK(pf_mmx_commit(w), w);

    /* Rollback drops a write that was never committed. */
    write_json(w, "frames/tmp", tensor_desc, tensor, sizeof tensor);
    char *list = names(w, "frames/", &n);
    check(list && n == 3, "a writer lists its uncommitted write");
    free(list);
    OK(pf_mmx_rollback(w), w);
    list = names(w, "", &n);
    check(list && n == 5, "after rollback: 5 chunks");
    free(list);

    /* Overwriting a chunk leaves its old bytes dead until compact. */
    write_json(w, "frames/lz4",
               "{\"chunk_type\":\"Tensor\",\"dtype\":\"float32\",\"shape\":[4,3],\"compression\":\"Lz4\","
               "\"logical_region\":\"clip\"}",
               tensor, sizeof tensor);
    OK(pf_mmx_commit(w), w);
    expect(pf_mmx_delete(w, "nope", 4), PF_ENOTFOUND, w, "delete of a missing chunk");
    OK(pf_mmx_info(w, &json, &len), w);
    uint64_t gen = get_u64(cur(json, len), "generation", NULL), dead = get_u64(cur(json, len), "dead_bytes", NULL);
    check(gen == 3 && dead > 0, "generation 3 with dead bytes after an overwrite");
    OK(pf_free(json), 0);

    OK(pf_close(w), w);
    expect(pf_close(w), PF_EBADHANDLE, 0, "second pf_close");

    /* Reopen read-only: the file is memory-mapped, so raw chunks come back
     * borrowed (zero-copy); compressed ones are decompressed into a buffer. */
    if (!OK(pf_mmx_open(p, strlen(p), 0, NULL, 0, &r), 0)) {
        return 1;
    }
    print_info(r);
    expect_tensor(r, "frames/raw", tensor, 0, 1);
    expect_tensor(r, "frames/raw", tensor, 1, 1);
    expect_tensor(r, "frames/lz4", tensor, 0, 0);
    expect_tensor(r, "frames/lz4", tensor, 1, 0);

    /* pf_mmx_read_into decompresses straight into memory the caller owns
     * (reusable from read to read); too small a buffer is PF_ELIMIT with the
     * size needed. */
    {
        uint8_t into[ROWS * COLS * 4];
        uint64_t written = 0;
        const char *lz = "frames/lz4";
        if (expect(pf_mmx_read_into(r, lz, strlen(lz), into, sizeof into, &written), PF_OK, r, "read_into frames/lz4")) {
            check(written == sizeof into && memcmp(into, tensor, sizeof into) == 0, "read_into frames/lz4: the tensor's bytes");
        }
        if (expect(pf_mmx_read_into(r, lz, strlen(lz), into, sizeof into - 1, &written), PF_ELIMIT, r,
                   "read_into frames/lz4, one byte short")) {
            check(written == sizeof into, "read_into, one byte short: the size needed");
        }
    }

    chunk c;
    if (OK(read_chunk(r, "frames/raw", NULL, &c), r)) {
        /* The view is the mapping itself: read it in place, never free it. */
        printf("zero-copy read of frames/raw: %zu bytes at %p, borrowed %d, row 3 = %g %g %g\n", c.data_len,
               (void *)c.data, c.borrowed, (double)get_f32(c.data + 36), (double)get_f32(c.data + 40),
               (double)get_f32(c.data + 44));
        release(&c);
    }
    if (OK(read_chunk(r, "mesh/tri", NULL, &c), r)) {
        cursor j = cur(c.json, c.json_len), v;
        uint64_t voff = 0, foff = 0;
        if (path(j, &v, "arrays", "vertices", "offset", (const char *)NULL)) u64(v, &voff);
        if (path(j, &v, "arrays", "faces", "offset", (const char *)NULL)) u64(v, &foff);
        char skin[16];
        GET_STRING(j, skin, "value", "materials", "skin");
        check(!c.borrowed && c.data_len >= foff + 12 && memcmp(c.data + voff, mesh, 36) == 0 &&
                  memcmp(c.data + foff, mesh + 36, 12) == 0 && strcmp(skin, "red") == 0,
              "mesh/tri reads back (vertices, faces, materials)");
        release(&c);
    }
    if (OK(read_chunk(r, "notes/readme", NULL, &c), r)) {
        char content[64];
        GET_STRING(cur(c.json, c.json_len), content, "value", "content");
        check(strcmp(content, "h\xc3\xa9llo from C") == 0 && c.data == NULL && c.data_len == 0, "notes/readme reads back");
        release(&c);
    }
    expect(read_chunk(r, "nope", NULL, &c), PF_ENOTFOUND, r, "read of a missing chunk");
    OK(pf_mmx_verify(r), r);
    expect(pf_mmx_write(r, "x", 1, tensor_desc, sizeof tensor_desc - 1, tensor, sizeof tensor), PF_EBADARG, r,
           "write to a read-only handle");
    OK(pf_close(r), r); /* every view it lent is gone now */

    /* Compact: rewrite with only live chunks, the directory after the header. */
    if (OK(pf_mmx_open(p, strlen(p), 1, NULL, 0, &w), 0)) {
        OK(pf_mmx_compact(w), w);
        OK(pf_mmx_info(w, &json, &len), w);
        cursor j = cur(json, len);
        check(get_u64(j, "generation", NULL) == 4 && get_u64(j, "dead_bytes", NULL) < dead &&
                  get_u64(cur(json, len), "header", "total_chunks") == 5,
              "compact: generation 4, fewer dead bytes, 5 chunks");
        cursor d;
        uint64_t off = 0;
        check(path(j, &d, "header", "directory", "offset", (const char *)NULL) && u64(d, &off) && off == 4096,
              "compact puts the directory right after the header");
        OK(pf_free(json), 0);
        OK(pf_close(w), w);
    }

    /* From memory: pf_mmx_open_bytes keeps its own copy of the image and
     * lends raw chunks from it, valid until the handle is closed. */
    uint8_t *img = read_file(p, &len);
    if (check(img != NULL, "read the file into memory")) {
        if (OK(pf_mmx_open_bytes(img, len, 0, &r), 0)) {
            free(img); /* the handle has its copy */
            img = NULL;
            expect_tensor(r, "frames/raw", tensor, 0, 1);
            expect_tensor(r, "frames/lz4", tensor, 0, 0);
            OK(pf_mmx_verify(r), r);
            OK(pf_close(r), r);
        }
        free(img);
    }
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
        if (rc == 0) {
            printf("== %s, read back:\n", argv[1]);
            rc = read_only(argv[1]);
        }
    } else {
        fprintf(stderr, "usage: %s <path.mmx>        write, commit, reopen, read, verify, compact\n"
                        "       %s read <path.mmx>   list and summarize\n", argv[0], argv[0]);
        return 2;
    }
    return finish(rc);
}
