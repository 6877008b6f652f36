package main

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/mork"
	"github.com/polyfmt/polyfmt/core/vectors"
)

const (
	morkVec = "../../core/testdata/mork/containers/"
)

// morkText is the sample MeTTa text the tests import: six expressions,
// comments, a string symbol, variables.
const morkText = `; a small family
(parent Tom Bob)
(parent Bob Ann)
(parent Bob Pat)   ; Bob has two children
(age Ann 7)
(name Ann "Ann Smith")
(rule (grandparent $x $z) (, (parent $x $y) (parent $y $z)))
`

// morkSorted is morkText as export prints it: one expression a line, in
// byte order of their paths, variables renamed $a, $b, … in order.
const morkSorted = `(age Ann 7)
(name Ann "Ann Smith")
(rule (grandparent $a $b) (, (parent $a $c) (parent $c $b)))
(parent Bob Ann)
(parent Bob Pat)
(parent Tom Bob)
`

// mustRun runs the CLI and fails the test unless it exits 0.
func mustRun(t *testing.T, args ...string) (string, string) {
	t.Helper()
	code, out, errs := runCLI(args...)
	if code != exitOK {
		t.Fatalf("polyfmt %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out, errs
}

// queryJSON runs query -json and decodes it.
func queryJSON(t *testing.T, args ...string) mork.QueryResult {
	t.Helper()
	out, _ := mustRun(t, append([]string{"query", "-json"}, args...)...)
	var r mork.QueryResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("query -json: %v\n%s", err, out)
	}
	return r
}

// infoOf runs inspect -json and decodes it.
func infoOf(t *testing.T, path string) mork.Info {
	t.Helper()
	out, _ := mustRun(t, "inspect", "-json", path)
	var in mork.Info
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		t.Fatalf("inspect -json %s: %v\n%s", path, err, out)
	}
	return in
}

func absent(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("%s exists (%v): a failed command left it", path, err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")); len(left) > 0 {
		t.Errorf("a failed command left %v", left)
	}
}

// The shared container vectors: inspect and verify each file; its kind,
// version, counts, every path and value; the manifest's errors.
func TestMORKContainers(t *testing.T) {
	m, err := vectors.LoadMorkContainers()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Cases) < 17 {
		t.Fatalf("%d cases in the manifest", len(m.Cases))
	}
	for _, c := range m.Cases {
		t.Run(c.File, func(t *testing.T) {
			p := morkVec + c.File
			if c.OpenError != "" {
				// The CLI says what the core says, and the core's code is the manifest's.
				_, oerr := mork.Open(p)
				if got := errcode.Of(oerr).Name(); got != c.OpenError {
					t.Fatalf("mork.Open: %v (%s), manifest says %s", oerr, got, c.OpenError)
				}
				for _, verb := range []string{"inspect", "verify", "query", "export"} {
					args := []string{verb, p}
					if verb == "query" {
						args = append(args, "$x")
					}
					code, out, errs := runCLI(args...)
					if code != exitFailed || out != "" || !strings.Contains(errs, p+": ") || !strings.Contains(errs, oerr.Error()) {
						t.Errorf("%s: %d %q %q, want exit 1 and %q", verb, code, out, errs, oerr)
					}
					if verb == "verify" && !strings.Contains(errs, p+": FAILED: ") {
						t.Errorf("verify: %q says no FAILED", errs)
					}
				}
				if c.OpenError == "PF_EUNSUPPORTED" {
					if _, _, errs := runCLI("inspect", p); !strings.Contains(errs, "version 2.") || !strings.Contains(errs, "reads version 1.x") {
						t.Errorf("unsupported version, not named: %q", errs)
					}
				}
				return
			}
			in := infoOf(t, p)
			if in.Format != "mork" || in.Kind != c.Kind || in.Version != c.Version || in.Symbols != c.Symbols ||
				in.Interned != c.Interned || (c.Paths != nil && in.Paths != uint64(len(c.Paths))) || in.Writable || !in.Recovery.Clean {
				t.Errorf("inspect -json: %+v", in)
			}
			out, _ := mustRun(t, "inspect", "-n", "-1", p)
			title := kindTitles[mustKind(t, c.Kind)]
			if !strings.HasPrefix(out, p+": MORK "+title) || (c.Version != "" && !strings.Contains(out, ", version "+c.Version+"\n")) {
				t.Errorf("inspect: %q", out)
			}

			code, vout, verrs := runCLI("verify", p)
			if c.VerifyError != "" {
				_, ferr := func() (*mork.File, error) {
					f, err := mork.Open(p)
					if err != nil {
						return nil, err
					}
					defer f.Close()
					return f, f.Verify()
				}()
				if got := errcode.Of(ferr).Name(); got != c.VerifyError {
					t.Fatalf("Verify: %v (%s), manifest says %s", ferr, got, c.VerifyError)
				}
				if code != exitFailed || vout != "" || !strings.Contains(verrs, p+": FAILED: "+ferr.Error()) {
					t.Errorf("verify: %d %q %q, want exit 1 and %q", code, vout, verrs, ferr)
				}
				if c.VerifyError == "PF_ECHECKSUM" && !strings.Contains(verrs, "checksum") {
					t.Errorf("verify: %q does not say checksum", verrs)
				}
			} else if code != exitOK || !strings.HasPrefix(vout, p+": OK, ") || verrs != "" {
				t.Errorf("verify: %d %q %q", code, vout, verrs)
			}

			if c.VerifyError != "" { // the manifest lists no paths of a damaged file
				return
			}
			if c.Kind == "symbols" {
				if strings.Count(out, "\n    ") != c.Symbols {
					t.Errorf("inspect lists %d symbols, want %d:\n%s", strings.Count(out, "\n    "), c.Symbols, out)
				}
				return
			}
			// Every path and value, in order: query -prefix "" lists them all.
			r := queryJSON(t, "-prefix", p, "")
			var texts, values []string
			for _, mt := range r.Matches {
				texts, values = append(texts, mt.Text), append(values, mt.Value)
			}
			if !slices.Equal(texts, c.Paths) || !slices.Equal(values, c.Values) || r.Truncated {
				t.Errorf("paths %q values %q, want %q %q", texts, values, c.Paths, c.Values)
			}
			for i, want := range c.Paths {
				line := "    " + want
				if c.Kind == "mult" {
					line = "    " + safeName(want)
				}
				if c.Kind == "act" || c.Kind == "mult" {
					line += "\t" + c.Values[i]
				}
				if !strings.Contains(out, line+"\n") {
					t.Errorf("inspect -n -1 has no %q:\n%s", line, out)
				}
			}
			if c.Kind != "mult" {
				text, _ := mustRun(t, "export", p)
				if want := strings.Join(c.Paths, "\n") + "\n"; text != want {
					t.Errorf("export: %q, want %q", text, want)
				}
			}
		})
	}
}

func mustKind(t *testing.T, name string) mork.Kind {
	t.Helper()
	k, ok := mork.ParseKind(name)
	if !ok {
		t.Fatalf("kind %q", name)
	}
	return k
}

// The shared expression vectors through import: each text imported alone
// is the path its hex gives and prints as its printed form; each error is
// reported at its line and column with its code, and nothing is written.
func TestMORKExprVectors(t *testing.T) {
	v, err := vectors.LoadMorkExpr()
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Cases) == 0 || len(v.Errors) == 0 {
		t.Fatal("no vectors")
	}
	dir := t.TempDir()
	for i, c := range v.Cases {
		in := filepath.Join(dir, fmt.Sprintf("case%d.metta", i))
		out := filepath.Join(dir, fmt.Sprintf("case%d.mtts", i))
		os.WriteFile(in, []byte(c.Text), 0o644)
		if code, stdout, errs := runCLI("mork", "import", "-q", in, "-o", out); code != exitOK || !strings.Contains(stdout, "1 expressions read") {
			t.Errorf("case %d %q: import: %d %q %q", i, c.Text, code, stdout, errs)
			continue
		}
		r := queryJSON(t, "-prefix", out, "")
		if len(r.Matches) != 1 || r.Matches[0].Path != c.Hex || r.Matches[0].Text != c.Printed {
			t.Errorf("case %d %q: %+v, want %s %q", i, c.Text, r.Matches, c.Hex, c.Printed)
		}
	}
	for i, e := range v.Errors {
		in := filepath.Join(dir, fmt.Sprintf("error%d.metta", i))
		out := filepath.Join(dir, fmt.Sprintf("error%d.mtts", i))
		os.WriteFile(in, []byte(e.Text), 0o644)
		code, stdout, errs := runCLI("mork", "import", in, "-o", out)
		where := fmt.Sprintf("polyfmt: %s:%d:%d: ", in, e.Line, e.Column)
		want := map[string]string{"format": "(PF_EFORMAT); nothing written\n", "limit": "(PF_ELIMIT); nothing written\n"}[e.Code]
		if code != exitFailed || stdout != "" || !strings.HasPrefix(errs, where) || want == "" || !strings.HasSuffix(errs, want) {
			t.Errorf("error %d %q: %d %q %q, want %q … %q", i, e.Text, code, stdout, errs, where, want)
		}
		absent(t, out)
	}
}

func TestMORKImport(t *testing.T) {
	src := testFile(t, "facts.metta", morkText)
	dir := t.TempDir()
	space := filepath.Join(dir, "facts.mtts")

	// Through detection (the text's "(" or ";", or .metta), and as "polyfmt mork import".
	out, errs := mustRun(t, "import", src, "-o", space)
	if out != src+" → "+space+": 6 expressions read, 6 distinct; written as space file (MTTS), 890 bytes\n" || errs != "" {
		t.Fatalf("import: %q %q", out, errs)
	}
	if text, _ := mustRun(t, "export", space); text != morkSorted {
		t.Fatalf("export of the import:\n%s", text)
	}
	if in := infoOf(t, space); in.Kind != "space" || in.Version != "1.1" || in.Interned || in.Paths != 6 || !in.Checksum {
		t.Fatalf("info %+v", in)
	}

	// Never over a file without -f; with -f, replaced.
	code, _, errs := runCLI("import", src, "-o", space, "-intern")
	if code != exitFailed || !strings.Contains(errs, space+" exists; remove it first or use -f") {
		t.Fatalf("over a file: %d %q", code, errs)
	}
	out, _ = mustRun(t, "import", src, "-o", space, "-intern", "-f")
	if !strings.Contains(out, "interned (12 symbols)") {
		t.Fatalf("-intern -f: %q", out)
	}
	if in := infoOf(t, space); !in.Interned || in.Symbols != 12 {
		t.Fatalf("interned: %+v", in)
	}
	if text, _ := mustRun(t, "export", space); text != morkInterned {
		t.Fatalf("export of the interned import:\n%s", text)
	}

	// The kind: -kind, else the output's extension; the encoding flags.
	act := filepath.Join(dir, "facts.act")
	mustRun(t, "mork", "import", src, "-o", act, "-act-layout", "seed")
	if in := infoOf(t, act); in.Kind != "act" || in.ACTLayout != "seed" || in.Paths != 6 {
		t.Fatalf("act: %+v", in)
	}
	pm := filepath.Join(dir, "facts.out")
	mustRun(t, "import", "-kind", "pathmap1", "-compression", "lz4", src, "-o", pm)
	if in := infoOf(t, pm); in.Kind != "pathmap1" || in.Compression != "lz4" {
		t.Fatalf("pathmap1: %+v", in)
	}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"import", src}, "import needs -o OUT"},
		{[]string{"import", src, "-o", filepath.Join(dir, "x.mtts"), "-kind", "mult"}, `-kind "mult": want space, pathmap1, paths or act`},
		{[]string{"import", src, "-o", filepath.Join(dir, "x.mtts"), "-compression", "brotli"}, "-compression"},
	} {
		if code, _, errs := runCLI(c.args...); code != exitUsage || !strings.Contains(errs, c.msg) {
			t.Errorf("%q: %d %q", c.args, code, errs)
		}
	}

	// A container is not text; text is no container the other verbs read.
	if code, _, errs := runCLI("import", space, "-o", filepath.Join(dir, "x.mtts")); code != exitFailed || !strings.Contains(errs, "a MORK file, not MeTTa text") {
		t.Errorf("import of a container: %d %q", code, errs)
	}
	if code, _, errs := runCLI("mork", "import", space, "-o", filepath.Join(dir, "x.mtts")); code != exitFailed || !strings.Contains(errs, "a MORK file, not MeTTa text") {
		t.Errorf("mork import of a container: %d %q", code, errs)
	}
	if code, _, errs := runCLI("inspect", src); code != exitFailed || !strings.Contains(errs, "MeTTa input; inspect reads ") {
		t.Errorf("inspect of text: %d %q", code, errs)
	}
	absent(t, filepath.Join(dir, "x.mtts"))

	// Text without "(" or ";" first is MeTTa by its name, or through "polyfmt mork import".
	bare := testFile(t, "bare.metta", "foo\n(bar $x)\n")
	mustRun(t, "import", bare, "-o", filepath.Join(dir, "bare.mtts"))
	txt := testFile(t, "bare.txt", "foo\n")
	if code, _, errs := runCLI("import", txt, "-o", filepath.Join(dir, "t.mtts")); code != exitFailed || !strings.Contains(errs, "is not a file polyfmt knows") {
		t.Errorf("import of .txt: %d %q", code, errs)
	}
	mustRun(t, "mork", "import", txt, "-o", filepath.Join(dir, "t.mtts"))

	// A syntax error: FILE:LINE:COLUMN, nothing written (not even over -f's file).
	bad := testFile(t, "bad.metta", "(a b)\n(c (d e)\n  (f g)))\n")
	code, out, errs = runCLI("import", bad, "-o", space, "-f")
	if code != exitFailed || out != "" || errs != "polyfmt: "+bad+":3:9: unexpected ) (PF_EFORMAT); nothing written\n" {
		t.Fatalf("syntax error: %d %q %q", code, out, errs)
	}
	if in := infoOf(t, space); in.Paths != 6 || !in.Interned {
		t.Fatalf("a failed import changed %s: %+v", space, in)
	}
}

// import - reads stdin; a large input reports progress on stderr, -q not.
func TestMORKImportStdinProgress(t *testing.T) {
	var text strings.Builder
	for i := 0; text.Len() < 1<<20+1000; i++ {
		fmt.Fprintf(&text, "(edge n%d n%d)\n", i, i+1)
	}
	src := testFile(t, "big.metta", text.String())
	dir := t.TempDir()
	stdin := os.Stdin
	defer func() { os.Stdin = stdin }()
	for _, quiet := range []bool{false, true} {
		fh, err := os.Open(src)
		if err != nil {
			t.Fatal(err)
		}
		os.Stdin = fh
		out := filepath.Join(dir, fmt.Sprintf("big%v.mtts", quiet))
		args := []string{"import", "-", "-o", out}
		if quiet {
			args = append(args, "-q")
		}
		stdout, errs := mustRun(t, args...)
		fh.Close()
		n := strings.Count(text.String(), "\n")
		if !strings.HasPrefix(stdout, fmt.Sprintf("<stdin> → %s: %d expressions read, %d distinct", out, n, n)) {
			t.Errorf("stdout %q", stdout)
		}
		if quiet && errs != "" || !quiet && !strings.HasSuffix(errs, "importing <stdin>: 1/1 MiB\n") {
			t.Errorf("quiet %v: stderr %q", quiet, errs)
		}
		if in := infoOf(t, out); in.Paths != uint64(n) {
			t.Errorf("%d paths, want %d", in.Paths, n)
		}
	}
}

// morkInterned is morkText as export prints an interned space: symbol ids
// are given in order of first appearance, so the paths sort as the text has them.
const morkInterned = `(parent Tom Bob)
(parent Bob Ann)
(parent Bob Pat)
(age Ann 7)
(name Ann "Ann Smith")
(rule (grandparent $a $b) (, (parent $a $c) (parent $c $b)))
`

// exported is what export prints of morkText imported, interned or not.
func exported(intern bool) string {
	if intern {
		return morkInterned
	}
	return morkSorted
}

// morkSpace imports morkText into a space in a new directory, interned or not.
func morkSpace(t *testing.T, intern bool) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "space.mtts")
	args := []string{"import", testFile(t, "facts.metta", morkText), "-o", p}
	if intern {
		args = append(args, "-intern")
	}
	mustRun(t, args...)
	return p
}

// convert: the kind OUT's extension names, from a container or from text;
// every kind read back gives the same expressions.
func TestMORKConvert(t *testing.T) {
	for _, intern := range []bool{false, true} {
		space := morkSpace(t, intern)
		dir := t.TempDir()
		for _, ext := range []string{".mtts", ".pathmap", ".paths", ".act", ".metta"} {
			out := filepath.Join(dir, "out"+ext)
			stdout, errs := mustRun(t, "convert", space, out)
			kind, _ := kindOfName(out)
			if !strings.HasPrefix(stdout, space+" → "+out+": space file (MTTS) → "+kindTitles[kind]+", 6 paths, ") {
				t.Errorf("%s: %q", ext, stdout)
			}
			// An interned space as a path file or an ACT: the ids are kept, the table is not, and convert says so.
			if ext != ".mtts" && ext != ".metta" && intern != strings.Contains(errs, "note: its paths hold interned symbol ids") {
				t.Errorf("%s, interned %v: stderr %q", ext, intern, errs)
			}
			if ext == ".metta" {
				if b, _ := os.ReadFile(out); string(b) != exported(intern) {
					t.Errorf("convert to .metta:\n%s", b)
				}
				continue
			}
			back := filepath.Join(dir, "back"+ext+".metta")
			mustRun(t, "convert", out, back)
			b, _ := os.ReadFile(back)
			if !intern || ext == ".mtts" {
				if string(b) != exported(intern) {
					t.Errorf("%s → .metta:\n%s", ext, b)
				}
			} else if strings.Count(string(b), "\n") != 6 || !strings.Contains(string(b), `#"\x00\x00\x00\x00\x00\x00\x00\x01"`) {
				t.Errorf("%s of an interned space → .metta (ids, no names):\n%s", ext, b)
			}
		}
		// The symbol table alone.
		zip := filepath.Join(dir, "syms.zip")
		mustRun(t, "convert", space, zip, "-symbol-layout", "mork")
		if in := infoOf(t, zip); in.Kind != "symbols" || in.SymbolLayout != "mork" || in.Symbols != map[bool]int{false: 0, true: 12}[intern] {
			t.Errorf("symbols: %+v", in)
		}
	}

	// From text, -intern; convert never overwrites; an unknown extension is usage.
	dir := t.TempDir()
	src := testFile(t, "facts.metta", morkText)
	out := filepath.Join(dir, "f.mtts")
	if stdout, _ := mustRun(t, "convert", "-intern", src, out); !strings.Contains(stdout, "6 expressions read, 6 distinct; written as space file (MTTS), interned (12 symbols)") {
		t.Errorf("text → .mtts: %q", stdout)
	}
	if code, _, errs := runCLI("convert", src, out); code != exitFailed || !strings.Contains(errs, "(convert never overwrites)") {
		t.Errorf("overwrite: %d %q", code, errs)
	}
	if code, _, errs := runCLI("convert", out, filepath.Join(dir, "f.txt")); code != exitUsage || !strings.Contains(errs, `the extension ".txt" names no MORK container`) {
		t.Errorf(".txt: %d %q", code, errs)
	}
	if code, _, errs := runCLI("convert", "-intern", out, filepath.Join(dir, "g.mtts")); code != exitUsage || !strings.Contains(errs, "-intern applies to MeTTa text") {
		t.Errorf("-intern of a container: %d %q", code, errs)
	}
	// A space whose paths cannot be multiplicity keys: the core refuses, nothing written.
	mult := filepath.Join(dir, "f.mttm")
	if code, _, errs := runCLI("convert", out, mult); code != exitFailed || !strings.Contains(errs, "nothing written") {
		t.Errorf("→ .mttm: %d %q", code, errs)
	}
	absent(t, mult)
	// -compress-space: flag bit 1, kept by a plain convert of the result.
	z := filepath.Join(dir, "z.mtts")
	mustRun(t, "convert", "-compress-space", out, z)
	z2 := filepath.Join(dir, "z2.mtts")
	mustRun(t, "convert", z, z2)
	for _, p := range []string{z, z2} {
		if o, _ := mustRun(t, "inspect", p); !strings.Contains(o, "  flags         checksum, paths compressed (zstd)\n") {
			t.Errorf("%s: %s", p, o)
		}
	}
}

func TestMORKExport(t *testing.T) {
	space := morkSpace(t, true)
	dir := t.TempDir()
	if text, errs := mustRun(t, "export", space, "-to", "metta"); text != morkInterned || errs != "" {
		t.Fatalf("export -to metta: %q %q", text, errs)
	}
	act := filepath.Join(dir, "x.act")
	stdout, _ := mustRun(t, "export", space, "-to", "act", "-o", act, "-act-layout", "seed")
	if !strings.Contains(stdout, "space file (MTTS) → ACT (ACTree03), 6 paths") {
		t.Fatalf("export -to act: %q", stdout)
	}
	if in := infoOf(t, act); in.Kind != "act" || in.ACTLayout != "seed" || in.Paths != 6 {
		t.Fatalf("act: %+v", in)
	}
	pm := filepath.Join(dir, "x.bin") // the name does not matter to export
	mustRun(t, "export", space, "-to", "pathmap1", "-compression", "zlib", "-o", pm)
	if in := infoOf(t, pm); in.Kind != "pathmap1" || in.Compression != "zlib" {
		t.Fatalf("pathmap1: %+v", in)
	}
	txt := filepath.Join(dir, "x.txt")
	mustRun(t, "export", "-o", txt, space)
	if b, _ := os.ReadFile(txt); string(b) != morkInterned {
		t.Fatalf("export -o: %q", b)
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"export", space, "-to", "act"}, exitUsage, "export -to act needs -o OUT"},
		{[]string{"export", space, "-to", "json", "-o", filepath.Join(dir, "y")}, exitUsage, `-to "json": want metta`},
		{[]string{"export", space, "-to", "act", "-o", act}, exitFailed, act + " exists; remove it first or use -f"},
		{[]string{"export", space, "-to", "act", "-o", filepath.Join(dir, "y"), "-act-layout", "flat"}, exitUsage, "-act-layout"},
	} {
		if code, _, errs := runCLI(c.args...); code != c.code || !strings.Contains(errs, c.msg) {
			t.Errorf("%q: %d %q", c.args, code, errs)
		}
	}
	absent(t, filepath.Join(dir, "y"))
	mustRun(t, "export", space, "-to", "space", "-o", act, "-f")
	if in := infoOf(t, act); in.Kind != "space" || !in.Interned {
		t.Fatalf("-f: %+v", in)
	}
}

func TestMORKQuery(t *testing.T) {
	for _, intern := range []bool{false, true} {
		space := morkSpace(t, intern)
		// In byte order: an interned space's ids are in order of first appearance.
		parents := "(parent Bob Ann)\n(parent Bob Pat)\n(parent Tom Bob)\n"
		if intern {
			parents = "(parent Tom Bob)\n(parent Bob Ann)\n(parent Bob Pat)\n"
		}
		first, second := strings.Split(parents, "\n")[0], strings.Split(parents, "\n")[1]
		for _, c := range []struct {
			pattern, out string
		}{
			{"(parent Bob $c)", "(parent Bob Ann)\n(parent Bob Pat)\n"},
			{"(parent $p $c)", parents},
			{"($rel Ann $v)", "(age Ann 7)\n(name Ann \"Ann Smith\")\n"},
			{"(rule (grandparent $x $z) $body)", "(rule (grandparent $a $b) (, (parent $a $c) (parent $c $b)))\n"},
			{"(parent $x $x)", ""},
			{"(parent Zed $c)", ""}, // interned: a symbol the table lacks matches nothing
			{"$x", exported(intern)},
		} {
			if out, errs := mustRun(t, "query", space, c.pattern); out != c.out || errs != "" {
				t.Errorf("interned %v, %s: %q %q, want %q", intern, c.pattern, out, errs, c.out)
			}
		}
		r := queryJSON(t, space, "(parent $p $c)", "-limit", "2")
		if len(r.Matches) != 2 || !r.Truncated || r.Matches[0].Text != first || r.Matches[1].Text != second ||
			"(parent "+strings.Join(r.Matches[1].Bindings, " ")+")" != second || r.Matches[0].Value != "0" {
			t.Errorf("-json -limit 2: %+v", r)
		}
		if intern != strings.HasPrefix(r.Matches[0].Path, "03c8") {
			t.Errorf("path %s, interned %v", r.Matches[0].Path, intern)
		}
		code, out, errs := runCLI("query", "-limit", "1", space, "(parent $p $c)")
		if code != exitOK || out != first+"\n" || !strings.Contains(errs, "the first 1 matches (-limit); there are more") {
			t.Errorf("-limit 1: %d %q %q", code, out, errs)
		}
		code, out, errs = runCLI("query", space, "(parent $p")
		if code != exitFailed || out != "" || !strings.Contains(errs, `pattern "(parent $p": line 1, column 1: `) {
			t.Errorf("bad pattern: %d %q %q", code, out, errs)
		}
	}
	// -prefix: the paths' leading bytes; \xHH escapes.
	space := morkSpace(t, false)
	if out, _ := mustRun(t, "query", "-prefix", space, `\x03\xc6parent\xc3Bob`); out != "(parent Bob Ann)\n(parent Bob Pat)\n" {
		t.Errorf("-prefix: %q", out)
	}
	if code, _, errs := runCLI("query", "-prefix", space, `\q`); code != exitUsage || !strings.Contains(errs, `a backslash starts \xHH`) {
		t.Errorf("-prefix \\q: %d %q", code, errs)
	}
	// Multiplicities: text keys, by prefix only; a symbol table has no paths.
	counts := morkVec + "counts.mttm"
	if out, _ := mustRun(t, "query", "-prefix", counts, "(edge"); out != "\"(edge a b)\"\t3\n" {
		t.Errorf("mult -prefix: %q", out)
	}
	if code, _, errs := runCLI("query", counts, "(edge $x $y)"); code != exitFailed || !strings.Contains(errs, "use -prefix") {
		t.Errorf("mult pattern: %d %q", code, errs)
	}
	if code, _, errs := runCLI("query", morkVec+"symbols_seed.zip", "$x"); code != exitFailed || !strings.Contains(errs, "holds symbols, not paths") {
		t.Errorf("symbols: %d %q", code, errs)
	}
	// An ACT's values.
	if out, _ := mustRun(t, "query", morkVec+"sample_pathmap.act", "(edge a $x)"); out != "(edge a b)\t18446744073709551615\n" {
		t.Errorf("act: %q", out)
	}
}

func TestMORKMigrate(t *testing.T) {
	dir := t.TempDir()
	v10 := filepath.Join(dir, "v10.mtts")
	orig, err := os.ReadFile(morkVec + "space_v10.mtts")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(v10, orig, 0o644)
	want, _ := mustRun(t, "export", v10)

	out := filepath.Join(dir, "v11.mtts")
	stdout, _ := mustRun(t, "migrate", v10, "-o", out)
	if !strings.HasPrefix(stdout, v10+" → "+out+": space file version 1.0 → 1.1, timestamp ") ||
		!strings.HasSuffix(stdout, "; 7 paths, 0 symbols, flags and layout kept\n") {
		t.Fatalf("migrate -o: %q", stdout)
	}
	if b, _ := os.ReadFile(v10); !bytes.Equal(b, orig) {
		t.Fatal("migrate -o changed its input")
	}
	if in := infoOf(t, out); in.Version != "1.1" || in.Timestamp == 0 || in.Paths != 7 || !in.Checksum {
		t.Fatalf("migrated: %+v", in)
	}
	if got, _ := mustRun(t, "export", out); got != want {
		t.Fatalf("migrated paths: %q, want %q", got, want)
	}
	mustRun(t, "verify", out)
	if code, _, errs := runCLI("migrate", v10, "-o", out); code != exitFailed || !strings.Contains(errs, "exists; remove it first or use -f") {
		t.Fatalf("over -o: %d %q", code, errs)
	}

	// In place, atomically; then there is nothing to do.
	stdout, _ = mustRun(t, "mork", "migrate", v10)
	if !strings.HasPrefix(stdout, v10+" → "+v10+": space file version 1.0 → 1.1") {
		t.Fatalf("in place: %q", stdout)
	}
	if in := infoOf(t, v10); in.Version != "1.1" {
		t.Fatalf("in place: %+v", in)
	}
	if stdout, _ = mustRun(t, "migrate", v10); stdout != v10+": already version 1.1; nothing to do (nothing written)\n" {
		t.Fatalf("again: %q", stdout)
	}
	if left, _ := os.ReadDir(dir); len(left) != 2 {
		t.Fatalf("left %v", left)
	}

	// A version this reader does not know, another kind: refused, nothing written.
	v2 := filepath.Join(dir, "v2.mtts")
	b, _ := os.ReadFile(morkVec + "space_v2.mtts")
	os.WriteFile(v2, b, 0o644)
	code, _, errs := runCLI("migrate", v2, "-o", filepath.Join(dir, "v2out.mtts"))
	if code != exitFailed || !strings.Contains(errs, "MTTS version 2.") || !strings.Contains(errs, "not supported") {
		t.Fatalf("version 2: %d %q", code, errs)
	}
	absent(t, filepath.Join(dir, "v2out.mtts"))
	if code, _, errs := runCLI("migrate", morkVec+"sample_seed.act", "-o", filepath.Join(dir, "a.act")); code != exitFailed || !strings.Contains(errs, "migrate rewrites space files") {
		t.Fatalf("an ACT: %d %q", code, errs)
	}
}

// MORK's .paths start with a zlib header, as the compressed JSON MEM8's
// convert imports does: each still goes to its own format.
func TestMORKZlibOwnership(t *testing.T) {
	if out, _ := mustRun(t, "inspect", morkVec+"sample.paths"); !strings.Contains(out, "MORK PathMap .paths file") {
		t.Fatalf(".paths: %q", out)
	}
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, 9) // 78 DA, as PathMap writes
	zw.Write([]byte(`{"contexts":[{"a":1}]}`))
	zw.Close()
	js := testFile(t, "ctx.json.z", z.String())
	if code, _, errs := runCLI("inspect", js); code != exitFailed || !strings.Contains(errs, "zlib input; inspect reads .m8") {
		t.Fatalf("zlib JSON: %d %q", code, errs)
	}
	if out, _ := mustRun(t, "convert", "-q", js, filepath.Join(t.TempDir(), "ctx.m8")); !strings.Contains(out, "1 blocks") {
		t.Fatalf("zlib JSON → .m8: %q", out)
	}
	// A zlib stream that does not inflate is MORK's to report.
	bad := testFile(t, "bad.paths", "\x78\xda\xff\xff\xff\xff garbage")
	if code, _, errs := runCLI("verify", bad); code != exitFailed || !strings.Contains(errs, bad+": FAILED: mork: ") {
		t.Fatalf("bad .paths: %d %q", code, errs)
	}
}

// "polyfmt mork VERB" runs MORK's verbs without detection.
func TestMORKPrefixed(t *testing.T) {
	if out, _ := mustRun(t, "mork", "inspect", morkVec+"space.mtts"); !strings.Contains(out, "MORK space file (MTTS), version 1.1") {
		t.Fatalf("mork inspect: %q", out)
	}
	if code, _, errs := runCLI("mork", "frob"); code != exitUsage ||
		!strings.Contains(errs, `MORK files have no command "frob"; theirs: inspect, verify, convert, import, export, query, migrate`) {
		t.Fatalf("mork frob: %d %q", code, errs)
	}
	if code, _, errs := runCLI("mork", "verify", vec+"three_blocks_fixed_ts.m8"); code != exitFailed || !strings.Contains(errs, "MEM8 input; verify reads .mtts") {
		t.Fatalf("mork verify of an .m8: %d %q", code, errs)
	}
	if code, _, errs := runCLI("query", mmxVec+"all_types.mmx", "$x"); code != exitFailed || !strings.Contains(errs, "MMX input; query reads .mtts") {
		t.Fatalf("query of an .mmx: %d %q", code, errs)
	}
}
