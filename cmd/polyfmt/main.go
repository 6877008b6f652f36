// Command polyfmt inspects, verifies and converts the files polyfmt reads.
//
//	polyfmt inspect FILE     header, recovery report and contents in brief (-json: as JSON)
//	polyfmt verify FILE      full integrity check of the committed state
//	polyfmt convert IN OUT   into another file (of the same format, or out of or into it)
//	polyfmt VERB FILE …      the verbs a format has of its own (MMX: ls, cat, export, compact;
//	                         VSF: extract, sign, keygen; MORK: import, export, query, migrate)
//	polyfmt FORMAT VERB …    a format's verb without detection (polyfmt vsf keygen -o KEY)
//	polyfmt help             every format's verbs, flags and arguments
//	polyfmt version
//
// The format is detected from the file's first bytes, not its name (text
// without magic that a format imports, MeTTa's, also by its extension), and
// the verb is looked up in that format's table (registry.go); "polyfmt
// help" prints the tables.
// Exit status: 0 success; 1 the file is bad or the operation failed; 2 usage;
// 3 (verify) the committed state is intact but an unfinished commit or
// append follows it, which a writable open would drop; 4 to 7 (VSF's
// verify) which kind of check failed (vsf.go).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/polyfmt/polyfmt/core/format"
	"github.com/polyfmt/polyfmt/core/version"
)

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage")

// errUnfinished marks a verify whose committed state is intact but is
// followed by an unfinished commit or append (exit status 3). The command
// has printed its report.
var errUnfinished = errors.New("unfinished commit")

// An exitError ends a verb with a status of its own (VSF's verify says
// which kind of check failed). A non-empty msg is printed like any error's.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

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
		fmt.Fprint(stderr, usage())
		return exitUsage
	}
	var err error
	switch args[0] {
	case "version":
		fmt.Fprintln(stdout, "polyfmt "+version.String())
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage())
	default:
		if f := format.ByName(args[0]); f != nil && cliOf(f) != nil {
			err = dispatchAs(f, args[1:], stdout, stderr)
			break
		}
		err = dispatch(args[0], args[1:], stdout, stderr)
	}
	var ee *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		if ee.msg != "" {
			fmt.Fprintf(stderr, "polyfmt: %s\n", safeText(ee.msg))
		}
		return ee.code
	case errors.Is(err, errUnfinished):
		return exitUnfinished
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "polyfmt: %s\n%s", safeText(err.Error()), usage())
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

// parseArgs parses flags, which may come before or after the positional
// arguments, and checks those against want, the verb's synopsis ("FILE
// [PREFIX]": every word is an argument, a bracketed one optional).
func parseArgs(fs *flag.FlagSet, args []string, want string) ([]string, error) {
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
	words := strings.Fields(want)
	required := 0
	for _, w := range words {
		if !strings.HasPrefix(w, "[") {
			required++
		}
	}
	if len(pos) < required || len(pos) > len(words) {
		return nil, fmt.Errorf("%w: %s takes %s, got %d argument(s)", errUsage, fs.Name(), want, len(pos))
	}
	return pos, nil
}
