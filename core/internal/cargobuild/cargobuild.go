// Package cargobuild builds a small cargo project into a content-keyed
// cache, for the interop tests and benchmarks that check polyfmt against
// Rust code.
//
// A Project is a set of files (Cargo.toml, sources). Build writes them into
// <cache>/proj-<key>, where the key is a hash of every file's path and
// contents, of `cargo --version` and of the extra environment; builds the
// project with `cargo build --release --quiet`, offline first and then
// online; and copies target/release/<Bin> into the project directory, where
// later builds find it without running cargo. The projects of one cache
// share one target directory (<cache>/target), so a changed project
// rebuilds only itself.
//
// Build does not decide whether a failure skips or fails a test: its
// *Error says whether cargo was missing or crates.io could not be reached,
// and each caller applies its own policy.
//
// This package is for tests and benchmarks only.
package cargobuild

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// Project is a cargo project to build.
type Project struct {
	// Cargo is the cargo executable; empty means FindCargo.
	Cargo string
	// Files maps slash-separated paths relative to the project directory
	// to their contents. All of them are written and hashed into the key.
	Files map[string][]byte
	// CacheEnv names an environment variable that, when set, is the cache
	// directory; otherwise it is os.UserCacheDir()/CacheName (or the
	// temporary directory in place of a missing user cache directory).
	CacheEnv  string
	CacheName string
	// Bin is the binary's name under target/release.
	Bin string
	// Env is added to cargo's environment (e.g. "RUSTFLAGS=…") and hashed
	// into the key.
	Env []string
}

// Kind says why a build failed.
type Kind int

const (
	// Failed is any failure of cargo build that is not one of the others.
	Failed Kind = iota
	// CargoMissing: no cargo executable was found.
	CargoMissing
	// NetworkUnreachable: the offline build failed (crates not in cargo's
	// cache) and the online one could not reach crates.io.
	NetworkUnreachable
)

// Error is a failed build. Other errors from Build (file system, cargo
// --version) are returned as they are.
type Error struct {
	Kind Kind
	// Dir is the project directory (empty for CargoMissing).
	Dir string
	// Network is, for NetworkUnreachable, the first line of cargo's
	// output that names the network failure.
	Network string
	// Offline and Online are the two builds' errors, OfflineOut and
	// OnlineOut their combined output.
	Offline, Online       error
	OfflineOut, OnlineOut []byte
}

func (e *Error) Error() string {
	if e.Kind == CargoMissing {
		return "cargo not found (not on PATH, nor in $CARGO_HOME/bin or ~/.cargo/bin)"
	}
	return fmt.Sprintf("cargo build --release failed in %s:\n--- offline: %v\n%s\n--- online: %v\n%s",
		e.Dir, e.Offline, LastLines(e.OfflineOut, 15), e.Online, LastLines(e.OnlineOut, 40))
}

// FindCargo returns the cargo executable: on PATH, else in $CARGO_HOME/bin
// or ~/.cargo/bin; "" if there is none.
func FindCargo() string {
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

// cacheDir returns the directory holding the project directories and the
// shared target directory.
func (p *Project) cacheDir() string {
	if p.CacheEnv != "" {
		if dir := os.Getenv(p.CacheEnv); dir != "" {
			return dir
		}
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	return filepath.Join(cache, p.CacheName)
}

// key hashes the files (in path order), cargo's version and Env.
func (p *Project) key(cargoVersion []byte) string {
	h := sha256.New()
	names := make([]string, 0, len(p.Files))
	for name := range p.Files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(h, "file %q %d\n", name, len(p.Files[name]))
		h.Write(p.Files[name])
	}
	fmt.Fprintf(h, "cargo %d\n", len(cargoVersion))
	h.Write(cargoVersion)
	for _, e := range p.Env {
		fmt.Fprintf(h, "env %q\n", e)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Build returns the path of the built binary, building it unless the
// cache already holds it; built says whether cargo ran. Failures of
// cargo itself are *Error.
func (p *Project) Build(ctx context.Context) (bin string, built bool, err error) {
	if p.Bin == "" || p.CacheName == "" {
		return "", false, errors.New("cargobuild: a Project needs a Bin and a CacheName")
	}
	for name := range p.Files {
		if !filepath.IsLocal(filepath.FromSlash(name)) {
			return "", false, fmt.Errorf("cargobuild: file %q is not a relative path inside the project", name)
		}
	}
	cargo := p.Cargo
	if cargo == "" {
		cargo = FindCargo()
	}
	if cargo == "" {
		return "", false, &Error{Kind: CargoMissing}
	}
	ver, err := exec.CommandContext(ctx, cargo, "--version").Output()
	if err != nil {
		return "", false, fmt.Errorf("%s --version: %w", cargo, err)
	}

	base := p.cacheDir()
	proj := filepath.Join(base, "proj-"+p.key(ver))
	bin = filepath.Join(proj, p.Bin)
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		return bin, false, nil
	}
	for name, data := range p.Files {
		if err := WriteFileAtomic(filepath.Join(proj, filepath.FromSlash(name)), data, 0o644); err != nil {
			return "", false, err
		}
	}
	target := filepath.Join(base, "target")
	run := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, cargo, args...)
		cmd.Dir = proj
		cmd.Env = append(os.Environ(), "CARGO_TARGET_DIR="+target, "CARGO_TERM_COLOR=never")
		cmd.Env = append(cmd.Env, p.Env...)
		return cmd.CombinedOutput()
	}
	if out, err := run("build", "--release", "--quiet", "--offline"); err != nil {
		out2, err2 := run("build", "--release", "--quiet")
		if err2 != nil {
			e := &Error{Kind: Failed, Dir: proj, Offline: err, Online: err2, OfflineOut: out, OnlineOut: out2}
			if line, ok := networkFailure(out2); ok {
				e.Kind, e.Network = NetworkUnreachable, line
			}
			return "", false, e
		}
	}
	exe, err := os.ReadFile(filepath.Join(target, "release", p.Bin))
	if err != nil {
		return "", false, err
	}
	if err := WriteFileAtomic(bin, exe, 0o755); err != nil {
		return "", false, err
	}
	return bin, true, nil
}

// networkErrors are what cargo prints when it cannot reach crates.io.
var networkErrors = []string{
	"Could not resolve host", "Couldn't resolve host", "failed to download",
	"network failure", "spurious network error", "Couldn't connect", "Connection refused",
	"Connection timed out", "Operation timed out", "Timeout was reached",
	"failed to query replaced source registry", "download of config.json failed",
	"failed to update registry", "unable to update registry", "SSL connect error",
	"failed to fetch", "Network is unreachable",
}

// networkFailure reports whether cargo's output out says crates.io could
// not be reached, and returns the first line that says so.
func networkFailure(out []byte) (line string, ok bool) {
	for _, s := range networkErrors {
		if bytes.Contains(out, []byte(s)) {
			return firstLine(out, s), true
		}
	}
	return "", false
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

// LastLines returns the last n lines of b.
func LastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// WriteFileAtomic writes through a temporary file and a rename, so two
// test processes building at once never see a half-written file. It makes
// the parent directories.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
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
