package main

import (
	"bytes"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/polyfmt/polyfmt/core/mem8"
)

// MEM8's verbs: inspect, verify, and convert both ways between .m8 and
// JSON (MEM8's import reads JSON, plain or zlib, which no format claims).

func init() {
	registerCLI(&cliFormat{
		name: "mem8",
		verbs: []verb{
			{"inspect", "FILE", "show header, recovery report and the newest blocks", mem8Inspect},
			{"verify", "FILE", "check every block, signature, chain link and checksum\n" +
				"of the committed state; report what a writer would drop", mem8Verify},
			{"convert", "IN OUT", ".m8 → JSON, or JSON (plain or zlib, the seed's\n" +
				`"contexts" or an export) → .m8`, mem8Convert},
		},
		imports: jsonKind,
	})
}

// jsonKind names the JSON documents MEM8's convert imports: "zlib" (a zlib
// stream, compressed JSON, as the seed's converter reads), "JSON" (text
// starting with { or [), or "".
func jsonKind(head []byte) string {
	if len(head) >= 2 && head[0] == 0x78 && (head[1] == 0x9C || head[1] == 0xDA) {
		return "zlib"
	}
	t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return "JSON"
	}
	return ""
}

func mem8Inspect(fs *flag.FlagSet) func(c *call) error {
	asJSON := fs.Bool("json", false, "print the header and recovery report as JSON")
	nBlocks := fs.Int("blocks", 10, "list the newest `N` blocks (0: none, -1: all)")
	return onFile(nil, func(c *call, f *mem8.File) error {
		path := c.args[0]
		if *asJSON {
			return jsonOut(c.stdout, f.Info())
		}
		info, w := f.Summary(), c.stdout
		fmt.Fprintf(w, "%s: MEM8 version %d\n", path, info.Version)
		flags := strings.Join(info.FlagNames, ", ")
		if flags == "" {
			flags = "none (seed format)"
		}
		fmt.Fprintf(w, "  flags           %#02x %s\n", info.Flags, flags)
		fmt.Fprintf(w, "  blocks          %d\n", info.BlockCount)
		fmt.Fprintf(w, "  identity_freq   %g Hz\n", info.IdentityFreq)
		fmt.Fprintf(w, "  temporal_phase  %g\n", info.TemporalPhase)
		fmt.Fprintf(w, "  crc32           %08x\n", info.CRC32)
		if len(info.Tokens) > 0 {
			fmt.Fprintf(w, "  tokens          %d dynamic: %s\n", len(info.Tokens), strings.Join(quoteAll(info.Tokens), " "))
		}
		if info.Recovery.Clean {
			fmt.Fprintf(w, "  recovery        clean\n")
		} else {
			fmt.Fprintf(w, "  recovery        %s (header said %d blocks); open for writing to repair\n", info.Recovery.Reason, info.Recovery.HeaderBlocks)
		}
		n := uint64(*nBlocks)
		if *nBlocks < 0 || n > f.Count() {
			n = f.Count()
		}
		if n > 0 {
			fmt.Fprintf(w, "newest %d block(s):\n", n)
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
			fmt.Fprintf(w, "  #%-6d %s imp=%.4f sig=%s%s  %s\n", b.Index,
				b.Time().UTC().Format(time.RFC3339Nano), b.ImportanceValue(), hex.EncodeToString(b.WaveSignature[:4]), tok, preview(b.Content))
			shown++
		}
		return nil
	})
}

// mem8Verify checks every block and says what a writer would drop: exit 0
// when the file is intact and clean, 3 (errUnfinished) when its blocks are
// intact and a torn append follows them, 1 when it is damaged.
func mem8Verify(fs *flag.FlagSet) func(c *call) error {
	return onFile(nil, func(c *call, f *mem8.File) error {
		path := c.args[0]
		if err := f.VerifyCommitted(); err != nil {
			at := ""
			var ve *mem8.VerifyError
			if errors.As(err, &ve) && ve.Block >= 0 {
				at = fmt.Sprintf("block %d of %d: %s", ve.Block, f.Count(), ve.Reason)
			}
			return verifyFailed(path, at, err)
		}
		return verified(c.stdout, path, fmt.Sprintf("%d blocks verified", f.Count()), f.Summary().Recovery.RecoveryInfo, "a writable open")
	})
}

func mem8Convert(fs *flag.FlagSet) func(c *call) error {
	plain := fs.Bool("plain", false, "JSON → .m8: write the seed's plain format (flags 0)")
	freq := fs.Float64("freq", 0, "JSON → .m8: identity frequency in `HZ` (default 440, or the export's)")
	quiet := quietFlag(fs)
	return func(c *call) error {
		in, out := c.args[0], c.args[1]
		src, err := c.convertInput(in, out)
		if err != nil {
			return err
		}
		if src.imported != "" {
			return importJSON(c, in, out, &mem8.Options{Plain: *plain, IdentityFreq: *freq, NoSync: true}, *quiet)
		}
		f, err := openAs[*mem8.File](c, in, false, nil)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := mem8.ExportJSON(f)
		if err != nil {
			return err
		}
		err = writeAtomicBytes(out, false, doc)
		if err != nil {
			return fmt.Errorf("%s: %w (nothing written)", out, err)
		}
		fmt.Fprintf(c.stdout, "%s → %s: %d blocks as JSON\n", in, out, f.Count())
		return nil
	}
}

// importJSON imports the JSON document in (plain or zlib) into a new .m8
// at out. The document is checked whole before anything is written, and
// out is written atomically: a failed or interrupted conversion leaves no out.
func importJSON(c *call, in, out string, opt *mem8.Options, quiet bool) error {
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
	p := c.progress(quiet || doc.Blocks == 0, "converting", "blocks", 1)
	var n int
	err = writeAtomic(out, false, func(tmp string) error {
		f, err := mem8.Create(tmp, opt)
		if err != nil {
			return err
		}
		n, err = mem8.ImportJSON(f, data, nil, func(done, total int) { p.update(int64(done), int64(total)) })
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w (nothing written)", in, err)
	}
	fmt.Fprintf(c.stdout, "%s → %s: %d blocks\n", in, out, n)
	return nil
}
