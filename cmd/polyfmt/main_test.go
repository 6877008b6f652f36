package main

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

const vec = "../../core/testdata/mem8/"

func TestInspect(t *testing.T) {
	code, out, _ := runCLI("inspect", vec+"polyfmt_chain_tokens.m8", "-blocks", "2")
	if code != 0 || !strings.Contains(out, "hash_chain, header_crc, tokens") || !strings.Contains(out, `"binary"`) ||
		!strings.Contains(out, "newest 2 block(s)") || strings.Contains(out, "#2 ") {
		t.Fatalf("%d\n%s", code, out)
	}
	code, out, _ = runCLI("inspect", vec+"torn_tail.m8")
	if code != 0 || !strings.Contains(out, "an append cut short") {
		t.Fatalf("torn: %d\n%s", code, out)
	}
	code, out, _ = runCLI("inspect", "-json", vec+"three_blocks_fixed_ts.m8")
	if code != 0 || !strings.Contains(out, `"block_count": 3`) {
		t.Fatalf("json: %d\n%s", code, out)
	}
}

func TestVerify(t *testing.T) {
	cases := map[string]struct {
		code int
		text string
	}{
		"three_blocks_fixed_ts.m8": {0, "OK, 3 blocks verified"},
		"broken_chain.m8":          {1, "FAILED at block 2 of 5: prev_hash"},
		"tampered_content.m8":      {1, "FAILED at block 1 of 3: wave signature"},
		"bad_header_crc.m8":        {1, "FAILED: mem8: verify: header: crc32"},
		"bad_version.m8":           {1, "version 2"},
		"short_header.m8":          {1, "shorter than the 30-byte header"},
		"bad_magic.m8":             {1, "not a file polyfmt knows"},
		"missing.m8":               {1, "no such file"},
	}
	for file, c := range cases {
		code, out, errs := runCLI("verify", vec+file)
		if code != c.code || !strings.Contains(out+errs, c.text) {
			t.Errorf("%s: %d %q %q, want %d %q", file, code, out, errs, c.code, c.text)
		}
	}
}

// A torn append after intact blocks: verify checks the blocks, says what a
// writer drops, exit 3; the same with a damaged block is exit 1.
func TestVerifyTornTail(t *testing.T) {
	code, out, errs := runCLI("verify", vec+"torn_tail.m8")
	if code != exitUnfinished || !strings.Contains(out, "committed state OK, 5 blocks verified; 20510 bytes committed\n") ||
		!strings.Contains(out, "UNFINISHED: 2000 bytes past block 5 (an append cut short); a writable open drops 2000 bytes") {
		t.Fatalf("torn: %d %q %q", code, out, errs)
	}
	b, err := os.ReadFile(vec + "torn_tail.m8")
	if err != nil {
		t.Fatal(err)
	}
	b[30+4096+200] ^= 0x01 // inside block 1's content
	bad := filepath.Join(t.TempDir(), "torn_bad.m8")
	os.WriteFile(bad, b, 0o644)
	if code, out, errs := runCLI("verify", bad); code != exitFailed || !strings.Contains(errs, "FAILED at block 1 of 5") || out != "" {
		t.Fatalf("torn and damaged: %d %q %q", code, out, errs)
	}
	if code, out, _ := runCLI("verify", vec+"three_blocks_fixed_ts.m8"); code != exitOK || !strings.Contains(out, "OK, 3 blocks verified; ") {
		t.Fatalf("clean: %d %q", code, out)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"frob"}, {"inspect"}, {"verify", "a", "b"}, {"convert", "x"}, {"inspect", "-nope", "f"}} {
		if code, _, errs := runCLI(args...); code != 2 || !strings.Contains(errs, "usage") {
			t.Errorf("%q: %d %q", args, code, errs)
		}
	}
}

func TestConvertRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src := vec + "polyfmt_chain_tokens.m8"
	js := filepath.Join(dir, "out.json")
	back := filepath.Join(dir, "back.m8")
	if code, out, errs := runCLI("convert", src, js); code != 0 || !strings.Contains(out, "5 blocks as JSON") {
		t.Fatalf("%d %s %s", code, out, errs)
	}
	if code, out, errs := runCLI("convert", "-q", js, back); code != 0 || !strings.Contains(out, "5 blocks") {
		t.Fatalf("%d %s %s", code, out, errs)
	}
	a, _ := os.ReadFile(src)
	b, _ := os.ReadFile(back)
	// The export carries identity 432 Hz but not the temporal phase's
	// meaning for the writer; the blocks must match byte for byte.
	if !bytes.Equal(a[30:], b[30:]) {
		t.Fatal("blocks differ after .m8 → JSON → .m8")
	}
	if code, _, errs := runCLI("convert", src, js); code != 1 || !strings.Contains(errs, "exists") {
		t.Fatalf("overwrite: %d %s", code, errs)
	}
}

func TestConvertSeedContexts(t *testing.T) {
	dir := t.TempDir()
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(`{"contexts":[{"a":1,"score":0.9},{"b":2}]}`))
	zw.Close()
	in := filepath.Join(dir, "ctx.json.z")
	os.WriteFile(in, z.Bytes(), 0o644)
	out := filepath.Join(dir, "ctx.m8")
	code, stdout, errs := runCLI("convert", in, out)
	if code != 0 || !strings.Contains(stdout, "2 blocks") || !strings.Contains(errs, "converting: 2/2") {
		t.Fatalf("%d %q %q", code, stdout, errs)
	}
	if code, stdout, _ := runCLI("verify", out); code != 0 || !strings.Contains(stdout, "OK, 2 blocks") {
		t.Fatalf("verify converted: %d %s", code, stdout)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"contexts": [`), 0o644)
	badOut := filepath.Join(dir, "bad.m8")
	if code, _, errs := runCLI("convert", bad, badOut); code != 1 || !strings.Contains(errs, "nothing written") {
		t.Fatalf("bad JSON: %d %s", code, errs)
	}
	if _, err := os.Stat(badOut); !os.IsNotExist(err) {
		t.Fatal("a failed conversion left its output behind")
	}
}

// Regression: convert created OUT and appended to it in place, so a
// conversion killed part-way left a partial .m8 (a killed 65 KB repro left
// 11 GB). It now writes a temporary file and renames it when complete.
func TestConvertKilledLeavesNoOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI")
	}
	cli := builtCLI(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "big.json")
	var doc bytes.Buffer
	doc.WriteString(`{"contexts":[`)
	for i := range 300000 {
		if i > 0 {
			doc.WriteByte(',')
		}
		fmt.Fprintf(&doc, `{"i":%d}`, i)
	}
	doc.WriteString(`]}`)
	if err := os.WriteFile(in, doc.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.m8")
	cmd := exec.Command(cli, "convert", in, out)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill at the first progress report: blocks are being written.
	buf := make([]byte, 256)
	var seen []byte
	for !bytes.Contains(seen, []byte("converting: ")) {
		n, err := stderr.Read(buf)
		if err != nil {
			t.Fatalf("convert ended before reporting progress: %v %q", err, seen)
		}
		seen = append(seen, buf[:n]...)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	io.Copy(io.Discard, stderr)
	cmd.Wait()
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("a killed convert left %s (%v)", out, err)
	}
}
