//go:build unix

package vsf

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/format"
	"github.com/polyfmt/polyfmt/core/internal/killtest"
)

// The kill -9 loop: a writer process (this test binary, re-executed)
// adds one section per commit and prints "committed N <sha256>" after each
// Commit returns; the parent kills it at seeded random points and checks
// that the file opens, verifies, and holds every reported commit and at
// most the one in flight: a prefix of the commits, nothing torn.

const killLoopEnv = "POLYFMT_VSF_KILLLOOP_FILE"

// killText is commit n's text.
func killText(n int) string {
	return fmt.Sprintf("commit %d ", n) + strings.Repeat(string(rune('a'+n%26)), n*37%300)
}

func killName(n int) string { return fmt.Sprintf("c%05d", n) }

// TestKillLoopWriter is the writer process; it does nothing unless
// re-executed by TestKillLoop.
func TestKillLoopWriter(t *testing.T) {
	path, sync, ok := killtest.WriterFile(killLoopEnv)
	if !ok {
		t.Skip("the writer process of TestKillLoop")
	}
	f := killtest.OpenWriter(format.ByID(FormatID), path, sync).(*File)
	w := bufio.NewWriter(os.Stdout)
	for n := len(f.Labels()); ; n++ {
		b, err := f.Builder()
		if err != nil {
			killtest.Fail(err)
		}
		s, err := b.Section(killName(n))
		if err == nil {
			err = s.Add("n", U('6', uint64(n)))
		}
		if err == nil {
			err = s.Add("text", Text(killText(n)))
		}
		if err == nil {
			err = s.Hash(AlgSHA256, 0)
		}
		if err == nil && n%3 == 0 {
			err = s.Compress(true)
		}
		if err == nil {
			err = f.Commit()
		}
		if err != nil {
			killtest.Fail(err)
		}
		killtest.Report(w, uint64(n), sha256.Sum256([]byte(killText(n))))
	}
}

func TestKillLoop(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kill.vsf")
	killtest.Run(t, killtest.Config{Env: killLoopEnv, Writer: "TestKillLoopWriter", Path: path, Rounds: 24, Seed: 11, MaxReports: 10},
		func(round int, reported map[uint64]string, kept uint64) (uint64, bool) {
			most := kept
			for n := range reported {
				most = max(most, n+1)
			}
			f, err := Open(path)
			if err != nil {
				t.Fatalf("round %d: open after the kill: %v", round, err)
			}
			defer f.Close()
			if err := f.Verify(); err != nil {
				t.Fatalf("round %d: verify after the kill: %v", round, err)
			}
			ls := f.Labels()
			n := uint64(len(ls))
			if n < most || n > most+1 {
				t.Fatalf("round %d: %d commits in the file, writers reported %d", round, n, most)
			}
			for i, l := range ls {
				if l.Name != killName(i) {
					t.Fatalf("round %d: section %d is %q", round, i, l.Name)
				}
				v, err := f.Lookup(l.Name + ".n")
				if err != nil || v != U('6', uint64(i)) {
					t.Fatalf("round %d: %s.n = %v, %v", round, l.Name, v, err)
				}
				txt, err := f.Lookup(l.Name + ".text")
				sum := sha256.Sum256([]byte(killText(i)))
				if want, ok := reported[uint64(i)]; err != nil || txt != Text(killText(i)) || ok && want != hex.EncodeToString(sum[:]) {
					t.Fatalf("round %d: %s.text is not what was committed (%v)", round, l.Name, err)
				}
			}
			return n, true
		})
	if l, _ := filepath.Glob(path + ".commit-*"); len(l) > 1 {
		t.Fatalf("temporary files pile up: %v", l)
	}
}
