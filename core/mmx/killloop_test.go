package mmx

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
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
	path := os.Getenv(killLoopEnv)
	if path == "" {
		t.Skip("the writer process of TestKillLoop")
	}
	opt := &Options{NoSync: os.Getenv(killLoopEnv+"_SYNC") == "", Creator: "killloop"}
	var f *File
	var err error
	if _, serr := os.Stat(path); serr != nil {
		f, err = Create(path, opt)
	} else {
		f, err = OpenFile(path, os.O_RDWR, opt)
	}
	if err != nil {
		fmt.Printf("error %v\n", err)
		os.Exit(2)
	}
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
			fmt.Printf("error %v\n", err)
			os.Exit(2)
		}
		sum := sha256.Sum256([]byte(text))
		fmt.Fprintf(w, "committed %d %x\n", n, sum)
		w.Flush()
	}
}

func TestKillLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 25 processes")
	}
	path := filepath.Join(t.TempDir(), "kill.mmx")
	rng := rand.New(rand.NewPCG(8, 0x6d6d78))
	reported := map[int]string{} // every transaction any writer reported
	kept := 0                    // transactions the file held after the last round's repair
	var torn, unreported int
	for round := range 25 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillLoopWriter$", "-test.count=1")
		cmd.Env = append(os.Environ(), killLoopEnv+"="+path)
		if round%2 == 1 {
			cmd.Env = append(cmd.Env, killLoopEnv+"_SYNC=1") // the kill often lands in a sync
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
		// Kill after 0 to 12 reported commits and a pause of up to half a
		// millisecond, so the signal lands anywhere in a commit.
		kill := rng.IntN(13)
		if kept == 0 {
			kill = max(kill, 1) // Create itself is not crash-atomic: let the file exist first
		}
		pause := time.Duration(rng.IntN(500)) * time.Microsecond
		rd := bufio.NewReader(stdout)
		for lines := 0; lines < kill; lines++ {
			line, err := rd.ReadString('\n')
			if err != nil {
				t.Fatalf("round %d: writer ended: %v %q\n%s", round, err, line, stderr.String())
			}
			killLoopRecord(t, reported, line)
		}
		time.Sleep(pause)
		cmd.Process.Signal(syscall.SIGKILL)
		for { // lines printed before the signal are commits too; a cut one is not
			line, err := rd.ReadString('\n')
			if err != nil {
				break
			}
			killLoopRecord(t, reported, line)
		}
		io.Copy(io.Discard, rd)
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("round %d: writer was not killed (%v)\n%s", round, err, stderr.String())
		}
		before := kept
		var rec Recovery
		kept, rec = killLoopCheck(t, round, path, reported, kept)
		if !rec.Clean() {
			torn++
		}
		if _, ok := reported[kept-1]; !ok && kept > before {
			unreported++
		}
	}
	t.Logf("25 kills: %d transactions kept, %d kills left a torn commit, %d a commit whose report was cut off", kept, torn, unreported)
}

func killLoopRecord(t *testing.T, reported map[int]string, line string) {
	t.Helper()
	var n int
	var sum string
	if _, err := fmt.Sscanf(line, "committed %d %s\n", &n, &sum); err != nil {
		t.Fatalf("writer said %q", line)
	}
	reported[n] = sum
}

// killLoopCheck opens the file a writer was killed over: read-only, every
// reported transaction (and every one an earlier round kept) whole and
// intact, each transaction all there or absent, at most one more than
// reported; read-write, repaired, then verified. It returns the
// transactions the file keeps and what the read-only open recovered.
func killLoopCheck(t *testing.T, round int, path string, reported map[int]string, kept int) (int, Recovery) {
	t.Helper()
	most := kept
	for n := range reported {
		most = max(most, n+1)
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
		if want, ok := reported[i]; (ok && hex.EncodeToString(sum[:]) != want) || txt.Content != killLoopText(i) {
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
