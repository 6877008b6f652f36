package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/mem8"
	"github.com/polyfmt/polyfmt/core/mmx"
	"github.com/polyfmt/polyfmt/core/mork"
	corpus "github.com/polyfmt/polyfmt/core/testdata/hostile"
)

// The hostile corpus (core/testdata/hostile, written by its gen/main.go)
// run through the built CLI: every file with every verb its manifest
// lists, each in its own process, asserting the exit status, that nothing
// panicked, and the process's peak RSS against the manifest's budget. The
// same files go through the Go API in-process (outcomes only), and through
// Python and JS in bindings/*/tests.

const hostileDir = "../../core/testdata/hostile"

func loadHostile(t *testing.T) *corpus.Manifest {
	t.Helper()
	m, err := corpus.Load(hostileDir)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// wants reports whether got (a code name or "ok") is what e allows: one
// name, or any of a list.
func wants(e any, got string) bool {
	switch v := e.(type) {
	case string:
		return v == got
	case []any:
		return slices.ContainsFunc(v, func(x any) bool { return x == got })
	}
	return false
}

func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	return errcode.Of(err).Name()
}

var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
)

// builtCLI builds this command once per test binary.
func builtCLI(t *testing.T) string {
	t.Helper()
	cliOnce.Do(func() {
		dir, err := os.MkdirTemp("", "polyfmt-cli-")
		if err != nil {
			cliErr = err
			return
		}
		cliPath = filepath.Join(dir, "polyfmt")
		goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, err := os.Stat(goTool); err != nil {
			goTool = "go"
		}
		out, err := exec.Command(goTool, "build", "-o", cliPath, ".").CombinedOutput()
		if err != nil {
			cliErr = errors.New(string(out))
		}
	})
	if cliErr != nil {
		t.Fatalf("go build: %v", cliErr)
	}
	return cliPath
}

// TestHostileCLI runs every verb of every case as its own process.
func TestHostileCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI")
	}
	m := loadHostile(t)
	cli := builtCLI(t)
	budgetKiB := int64(m.BudgetRSSMiB) << 10
	for _, c := range m.Cases {
		t.Run(c.Name, func(t *testing.T) {
			file, err := filepath.Abs(filepath.Join(hostileDir, c.File))
			if err != nil {
				t.Fatal(err)
			}
			verbs := make([]string, 0, len(c.Expect.CLI))
			for v := range c.Expect.CLI {
				verbs = append(verbs, v)
			}
			slices.Sort(verbs)
			for _, verb := range verbs {
				want := c.Expect.CLI[verb]
				dir := t.TempDir()
				var args []string
				out := ""
				switch verb {
				case "cat":
					args = []string{"cat", file, c.Chunk}
				case "convert":
					out = filepath.Join(dir, "out"+map[string]string{"mem8": ".json", "mem8-json": ".m8", "mmx": ".mmx", "mork": ".mtts"}[c.Format])
					args = []string{"convert", "-q", file, out}
				case "inspect":
					args = []string{"inspect", "-json", file}
				default:
					args = []string{verb, file}
				}
				code, stderr, rss := runMeasured(t, cli, args...)
				if code != want {
					t.Errorf("polyfmt %s: exit %d, want %d\n%s", verb, code, want, stderr)
				}
				for _, bad := range []string{"goroutine ", "panic:", "fatal error"} {
					if strings.Contains(stderr, bad) {
						t.Errorf("polyfmt %s: stderr has %q:\n%s", verb, bad, stderr)
					}
				}
				if rss > budgetKiB {
					t.Errorf("polyfmt %s: peak RSS %d KiB, budget %d KiB", verb, rss, budgetKiB)
				}
				if out != "" && code != 0 {
					// A failed conversion leaves nothing behind: no output, no temporary file.
					if left, _ := os.ReadDir(dir); len(left) != 0 {
						t.Errorf("polyfmt convert failed but left %v", left)
					}
				}
			}
		})
	}
}

// runMeasured runs the CLI and returns its exit status, stderr and peak RSS
// in KiB. A process still running after ten minutes is killed: a hang is a
// failure, not a measurement (no assertion is made on time).
func runMeasured(t *testing.T, cli string, args ...string) (int, string, int64) {
	t.Helper()
	cmd := exec.Command(cli, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = nil, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
		case <-time.After(10 * time.Minute):
			cmd.Process.Kill()
		}
	}()
	err := cmd.Wait()
	close(done)
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	st := cmd.ProcessState
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		t.Fatalf("polyfmt %s: killed by %v\n%s", strings.Join(args, " "), ws.Signal(), stderr.String())
	}
	return st.ExitCode(), stderr.String(), st.SysUsage().(*syscall.Rusage).Maxrss
}

// TestHostileGo runs the same files through the Go API in this process:
// the outcome of open, read, verify and import (memory is the CLI test's).
func TestHostileGo(t *testing.T) {
	m := loadHostile(t)
	for _, c := range m.Cases {
		t.Run(c.Name, func(t *testing.T) {
			path := filepath.Join(hostileDir, c.File)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			check := func(op string, want any, err error) {
				if want != nil && !wants(want, outcome(err)) {
					t.Errorf("%s: %v (%s), want %v", op, err, outcome(err), want)
				}
			}
			switch c.Format {
			case "mem8-json":
				f, _ := mem8.NewMem(nil, &mem8.Options{NoSync: true})
				n, err := mem8.ImportJSON(f, data, nil, nil)
				check("import", c.Expect.Import, err)
				if err != nil && (n != 0 || f.Count() != 0) {
					t.Errorf("a refused import appended %d blocks (reported %d)", f.Count(), n)
				}
			case "mem8":
				f, err := mem8.Open(path)
				check("open", c.Expect.Open, err)
				if err != nil {
					return
				}
				defer f.Close()
				if c.Expect.Blocks != nil && f.Count() != *c.Expect.Blocks {
					t.Errorf("open accepted %d blocks, want %d", f.Count(), *c.Expect.Blocks)
				}
				var rerr error
				for _, err := range f.Forward() {
					if err != nil {
						rerr = err
						break
					}
				}
				check("read", c.Expect.Read, rerr)
				check("verify", c.Expect.Verify, f.Verify())
			case "mmx":
				f, err := mmx.Open(path)
				check("open", c.Expect.Open, err)
				if err != nil {
					return
				}
				defer f.Close()
				_, _, rerr := f.ReadChunk(c.Chunk)
				if rerr == nil {
					if e, err := f.Entry(c.Chunk); err == nil && e.ChunkType == mmx.TypeEmbedding {
						_, rerr = f.ReadEmbedding(c.Chunk)
					}
				}
				check("read", c.Expect.Read, rerr)
				check("verify", c.Expect.Verify, f.Verify())
			case "mork":
				// Opened from its path (an ACT memory-mapped and read in
				// place) and from bytes: the same outcome.
				f, err := mork.Open(path)
				check("open", c.Expect.Open, err)
				g, berr := mork.OpenBytes(data, nil)
				check("open bytes", c.Expect.Open, berr)
				if err != nil || berr != nil {
					return
				}
				defer f.Close()
				defer g.Close()
				for _, f := range []*mork.File{f, g} {
					check("read", c.Expect.Read, readMORK(f))
					check("verify", c.Expect.Verify, f.Verify())
				}
			}
		})
	}
}

// readMORK is a MORK case's read: the path count, then every path and
// value, which must agree with it.
func readMORK(f *mork.File) error {
	n, err := f.Len()
	if err != nil {
		return err
	}
	var seen uint64
	if err := f.Walk(nil, func([]byte, uint64) error { seen++; return nil }); err != nil {
		return err
	}
	if seen != n {
		return fmt.Errorf("Len is %d, Walk yields %d paths", n, seen)
	}
	return nil
}

// TestHostileCorpusCurrent regenerates the corpus and compares it with the
// committed files, so the manifest and the generator never drift apart.
func TestHostileCorpusCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator")
	}
	dir := t.TempDir()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if out, err := exec.Command(goTool, "run", filepath.Join(hostileDir, "gen"), dir).CombinedOutput(); err != nil {
		t.Fatalf("gen: %v\n%s", err, out)
	}
	made, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, p := range made {
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(hostileDir, filepath.Base(p)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from what gen writes: run go generate ./core/testdata/hostile", filepath.Base(p))
		}
	}
}
