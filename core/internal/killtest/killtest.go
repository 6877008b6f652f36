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
//		f := killtest.OpenWriter(format, path, sync).(*File)
//		… for each commit n: killtest.Report(out, n, sum) (killtest.Fail on an error)
//	}
//
//	func TestKillLoop(t *testing.T) {
//		st := killtest.Run(t, killtest.Config{Env: env, Writer: "TestKillLoopWriter", …},
//			func(round int, reported map[uint64]string, kept uint64) (uint64, bool) {
//				… open and compare; return the commits the file keeps, and
//				whether the read-only open found it clean …
//			})
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

	"github.com/polyfmt/polyfmt/core/format"
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

// OpenWriter is the writer process's file: path created as format fm when
// it does not exist yet, else opened for writing (its torn tail repaired),
// with fsync at every commit or not as the round says. A failure ends the
// process (Fail).
func OpenWriter(fm *format.Format, path string, sync bool) format.File {
	opts := []byte(fmt.Sprintf(`{"no_sync":%t}`, !sync))
	var f format.File
	var err error
	if _, serr := os.Stat(path); serr != nil {
		f, err = fm.Create(path, opts)
	} else {
		f, err = fm.Open(path, true, opts)
	}
	if err != nil {
		Fail(err)
	}
	return f
}

// Fail ends a writer process over err, with a line the runner shows.
func Fail(err error) {
	fmt.Printf("error %v\n", err)
	os.Exit(2)
}

// Report is how a writer says commit n (whose content hashes to sum) has
// returned; it flushes at once, so that what the parent reads was said
// before the kill.
func Report(w *bufio.Writer, n uint64, sum [32]byte) {
	fmt.Fprintf(w, "committed %d %x\n", n, sum)
	w.Flush()
}

// Stats is what the rounds saw.
type Stats struct {
	Kept       uint64 // commits the file held after the last round
	Torn       int    // rounds whose kill left an unfinished commit (recovery was not clean)
	Unreported int    // rounds that kept a commit whose report the kill cut off
	Reports    int    // commits reported over all rounds
}

// Run runs the rounds. After each kill, check gets every commit any writer
// has reported so far (number → hex SHA-256), including lines printed
// before the signal that the parent read only after it (a line the kill cut
// short is not a report), and the commits the file kept after the last
// round; it returns how many the file keeps now and whether the read-only
// open found the file clean. Run logs and returns the counts.
func Run(t *testing.T, c Config, check func(round int, reported map[uint64]string, kept uint64) (uint64, bool)) Stats {
	t.Helper()
	if testing.Short() {
		t.Skipf("starts %d processes", c.Rounds)
	}
	var st Stats
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
		before := st.Kept
		var clean bool
		st.Kept, clean = check(round, reported, before)
		if !clean {
			st.Torn++
		}
		if _, ok := reported[st.Kept-1]; !ok && st.Kept > before {
			st.Unreported++
		}
		st.Reports = len(reported)
	}
	t.Logf("%d kills: %d commits kept, %d kills left one unfinished, %d a commit whose report was cut off", c.Rounds, st.Kept, st.Torn, st.Unreported)
	return st
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
