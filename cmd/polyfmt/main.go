// Command polyfmt inspects, verifies and converts the files polyfmt reads.
//
//	polyfmt inspect [-json] [-blocks N] FILE   header, recovery report, newest blocks
//	polyfmt verify FILE                        full integrity check
//	polyfmt convert IN OUT                     .m8 → JSON, or JSON (plain or zlib) → .m8
//	polyfmt version
//
// The format is detected from the file's first bytes, not its name.
// Exit status: 0 success, 1 the file is bad or the operation failed, 2 usage.
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
  polyfmt verify FILE                        check every block, signature, chain link and checksum
  polyfmt convert [-plain] [-freq HZ] IN OUT .m8 → JSON, or JSON (plain or zlib, the seed's
                                             "contexts" or an export) → .m8
  polyfmt version
`

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage")

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "inspect":
		err = cmdInspect(args[1:], stdout, stderr)
	case "verify":
		err = cmdVerify(args[1:], stdout, stderr)
	case "convert":
		err = cmdConvert(args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "polyfmt 0.1.0")
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "polyfmt: %v\n%s", err, usage)
		return 2
	case errors.Is(err, flag.ErrHelp):
		return 2
	default:
		fmt.Fprintf(stderr, "polyfmt: %v\n", err)
		return 1
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
