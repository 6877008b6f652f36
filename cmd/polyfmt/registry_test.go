package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/format"
)

// testFormat is a format registered here, with the core registry and the
// CLI table, as VSF and MORK will be: dispatch reaches its verbs, and the
// usage lists them, without any other change to the command.
const testMagic = "TESTFMT\x00"

func init() {
	fail := func() (format.File, error) { return nil, errors.New("the test format opens nothing") }
	format.Register(format.Format{ID: 1000, Name: "testfmt", Title: "TESTFMT", Extensions: []string{".tf"},
		Magic:     [][]byte{[]byte(testMagic)},
		Create:    func(string, []byte) (format.File, error) { return fail() },
		Open:      func(string, bool, []byte) (format.File, error) { return fail() },
		OpenBytes: func([]byte, bool, []byte) (format.File, error) { return fail() },
	})
	say := func(fs *flag.FlagSet) func(c *call) error {
		loud := fs.Bool("loud", false, "shout")
		return func(c *call) error {
			fmt.Fprintf(c.stdout, "%s %s %s loud=%v\n", c.format.Name, c.verb, strings.Join(c.args, " "), *loud)
			return nil
		}
	}
	registerCLI(&cliFormat{name: "testfmt", verbs: []verb{
		{"inspect", "FILE", "says inspect", say},
		{"verify", "FILE", "says verify", say},
		{"convert", "IN OUT", "says convert", say},
		{"poke", "FILE [HOW]", "says poke", say},
	}})
}

// Every registered format has inspect, verify and convert in the CLI table;
// every entry of the table is a registered format; verbs are whole.
func TestCLITable(t *testing.T) {
	for _, f := range format.All() {
		cf := cliOf(f)
		if cf == nil {
			t.Errorf("format %s is registered but has no CLI table entry (registerCLI)", f.Name)
			continue
		}
		for _, v := range commonVerbs {
			if cf.verb(v) == nil {
				t.Errorf("format %s has no %s in the CLI table", f.Name, v)
			}
		}
		names := cf.verbNames()
		if !slices.Equal(names[:min(len(names), len(commonVerbs))], commonVerbs) {
			t.Errorf("format %s: verbs %v should start with %v", f.Name, names, commonVerbs)
		}
		seen := map[string]bool{}
		for _, v := range cf.verbs {
			// Only a verb that reads no file (VSF's keygen) has no arguments.
			if seen[v.name] || v.args == "" && slices.Contains(commonVerbs, v.name) || v.about == "" || v.flags == nil {
				t.Errorf("format %s: verb %+v is repeated or incomplete", f.Name, v)
			}
			seen[v.name] = true
		}
	}
	for _, cf := range cliFormats {
		if format.ByName(cf.name) == nil {
			t.Errorf("the CLI table has %q, which is no registered format", cf.name)
		}
	}
}

// The usage lists every format's verbs, with their flags, from the table.
func TestUsageFromTable(t *testing.T) {
	code, _, errs := runCLI()
	if code != exitUsage {
		t.Fatalf("no arguments: exit %d", code)
	}
	for _, f := range format.All() {
		cf := cliOf(f)
		if !strings.Contains(errs, "\n"+f.Title+" (") {
			t.Errorf("usage has no heading for %s", f.Title)
		}
		for i := range cf.verbs {
			v := &cf.verbs[i]
			fs := flag.NewFlagSet(v.name, flag.ContinueOnError)
			v.flags(fs)
			if !strings.Contains(errs, "  polyfmt "+synopsis(v, fs)) {
				t.Errorf("usage does not list %s %s", f.Name, synopsis(v, fs))
			}
		}
	}
	for _, want := range []string{"polyfmt poke [-loud] FILE [HOW]", "polyfmt ls [-l] FILE [PREFIX]", "polyfmt inspect [-blocks N] [-json] FILE",
		"polyfmt export [-f] [-max-ratio N] [-q] FILE NAME OUT.npy", "polyfmt help | version", "exit status"} {
		if !strings.Contains(errs, want) {
			t.Errorf("usage has no %q:\n%s", want, errs)
		}
	}
}

// testFile writes a file of content in a new temporary directory.
func testFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A registered format's verbs are reached through its first bytes, whatever
// the file's name, with flags before or after the files.
func TestDispatchByFirstBytes(t *testing.T) {
	p := testFile(t, "named.m8", testMagic+"rest")
	for _, c := range []struct {
		args []string
		out  string
	}{
		{[]string{"inspect", p}, "testfmt inspect " + p + " loud=false\n"},
		{[]string{"verify", p, "-loud"}, "testfmt verify " + p + " loud=true\n"},
		{[]string{"convert", "-loud", p, "out"}, "testfmt convert " + p + " out loud=true\n"},
		{[]string{"poke", p, "gently"}, "testfmt poke " + p + " gently loud=false\n"},
	} {
		if code, out, errs := runCLI(c.args...); code != exitOK || out != c.out {
			t.Errorf("%q: %d %q %q, want %q", c.args, code, out, errs, c.out)
		}
	}
	if code, _, errs := runCLI("poke", p, "a", "b"); code != exitUsage || !strings.Contains(errs, "poke takes FILE [HOW], got 3") {
		t.Errorf("poke with too many arguments: %d %q", code, errs)
	}
	// With no existing file, the verb's format is the one whose extension
	// an argument has: its flags are parsed, its open says what is missing.
	if code, _, errs := runCLI("verify", "-max-ratio", "5", filepath.Join(t.TempDir(), "missing.mmx")); code != exitFailed || !strings.Contains(errs, "no such file") {
		t.Errorf("verify -max-ratio of a missing .mmx: %d %q", code, errs)
	}
}

// A file no format knows: exit 1, naming the file and its first bytes.
func TestDispatchUnknownFile(t *testing.T) {
	p := testFile(t, "junk.m8", "hello world")
	for _, verb := range []string{"inspect", "verify", "convert", "ls", "poke"} {
		code, out, errs := runCLI(verb, p, filepath.Join(t.TempDir(), "out"))
		if code != exitFailed || out != "" || !strings.Contains(errs, p+" is not a file polyfmt knows (first bytes 68 65 6c 6c 6f 20 77 6f)") ||
			strings.Contains(errs, "usage") {
			t.Errorf("%s of an unknown file: %d %q %q", verb, code, out, errs)
		}
	}
	// JSON is no format, but MEM8's convert imports it: other verbs say so.
	j := testFile(t, "doc.json", `{"contexts": []}`)
	if code, _, errs := runCLI("inspect", j); code != exitFailed || !strings.Contains(errs, "JSON input; inspect reads .m8") ||
		!strings.Contains(errs, "polyfmt convert imports it") {
		t.Errorf("inspect of JSON: %d %q", code, errs)
	}
}

// A verb no format has, given a file: exit 2 and the usage, naming the
// verbs the file's format has. A verb another format has: exit 1.
func TestDispatchUnknownVerb(t *testing.T) {
	for _, c := range []struct{ file, verbs string }{
		{mmxVec + "all_types.mmx", `MMX files have no command "frob"; theirs: inspect, verify, convert, ls, cat, export, compact`},
		{vec + "three_blocks_fixed_ts.m8", `MEM8 files have no command "frob"; theirs: inspect, verify, convert` + "\n"},
		{testFile(t, "t", testMagic), `TESTFMT files have no command "frob"; theirs: inspect, verify, convert, poke` + "\n"},
	} {
		code, out, errs := runCLI("frob", c.file)
		if code != exitUsage || out != "" || !strings.Contains(errs, c.verbs) || !strings.Contains(errs, "usage: polyfmt VERB") {
			t.Errorf("frob %s: %d %q %q, want %q", c.file, code, out, errs, c.verbs)
		}
	}
	if code, _, errs := runCLI("frob", "no-such-file"); code != exitUsage || !strings.Contains(errs, `unknown command "frob"`) {
		t.Errorf("frob: %d %q", code, errs)
	}
	if code, _, errs := runCLI("poke", mmxVec+"all_types.mmx"); code != exitFailed || !strings.Contains(errs, "MMX input; poke reads .tf files") {
		t.Errorf("poke of an .mmx: %d %q", code, errs)
	}
}

// writeAtomic leaves no output and no temporary file when it fails, and
// does not replace a file that appears meanwhile unless told to.
func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := writeAtomic(out, false, func(string) error { return errors.New("no") }); err == nil {
		t.Fatal("a failed fill succeeded")
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("a failed write left %v", left)
	}
	appear := func(tmp string) error { return os.WriteFile(out, []byte("other"), 0o644) }
	if err := writeAtomic(out, false, appear); err == nil || !strings.Contains(err.Error(), "appeared") {
		t.Fatalf("an output that appeared meanwhile: %v", err)
	}
	if err := writeAtomic(out, true, func(tmp string) error { return os.WriteFile(tmp, []byte("mine"), 0o600) }); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	fi, _ := os.Stat(out)
	if left, _ := os.ReadDir(dir); string(b) != "mine" || fi.Mode().Perm() != 0o644 || len(left) != 1 {
		t.Fatalf("replace: %q %v %v", b, fi.Mode(), left)
	}
}
