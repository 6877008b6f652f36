//go:build unix

package mem8

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/format"
	"github.com/polyfmt/polyfmt/core/internal/killtest"
)

// The kill -9 loop: a writer process (this test binary, re-executed)
// appends records to one file and prints "committed N <sha256>" after each
// append returns; the parent kills it with SIGKILL at seeded random
// points, then checks that every record the writer reported is there and
// intact, that at most the one append in flight is missing or extra, that
// a read-write open repairs the file so it verifies, and lets the next
// writer carry on from there.

const killLoopEnv = "POLYFMT_MEM8_KILLLOOP_FILE"

// killLoopContent is record n's content: its number and a filler whose
// length varies, so blocks differ in size and the filler reaches the tail.
func killLoopContent(n uint64) []byte {
	c := fmt.Appendf(nil, "record %d ", n)
	return append(c, bytes.Repeat([]byte{'a' + byte(n%26)}, int(n*37%3000))...)
}

// TestKillLoopWriter is the writer process; it does nothing unless
// re-executed by TestKillLoop.
func TestKillLoopWriter(t *testing.T) {
	path, sync, ok := killtest.WriterFile(killLoopEnv)
	if !ok {
		t.Skip("the writer process of TestKillLoop")
	}
	f := killtest.OpenWriter(format.ByID(FormatID), path, sync).(*File)
	w := bufio.NewWriter(os.Stdout)
	for n := f.Count(); ; n++ {
		c := killLoopContent(n)
		r := Record{Content: c, Importance: float32(n%100) / 100, Timestamp: 1_700_000_000_000_000 + n}
		if n%7 == 3 {
			r.Token = "tok" + strconv.FormatUint(n%5, 10) // some blocks define tokens
		}
		if _, err := f.AppendRecord(r); err != nil {
			killtest.Fail(err)
		}
		killtest.Report(w, n, sha256.Sum256(c))
	}
}

func TestKillLoop(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kill.m8")
	st := killtest.Run(t, killtest.Config{Env: killLoopEnv, Writer: "TestKillLoopWriter", Path: path, Rounds: 25, Seed: 8, MaxReports: 40},
		func(round int, reported map[uint64]string, kept uint64) (uint64, bool) {
			kept, rec := killLoopCheck(t, round, path, reported, kept)
			return kept, rec.Clean()
		})
	if st.Reports < 100 {
		t.Errorf("only %d records were committed over the rounds", st.Reports)
	}
}

// killLoopCheck opens the file a writer was killed over: read-only, every
// reported record (and every block an earlier round kept) intact, and at
// most one more, the append in flight, whose report the kill cut off;
// read-write, repaired and verified. It returns the blocks the file keeps
// and what the read-only open recovered.
func killLoopCheck(t *testing.T, round int, path string, reported map[uint64]string, kept uint64) (uint64, Recovery) {
	t.Helper()
	most := kept // blocks the file must have
	for n := range reported {
		most = max(most, n+1)
	}
	r, err := Open(path)
	if err != nil {
		if most == 0 {
			return 0, Recovery{} // killed before the file was even created whole
		}
		t.Fatalf("round %d: read-only open after kill: %v", round, err)
	}
	if c := r.Count(); c < most || c > most+1 {
		t.Fatalf("round %d: %d blocks, writers reported %d (recovery %+v)", round, c, most, r.Recovery())
	}
	for i := uint64(0); i < r.Count(); i++ {
		b, err := r.Block(i)
		if err != nil {
			t.Fatalf("round %d: block %d: %v", round, i, err)
		}
		sum := sha256.Sum256(b.Content)
		if want, ok := reported[i]; (ok && hex.EncodeToString(sum[:]) != want) || !bytes.Equal(b.Content, killLoopContent(i)) {
			t.Fatalf("round %d: block %d is not what was committed", round, i)
		}
		if strings.HasPrefix(b.Token, "tok") != (i%7 == 3) {
			t.Fatalf("round %d: block %d token %q", round, i, b.Token)
		}
	}
	n, rec := r.Count(), r.Recovery()
	r.Close()
	w, err := OpenFile(path, os.O_RDWR, nil)
	if err != nil {
		t.Fatalf("round %d: read-write open: %v", round, err)
	}
	if w.Count() != n {
		t.Fatalf("round %d: read-write open kept %d blocks, read-only %d", round, w.Count(), n)
	}
	if err := w.Verify(); err != nil {
		t.Fatalf("round %d: verify after repair: %v", round, err)
	}
	w.Close()
	return n, rec
}
