//go:build unix

// Package killtest runs a format's kill -9 loop: a writer process (the
// test binary, re-executed into one of its own tests) commits to a file
// and reports each commit on stdout; the parent kills it with SIGKILL at
// seeded random points and, after each kill, lets the format check that
// every reported commit is in the file, intact.
//
// A format's test has two halves:
//
//	func TestKillLoopWriter(t *testing.T) {
//		path, sync, ok := killtest.WriterFile(env)
//		if !ok { t.Skip("the writer process of TestKillLoop") }
//		… open or create path, then for each commit n: killtest.Report(out, n, sum)
//	}
//
//	func TestKillLoop(t *testing.T) {
//		killtest.Run(t, killtest.Config{Env: env, Writer: "TestKillLoopWriter", …},
//			func(round int, reported map[uint64]string) { … open and compare … })
//	}
package killtest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// Config describes one kill loop.
type Config struct {
	Env    string // the environment variable that names the file for the writer
	Writer string // the test function that is the writer process
	Path   string // the file the writers share across rounds
	Rounds int    // kills
	Seed   uint64 // for the kill points
	// MaxReports: each round kills after 0 to MaxReports reported commits
	// (at least one while the file does not exist yet: creating a file is
	// not one of the commits a crash must keep), then a pause of up to
	// half a millisecond, so the signal lands anywhere in a commit.
	MaxReports int
}

// WriterFile is the writer process's side: the file to write and whether
// to fsync (odd rounds do: a kill then often lands inside a sync), or
// ok false when this is not a writer process.
func WriterFile(env string) (path string, sync, ok bool) {
	path = os.Getenv(env)
	return path, os.Getenv(env+"_SYNC") != "", path != ""
}

// Report is how a writer says commit n (whose content hashes to sum) has
// returned; it flushes at once, so that what the parent reads was said
// before the kill.
func Report(w *bufio.Writer, n uint64, sum [32]byte) {
	fmt.Fprintf(w, "committed %d %x\n", n, sum)
	w.Flush()
}

// Run runs the rounds. After each kill, check gets every commit any writer
// has reported so far (number → hex SHA-256), including lines printed
// before the signal that the parent read only after it; a line the kill cut
// short is not a report.
func Run(t *testing.T, c Config, check func(round int, reported map[uint64]string)) {
	t.Helper()
	if testing.Short() {
		t.Skipf("starts %d processes", c.Rounds)
	}
	rng := rand.New(rand.NewPCG(c.Seed, 0x6b696c6c))
	reported := map[uint64]string{}
	for round := range c.Rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^"+c.Writer+"$", "-test.count=1")
		cmd.Env = append(os.Environ(), c.Env+"="+c.Path)
		if round%2 == 1 {
			cmd.Env = append(cmd.Env, c.Env+"_SYNC=1")
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		kill := rng.IntN(c.MaxReports + 1)
		if _, err := os.Stat(c.Path); err != nil {
			kill = max(kill, 1)
		}
		pause := time.Duration(rng.IntN(500)) * time.Microsecond
		rd := bufio.NewReader(stdout)
		for range kill {
			line, err := rd.ReadString('\n')
			if err != nil {
				t.Fatalf("round %d: writer ended: %v %q\n%s", round, err, line, stderr.String())
			}
			record(t, reported, line)
		}
		time.Sleep(pause)
		cmd.Process.Signal(syscall.SIGKILL)
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				break
			}
			record(t, reported, line)
		}
		io.Copy(io.Discard, rd)
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("round %d: writer was not killed (%v)\n%s", round, err, stderr.String())
		}
		check(round, reported)
	}
}

func record(t *testing.T, reported map[uint64]string, line string) {
	t.Helper()
	var n uint64
	var sum string
	if _, err := fmt.Sscanf(line, "committed %d %s\n", &n, &sum); err != nil {
		t.Fatalf("writer said %q", line)
	}
	reported[n] = sum
}
