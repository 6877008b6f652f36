// Package pathmap builds and runs polyfmt's interop harness for the Rust
// crate pathmap 0.3.5, the reference implementation of MORK's .paths and
// ArenaCompactTree files, so tests can check polyfmt against it byte for
// byte and benchmarks can time it on the same files.
//
// The harness is the cargo project in harness/ (Cargo.toml, Cargo.lock,
// src/main.rs). Bin copies it into a cache directory keyed by a hash of
// those files and of `cargo --version` ($POLYFMT_PATHMAP_HARNESS_CACHE, or
// os.UserCacheDir()/polyfmt-pathmap-harness), builds it with
// `cargo build --release` (offline first, then online) and
// RUSTFLAGS="-C target-feature=+aes,+sse2" (pathmap hashes with gxhash),
// and returns the binary. Builds share one cargo target directory.
//
// Subcommands (every input and output a file; path lists are records, see
// AppendRecord):
//
//	write-paths IN OUT       serialize_paths of IN's paths → OUT (.paths)
//	read-paths  IN OUT       for_each_deserialized_path of IN → OUT (values 0)
//	write-act   IN OUT       ArenaCompactTree::from_zipper of a PathMap<u64> of IN → OUT
//	read-act    IN OUT       open_mmap(IN), iter() → OUT
//	get-act     ACT KEYS OUT get_val_at for each key: OUT has, per key, a byte
//	                         (1 found, 0 not) and the u64 LE value (0 if not found)
//	bench       ACT KEYS     JSON: open_mmap_ns (median of 201), lookups, found,
//	                         lookup_total_ns (median of 5 passes), lookup_ns
//	bench-paths IN           JSON: paths, raw_bytes, paths_bytes, serialize_ns,
//	                         serialize_mb_s, deserialize_ns, deserialize_mb_s
//	bench-write IN           JSON: paths, act_bytes, build_map_ns (PathMap<u64> from
//	                         the records), from_zipper_ns (the ACT from that map);
//	                         medians of 3
//
// This package is for tests and benchmarks only.
package pathmap

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// Record is one path and its value.
type Record struct {
	Path  []byte
	Value uint64
}

// AppendRecord appends one record: u32 LE path length, the path, u64 LE value.
func AppendRecord(dst, path []byte, value uint64) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(path)))
	dst = append(dst, path...)
	return binary.LittleEndian.AppendUint64(dst, value)
}

// EncodeRecords encodes recs as a record file.
func EncodeRecords(recs []Record) []byte {
	var out []byte
	for _, r := range recs {
		out = AppendRecord(out, r.Path, r.Value)
	}
	return out
}

// ParseRecords decodes a record file.
func ParseRecords(b []byte) ([]Record, error) {
	var out []Record
	for pos := 0; pos < len(b); {
		if len(b)-pos < 4 {
			return nil, fmt.Errorf("record length cut short at byte %d", pos)
		}
		n := int(binary.LittleEndian.Uint32(b[pos:]))
		pos += 4
		if n > len(b)-pos || len(b)-pos-n < 8 {
			return nil, fmt.Errorf("record of %d bytes cut short at byte %d", n, pos)
		}
		out = append(out, Record{Path: append([]byte{}, b[pos:pos+n]...), Value: binary.LittleEndian.Uint64(b[pos+n:])})
		pos += n + 8
	}
	return out, nil
}

var harness struct {
	once sync.Once
	bin  string
	skip string // why the harness cannot be built here
	err  error
	took time.Duration
}

// Bin returns the path of the built harness, building it on first use.
// It skips tb only when cargo is missing or crates.io cannot be reached
// (and the crates are not in cargo's cache); any other failure fails tb.
func Bin(tb testing.TB) string {
	tb.Helper()
	harness.once.Do(func() {
		start := time.Now()
		harness.bin, harness.skip, harness.err = build()
		harness.took = time.Since(start)
	})
	if harness.skip != "" {
		tb.Skip("pathmap interop skipped: " + harness.skip)
	}
	if harness.err != nil {
		tb.Fatalf("pathmap harness: %v", harness.err)
	}
	return harness.bin
}

// Run runs the harness with args and returns its standard output; a
// failure fails tb.
func Run(tb testing.TB, args ...string) []byte {
	tb.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(Bin(tb), args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("pathmap-harness %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes()
}

// sourceDir finds harness/ beside this file, or under the module root.
func sourceDir() (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok {
		dir := filepath.Join(filepath.Dir(file), "harness")
		if _, err := os.Stat(filepath.Join(dir, "Cargo.toml")); err == nil {
			return dir, nil
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "core", "mork", "internal", "pathmap", "harness"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find core/mork/internal/pathmap/harness: no go.mod above the working directory")
		}
		dir = parent
	}
}

func findCargo() string {
	if p, err := exec.LookPath("cargo"); err == nil {
		return p
	}
	var cands []string
	if h := os.Getenv("CARGO_HOME"); h != "" {
		cands = append(cands, filepath.Join(h, "bin", "cargo"))
	}
	if h, err := os.UserHomeDir(); err == nil {
		cands = append(cands, filepath.Join(h, ".cargo", "bin", "cargo"))
	}
	for _, c := range cands {
		if fi, err := os.Stat(c); err == nil && fi.Mode()&0o111 != 0 {
			return c
		}
	}
	return ""
}

// harnessFiles are the files that make the cargo project, all hashed.
var harnessFiles = []string{"Cargo.toml", "Cargo.lock", "src/main.rs"}

// networkErrors are what cargo prints when it cannot reach crates.io.
var networkErrors = []string{
	"Could not resolve host", "Couldn't resolve host", "failed to download",
	"network failure", "spurious network error", "Couldn't connect", "Connection refused",
	"Connection timed out", "Operation timed out", "Timeout was reached",
	"failed to query replaced source registry", "download of config.json failed",
	"failed to update registry", "unable to update registry", "SSL connect error",
	"failed to fetch", "Network is unreachable",
}

// build returns the binary, or a reason to skip, or an error.
func build() (bin, skip string, err error) {
	cargo := findCargo()
	if cargo == "" {
		return "", "cargo not found (not on PATH, nor in $CARGO_HOME/bin or ~/.cargo/bin); install Rust to run the pathmap 0.3.5 interop tests", nil
	}
	src, err := sourceDir()
	if err != nil {
		return "", "", err
	}
	ver, err := exec.Command(cargo, "--version").Output()
	if err != nil {
		return "", "", fmt.Errorf("%s --version: %w", cargo, err)
	}
	h := sha256.New()
	files := map[string][]byte{}
	for _, name := range harnessFiles {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			return "", "", err
		}
		files[name] = b
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	fmt.Fprintf(h, "%s\n", ver)

	base := os.Getenv("POLYFMT_PATHMAP_HARNESS_CACHE")
	if base == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		base = filepath.Join(cache, "polyfmt-pathmap-harness")
	}
	proj := filepath.Join(base, "proj-"+hex.EncodeToString(h.Sum(nil))[:16])
	bin = filepath.Join(proj, "pathmap-harness")
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		return bin, "", nil
	}
	for name, data := range files {
		if err := writeFileAtomic(filepath.Join(proj, name), data, 0o644); err != nil {
			return "", "", err
		}
	}
	target := filepath.Join(base, "target")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	run := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, cargo, args...)
		cmd.Dir = proj
		cmd.Env = append(os.Environ(), "CARGO_TARGET_DIR="+target, "CARGO_TERM_COLOR=never",
			"RUSTFLAGS=-C target-feature=+aes,+sse2")
		return cmd.CombinedOutput()
	}
	if out, err := run("build", "--release", "--quiet", "--offline"); err != nil {
		out2, err2 := run("build", "--release", "--quiet")
		if err2 != nil {
			for _, s := range networkErrors {
				if bytes.Contains(out2, []byte(s)) {
					return "", fmt.Sprintf("crates.io cannot be reached and pathmap 0.3.5 is not in cargo's cache (%s)", firstLine(out2, s)), nil
				}
			}
			return "", "", fmt.Errorf("cargo build --release failed in %s:\n--- offline: %v\n%s\n--- online: %v\n%s",
				proj, err, lastLines(out, 15), err2, lastLines(out2, 40))
		}
	}
	exe, err := os.ReadFile(filepath.Join(target, "release", "pathmap-harness"))
	if err != nil {
		return "", "", err
	}
	if err := writeFileAtomic(bin, exe, 0o755); err != nil {
		return "", "", err
	}
	return bin, "", nil
}

// firstLine returns the first line of out that contains s.
func firstLine(out []byte, s string) string {
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, s) {
			return strings.TrimSpace(l)
		}
	}
	return s
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// writeFileAtomic writes through a temporary file and a rename, so two
// test processes building at once never see a half-written file.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
