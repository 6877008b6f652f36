/*
 * nomem.c — a failed allocation is PF_ENOMEM, never the end of the host.
 *
 *   nomem <dir>
 *
 * The Go runtime turns a failed C.malloc into a fatal error; the library
 * must call malloc so that its failure reaches the caller as PF_ENOMEM.
 * This program limits its own address space (RLIMIT_AS) once the library
 * is loaded, to what it already uses plus a margin, and then asks for more:
 *
 *   1. pf_mmx_open_bytes of a 512 MiB image with 256 MiB of headroom: the
 *      library's copy of the image is its first allocation, so the call
 *      must return PF_ENOMEM (and say so in pf_errmsg);
 *   2. pf_mmx_read of a zstd chunk of 1 GiB of zeros (a file of a few
 *      hundred KiB) with 1.5 GiB of headroom: the 1 GiB result buffer and
 *      the decompression cannot both fit, so depending on which comes first
 *      the call returns PF_ENOMEM, or PF_OK with the zeros when the library
 *      decompresses straight into the result buffer. Either way the process
 *      lives on;
 *   2b. the same read with 512 MiB of headroom: the result buffer is
 *      allocated (malloc) before anything is decompressed, so exactly
 *      PF_ENOMEM;
 *   3. afterwards, small calls on the same handle still work.
 *
 * The file is written by a child process (`nomem --write <path>`, started
 * with posix_spawn before this process first calls the library), so that
 * the writer's heap growth does not count against the limit here.
 *
 * Not run under ASan: its shadow memory is terabytes of address space, which
 * RLIMIT_AS cannot accommodate. It exits 1 if anything does not go as expected.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "polyfmt.h"

extern char **environ;

#define MiB ((size_t)1 << 20)
#define ZEROS ((size_t)1 << 30)

static int failures;

static void fail(const char *what, int32_t rc, uint32_t h) {
    fprintf(stderr, "FAIL %s: %d (%s): %s\n", what, rc, pf_errstr(rc), pf_errmsg(h));
    failures++;
}

/* vmsize is this process's virtual memory size in bytes (VmSize). */
static size_t vmsize(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    size_t kb = 0;
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "VmSize: %zu kB", &kb) == 1) {
            break;
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    if (kb == 0) {
        fprintf(stderr, "FAIL cannot read VmSize from /proc/self/status\n");
        exit(1);
    }
    return kb * 1024;
}

/* limit sets the soft address-space limit to what is in use plus headroom. */
static void limit(size_t headroom) {
    struct rlimit rl;
    getrlimit(RLIMIT_AS, &rl);
    rl.rlim_cur = vmsize() + headroom;
    if (setrlimit(RLIMIT_AS, &rl) != 0) {
        perror("setrlimit");
        exit(1);
    }
}

static void unlimit(void) {
    struct rlimit rl;
    getrlimit(RLIMIT_AS, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_AS, &rl);
}

/* writeFile writes path: "zeros", 1 GiB of zeros compressed with zstd, and
 * "small", four bytes raw. */
static int writeFile(const char *path) {
    uint8_t *zeros = calloc(ZEROS, 1); /* untouched pages: no memory used */
    uint32_t h = 0;
    int32_t rc = zeros == NULL ? PF_ENOMEM : pf_mmx_create(path, strlen(path), "{\"no_sync\":true}", 16, &h);
    char desc[128];
    snprintf(desc, sizeof desc, "{\"chunk_type\":\"Tensor\",\"dtype\":\"uint8\",\"shape\":[%zu],\"compression\":\"Zstd\"}",
             ZEROS);
    if (rc == PF_OK) {
        rc = pf_mmx_write(h, "zeros", 5, desc, strlen(desc), zeros, ZEROS);
    }
    const char *small = "{\"chunk_type\":\"Tensor\",\"dtype\":\"uint8\",\"shape\":[4]}";
    if (rc == PF_OK) {
        rc = pf_mmx_write(h, "small", 5, small, strlen(small), (const uint8_t *)"\1\2\3\4", 4);
    }
    if (rc == PF_OK) {
        rc = pf_mmx_commit(h);
    }
    if (rc != PF_OK) {
        fail("write", rc, h);
    }
    free(zeros);
    if (h != 0 && pf_close(h) != PF_OK) {
        rc = PF_EIO;
    }
    return rc == PF_OK ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--write") == 0) {
        return writeFile(argv[2]);
    }
    if (argc != 2) {
        fprintf(stderr, "usage: nomem <dir>\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/zeros.mmx", argv[1]);
    char *child[] = {argv[0], "--write", path, NULL};
    pid_t pid;
    int status;
    if (posix_spawn(&pid, argv[0], NULL, NULL, child, environ) != 0 || waitpid(pid, &status, 0) != pid ||
        !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "FAIL the writer child did not succeed\n");
        return 1;
    }

    /* 1. The library's copy of a 512 MiB image does not fit. */
    size_t imageLen = 512 * MiB;
    uint8_t *image = mmap(NULL, imageLen, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (image == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    size_t before = vmsize();
    limit(256 * MiB);
    uint32_t h = 0;
    int32_t rc = pf_mmx_open_bytes(image, imageLen, 0, &h);
    if (rc != PF_ENOMEM) {
        fail("open_bytes of 512 MiB with 256 MiB of headroom", rc, h);
        if (rc == PF_OK) {
            pf_close(h);
        }
    } else if (strstr(pf_errmsg(0), "allocate") == NULL) {
        fail("errmsg of PF_ENOMEM", rc, 0);
    }
    unlimit();
    munmap(image, imageLen);
    printf("nomem: VmSize %zu MiB; open_bytes of 512 MiB with 256 MiB headroom: %s (%s)\n", before / MiB,
           pf_errstr(rc), pf_errmsg(0));

    /* 2. A 1 GiB zstd chunk with 1.5 GiB of headroom. Zeros expand about
     *    9000:1, past the default ratio limit: this file is trusted. */
    const char *opts = "{\"verify\":\"never\",\"max_ratio\":1048576}";
    if ((rc = pf_mmx_open(path, strlen(path), 0, opts, strlen(opts), &h)) != PF_OK) {
        fail("open", rc, 0);
        return 1;
    }
    limit(1536 * MiB);
    uint8_t *js = NULL, *data = NULL;
    size_t jn = 0, dn = 0;
    int32_t borrowed = -1;
    rc = pf_mmx_read(h, "zeros", 5, &js, &jn, &data, &dn, &borrowed);
    unlimit();
    if (rc == PF_OK) {
        if (borrowed != 0 || dn != ZEROS || data[0] != 0 || data[ZEROS - 1] != 0) {
            fail("read of 1 GiB of zeros", rc, h);
        }
        pf_free(js);
        pf_free(data);
    } else if (rc != PF_ENOMEM) {
        fail("read of 1 GiB of zeros with 1.5 GiB of headroom", rc, h);
    }
    printf("nomem: read of a 1 GiB zstd chunk with 1.5 GiB headroom: %s (%s)\n", pf_errstr(rc),
           rc == PF_OK ? "" : pf_errmsg(h));

    /* 2b. The same read with only 512 MiB of headroom: the result buffer
     *     (allocated with malloc before anything is decompressed) cannot
     *     fit, so this is exactly PF_ENOMEM. */
    js = data = NULL;
    limit(512 * MiB);
    rc = pf_mmx_read(h, "zeros", 5, &js, &jn, &data, &dn, &borrowed);
    unlimit();
    if (rc != PF_ENOMEM) {
        fail("read of 1 GiB of zeros with 512 MiB of headroom (want PF_ENOMEM)", rc, h);
        if (rc == PF_OK) {
            pf_free(js);
            pf_free(data);
        }
    }
    printf("nomem: read of a 1 GiB zstd chunk with 512 MiB headroom: %s (%s)\n", pf_errstr(rc), pf_errmsg(h));

    /* 3. The library keeps working. */
    js = data = NULL;
    if ((rc = pf_mmx_read(h, "small", 5, &js, &jn, &data, &dn, &borrowed)) != PF_OK || dn != 4 || data[3] != 4) {
        fail("read after PF_ENOMEM", rc, h);
    }
    pf_free(js);
    if (rc == PF_OK && borrowed == 0) {
        pf_free(data);
    }
    if ((rc = pf_close(h)) != PF_OK) {
        fail("close", rc, 0);
    }
    printf("nomem: %d failures\n", failures);
    return failures == 0 ? 0 : 1;
}
