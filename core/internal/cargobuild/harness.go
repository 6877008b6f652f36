package cargobuild

import (
	"bytes"
	"context"
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

// Harness is a cargo project kept in the repository beside the Go package
// that drives it (a peer's crate wrapped in a small command-line program),
// built at most once per test process. Tests and benchmarks call Bin or
// Run; the harness is skipped only when it cannot be built here for a
// reason outside the repository (no cargo, or crates.io out of reach with
// the crates not in cargo's cache), and any other failure fails the test.
type Harness struct {
	// Name is the harness's name in messages (its binary's, usually).
	Name string
	// Dir is its directory, slash-separated from the module root.
	Dir string
	// Sources are the files under Dir that make the project, all hashed.
	Sources []string
	// Project says how to build it; Files is filled from Sources.
	Project Project
	// Skipped says what is skipped without the harness ("the pathmap
	// 0.3.5 interop tests"), and Crates what must come from crates.io
	// ("pathmap 0.3.5").
	Skipped, Crates string

	once sync.Once
	bin  string
	skip string
	err  error
}

// Bin returns the built harness, building it on first use.
func (h *Harness) Bin(tb testing.TB) string {
	tb.Helper()
	h.once.Do(func() { h.bin, h.skip, h.err = h.build() })
	if h.skip != "" {
		tb.Skip(h.Name + " skipped: " + h.skip)
	}
	if h.err != nil {
		tb.Fatalf("%s: %v", h.Name, h.err)
	}
	return h.bin
}

// Run runs the harness with args and returns its standard output; a
// failure fails tb.
func (h *Harness) Run(tb testing.TB, args ...string) []byte {
	tb.Helper()
	return RunBin(tb, h.Bin(tb), h.Name, args...)
}

// RunBin runs bin with args and returns its standard output; a failure
// fails tb, with what the program wrote to standard error.
func RunBin(tb testing.TB, bin, name string, args ...string) []byte {
	tb.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes()
}

func (h *Harness) build() (bin, skip string, err error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", "", err
	}
	dir := filepath.Join(root, filepath.FromSlash(h.Dir))
	p := h.Project
	p.Files = make(map[string][]byte, len(h.Sources))
	for _, name := range h.Sources {
		if p.Files[name], err = os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			return "", "", err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bin, _, err = p.Build(ctx)
	var be *Error
	if errors.As(err, &be) {
		switch be.Kind {
		case CargoMissing:
			return "", fmt.Sprintf("%v; install Rust to run %s", be, h.Skipped), nil
		case NetworkUnreachable:
			return "", fmt.Sprintf("crates.io cannot be reached and %s is not in cargo's cache (%s)", h.Crates, be.Network), nil
		}
	}
	if err != nil {
		return "", "", err
	}
	return bin, "", nil
}

// ModuleRoot is the directory holding the module's go.mod: found from
// this file's own path (three levels below it), else by walking up from
// the working directory (a test's is its package directory).
func ModuleRoot() (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok {
		root := filepath.Join(filepath.Dir(file), "..", "..", "..")
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			return filepath.Clean(root), nil
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
