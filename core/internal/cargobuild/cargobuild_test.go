package cargobuild

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestHarnessCacheKey(t *testing.T) {
	ver := []byte("cargo 1.80.0 (376290515 2024-07-16)\n")
	p := func(files map[string][]byte, env ...string) *Project {
		return &Project{Files: files, Env: env, Bin: "x", CacheName: "x"}
	}
	base := p(map[string][]byte{"Cargo.toml": []byte("[package]\n"), "src/main.rs": []byte("fn main() {}\n")})
	k := base.key(ver)
	if len(k) != 16 {
		t.Fatalf("key %q: want 16 hex digits", k)
	}
	for range 20 { // map order must not matter
		if again := p(map[string][]byte{"src/main.rs": []byte("fn main() {}\n"), "Cargo.toml": []byte("[package]\n")}).key(ver); again != k {
			t.Fatalf("same project, keys %s and %s", k, again)
		}
	}
	for name, other := range map[string]string{
		"contents":     p(map[string][]byte{"Cargo.toml": []byte("[package]\n"), "src/main.rs": []byte("fn main() { }\n")}).key(ver),
		"path":         p(map[string][]byte{"Cargo.toml": []byte("[package]\n"), "src/lib.rs": []byte("fn main() {}\n")}).key(ver),
		"bytes moved":  p(map[string][]byte{"Cargo.toml": []byte("[package]\nfn main() {}\n"), "src/main.rs": nil}).key(ver),
		"extra file":   p(map[string][]byte{"Cargo.toml": []byte("[package]\n"), "src/main.rs": []byte("fn main() {}\n"), "Cargo.lock": nil}).key(ver),
		"cargo":        base.key([]byte("cargo 1.81.0 (2dbb1af80 2024-08-20)\n")),
		"env":          p(base.Files, "RUSTFLAGS=-C target-feature=+aes").key(ver),
		"no files yet": p(nil).key(ver),
	} {
		if other == k {
			t.Errorf("%s changed, key %s did not", name, k)
		}
	}
}

func TestHarnessNetworkFailure(t *testing.T) {
	for _, c := range []struct {
		out, line string
	}{
		{"    Updating crates.io index\nwarning: spurious network error (3 tries remaining): [6] Could not resolve host: index.crates.io\nerror: failed to get `pathmap` as a dependency\n",
			"warning: spurious network error (3 tries remaining): [6] Could not resolve host: index.crates.io"},
		{"error: failed to download from `https://static.crates.io/crates/sha2/0.10.8/download`\n\nCaused by:\n  [7] Couldn't connect to server\n",
			"error: failed to download from `https://static.crates.io/crates/sha2/0.10.8/download`"},
		{"  [7] Failed to connect to index.crates.io port 443: Connection refused\n", "[7] Failed to connect to index.crates.io port 443: Connection refused"},
		{"  [101] Network is unreachable", "[101] Network is unreachable"},
	} {
		line, ok := networkFailure([]byte(c.out))
		if !ok || line != c.line {
			t.Errorf("networkFailure(%q) = %q, %v; want %q, true", c.out, line, ok, c.line)
		}
	}
	for _, out := range []string{
		"",
		"error[E0425]: cannot find value `x` in this scope\n --> src/main.rs:1:13\n",
		"error: no matching package named `pathmap` found\nlocation searched: registry `crates-io`\n",
	} {
		if line, ok := networkFailure([]byte(out)); ok {
			t.Errorf("networkFailure(%q) = %q, true; want false", out, line)
		}
	}
}

func TestHarnessBuildError(t *testing.T) {
	e := &Error{Kind: Failed, Dir: "/c/proj-1", Offline: errors.New("exit status 101"), Online: errors.New("exit status 101"),
		OfflineOut: []byte("a\nb\n"), OnlineOut: []byte(strings.Repeat("x\n", 50) + "last\n")}
	msg := e.Error()
	if !strings.HasPrefix(msg, "cargo build --release failed in /c/proj-1:\n--- offline: exit status 101\na\nb\n--- online: exit status 101\n") ||
		!strings.HasSuffix(msg, "\nx\nlast") || strings.Count(msg, "x\n") != 39 {
		t.Errorf("Error() = %q", msg)
	}
	if got := LastLines([]byte("1\n2\n3\n"), 2); got != "2\n3" {
		t.Errorf("LastLines = %q", got)
	}
}

func TestHarnessCargoMissing(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("PATH", empty)
	t.Setenv("CARGO_HOME", empty)
	t.Setenv("HOME", empty)
	if c := FindCargo(); c != "" {
		t.Skipf("cargo found at %s with an empty PATH, CARGO_HOME and HOME", c)
	}
	p := &Project{Files: map[string][]byte{"Cargo.toml": nil}, CacheEnv: "CARGOBUILD_TEST_CACHE", CacheName: "x", Bin: "x"}
	t.Setenv("CARGOBUILD_TEST_CACHE", filepath.Join(empty, "cache"))
	_, built, err := p.Build(context.Background())
	var e *Error
	if !errors.As(err, &e) || e.Kind != CargoMissing || built {
		t.Fatalf("Build without cargo: %v, built %v; want a CargoMissing *Error", err, built)
	}
	if _, err := os.Stat(filepath.Join(empty, "cache")); err == nil {
		t.Error("Build without cargo wrote to the cache")
	}
}

func TestHarnessWriteFileAtomic(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a", "b", "f")
	if err := WriteFileAtomic(p, []byte("one"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(p, []byte("two"), 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || string(b) != "two" {
		t.Fatalf("read %q, %v", b, err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o755 {
		t.Errorf("mode %v", fi.Mode())
	}
	if ents, _ := os.ReadDir(filepath.Dir(p)); len(ents) != 1 {
		t.Errorf("%d entries left beside the file", len(ents))
	}
}

func TestHarnessRejectsPathsOutside(t *testing.T) {
	p := &Project{Files: map[string][]byte{"../Cargo.toml": nil}, CacheName: "x", Bin: "x", Cargo: "/nonexistent"}
	if _, _, err := p.Build(context.Background()); err == nil || !strings.Contains(err.Error(), "not a relative path") {
		t.Errorf("Build with ../Cargo.toml: %v", err)
	}
}

func TestModuleRoot(t *testing.T) {
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || !strings.HasPrefix(string(mod), "module github.com/polyfmt/polyfmt") {
		t.Fatalf("ModuleRoot() = %s: go.mod %q, %v", root, mod, err)
	}
}

func TestRunBin(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal(err)
	}
	if out := RunBin(t, sh, "sh", "-c", "printf '%s' \"$0\"", "hi"); string(out) != "hi" {
		t.Fatalf("RunBin printed %q", out)
	}
}
