package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/polyfmt/polyfmt/core/format"
)

// The CLI table: what the command line does with each format of the core
// registry (format.All), keyed by the format's name. Every format has
// inspect, verify and convert (TestCLITable checks it) and may have verbs
// of its own. dispatch detects the format of the file a command names and
// runs that format's verb; the usage text is made from the table.

// A verb is one command of one format.
type verb struct {
	name string
	// args are the positional arguments as the usage shows them: "FILE
	// [PREFIX]" (a bracketed one is optional). parseArgs checks them.
	args string
	// about says what the verb does, for the usage text; lines after the
	// first are its continuation.
	about string
	// flags declares the verb's flags on fs and returns what runs it.
	flags func(fs *flag.FlagSet) func(c *call) error
}

// A cliFormat is the command line's table for one registered format.
type cliFormat struct {
	name  string // format.Format.Name
	note  string // said of the format's files in the usage heading ("" for nothing)
	verbs []verb // inspect, verify and convert first
	// help has, for some verbs, what "polyfmt VERB -h" prints after the
	// flags: what the output and the exit statuses mean.
	help map[string]string
	// imports, when not nil, is what else the format's convert reads: it
	// names the kind of a file that starts with head and that no
	// registered format claims (MEM8: "JSON", "zlib"; MORK: "MeTTa"), or
	// returns "".
	imports func(head []byte) string
	// importsByExt names, by file-name extension, the kind of file without
	// magic that the format's convert imports whatever its first bytes, when
	// no format claims them (MORK: ".metta", MeTTa text).
	importsByExt map[string]string
	// importers are the verbs besides convert that read what the format
	// imports (MORK's import reads MeTTa text).
	importers []string
	// owns, when not nil, says whether the file at path, whose first bytes
	// head carry one of the format's magics, is the format's: a magic that
	// other data may start with (MORK's .paths start with a zlib header, as
	// the compressed JSON MEM8's convert imports does) is checked further.
	// A file it disowns is offered to the formats' imports; if none takes
	// it, it is the format's after all, and its open says what is wrong.
	owns func(path string, head []byte) bool
}

// commonVerbs are the verbs every format has.
var commonVerbs = []string{"inspect", "verify", "convert"}

// cliFormats has one entry a registered format, added by the format's
// file (mem8.go, mmx.go) from its init function, as core/format's are.
var cliFormats []*cliFormat

func registerCLI(cf *cliFormat) { cliFormats = append(cliFormats, cf) }

func cliOf(f *format.Format) *cliFormat {
	for _, cf := range cliFormats {
		if cf.name == f.Name {
			return cf
		}
	}
	return nil
}

func (cf *cliFormat) verb(name string) *verb {
	for i := range cf.verbs {
		if cf.verbs[i].name == name {
			return &cf.verbs[i]
		}
	}
	return nil
}

func (cf *cliFormat) verbNames() []string {
	names := make([]string, len(cf.verbs))
	for i, v := range cf.verbs {
		names[i] = v.name
	}
	return names
}

// formatsWith returns the registered formats that have the verb name.
func formatsWith(name string) []*format.Format {
	var out []*format.Format
	for _, f := range format.All() {
		if cf := cliOf(f); cf != nil && cf.verb(name) != nil {
			out = append(out, f)
		}
	}
	return out
}

// A call is one run of a verb.
type call struct {
	verb           string
	format         *format.Format // the verb's format
	cli            *cliFormat
	args           []string // the positional arguments, checked against verb.args
	detected       string   // the file whose first bytes dispatch read (it is of format), or ""
	stdout, stderr io.Writer
}

// An input is the file a command line reads, as dispatch found it.
type input struct {
	path     string
	format   *format.Format // the file's format, or the format whose convert imports it
	imported string         // the kind of file that format's convert imports ("JSON"), or ""
}

// findInput finds the file a command reads: the first argument that is not
// a flag and names an existing file of a known kind. Arguments that name no
// file (flag values such as the 2 of -blocks 2, or a missing file, which
// the verb's open reports) are passed over, and so are existing files of
// no known kind when a later argument is one (a flag's file: the key of
// VSF's verify -key KEY.pub FILE). With no known file, the first existing
// one's error is returned; with none at all the input is zero.
func findInput(args []string) (input, error) {
	var first error
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			continue
		}
		if _, err := os.Stat(a); err == nil {
			in, err := detectInput(a)
			if err == nil {
				return in, nil
			}
			if first == nil {
				first = err
			}
		}
	}
	return input{}, first
}

// detectInput tells the format of the file path by its first bytes (text
// without magic that a format imports also by its extension). A file that
// no format reads, nor any format's convert imports, is an error that names
// its first bytes.
func detectInput(path string) (input, error) {
	head, err := readHead(path, max(64, format.HeadLen))
	if err != nil {
		return input{}, err
	}
	magic := format.Detect(head)
	if magic != nil {
		if cf := cliOf(magic); cf == nil || cf.owns == nil || cf.owns(path, head) {
			return input{path: path, format: magic}, nil
		}
	}
	for _, f := range format.All() {
		if cf := cliOf(f); cf != nil && cf.imports != nil {
			if kind := cf.imports(head); kind != "" {
				return input{path: path, format: f, imported: kind}, nil
			}
		}
	}
	if magic != nil {
		return input{path: path, format: magic}, nil
	}
	for _, f := range format.All() {
		if cf := cliOf(f); cf != nil {
			if kind := cf.importsByExt[filepath.Ext(path)]; kind != "" {
				return input{path: path, format: f, imported: kind}, nil
			}
		}
	}
	return input{}, format.Unknown(path, head)
}

// convertInput is the input of convert IN OUT: in, detected as a file of
// the call's format or one its convert imports (imported), once OUT is
// known not to exist (convert never overwrites).
func (c *call) convertInput(in, out string) (input, error) {
	src, err := detectInput(in)
	if err != nil {
		return input{}, err
	}
	if src.format != c.format {
		return input{}, wrongInput(in, src.format.Title, c.verb, []*format.Format{c.format})
	}
	return src, mustNotExist(out, "(convert never overwrites)")
}

// readHead reads up to n bytes from the start of path.
func readHead(path string, n int) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	head := make([]byte, n)
	n, err = io.ReadFull(fh, head)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return head[:n], err
}

// assumeFormat picks the format of a command line that names no existing
// file: among the formats that have the verb, the one whose extension an
// argument has, else the first. Its verb then reports the usage mistake or
// the missing file.
func assumeFormat(name string, args []string) *format.Format {
	fs := formatsWith(name)
	for _, f := range fs {
		for _, a := range args {
			if !strings.HasPrefix(a, "-") && slices.Contains(f.Extensions, filepath.Ext(a)) {
				return f
			}
		}
	}
	return fs[0]
}

// ext is the usual file-name extension of f.
func ext(f *format.Format) string {
	if len(f.Extensions) == 0 {
		return "." + f.Name
	}
	return f.Extensions[0]
}

// wrongInput is the error for a file of kind that verb does not read.
func wrongInput(path, kind, verb string, readers []*format.Format) error {
	var exts []string
	for _, f := range readers {
		exts = append(exts, ext(f))
	}
	return fmt.Errorf("%s: %s input; %s reads %s files", path, kind, verb, strings.Join(exts, " and "))
}

// dispatch runs the verb name of the format of the file args name.
func dispatch(name string, args []string, stdout, stderr io.Writer) error {
	in, err := findInput(args)
	readers := formatsWith(name)
	if len(readers) == 0 {
		if in.format != nil && in.imported == "" && cliOf(in.format) != nil {
			return fmt.Errorf("%w: %s: %s files have no command %q; theirs: %s", errUsage, in.path, in.format.Title, name,
				strings.Join(cliOf(in.format).verbNames(), ", "))
		}
		return fmt.Errorf("%w: unknown command %q", errUsage, name)
	}
	if err != nil {
		return err
	}
	f := in.format
	if f == nil {
		f = assumeFormat(name, args)
	}
	cf := cliOf(f)
	if cf == nil {
		return fmt.Errorf("%s: %s files have no commands in this build of polyfmt", in.path, f.Title)
	}
	v := cf.verb(name)
	switch {
	case in.imported != "" && name != "convert" && !slices.Contains(cf.importers, name):
		return fmt.Errorf("%w (polyfmt convert imports it into a new %s file)", wrongInput(in.path, in.imported, name, readers), ext(f))
	case v == nil:
		return wrongInput(in.path, f.Title, name, readers)
	}
	detected := ""
	if in.format == f && in.imported == "" {
		detected = in.path
	}
	return runVerb(f, cf, v, args, detected, stdout, stderr)
}

// dispatchAs runs "polyfmt FORMAT VERB ARGS": the verb of the format f
// named, without detecting a file's format first (the verb's open still
// refuses a file of another format). Verbs that read no file (VSF's
// keygen) are run this way.
func dispatchAs(f *format.Format, args []string, stdout, stderr io.Writer) error {
	cf := cliOf(f)
	if len(args) == 0 {
		return fmt.Errorf("%w: polyfmt %s needs a verb: %s", errUsage, f.Name, strings.Join(cf.verbNames(), ", "))
	}
	v := cf.verb(args[0])
	if v == nil {
		return fmt.Errorf("%w: %s files have no command %q; theirs: %s", errUsage, f.Title, args[0], strings.Join(cf.verbNames(), ", "))
	}
	return runVerb(f, cf, v, args[1:], "", stdout, stderr)
}

// runVerb parses the flags and arguments of the verb v of format f and
// runs it; detected is the file whose first bytes said it is of f, or "".
func runVerb(f *format.Format, cf *cliFormat, v *verb, args []string, detected string, stdout, stderr io.Writer) error {
	fs := newFlags(v.name, stderr)
	run := v.flags(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage (%s): polyfmt %s\n", f.Title, synopsis(v, fs))
		fs.PrintDefaults()
		fmt.Fprint(stderr, cf.help[v.name])
	}
	pos, err := parseArgs(fs, args, v.args)
	if err != nil {
		return err
	}
	return run(&call{verb: v.name, format: f, cli: cf, args: pos, detected: detected, stdout: stdout, stderr: stderr})
}

// open opens path for the call's verb as the call's format, writable or
// read-only; opts are the format's options as JSON (nil: the defaults).
func (c *call) open(path string, writable bool, opts []byte) (format.File, error) {
	f := c.format
	if path != c.detected { // dispatch read the input's head already; read others'
		var err error
		if f, err = format.DetectFile(path); err != nil {
			return nil, err
		}
		if f != c.format {
			return nil, wrongInput(path, f.Title, c.verb, []*format.Format{c.format})
		}
	}
	file, err := f.Open(path, writable, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return file, nil
}

// openAs is c.open for a format's own type of file (*mem8.File, *mmx.File).
func openAs[T format.File](c *call, path string, writable bool, opts []byte) (T, error) {
	var t T
	f, err := c.open(path, writable, opts)
	if err != nil {
		return t, err
	}
	t, ok := f.(T)
	if !ok {
		f.Close()
		return t, fmt.Errorf("%s: opened as %T, not %T", path, f, t)
	}
	return t, nil
}

// onFile makes the runner of a verb that reads its FILE (the first
// argument): FILE opened read-only as T, with the open options opts gives
// (nil: the defaults), handed to run and closed after.
func onFile[T format.File](opts func() []byte, run func(c *call, f T) error) func(c *call) error {
	return func(c *call) error {
		var o []byte
		if opts != nil {
			o = opts()
		}
		f, err := openAs[T](c, c.args[0], false, o)
		if err != nil {
			return err
		}
		defer f.Close()
		return run(c, f)
	}
}

// verified prints what verify found in a file whose committed state is
// intact (what: "5 blocks verified"): OK, or OK and what a writable open
// (drop says which: "a writable open") would drop, then errUnfinished.
func verified(w io.Writer, path, what string, rec format.RecoveryInfo, drop string) error {
	committed := int64(-1)
	if fi, err := os.Stat(path); err == nil {
		committed = fi.Size() - rec.DroppedBytes
	}
	if rec.Clean || rec.Repaired {
		fmt.Fprintf(w, "%s: OK, %s; %d bytes committed\n", path, what, committed)
		return nil
	}
	fmt.Fprintf(w, "%s: committed state OK, %s; %d bytes committed\n", path, what, committed)
	fmt.Fprintf(w, "%s: UNFINISHED: %s; %s drops %d bytes\n", path, rec.Reason, drop, rec.DroppedBytes)
	return errUnfinished
}

// verifyFailed is the error of a verify that found damage: at says where
// and what ("block 2 of 5: prev_hash"), or with at "" err says it all.
func verifyFailed(path, at string, err error) error {
	if at != "" {
		return fmt.Errorf("%s: FAILED at %s", path, at)
	}
	return fmt.Errorf("%s: FAILED: %v", path, err)
}

// synopsis is how the usage shows v: its name, flags and arguments.
func synopsis(v *verb, fs *flag.FlagSet) string {
	s := v.name
	fs.VisitAll(func(fl *flag.Flag) {
		if name, _ := flag.UnquoteUsage(fl); name != "" {
			s += fmt.Sprintf(" [-%s %s]", fl.Name, name)
		} else {
			s += fmt.Sprintf(" [-%s]", fl.Name)
		}
	})
	return strings.TrimSpace(s + " " + v.args)
}

// usage is the usage text, made from the CLI table.
func usage() string {
	var b strings.Builder
	b.WriteString("usage: polyfmt VERB [flags] FILE …   (flags may also follow the files)\n\n" +
		"A file's format is told by its first bytes, not its name. Every format has\n" +
		"inspect, verify and convert; some have verbs of their own. Each format's:\n")
	for _, f := range format.All() {
		cf := cliOf(f)
		if cf == nil {
			continue
		}
		fmt.Fprintf(&b, "\n%s (%s)%s:\n", f.Title, strings.Join(f.Extensions, ", "), cf.note)
		var flags []*flag.Flag
		for i := range cf.verbs {
			v := &cf.verbs[i]
			fs := flag.NewFlagSet(v.name, flag.ContinueOnError)
			v.flags(fs)
			column(&b, 45, "  polyfmt "+synopsis(v, fs), v.about)
			fs.VisitAll(func(fl *flag.Flag) {
				if !slices.ContainsFunc(flags, func(g *flag.Flag) bool { return g.Name == fl.Name }) {
					flags = append(flags, fl)
				}
			})
		}
		if len(flags) > 0 {
			fmt.Fprintf(&b, "  %s flags:\n", f.Title)
			for _, fl := range flags {
				name, help := flag.UnquoteUsage(fl)
				column(&b, 22, strings.TrimRight("    -"+fl.Name+" "+name, " "), help)
			}
		}
	}
	b.WriteString(`
  polyfmt help | version
  polyfmt FORMAT VERB …   a format's verb, the file's format not detected
                          (polyfmt vsf keygen -o KEY); polyfmt VERB -h: its flags

exit status: 0 success (verify: intact and clean); 1 the file is damaged or the
operation failed; 2 usage; 3 verify: the committed state is intact, but an
unfinished commit (.mmx) or append (.m8) follows it, which a writable open drops;
4-7 verify of a .vsf: ` + vsfExitSummary + `
Names and other strings from a file are printed bare when printable, else Go-quoted.
`)
	return b.String()
}

// column writes left, then right beside it from column at (below it when
// left is wider); right's further lines are indented to the same column.
func column(b *strings.Builder, at int, left, right string) {
	if len(left) >= at {
		b.WriteString(left + "\n")
		left = ""
	}
	for i, line := range strings.Split(right, "\n") {
		if i > 0 {
			left = ""
		}
		fmt.Fprintf(b, "%-*s%s\n", at, left, line)
	}
}
