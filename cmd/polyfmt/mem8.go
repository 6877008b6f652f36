package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/polyfmt/polyfmt/core/ffi"
	"github.com/polyfmt/polyfmt/core/mem8"
)

func cmdInspect(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("inspect", stderr)
	asJSON := fs.Bool("json", false, "print the header and recovery report as JSON")
	nBlocks := fs.Int("blocks", 10, "how many of the newest blocks to list (0: none, -1: all)")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	path := pos[0]
	f, err := openMem8(path, "inspect")
	if err != nil {
		return err
	}
	defer f.Close()
	info := ffi.Mem8Info(f)
	if *asJSON {
		return jsonOut(stdout, info, true)
	}
	fmt.Fprintf(stdout, "%s: MEM8 version %d\n", path, info.Version)
	flags := strings.Join(info.FlagNames, ", ")
	if flags == "" {
		flags = "none (seed format)"
	}
	fmt.Fprintf(stdout, "  flags           %#02x %s\n", info.Flags, flags)
	fmt.Fprintf(stdout, "  blocks          %d\n", info.BlockCount)
	fmt.Fprintf(stdout, "  identity_freq   %g Hz\n", info.IdentityFreq)
	fmt.Fprintf(stdout, "  temporal_phase  %g\n", info.TemporalPhase)
	fmt.Fprintf(stdout, "  crc32           %08x\n", info.CRC32)
	if len(info.Tokens) > 0 {
		fmt.Fprintf(stdout, "  tokens          %d dynamic: %s\n", len(info.Tokens), strings.Join(quoteAll(info.Tokens), " "))
	}
	if info.Recovery.Clean {
		fmt.Fprintf(stdout, "  recovery        clean\n")
	} else {
		fmt.Fprintf(stdout, "  recovery        %s (header said %d blocks); open for writing to repair\n", info.Recovery.Reason, info.Recovery.HeaderBlocks)
	}
	n := uint64(*nBlocks)
	if *nBlocks < 0 || n > f.Count() {
		n = f.Count()
	}
	if n > 0 {
		fmt.Fprintf(stdout, "newest %d block(s):\n", n)
	}
	var shown uint64
	for b, err := range f.Backward() {
		if shown == n {
			break
		}
		if err != nil {
			return err
		}
		tok := ""
		if b.Token != "" {
			tok = " token=" + strconv.Quote(b.Token)
		}
		fmt.Fprintf(stdout, "  #%-6d %s imp=%.4f sig=%s%s  %s\n", b.Index,
			b.Time().UTC().Format(time.RFC3339Nano), b.ImportanceValue(), hex.EncodeToString(b.WaveSignature[:4]), tok, preview(b.Content))
		shown++
	}
	return nil
}

// openMem8 opens path read-only for cmd after checking its first bytes.
func openMem8(path, cmd string) (*mem8.File, error) {
	fm, err := detectFile(path)
	if err != nil {
		return nil, err
	}
	if fm != MEM8 {
		return nil, fmt.Errorf("%s: %s input; %s reads .m8 files (convert it first)", path, fm, cmd)
	}
	return mem8.Open(path)
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

// preview is a one-line view of content.
func preview(c []byte) string {
	const max = 60
	if !utf8.Valid(c) {
		return fmt.Sprintf("(%d bytes binary) %x", len(c), c[:min(len(c), 16)])
	}
	s := strings.Join(strings.Fields(string(c)), " ")
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return strconv.Quote(s)
}

// cmdVerify checks every block and says what a writer would drop: exit 0
// when the file is intact and clean, 3 (errUnfinished) when its blocks are
// intact and a torn append follows them, 1 when it is damaged.
func cmdVerify(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("verify", stderr)
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	path := pos[0]
	f, err := openMem8(path, "verify")
	if err != nil {
		return err
	}
	defer f.Close()
	rec := f.Recovery()
	size := int64(-1)
	if fi, err := os.Stat(path); err == nil {
		size = fi.Size()
	}
	if err := f.VerifyCommitted(); err != nil {
		var ve *mem8.VerifyError
		if errors.As(err, &ve) && ve.Block >= 0 {
			return fmt.Errorf("%s: FAILED at block %d of %d: %s", path, ve.Block, f.Count(), ve.Reason)
		}
		return fmt.Errorf("%s: FAILED: %v", path, err)
	}
	committed := size - rec.DroppedBytes
	if rec.Clean() || rec.Repaired {
		fmt.Fprintf(stdout, "%s: OK, %d blocks verified; %d bytes committed\n", path, f.Count(), committed)
		return nil
	}
	fmt.Fprintf(stdout, "%s: committed state OK, %d blocks verified; %d bytes committed\n", path, f.Count(), committed)
	fmt.Fprintf(stdout, "%s: UNFINISHED: %s; a writable open drops %d bytes\n", path, rec.Reason, rec.DroppedBytes)
	return errUnfinished
}

func cmdConvert(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("convert", stderr)
	plain := fs.Bool("plain", false, "JSON → .m8: write the seed's plain format (flags 0)")
	freq := fs.Float64("freq", 0, "JSON → .m8: identity frequency (default 440, or the export's)")
	quiet := fs.Bool("q", false, "no progress output")
	pos, err := parse(fs, args, 2)
	if err != nil {
		return err
	}
	in, out := pos[0], pos[1]
	fm, err := detectFile(in)
	if err != nil {
		return err
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s exists; remove it first (convert never overwrites)", out)
	}
	switch fm {
	case MEM8:
		f, err := mem8.Open(in)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := mem8.ExportJSON(f)
		if err != nil {
			return err
		}
		if err := os.WriteFile(out, doc, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s → %s: %d blocks as JSON\n", in, out, f.Count())
		return nil
	default:
		return convertJSON(in, out, &mem8.Options{Plain: *plain, IdentityFreq: *freq, NoSync: true}, *quiet, stdout, stderr)
	}
}

// convertJSON imports the JSON document in (plain or zlib) into a new .m8
// at out. The document is checked whole before anything is written, and
// the blocks go to a temporary file beside out that is renamed into place
// only when complete: a failed or interrupted conversion leaves no out.
func convertJSON(in, out string, opt *mem8.Options, quiet bool, stdout, stderr io.Writer) error {
	fi, err := os.Stat(in)
	if err != nil {
		return err
	}
	if lim := mem8.DefaultLimits.MaxJSONBytes; fi.Size() > lim {
		return fmt.Errorf("%s: %d bytes; JSON input is limited to %d (nothing written)", in, fi.Size(), lim)
	}
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	flags := mem8.DefaultFlags
	if opt.Plain {
		flags = 0
	}
	doc, err := mem8.ScanJSON(data, flags, nil)
	if err != nil {
		return fmt.Errorf("%s: %w (nothing written)", in, err)
	}
	if opt.IdentityFreq == 0 {
		opt.IdentityFreq = doc.IdentityFreq // an export's, so converting it back reproduces the file
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	tmp.Close()
	fail := func(err error) error {
		os.Remove(tmpName)
		return fmt.Errorf("%s: %w (nothing written)", in, err)
	}
	f, err := mem8.Create(tmpName, opt)
	if err != nil {
		return fail(err)
	}
	p := &progress{w: stderr, quiet: quiet || doc.Blocks == 0, what: "converting", unit: "blocks", scale: 1}
	n, err := mem8.ImportJSON(f, data, nil, func(done, total int) { p.update(int64(done), int64(total)) })
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if _, serr := os.Stat(out); serr == nil {
			err = fmt.Errorf("%s appeared while converting; remove it first (convert never overwrites)", out)
		}
	}
	if err == nil {
		err = os.Rename(tmpName, out)
	}
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "%s → %s: %d blocks\n", in, out, n)
	return nil
}
