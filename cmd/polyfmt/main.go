// Command polyfmt inspects, verifies and converts the files polyfmt reads.
//
//	polyfmt inspect [-json] [-blocks N] FILE   header, recovery report, newest blocks (.m8) or chunks per type (.mmx)
//	polyfmt verify FILE                        full integrity check of the committed state
//	polyfmt convert IN OUT                     .m8 → JSON, JSON (plain or zlib) → .m8, .mmx (MorphNet's too) → .mmx
//	polyfmt ls [-l] FILE [PREFIX]              .mmx: chunk names (-l: type, dtype, shape, sizes)
//	polyfmt cat FILE NAME                      .mmx: one chunk's content or a summary
//	polyfmt export FILE NAME OUT.npy           .mmx: a Tensor or Embedding as a NumPy .npy file
//	polyfmt compact FILE                       .mmx: rewrite with only the live chunks, renamed over it
//	polyfmt version
//
// The format is detected from the file's first bytes, not its name.
// Exit status: 0 success; 1 the file is bad or the operation failed; 2 usage;
// 3 (verify) the committed state is intact but an unfinished commit or
// append follows it, which a writable open would drop.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

const usage = `usage:
  polyfmt inspect [-json] [-blocks N] FILE   show header, recovery report and the newest blocks
                                             (.mmx: header, generation, dead bytes, chunks per type)
  polyfmt verify FILE                        check every block, signature, chain link and checksum
                                             (.mmx: every chunk's SHA-256 and payload) of the
                                             committed state; report what a writer would drop
                                             .mmx verify, cat, export and convert take -max-ratio N:
                                             the largest compression ratio a chunk may have
                                             (default 1024; zstd of zeros needs more)
  polyfmt convert [-plain] [-freq HZ] IN OUT .m8 → JSON, or JSON (plain or zlib, the seed's
                                             "contexts" or an export) → .m8
  polyfmt convert [-q] [-compression C] IN.mmx OUT.mmx
                                             copy every chunk of an .mmx (MorphNet's too) into a
                                             new polyfmt .mmx (C: keep, None, Lz4, Zlib, Zstd)
  polyfmt ls [-l] FILE [PREFIX]              .mmx: chunk names (-l: type, dtype, shape, compression,
                                             sizes, region)
  polyfmt cat [-n N] FILE NAME               .mmx: Text content, Meta/Sequence JSON, or a summary
                                             (Tensor, Embedding: the first N values; Mesh: counts)
  polyfmt export [-q] [-f] FILE NAME OUT.npy .mmx: a Tensor or Embedding as a NumPy .npy file
                                             (-f: replace OUT.npy)
  polyfmt compact [-q] FILE                  .mmx: rewrite with only the live chunks (beside the
                                             file, renamed over it; writers also do it on their own)
  polyfmt version

exit status: 0 success (verify: intact and clean); 1 the file is damaged or the
operation failed; 2 usage; 3 verify: the committed state is intact, but an
unfinished commit (.mmx) or append (.m8) follows it, which a writable open drops.
Names and other strings from a file are printed bare when printable, else Go-quoted.
`

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage")

// errUnfinished marks a verify whose committed state is intact but is
// followed by an unfinished commit or append (exit status 3). The command
// has printed its report.
var errUnfinished = errors.New("unfinished commit")

// Exit statuses.
const (
	exitOK         = 0
	exitFailed     = 1
	exitUsage      = 2
	exitUnfinished = 3
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	switch args[0] {
	case "inspect":
		if isMMXInput(args[1:]) {
			err = cmdMMXInspect(args[1:], stdout, stderr)
		} else {
			err = cmdInspect(args[1:], stdout, stderr)
		}
	case "verify":
		if isMMXInput(args[1:]) {
			err = cmdMMXVerify(args[1:], stdout, stderr)
		} else {
			err = cmdVerify(args[1:], stdout, stderr)
		}
	case "convert":
		if isMMXInput(args[1:]) {
			err = cmdMMXConvert(args[1:], stdout, stderr)
		} else {
			err = cmdConvert(args[1:], stdout, stderr)
		}
	case "ls":
		err = cmdLs(args[1:], stdout, stderr)
	case "cat":
		err = cmdCat(args[1:], stdout, stderr)
	case "export":
		err = cmdExport(args[1:], stdout, stderr)
	case "compact":
		err = cmdCompact(args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "polyfmt 0.1.0")
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errUnfinished):
		return exitUnfinished
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "polyfmt: %s\n%s", safeText(err.Error()), usage)
		return exitUsage
	case errors.Is(err, flag.ErrHelp):
		return exitUsage
	default:
		fmt.Fprintf(stderr, "polyfmt: %s\n", safeText(err.Error()))
		return exitFailed
	}
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses flags, which may come before or after the files, and wants
// exactly n files.
func parse(fs *flag.FlagSet, args []string, n int) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != n {
		return nil, fmt.Errorf("%w: %s takes %d file argument(s), got %d", errUsage, fs.Name(), n, len(pos))
	}
	return pos, nil
}
