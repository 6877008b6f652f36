/*
 * mork.c — MORK (MeTTa spaces: .mtts, .act, …) from C through libpolyfmt.so.
 *
 *   mork <path>        create <path>: a space file; import sample MeTTa text
 *                      with its symbols interned, add one expression encoded
 *                      through the space's table, add and remove another;
 *                      commit, close, then read it back
 *   mork read <path>   only open <path> read-only (C++'s file too): check its
 *                      info, query it with a pattern, look paths up, list the
 *                      first paths, export it as MeTTa text and as an ACT
 *                      (opened again from memory), check its symbols, verify it
 *
 * Expressions cross the ABI as MeTTa text (pf_mork_import, pf_mork_query,
 * pf_mork_encode) or as their encoded bytes, "paths" (pf_mork_add,
 * pf_mork_get, pf_mork_print). A list of paths comes back as records: u32
 * little-endian length, the path, u64 little-endian value, repeated. JSON
 * carries values as decimal strings. Every buffer returned is the caller's,
 * freed with pf_free.
 *
 * Both examples (this one and examples/cpp/mork.cpp) write the same content,
 * so each one's read mode checks the other's file. Exits 1 if anything does
 * not go as expected.
 *
 * Build (from the repository root, after `make lib`):
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -I build examples/c/mork.c \
 *      -L build -lpolyfmt -Wl,-rpath,'$ORIGIN' -o build/mork_c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example.h"

static uint32_t get_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const uint8_t *p) { return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32; }

/* ---- the content both examples write --------------------------------------- */

static const char facts[] = "; a small family\n"
                            "(parent Tom Bob)\n"
                            "(parent Bob Ann)\n"
                            "(parent Bob Pat)   ; Bob has two children\n"
                            "(age Ann 7)\n"
                            "(name Ann \"Ann Smith\")\n"
                            "(rule (grandparent $x $z) (, (parent $x $y) (parent $y $z)))\n";

enum { IMPORTED = 6, PATHS = 7, SYMBOLS = 13 };

/* encode encodes one expression; h 0: symbols as written, else through
 * h's symbol table. The caller frees *out. */
static int32_t encode(uint32_t h, const char *text, uint8_t **out, size_t *len) {
    return pf_mork_encode(h, text, strlen(text), out, len);
}

static int write_file(const char *path) {
    uint32_t h = 0;
    uint64_t n = 0;
    uint8_t *p = NULL;
    size_t len = 0;
    int32_t found = 0;

    static const char opts[] = "{\"no_sync\":true}";
    if (!OK(pf_mork_create(path, strlen(path), opts, sizeof opts - 1, &h), 0)) {
        return 1;
    }
    printf("create %s (a space file)\n", path);
    static const char intern[] = "{\"intern\":true}";
    if (OK(pf_mork_import(h, (const uint8_t *)facts, sizeof facts - 1, intern, sizeof intern - 1, &n), h)) {
        check(n == IMPORTED, "import: 6 expressions");
        printf("import: %llu expressions of MeTTa text, symbols interned\n", (unsigned long long)n);
    }

    /* A syntax error: PF_EFORMAT, the message naming line and column. */
    static const char bad[] = "(parent Tom Bob)\n(parent Bob\n";
    if (expect(pf_mork_import(h, (const uint8_t *)bad, sizeof bad - 1, NULL, 0, &n), PF_EFORMAT, h, "import of broken text")) {
        check(strstr(pf_errmsg(h), "line 2, column 1") != NULL, "the syntax error names line 2, column 1");
        printf("import of broken text: %s\n", pf_errmsg(h));
    }

    /* One expression more: "4" is a new symbol, interned through the file. */
    uint64_t id = 0;
    OK(pf_mork_intern(h, (const uint8_t *)"4", 1, &id), h);
    if (OK(encode(h, "(age Pat 4)", &p, &len), h)) {
        OK(pf_mork_add(h, p, len, 0), h);
        printf("add (age Pat 4): %zu bytes encoded (\"4\" is symbol %llu)\n", len, (unsigned long long)id);
        OK(pf_free(p), 0);
    }
    /* Added and removed again. */
    if (OK(encode(h, "(parent Ann Bob)", &p, &len), h)) {
        OK(pf_mork_add(h, p, len, 0), h);
        OK(pf_mork_remove(h, p, len, &found), h);
        check(found == 1, "remove finds what add put");
        OK(pf_free(p), 0);
    }
    OK(pf_mork_len(h, &n), h);
    check(n == PATHS, "7 paths before commit");

    OK(pf_mork_commit(h), h);
    OK(pf_close(h), h);
    expect(pf_close(h), PF_EBADHANDLE, 0, "second pf_close");
    printf("commit, close\n");
    return failures ? 1 : 0;
}

/* ---- reading ---------------------------------------------------------------- */

/* print_records prints the records of pf_mork_paths (u32 length, path, u64
 * value) as MeTTa text and returns how many there are, or -1 when they do
 * not add up. */
static int print_records(uint32_t h, const uint8_t *buf, size_t len) {
    int n = 0;
    size_t off = 0;
    while (off < len) {
        if (len - off < 4) return -1;
        size_t plen = get_u32(buf + off);
        if (len - off - 4 < plen + 8) return -1;
        const uint8_t *path = buf + off + 4;
        uint64_t value = get_u64(path + plen);
        uint8_t *text = NULL;
        size_t tlen = 0;
        if (OK(pf_mork_print(h, path, plen, &text, &tlen), h)) {
            printf("  %.*s (value %llu)\n", (int)tlen, (const char *)text, (unsigned long long)value);
            OK(pf_free(text), 0);
        }
        off += 4 + plen + 8;
        n++;
    }
    return n;
}

static int read_file(const char *path) {
    uint32_t h = 0;
    int32_t format = 0, found = 0;
    uint8_t *out = NULL;
    size_t len = 0;
    uint64_t n = 0, value = 1;

    /* Format 0: whatever the first bytes say; it must be MORK. */
    if (!OK(pf_open(0, path, strlen(path), 0, NULL, 0, &h, &format), 0)) {
        return 1;
    }
    check(format == PF_FORMAT_MORK, "pf_open detects MORK");
    if (OK(pf_info(h, &out, &len), h)) {
        check(has(out, len, "\"kind\":\"space\"") && has(out, len, "\"version\":\"1.1\"") &&
                  has(out, len, "\"paths\":7") && has(out, len, "\"interned\":true"),
              "pf_info: a 1.1 space, 7 paths, interned");
        printf("open %s: %.*s\n", path, (int)len, (const char *)out);
        OK(pf_free(out), 0);
    }
    OK(pf_mork_len(h, &n), h);
    check(n == PATHS, "pf_mork_len: 7");

    /* A pattern: $c matches any sub-expression. */
    if (OK(pf_mork_query(h, "(parent Bob $c)", 15, 0, &out, &len), h)) {
        check(count(out, len, "\"text\":") == 2 && has(out, len, "\"bindings\":[\"Ann\"]") &&
                  has(out, len, "\"bindings\":[\"Pat\"]") && has(out, len, "\"truncated\":false"),
              "query (parent Bob $c): Ann and Pat");
        printf("query (parent Bob $c): %.*s\n", (int)len, (const char *)out);
        OK(pf_free(out), 0);
    }
    if (OK(pf_mork_query(h, "($rel Ann $v)", 13, 1, &out, &len), h)) {
        check(count(out, len, "\"text\":") == 1 && has(out, len, "\"truncated\":true"), "query with limit 1: truncated");
        OK(pf_free(out), 0);
    }

    /* Look up: encoded through the file's table; a symbol it lacks is not found. */
    if (OK(encode(h, "(age Pat 4)", &out, &len), h)) {
        OK(pf_mork_get(h, out, len, &value, &found), h);
        check(found == 1 && value == 0, "get (age Pat 4): found, value 0");
        OK(pf_free(out), 0);
    }
    if (OK(encode(h, "(parent Ann Bob)", &out, &len), h)) {
        OK(pf_mork_get(h, out, len, &value, &found), h);
        check(found == 0, "get (parent Ann Bob): removed");
        OK(pf_free(out), 0);
    }
    expect(encode(h, "(age Zed 1)", &out, &len), PF_ENOTFOUND, h, "encode of a symbol the table lacks");

    /* The first three paths, as records. */
    if (OK(pf_mork_paths(h, NULL, 0, 3, &out, &len), h)) {
        printf("the first 3 paths:\n");
        check(print_records(h, out, len) == 3, "pf_mork_paths with limit 3: 3 records");
        OK(pf_free(out), 0);
    }

    /* Exports: MeTTa text, and an ACT opened again from memory. */
    if (OK(pf_mork_export(h, "metta", 5, NULL, 0, &out, &len), h)) {
        check(count(out, len, "\n") == PATHS && has(out, len, "(name Ann \"Ann Smith\")\n") &&
                  has(out, len, "(rule (grandparent $a $b) (, (parent $a $c) (parent $c $b)))\n"),
              "export metta: 7 lines, the string symbol and the rule");
        printf("export metta: %zu bytes, %d lines\n", len, count(out, len, "\n"));
        OK(pf_free(out), 0);
    }
    if (OK(pf_mork_export(h, "act", 3, NULL, 0, &out, &len), h)) {
        uint32_t a = 0;
        if (OK(pf_mork_open_bytes(out, len, 0, &a), 0)) {
            uint64_t na = 0;
            OK(pf_mork_len(a, &na), a);
            check(na == PATHS, "the ACT holds 7 paths");
            OK(pf_verify(a), a);
            printf("export act: %zu bytes, %llu paths, verified\n", len, (unsigned long long)na);
            OK(pf_close(a), a);
        }
        OK(pf_free(out), 0);
    }
    if (OK(pf_mork_symbols(h, &out, &len), h)) {
        check(count(out, len, "\"id\":") == SYMBOLS && has(out, len, "\"text\":\"\\\"Ann Smith\\\"\""),
              "13 symbols, a string symbol keeping its quotes");
        printf("symbols: %d\n", count(out, len, "\"id\":"));
        OK(pf_free(out), 0);
    }
    /* A read-only handle refuses changes. */
    expect(pf_mork_add(h, (const uint8_t *)"\x00", 1, 0), PF_EBADARG, h, "add to a read-only file");

    if (OK(pf_verify(h), h)) {
        printf("verify: ok (checksum, every path an expression, every symbol resolves)\n");
    }
    OK(pf_close(h), h);
    return failures ? 1 : 0;
}

/* check_encoding checks the spec's vector through handle 0: no symbol
 * table, symbols as written. */
static void check_encoding(void) {
    static const uint8_t want[] = {0x03, 0xC3, 'f', 'o', 'o', 0xC0, 0x02, 0xC3, 'b', 'a', 'r', 0x80};
    uint8_t *p = NULL, *text = NULL;
    size_t len = 0, tlen = 0;
    if (!OK(encode(0, "(foo $x (bar $x))", &p, &len), 0)) {
        return;
    }
    check(len == sizeof want && memcmp(p, want, len) == 0, "encode (foo $x (bar $x))");
    if (OK(pf_mork_print(0, p, len, &text, &tlen), 0)) {
        check(tlen == 17 && memcmp(text, "(foo $a (bar $a))", 17) == 0, "print: variables renamed $a");
        printf("encode (foo $x (bar $x)): %zu bytes; print: %.*s\n", len, (int)tlen, (const char *)text);
        OK(pf_free(text), 0);
    }
    OK(pf_free(p), 0);
    expect(encode(0, "(foo", &p, &len), PF_EFORMAT, 0, "encode of an unclosed expression");
}

int main(int argc, char **argv) {
    if (!print_version()) {
        return 1;
    }
    check_encoding();
    int rc;
    if (argc == 3 && strcmp(argv[1], "read") == 0) {
        rc = read_file(argv[2]);
    } else if (argc == 2) {
        rc = write_file(argv[1]);
        if (rc == 0) {
            rc = read_file(argv[1]);
        }
    } else {
        fprintf(stderr, "usage: %s <path.mtts>        write, commit, read back, verify\n"
                        "       %s read <path.mtts>   read and check, verify\n", argv[0], argv[0]);
        rc = 2;
    }
    return finish(rc);
}
