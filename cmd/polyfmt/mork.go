package main

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/mork"
	"github.com/polyfmt/polyfmt/core/mork/expr"
	"github.com/polyfmt/polyfmt/core/mork/paths"
)

// MORK's verbs: inspect, verify and convert, and import, export, query and
// migrate, which only MORK has. A MORK file is any of its six containers
// (space file, PATHMAP1, PathMap's .paths, ACT, symbol table, multiplicities),
// told apart by their first bytes. MeTTa text has no magic: import and
// convert read it (text starting with "(" or ";", or a file named .metta;
// "polyfmt mork import" reads any file, or stdin).

func init() {
	registerCLI(&cliFormat{
		name: "mork",
		note: ", symbol tables (.zip) and MeTTa text (.metta)",
		verbs: []verb{
			{"inspect", "FILE", "kind, version, timestamp, flags, layout, counts and the\n" +
				"first expressions (-n)", morkInspect},
			{"verify", "FILE", "every checksum and structural rule; in a space, that every\n" +
				"path is one expression whose interned symbols resolve", morkVerify},
			{"convert", "IN OUT", "into the container OUT's extension names (.mtts .pathmap\n" +
				".paths .act .mttm .zip) or MeTTa text (.metta); IN may be MeTTa text", morkConvert},
			{"import", "TEXT", "MeTTa text (- for stdin) into a new container -o OUT: a\n" +
				"space, or the -kind OUT's extension names", morkImport},
			{"export", "FILE", "as another container (-to KIND) to -o OUT, or as MeTTa\n" +
				"text (one expression a line) to OUT or stdout", morkExport},
			{"query", "FILE PATTERN", "the expressions matching a MeTTa pattern, one a line\n" +
				"($x matches any sub-expression); -prefix: a byte prefix", morkQuery},
			{"migrate", "FILE", "a version 1.0 space file to 1.1: in place (atomically),\n" +
				"or to -o OUT", morkMigrate},
		},
		help:         map[string]string{"import": morkImportHelp, "convert": morkImportHelp, "query": morkQueryHelp},
		imports:      mettaKind,
		importsByExt: map[string]string{".metta": "MeTTa"},
		importers:    []string{"import"},
		owns:         morkOwns,
	})
}

const morkImportHelp = `
MeTTa text: S-expressions, one top-level expression after another; $name is a
variable, "…" a string symbol (\" \\ \n \t \xHH escapes), ; starts a comment
to the end of the line. A syntax error is reported as FILE:LINE:COLUMN and
nothing is written. Large inputs report progress on stderr (-q: silent).
`

const morkQueryHelp = `
PATTERN is one MeTTa expression: a variable ($x) matches any sub-expression,
a repeated variable the same one each time: (edge $x $x) matches (edge a a).
In an interned space, a pattern naming a symbol the table lacks matches
nothing. With -prefix, PATTERN is a byte prefix instead: the paths' leading
bytes as text, \xHH for any byte and \\ for a backslash ("\x03\xc4edge"
starts every (edge _ _); a multiplicities file's keys are text: "app").
-json prints what pf_mork_query returns: {"matches":[{"text","path" (hex),
"value","bindings"}],"truncated"}, values as decimal strings.
`

// The flags several verbs share have one help text (the usage lists each
// flag of a format once).
const (
	morkOutHelp = "the output file `OUT`: import's (required), export's (default: MeTTa\n" +
		"text on stdout), migrate's (default: FILE, rewritten in place)"
	morkForceHelp    = "replace OUT if it exists"
	morkJSONHelp     = "print JSON: inspect the file's Info (pf_info's), query the matches\n(pf_mork_query's)"
	morkInternHelp   = "store every symbol as an 8-byte id of the space's symbol table"
	morkCompressHelp = "a PATHMAP1 output's compression `C`: none, zlib, lz4 or zstd\n(default: the input's, or zstd)"
	morkACTHelp      = "an ACT output's layout `L`: pathmap (PathMap's, the default) or seed"
	morkSymbolsHelp  = "a symbol table's layout `L`, alone or in a space: seed (the\ndefault) or mork"
	morkZstdHelp     = "write a space file's paths as one zstd frame"
)

// morkProgressMin is the input size from which import, export and convert
// report progress on stderr.
var morkProgressMin int64 = 1 << 20

// mettaKind names MeTTa text by its first bytes: after blanks (and a byte
// order mark), an expression's "(" or a comment's ";".
func mettaKind(head []byte) string {
	t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	if len(t) > 0 && (t[0] == '(' || t[0] == ';') {
		return "MeTTa"
	}
	return ""
}

// morkOwns reports whether a file with a MORK magic is MORK's. Only a zlib
// header (PathMap's .paths) is in doubt: the stream is MORK's when it is
// empty or starts with a path record (u32 LE length, at most MaxPathLen),
// and is not when it starts with text such as JSON (MEM8's convert imports
// it compressed). A stream that does not inflate is left to MORK's open.
func morkOwns(path string, head []byte) bool {
	if k, _ := mork.DetectKind(head); k != mork.KindPaths {
		return true
	}
	fh, err := os.Open(path)
	if err != nil {
		return true
	}
	defer fh.Close()
	zr, err := zlib.NewReader(fh)
	if err != nil {
		return true
	}
	var n [4]byte
	if _, err := io.ReadFull(zr, n[:]); err != nil {
		return true
	}
	return int64(binary.LittleEndian.Uint32(n[:])) <= paths.DefaultLimits.MaxPathLen
}

// kindTitles say what each container is.
var kindTitles = map[mork.Kind]string{
	mork.KindSpace:    "space file (MTTS)",
	mork.KindPathMap1: "path file (PATHMAP1)",
	mork.KindPaths:    "PathMap .paths file",
	mork.KindACT:      "ACT (ACTree03)",
	mork.KindSymbols:  "symbol table (ZIP)",
	mork.KindMult:     "multiplicities file (MTTM)",
	mork.Text:         "MeTTa text",
}

// kindOfName is the container a file name's extension names, or mork.Text
// for .metta.
func kindOfName(name string) (mork.Kind, error) {
	e := filepath.Ext(name)
	if e == ".metta" {
		return mork.Text, nil
	}
	for k := mork.KindSpace; k <= mork.KindMult; k++ {
		if k.Extension() == e {
			return k, nil
		}
	}
	return 0, fmt.Errorf("%w: %s: the extension %q names no MORK container; want .mtts, .pathmap, .paths, .act, .mttm, .zip or .metta",
		errUsage, name, e)
}

// ---- shared flags ------------------------------------------------------------

// encodingFlags are how an output container is encoded.
type encodingFlags struct {
	compression, actLayout, symbolLayout *string
	compressSpace                        *bool
}

func declareEncoding(fs *flag.FlagSet) encodingFlags {
	return encodingFlags{
		compression:   fs.String("compression", "", morkCompressHelp),
		actLayout:     fs.String("act-layout", "", morkACTHelp),
		symbolLayout:  fs.String("symbol-layout", "", morkSymbolsHelp),
		compressSpace: fs.Bool("compress-space", false, morkZstdHelp),
	}
}

// check refuses a name the core does not know, before anything is read.
func (e encodingFlags) check() error {
	if _, err := mork.ParseCompression(*e.compression); err != nil {
		return fmt.Errorf("%w: -compression: %v", errUsage, err)
	}
	if _, err := mork.ParseACTLayout(*e.actLayout); err != nil {
		return fmt.Errorf("%w: -act-layout: %v", errUsage, err)
	}
	if _, err := mork.ParseSymbolLayout(*e.symbolLayout); err != nil {
		return fmt.Errorf("%w: -symbol-layout: %v", errUsage, err)
	}
	return nil
}

// export is the export options the flags ask for, or nil for none (an
// export then keeps the file's own encoding, a compressed space's too).
func (e encodingFlags) export() *mork.ExportOptions {
	if *e.compression == "" && *e.actLayout == "" && *e.symbolLayout == "" && !*e.compressSpace {
		return nil
	}
	return &mork.ExportOptions{Compression: *e.compression, ACTLayout: *e.actLayout, SymbolLayout: *e.symbolLayout,
		CompressSpace: *e.compressSpace}
}

// options are the options of a new in-memory container of kind.
func (e encodingFlags) options(kind mork.Kind) *mork.Options {
	return &mork.Options{Kind: kind, NoSync: true, Compression: *e.compression, ACTLayout: *e.actLayout,
		SymbolLayout: *e.symbolLayout, CompressSpace: *e.compressSpace}
}

// ---- inspect -------------------------------------------------------------------

func morkInspect(fs *flag.FlagSet) func(c *call) error {
	asJSON := fs.Bool("json", false, morkJSONHelp)
	n := fs.Int("n", 10, "inspect: list the first `N` expressions, keys or symbols (0: none, -1: all)")
	return onFile(nil, func(c *call, f *mork.File) error {
		if *asJSON {
			return jsonOut(c.stdout, f.Info())
		}
		return printMORK(c.stdout, c.args[0], f, *n)
	})
}

// printMORK prints what inspect shows: the header as Info has it, then the
// first n paths (keys, symbols).
func printMORK(w io.Writer, path string, f *mork.File, n int) error {
	in, kind := f.Summary(), f.Kind()
	ver := ""
	if in.Version != "" {
		ver = ", version " + in.Version
	}
	fmt.Fprintf(w, "%s: MORK %s%s\n", path, kindTitles[kind], ver)
	checksum := "none"
	if in.Checksum {
		checksum = "Blake2b-256 footer, of every byte before it"
	}
	unit := "paths"
	switch kind {
	case mork.KindSpace:
		if in.Version == "1.0" {
			fmt.Fprintf(w, "  timestamp     none (version 1.0; polyfmt mork migrate writes 1.1)\n")
		} else {
			fmt.Fprintf(w, "  timestamp     %d (%s)\n", in.Timestamp, time.Unix(int64(in.Timestamp), 0).UTC().Format(time.RFC3339))
		}
		var flags []string
		if in.Checksum {
			flags = append(flags, "checksum")
		}
		if in.Compression == "zstd" {
			flags = append(flags, "paths compressed (zstd)")
		}
		fmt.Fprintf(w, "  flags         %s\n", orNone(strings.Join(flags, ", ")))
		fmt.Fprintf(w, "  checksum      %s\n", checksum)
		interned := "not interned (symbols stored as written)"
		if in.Interned {
			interned = "interned (symbols stored as 8-byte ids)"
		}
		fmt.Fprintf(w, "  symbol table  %s layout, %d symbol(s); %s\n", in.SymbolLayout, in.Symbols, interned)
	case mork.KindPathMap1:
		fmt.Fprintf(w, "  compression   %s\n", in.Compression)
		fmt.Fprintf(w, "  checksum      %s\n", checksum)
	case mork.KindPaths:
		fmt.Fprintf(w, "  compression   %s (one stream)\n", in.Compression)
	case mork.KindACT:
		fmt.Fprintf(w, "  layout        %s\n", in.ACTLayout)
	case mork.KindSymbols:
		fmt.Fprintf(w, "  layout        %s\n", in.SymbolLayout)
		fmt.Fprintf(w, "  symbols       %d\n", in.Symbols)
		return listSymbols(w, f, n, in.Symbols)
	case mork.KindMult:
		fmt.Fprintf(w, "  checksum      %s\n", checksum)
		unit = "keys"
	}
	if in.PathsError != "" {
		fmt.Fprintf(w, "  %-13s cannot be counted: %s (verify says more)\n", unit, in.PathsError)
		return nil
	}
	fmt.Fprintf(w, "  %-13s %d\n", unit, in.Paths)
	return listPaths(w, f, n, in.Paths)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// listHeading says how many of total a listing of the first n shows.
func listHeading(w io.Writer, n int, total uint64, what string) int {
	if n < 0 || uint64(n) > total {
		n = int(min(total, uint64(^uint(0)>>1)))
	}
	switch {
	case n == 0:
	case uint64(n) == total:
		fmt.Fprintf(w, "%s:\n", what)
	default:
		fmt.Fprintf(w, "%s (the first %d of %d; -n -1 lists all):\n", what, n, total)
	}
	return n
}

func listPaths(w io.Writer, f *mork.File, n int, total uint64) error {
	what := "expressions"
	switch f.Kind() {
	case mork.KindMult:
		what = "keys"
	case mork.KindACT:
		what = "expressions and values"
	}
	n = listHeading(w, n, total, what)
	if n == 0 {
		return nil
	}
	kind := f.Kind()
	shown := 0
	return f.Scan(nil, func(m *mork.Match) error {
		if shown == n {
			return mork.Stop
		}
		shown++
		fmt.Fprintf(w, "    %s\n", pathLine(kind, m))
		return nil
	})
}

func listSymbols(w io.Writer, f *mork.File, n, total int) error {
	n = listHeading(w, n, uint64(total), "symbols (id, text)")
	shown := 0
	f.Symbols().All(func(id uint64, s []byte) bool {
		if shown == n {
			return false
		}
		shown++
		fmt.Fprintf(w, "    %-6d %s\n", id, safeName(string(s)))
		return true
	})
	return nil
}

// pathText is a path as MeTTa text, or, for bytes that are no expression
// (a path file may hold any), their hex. What is printed on a terminal goes
// through safeText (pathLine); JSON carries the text as it is.
func pathText(m *mork.Match) string {
	t, err := m.AppendText(nil)
	if err != nil {
		return "#x" + hex.EncodeToString(m.Path) + " (not an expression)"
	}
	return string(t)
}

// pathLine is how inspect and query print a path: an expression, with its
// value where the container keeps values (an ACT); a multiplicities key
// and its count, tab-separated.
func pathLine(kind mork.Kind, m *mork.Match) string {
	switch kind {
	case mork.KindMult:
		return safeName(string(m.Path)) + "\t" + strconv.FormatUint(m.Value, 10)
	case mork.KindACT:
		return safeText(pathText(m)) + "\t" + strconv.FormatUint(m.Value, 10)
	}
	return safeText(pathText(m))
}

// ---- verify --------------------------------------------------------------------

// morkVerify checks the whole file: exit 0 when it is intact, 1 with the
// reason when a checksum, a structural rule or the version fails. (Every
// commit replaces a MORK file whole: there is no unfinished state, and no 3.)
func morkVerify(fs *flag.FlagSet) func(c *call) error {
	return func(c *call) error {
		path := c.args[0]
		f, err := openAs[*mork.File](c, path, false, nil)
		if err != nil {
			if damaged(err) {
				return verifyFailed(path, "", errors.New(strings.TrimPrefix(err.Error(), path+": ")))
			}
			return err
		}
		defer f.Close()
		if err := f.Verify(); err != nil {
			return verifyFailed(path, "", err)
		}
		in := f.Summary()
		what := fmt.Sprintf("%d paths verified", in.Paths)
		switch f.Kind() {
		case mork.KindSpace:
			what = fmt.Sprintf("%d expressions verified", in.Paths)
			if in.Interned {
				what += fmt.Sprintf(" (their symbols resolve in a table of %d)", in.Symbols)
			}
		case mork.KindSymbols:
			what = fmt.Sprintf("%d symbols verified", in.Symbols)
		case mork.KindMult:
			what = fmt.Sprintf("%d keys verified", in.Paths)
		case mork.KindACT:
			what = fmt.Sprintf("%d paths verified, every node walked", in.Paths)
		}
		if in.Checksum {
			what = "checksum and " + what
		}
		return verified(c.stdout, path, what, in.Recovery, "a writable open")
	}
}

// damaged reports whether err says the file is bad (malformed, a checksum,
// an unsupported version, a limit) rather than that it could not be read.
func damaged(err error) bool {
	switch errcode.Of(err) {
	case errcode.Format, errcode.Checksum, errcode.Unsupported, errcode.Limit:
		return true
	}
	return false
}

// ---- import, export, convert ---------------------------------------------------

// importFile is import's and convert's: the MeTTa text at src ("-": stdin)
// parsed into a new in-memory container and written to out, atomically, as
// kind (a space, interned, holds what a symbol table or multiplicities
// output is made from). A syntax error writes nothing.
func importFile(c *call, src, out string, kind mork.Kind, replace, intern, quiet bool, enc encodingFlags) error {
	var r io.Reader
	name, size := src, int64(-1)
	if src == "-" {
		name, r = "<stdin>", os.Stdin
		if fi, err := os.Stdin.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	} else {
		fh, err := os.Open(src)
		if err != nil {
			return err
		}
		defer fh.Close()
		if fi, err := fh.Stat(); err == nil {
			size = fi.Size()
		}
		r = fh
	}
	store := kind
	if kind == mork.Text || kind == mork.KindSymbols || kind == mork.KindMult {
		store = mork.KindSpace
	}
	f, err := mork.NewMem(nil, enc.options(store))
	if err != nil {
		return err
	}
	defer f.Close()
	p := c.progress(quiet || size < morkProgressMin, "importing "+name, "MiB", 1<<20)
	n, err := f.ImportText(bufio.NewReaderSize(r, 1<<16), &mork.ImportOptions{Intern: intern, Progress: func(read int64) {
		if read < size {
			p.update(read, size)
		}
	}})
	var se *expr.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%s:%d:%d: %s; nothing written", name, se.Line, se.Col, syntaxMsg(se))
	}
	if err != nil {
		return fmt.Errorf("%s: %w (nothing written)", name, err)
	}
	p.update(size, size)
	written, err := writeExport(out, replace, f, kind, nil)
	if err != nil {
		return fmt.Errorf("%s: %w (nothing written)", out, err)
	}
	in := f.Summary() // its paths: the distinct expressions read
	extra := ""
	if in.Interned {
		extra = fmt.Sprintf(", interned (%d symbols)", in.Symbols)
	}
	fmt.Fprintf(c.stdout, "%s → %s: %d expressions read, %d distinct; written as %s%s, %d bytes\n", name, out, n, in.Paths,
		kindTitles[kind], extra, written)
	noteIDs(c, f, kind, out)
	return nil
}

// syntaxMsg is what a syntax error says, without its place: what is wrong,
// the interner's error if it failed, and its code (PF_EFORMAT for malformed
// text, PF_ELIMIT for a limit), as the ABI would return it.
func syntaxMsg(se *expr.SyntaxError) string {
	msg := se.Msg
	if se.Err != nil {
		msg += ": " + se.Err.Error()
	}
	return msg + " (" + errcode.Of(se).Name() + ")"
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (cw *countWriter) Write(b []byte) (int, error) {
	n, err := cw.w.Write(b)
	cw.n += int64(n)
	return n, err
}

// writeExport writes f as kind to out atomically (replace: over a file
// there) and returns the bytes written. (Export buffers what it writes.)
func writeExport(out string, replace bool, f *mork.File, kind mork.Kind, eo *mork.ExportOptions) (int64, error) {
	cw := &countWriter{}
	err := writeAtomicStream(out, replace, func(w io.Writer) error {
		cw.w = w
		return f.Export(cw, kind, eo)
	})
	return cw.n, err
}

// exportFile writes the open file f (read from in) as kind to out, or as
// MeTTa text to stdout when out is "".
func exportFile(c *call, f *mork.File, in, out string, kind mork.Kind, replace, quiet bool, eo *mork.ExportOptions) error {
	from := f.Kind()
	size := int64(-1)
	if fi, err := os.Stat(in); err == nil {
		size = fi.Size()
	}
	if out == "" {
		if err := f.Export(c.stdout, kind, eo); err != nil {
			return fmt.Errorf("%s: %w", in, err)
		}
		return nil
	}
	c.progress(quiet || size < morkProgressMin, "", "", 1).start("converting %s: %s → %s…", in, kindTitles[from], kindTitles[kind])
	written, err := writeExport(out, replace, f, kind, eo)
	if err != nil {
		return fmt.Errorf("%s: %w (nothing written)", in, err)
	}
	n, err := f.Len()
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s → %s: %s → %s, %d paths, %d bytes\n", in, out, kindTitles[from], kindTitles[kind], n, written)
	noteIDs(c, f, kind, out)
	return nil
}

// noteIDs warns, on stderr, that an interned space written as a path file
// or an ACT keeps its paths' symbol ids but not the table that names them.
func noteIDs(c *call, f *mork.File, kind mork.Kind, out string) {
	switch kind {
	case mork.KindPathMap1, mork.KindPaths, mork.KindACT:
		if f.Interned() {
			fmt.Fprintf(c.stderr, "%s: note: its paths hold interned symbol ids, and the %s holds no symbol table to name them (-to symbols writes the table; a space file keeps both)\n",
				out, kindTitles[kind])
		}
	}
}

func morkImport(fs *flag.FlagSet) func(c *call) error {
	out := fs.String("o", "", morkOutHelp)
	force := fs.Bool("f", false, morkForceHelp)
	kindName := fs.String("kind", "", "import: the container `KIND` written: space, pathmap1, paths or act\n(default: the one OUT's extension names, else space)")
	intern := fs.Bool("intern", false, morkInternHelp)
	enc := declareEncoding(fs)
	quiet := quietFlag(fs)
	return func(c *call) error {
		src := c.args[0]
		if *out == "" {
			return fmt.Errorf("%w: import needs -o OUT (the new container)", errUsage)
		}
		if err := enc.check(); err != nil {
			return err
		}
		kind := mork.KindSpace
		if *kindName != "" {
			k, ok := mork.ParseKind(*kindName)
			if !ok || k == mork.KindSymbols || k == mork.KindMult {
				return fmt.Errorf("%w: -kind %q: want space, pathmap1, paths or act", errUsage, *kindName)
			}
			kind = k
		} else if k, err := kindOfName(*out); err == nil && k != mork.Text {
			kind = k
		}
		// A file some format reads is no text ("polyfmt mork import" skips
		// dispatch's detection); a file of no known kind may be.
		if src != "-" {
			if in, err := detectInput(src); err == nil && in.imported == "" {
				return fmt.Errorf("%s: a %s file, not MeTTa text (polyfmt export or convert rewrites it)", src, in.format.Title)
			}
		}
		if !*force {
			if err := mustNotExist(*out, "or use -f"); err != nil {
				return err
			}
		}
		return importFile(c, src, *out, kind, *force, *intern, *quiet, enc)
	}
}

func morkExport(fs *flag.FlagSet) func(c *call) error {
	to := fs.String("to", "metta", "export: the output `KIND`: metta (text), space, pathmap1, paths,\nact, symbols or mult")
	out := fs.String("o", "", morkOutHelp)
	force := fs.Bool("f", false, morkForceHelp)
	enc := declareEncoding(fs)
	quiet := quietFlag(fs)
	return func(c *call) error {
		kind, _, err := mork.ParseExport(*to, nil)
		if err != nil {
			return fmt.Errorf("%w: -to %q: want metta, space, pathmap1, paths, act, symbols or mult", errUsage, *to)
		}
		if *out == "" && kind != mork.Text {
			return fmt.Errorf("%w: export -to %s needs -o OUT (only MeTTa text goes to stdout)", errUsage, *to)
		}
		if err := enc.check(); err != nil {
			return err
		}
		if *out != "" && !*force {
			if err := mustNotExist(*out, "or use -f"); err != nil {
				return err
			}
		}
		f, err := openAs[*mork.File](c, c.args[0], false, nil)
		if err != nil {
			return err
		}
		defer f.Close()
		return exportFile(c, f, c.args[0], *out, kind, *force, *quiet, enc.export())
	}
}

func morkConvert(fs *flag.FlagSet) func(c *call) error {
	intern := fs.Bool("intern", false, morkInternHelp)
	enc := declareEncoding(fs)
	quiet := quietFlag(fs)
	return func(c *call) error {
		in, out := c.args[0], c.args[1]
		kind, err := kindOfName(out)
		if err != nil {
			return err
		}
		if err := enc.check(); err != nil {
			return err
		}
		src, err := c.convertInput(in, out)
		if err != nil {
			return err
		}
		if src.imported != "" {
			return importFile(c, in, out, kind, false, *intern, *quiet, enc)
		}
		if *intern {
			return fmt.Errorf("%w: -intern applies to MeTTa text; %s is a MORK container", errUsage, in)
		}
		f, err := openAs[*mork.File](c, in, false, nil)
		if err != nil {
			return err
		}
		defer f.Close()
		return exportFile(c, f, in, out, kind, false, *quiet, enc.export())
	}
}

// ---- query ---------------------------------------------------------------------

// morkQuery prints the matches of a pattern, or a prefix's paths; -json
// prints them as pf_mork_query does (mork.QueryResult).
func morkQuery(fs *flag.FlagSet) func(c *call) error {
	prefix := fs.Bool("prefix", false, "query: PATTERN is a byte prefix (\\xHH escapes), not a MeTTa pattern")
	asJSON := fs.Bool("json", false, morkJSONHelp)
	limit := fs.Uint64("limit", 0, "query: print at most `N` matches (0: all)")
	return onFile(nil, func(c *call, f *mork.File) error {
		path, pattern := c.args[0], c.args[1]
		kind := f.Kind()
		if kind == mork.KindSymbols {
			return fmt.Errorf("%s: a symbol table holds symbols, not paths (polyfmt inspect -n -1 lists them)", path)
		}
		if kind == mork.KindMult && !*prefix {
			return fmt.Errorf("%s: a multiplicities file's keys are text, not expressions: use -prefix", path)
		}
		res := mork.QueryResult{Matches: []mork.PrintedMatch{}}
		bw := bufio.NewWriterSize(c.stdout, 1<<16)
		var n uint64
		emit := func(m *mork.Match) error {
			if *limit != 0 && n == *limit {
				res.Truncated = true
				return mork.Stop
			}
			n++
			if !*asJSON {
				_, err := fmt.Fprintln(bw, pathLine(kind, m))
				return err
			}
			pm, err := m.Printed()
			if err != nil { // a path file may hold bytes that are no expression
				pm = mork.PrintedMatch{Text: pathText(m), Path: hex.EncodeToString(m.Path), Value: strconv.FormatUint(m.Value, 10), Bindings: []string{}}
			}
			res.Matches = append(res.Matches, pm)
			return nil
		}
		var err error
		if *prefix {
			pre, perr := prefixBytes(pattern)
			if perr != nil {
				return fmt.Errorf("%w: -prefix %q: %v", errUsage, pattern, perr)
			}
			err = f.Scan(pre, emit)
		} else {
			err = f.QueryText(pattern, emit)
		}
		var se *expr.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("pattern %s: line %d, column %d: %s", strconv.Quote(pattern), se.Line, se.Col, syntaxMsg(se))
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if *asJSON {
			return jsonOut(c.stdout, res)
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		if res.Truncated {
			fmt.Fprintf(c.stderr, "%s: the first %d matches (-limit); there are more\n", path, n)
		}
		return nil
	})
}

// prefixBytes reads a -prefix argument: its bytes as written, but \xHH for
// any byte and \\ for a backslash.
func prefixBytes(s string) ([]byte, error) {
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			out = append(out, s[i])
			continue
		}
		switch {
		case i+1 < len(s) && s[i+1] == '\\':
			out = append(out, '\\')
			i++
		case i+3 < len(s) && s[i+1] == 'x':
			b, err := hex.DecodeString(s[i+2 : i+4])
			if err != nil {
				return nil, fmt.Errorf("byte %d: \\x takes two hex digits", i)
			}
			out = append(out, b[0])
			i += 3
		default:
			return nil, fmt.Errorf("byte %d: a backslash starts \\xHH or \\\\", i)
		}
	}
	return out, nil
}

// ---- migrate -------------------------------------------------------------------

func morkMigrate(fs *flag.FlagSet) func(c *call) error {
	out := fs.String("o", "", morkOutHelp)
	force := fs.Bool("f", false, morkForceHelp)
	return func(c *call) error {
		path := c.args[0]
		dest, replace, err := outputOf(path, *out, *force)
		if err != nil {
			return err
		}
		f, err := openAs[*mork.File](c, path, false, nil)
		if err != nil {
			return err
		}
		in, kind := f.Summary(), f.Kind()
		f.Close()
		if kind != mork.KindSpace {
			return fmt.Errorf("%s: a MORK %s; migrate rewrites space files (MTTS), the only kind with a 1.1", path, kindTitles[kind])
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		ts := uint64(time.Now().Unix())
		img, err := mork.Migrate(data, ts, nil)
		if err != nil {
			return fmt.Errorf("%s: %w (nothing written)", path, err)
		}
		if bytes.Equal(img, data) {
			fmt.Fprintf(c.stdout, "%s: already version %s; nothing to do (nothing written)\n", path, in.Version)
			return nil
		}
		err = writeAtomicBytes(dest, replace, img)
		if err != nil {
			return fmt.Errorf("%s: %w (nothing written)", dest, err)
		}
		// Migrate keeps the symbols, paths, flags and layout: only the
		// header's version and timestamp are new.
		v, err := mork.DetectVersion(img)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%s → %s: space file version %s → %s, timestamp %d; %d paths, %d symbols, flags and layout kept\n",
			path, dest, in.Version, v, ts, in.Paths, in.Symbols)
		return nil
	}
}
