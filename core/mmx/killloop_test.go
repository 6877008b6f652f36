//go:build unix

package mmx

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
// commits transactions of two chunks each to one file and prints
// "committed N <sha256>" after each Commit returns; the parent kills it
// with SIGKILL at seeded random points, then checks that every transaction
// the writer reported is there and intact, that each is all there or not at
// all, that at most the one in flight is missing or extra, that a
// read-write open repairs the file so it verifies, and lets the next writer
// carry on from there.

const killLoopEnv = "POLYFMT_MMX_KILLLOOP_FILE"

// killLoopText is transaction n's Text chunk; its Tensor chunk holds n.
func killLoopText(n int) string {
	return fmt.Sprintf("transaction %d ", n) + strings.Repeat(string(rune('a'+n%26)), n*53%2000)
}

var killLoopCodecs = []Compression{Raw, LZ4, Zlib, Zstd}

// TestKillLoopWriter is the writer process; it does nothing unless
// re-executed by TestKillLoop.
func TestKillLoopWriter(t *testing.T) {
	path, sync, ok := killtest.WriterFile(killLoopEnv)
	if !ok {
		t.Skip("the writer process of TestKillLoop")
	}
	f := killtest.OpenWriter(format.ByID(FormatID), path, sync).(*File)
	w := bufio.NewWriter(os.Stdout)
	for n := f.Len() / 2; ; n++ {
		text := killLoopText(n)
		o := &WriteOptions{Compression: killLoopCodecs[n%len(killLoopCodecs)]}
		err := f.WriteText(fmt.Sprintf("tx/%05d/text", n), &Text{Content: text}, o)
		if err == nil {
			err = f.WriteTensor(fmt.Sprintf("tx/%05d/n", n), Float32Tensor([]uint64{2}, []float32{float32(n), -float32(n)}), o)
		}
		if err == nil {
			err = f.Commit()
		}
		if err != nil {
			killtest.Fail(err)
		}
		killtest.Report(w, uint64(n), sha256.Sum256([]byte(text)))
	}
}

func TestKillLoop(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kill.mmx")
	killtest.Run(t, killtest.Config{Env: killLoopEnv, Writer: "TestKillLoopWriter", Path: path, Rounds: 25, Seed: 8, MaxReports: 12},
		func(round int, reported map[uint64]string, kept uint64) (uint64, bool) {
			n, rec := killLoopCheck(t, round, path, reported, int(kept))
			return uint64(n), rec.Clean()
		})
}

// killLoopCheck opens the file a writer was killed over: read-only, every
// reported transaction (and every one an earlier round kept) whole and
// intact, each transaction all there or absent, at most one more than
// reported; read-write, repaired, then verified. It returns the
// transactions the file keeps and what the read-only open recovered.
func killLoopCheck(t *testing.T, round int, path string, reported map[uint64]string, kept int) (int, Recovery) {
	t.Helper()
	most := kept
	for n := range reported {
		most = max(most, int(n)+1)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatalf("round %d: read-only open after kill: %v", round, err)
	}
	if r.Len()%2 != 0 {
		t.Fatalf("round %d: %d chunks: a transaction is half there", round, r.Len())
	}
	n := r.Len() / 2
	if n < most || n > most+1 {
		t.Fatalf("round %d: %d transactions, writers reported %d (recovery %+v)", round, n, most, r.Recovery())
	}
	for i := range n {
		txt, err := r.ReadText(fmt.Sprintf("tx/%05d/text", i))
		if err != nil {
			t.Fatalf("round %d: transaction %d text: %v", round, i, err)
		}
		sum := sha256.Sum256([]byte(txt.Content))
		if want, ok := reported[uint64(i)]; (ok && hex.EncodeToString(sum[:]) != want) || txt.Content != killLoopText(i) {
			t.Fatalf("round %d: transaction %d text is not what was committed", round, i)
		}
		ten, err := r.ReadTensor(fmt.Sprintf("tx/%05d/n", i))
		if err != nil {
			t.Fatalf("round %d: transaction %d tensor: %v", round, i, err)
		}
		if v, _ := ten.Float32s(); len(v) != 2 || v[0] != float32(i) || v[1] != -float32(i) {
			t.Fatalf("round %d: transaction %d tensor %v", round, i, v)
		}
	}
	rec := r.Recovery()
	r.Close()
	w, err := OpenFile(path, os.O_RDWR, nil)
	if err != nil {
		t.Fatalf("round %d: read-write open: %v", round, err)
	}
	if w.Len() != 2*n {
		t.Fatalf("round %d: read-write open kept %d chunks, read-only %d", round, w.Len(), 2*n)
	}
	w.Close()
	v, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Recovery().Clean() {
		t.Fatalf("round %d: still needs recovery after the read-write open: %+v", round, v.Recovery())
	}
	if err := v.Verify(); err != nil {
		t.Fatalf("round %d: verify after repair: %v", round, err)
	}
	v.Close()
	return n, rec
}
