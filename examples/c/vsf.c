/*
 * vsf.c — VSF v2 (.vsf) from C through libpolyfmt.so.
 *
 *   vsf <path>         create <path>: a structured section "camera" (fields
 *                      given as JSON values, signed with an Ed25519 key made
 *                      from a fixed seed), a section "frames" holding a uint16
 *                      4x3 tensor and 12-bit bit-packed samples, an unboxed
 *                      section "blob"; commit, close, then read it back
 *   vsf read <path>    only open <path> read-only (C++'s file too), read every
 *                      section back, check the values, and verify it
 *
 * Values cross the ABI as JSON ({"type":"u5","value":"400"}: integers of
 * every width as decimal strings); tensors as a JSON description plus their
 * elements, little-endian (pf_vsf_add_tensor, pf_vsf_tensor). pf_vsf_raw
 * says whether its bytes are borrowed: 1 means a view of the file's mapping,
 * valid until the handle is closed and never passed to pf_free; 0 means a
 * buffer the caller frees with pf_free. Every other buffer is the caller's.
 *
 * Both examples (this one and examples/cpp/vsf.cpp) write the same content,
 * so each one's read mode checks the other's file value for value. Exits 1
 * if anything does not go as expected.
 *
 * Build (from the repository root, after `make lib`):
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -I build examples/c/vsf.c \
 *      -L build -lpolyfmt -Wl,-rpath,'$ORIGIN' -o build/vsf_c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example.h"

/* ---- the content both examples write --------------------------------------- */

enum { ROWS = 4, COLS = 3, SAMPLES = 24, BITS = 12 };

/* make_seed fills the key's seed: fixed, so that both examples sign with
 * the same key (a real program keeps a random key secret). */
static void make_seed(uint8_t seed[32]) {
    for (int i = 0; i < 32; i++) seed[i] = (uint8_t)(i * 7 + 1);
}

static const char blob[] = "unboxed bytes \x01\x02\x03";

static uint16_t tensor_value(int i) { return (uint16_t)(i * 1000 + 7); }
static uint16_t sample_value(int i) { return (uint16_t)(4095 - i * 170); }

static void put_u16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static uint16_t get_u16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* field adds one field given as its JSON form. */
static void field(uint32_t h, const char *section, const char *name, const char *json) {
    char what[128];
    snprintf(what, sizeof what, "pf_vsf_add %s.%s", section, name);
    expect(pf_vsf_add(h, section, strlen(section), name, strlen(name), json, strlen(json)), PF_OK, h, what);
}

static int write_file(const char *path, const uint8_t *key, size_t key_len) {
    uint8_t tensor[ROWS * COLS * 2], samples[SAMPLES * 2];
    uint32_t h = 0;
    for (int i = 0; i < ROWS * COLS; i++) put_u16(tensor + 2 * i, tensor_value(i));
    for (int i = 0; i < SAMPLES; i++) put_u16(samples + 2 * i, sample_value(i));

    static const char opts[] = "{\"no_sync\":true}";
    if (!OK(pf_create(PF_FORMAT_VSF, path, strlen(path), opts, sizeof opts - 1, &h), 0)) {
        return 1;
    }
    printf("create %s\n", path);
    field(h, "camera", "iso_speed", "{\"type\":\"u5\",\"value\":\"400\"}");
    field(h, "camera", "camera_make", "{\"type\":\"text\",\"value\":\"written from C\"}");
    field(h, "camera", "exposure_bias_ev", "{\"type\":\"f5\",\"value\":-0.5}");
    field(h, "camera", "capture_time", "{\"type\":\"time\",\"iso\":\"2024-05-01T12:30:00Z\"}");
    field(h, "camera", "lens",
          "{\"type\":\"struct\",\"fields\":[{\"name\":\"focal_length_mm\",\"value\":{\"type\":\"f6\",\"value\":35}}]}");
    printf("add: camera, 5 fields as JSON values (a nested structure among them)\n");

    static const char tdesc[] = "{\"type\":\"u4\",\"shape\":[4,3]}";
    static const char pdesc[] = "{\"type\":\"u4\",\"shape\":[4,6],\"bits\":12}";
    OK(pf_vsf_add_tensor(h, "frames", 6, "thumb", 5, tdesc, sizeof tdesc - 1, tensor, sizeof tensor), h);
    OK(pf_vsf_add_tensor(h, "frames", 6, "raw", 3, pdesc, sizeof pdesc - 1, samples, sizeof samples), h);
    printf("add_tensor: frames.thumb (uint16 4x3), frames.raw (12-bit 4x6)\n");

    /* A tensor whose data does not match its shape, and a value that is
     * not valid JSON, are refused and change nothing. */
    expect(pf_vsf_add_tensor(h, "frames", 6, "bad", 3, tdesc, sizeof tdesc - 1, tensor, sizeof tensor - 2), PF_EBADARG,
           h, "add_tensor with short data");
    expect(pf_vsf_add(h, "camera", 6, "bad", 3, "{\"type\":", 8), PF_EBADARG, h, "add of broken JSON");

    OK(pf_vsf_put_unboxed(h, "blob", 4, (const uint8_t *)blob, sizeof blob - 1), h);
    static const char hash[] = "{\"hash\":[\"blake3\"]}";
    OK(pf_vsf_section_options(h, "frames", 6, hash, sizeof hash - 1), h);
    OK(pf_vsf_sign(h, "camera", 6, key, key_len, 1), h);
    printf("put_unboxed: blob; frames hashed (BLAKE3); camera signed (Ed25519, key stored)\n");
    expect(pf_vsf_sign(h, "nope", 4, key, key_len, 0), PF_ENOTFOUND, h, "sign of a missing section");

    OK(pf_vsf_commit(h), h);
    OK(pf_close(h), h);
    expect(pf_close(h), PF_EBADHANDLE, 0, "second pf_close");
    printf("commit, close\n");
    return failures ? 1 : 0;
}

/* ---- reading ---------------------------------------------------------------- */

/* check_tensor reads the tensor at path and checks its description and
 * elements (n uint16s of value(i)). */
static void check_tensor(uint32_t h, const char *path, const char *desc, int n, uint16_t (*value)(int)) {
    uint8_t *json = NULL, *data = NULL;
    size_t json_len = 0, data_len = 0;
    char what[128];
    snprintf(what, sizeof what, "pf_vsf_tensor %s", path);
    if (!expect(pf_vsf_tensor(h, path, strlen(path), &json, &json_len, &data, &data_len), PF_OK, h, what)) {
        return;
    }
    int ok = has(json, json_len, desc) && data_len == (size_t)n * 2;
    for (int i = 0; ok && i < n; i++) ok = get_u16(data + 2 * i) == value(i);
    if (!check(ok, what)) {
        fprintf(stderr, "  got %.*s, %zu bytes\n", (int)json_len, (const char *)json, data_len);
    }
    printf("tensor %s: %.*s, first values %u %u %u\n", path, (int)json_len, (const char *)json,
           data_len >= 6 ? get_u16(data) : 0, data_len >= 6 ? get_u16(data + 2) : 0, data_len >= 6 ? get_u16(data + 4) : 0);
    OK(pf_free(json), 0);
    OK(pf_free(data), 0);
}

static int read_file(const char *path, const uint8_t *key, size_t key_len) {
    uint32_t h = 0;
    int32_t format = 0;
    uint8_t *json = NULL;
    size_t len = 0;

    /* Format 0: whatever the first bytes say; it must be VSF. */
    if (!OK(pf_open(0, path, strlen(path), 0, NULL, 0, &h, &format), 0)) {
        return 1;
    }
    check(format == PF_FORMAT_VSF, "pf_open detects VSF");
    if (OK(pf_info(h, &json, &len), h)) {
        check(count(json, len, "\"unboxed\":") == 3 && has(json, len, "\"form\":\"seed\""), "pf_info: 3 labels, seed form");
        printf("open %s: VSF, %d labels, info %zu bytes of JSON\n", path, count(json, len, "\"unboxed\":"), len);
        OK(pf_free(json), 0);
    }

    if (OK(pf_vsf_section(h, "camera", 6, &json, &len), h)) {
        check(has(json, len, "{\"name\":\"iso_speed\",\"value\":{\"type\":\"u5\",\"value\":\"400\"}}") &&
                  has(json, len, "\"name\":\"focal_length_mm\",\"value\":{\"type\":\"f6\",\"value\":35}") &&
                  has(json, len, "\"name\":\"capture_time\",\"value\":{\"type\":\"time\",\"form\":\"T5\""),
              "section camera: iso_speed, lens.focal_length_mm, capture_time");
        printf("section camera: %.*s%s\n", len > 120 ? 120 : (int)len, (const char *)json, len > 120 ? "..." : "");
        OK(pf_free(json), 0);
    }
    expect(pf_vsf_section(h, "blob", 4, &json, &len), PF_EBADARG, h, "pf_vsf_section of an unboxed section");
    expect(pf_vsf_section(h, "nope", 4, &json, &len), PF_ENOTFOUND, h, "pf_vsf_section of a missing section");

    if (OK(pf_vsf_get(h, "camera.lens.focal_length_mm", 27, &json, &len), h)) {
        check(has(json, len, "\"value\":35"), "pf_vsf_get of a nested field");
        OK(pf_free(json), 0);
    }

    check_tensor(h, "frames.thumb", "\"type\":\"u4\",\"dtype\":\"uint16\",\"shape\":[4,3]", ROWS * COLS, tensor_value);
    check_tensor(h, "frames.raw", "\"dtype\":\"uint16\",\"shape\":[4,6],\"bits\":12", SAMPLES, sample_value);

    /* The unboxed section, from a read-only mapping: lent, never freed. */
    uint8_t *data = NULL;
    int32_t borrowed = 0;
    if (OK(pf_vsf_raw(h, "blob", 4, &data, &len, &borrowed), h)) {
        check(len == sizeof blob - 1 && memcmp(data, blob, len) == 0, "raw blob");
        printf("raw blob: %zu bytes, %s\n", len, borrowed ? "borrowed (a view of the mapping)" : "copied");
        if (!borrowed) {
            OK(pf_free(data), 0);
        }
    }

    int32_t rc = pf_verify(h);
    expect(rc, PF_OK, h, "pf_verify");
    if (OK(pf_vsf_verify_report(h, key, key_len, &json, &len), h)) {
        int checks = count(json, len, "\"status\":"), ok = count(json, len, "\"status\":\"ok\"");
        check(checks >= 5 && checks == ok && has(json, len, "\"what\":\"signature\""),
              "verify report against the key: every check ok, the signature among them");
        printf("verify: ok; against the key: %d of %d checks ok\n", ok, checks);
        OK(pf_free(json), 0);
    }
    OK(pf_close(h), h); /* the borrowed view is gone now */
    return failures ? 1 : 0;
}

int main(int argc, char **argv) {
    if (!print_version()) {
        return 1;
    }

    uint8_t seed[32], *key = NULL;
    size_t key_len = 0;
    make_seed(seed);
    if (!OK(pf_vsf_keygen(seed, sizeof seed, &key, &key_len), 0) || !check(key_len == 64, "a 64-byte private key")) {
        pf_free(key);
        return 1;
    }
    int rc;
    if (argc == 3 && strcmp(argv[1], "read") == 0) {
        rc = read_file(argv[2], key, key_len);
    } else if (argc == 2) {
        rc = write_file(argv[1], key, key_len);
        if (rc == 0) {
            rc = read_file(argv[1], key, key_len);
        }
    } else {
        fprintf(stderr, "usage: %s <path.vsf>        write, commit, read back, verify\n"
                        "       %s read <path.vsf>   read and check, verify\n", argv[0], argv[0]);
        rc = 2;
    }
    OK(pf_free(key), 0);
    return finish(rc);
}
