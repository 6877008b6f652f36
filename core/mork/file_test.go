package mork

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/format"
	"github.com/polyfmt/polyfmt/core/mork/paths"
	"github.com/polyfmt/polyfmt/core/mork/symtab"
)

const sample = `; a small space
(edge a b)
(edge b c)
(edge c a)
(person (name "Ada") (born 1815))
(foo $x (bar $x))
`

func sampleFile(t *testing.T) *File {
	t.Helper()
	f := must(Create("", nil))
	n, err := f.ImportText(strings.NewReader(sample), nil)
	if err != nil || n != 5 {
		t.Fatalf("import: %d, %v", n, err)
	}
	return f
}

func contents(t *testing.T, f *File) []string {
	t.Helper()
	var out []string
	noErr(t, f.Walk(nil, func(p []byte, v uint64) error {
		s := must(f.AppendText(nil, p))
		out = append(out, string(s))
		return nil
	}))
	return out
}

// Every container written from a space reads back with the same paths,
// through Export, through the registry, and by detection.
func TestExportEveryKind(t *testing.T) {
	f := sampleFile(t)
	want := contents(t, f)
	for _, k := range []Kind{KindSpace, KindPathMap1, KindPaths, KindACT} {
		for _, o := range []*ExportOptions{nil, {Compression: "lz4"}, {Compression: "none"}, {Compression: "zlib"}, {ACTLayout: "seed"}, {CompressSpace: true}, {SymbolLayout: "mork"}} {
			var buf bytes.Buffer
			if err := f.Export(&buf, k, o); err != nil {
				t.Fatalf("%v %+v: %v", k, o, err)
			}
			if got, ok := DetectKind(buf.Bytes()); !ok || got != k {
				t.Fatalf("%v detected as %v", k, got)
			}
			if fm := format.Detect(buf.Bytes()); fm == nil || fm.Name != "mork" {
				t.Fatalf("%v: the registry does not detect it", k)
			}
			g := must(OpenBytes(buf.Bytes(), nil))
			if got := contents(t, g); !slices.Equal(got, want) {
				t.Fatalf("%v %+v: %q, want %q", k, o, got, want)
			}
			if err := g.Verify(); err != nil {
				t.Fatalf("%v: verify: %v", k, err)
			}
			noErr(t, g.Close())
		}
	}
	var txt bytes.Buffer
	noErr(t, f.Export(&txt, Text, nil))
	if txt.String() != strings.Join(want, "\n")+"\n" {
		t.Fatalf("text:\n%s", txt.String())
	}
}

// A file on disk: created, changed, committed, reopened, migrated.
func TestFileOnDisk(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []Kind{KindSpace, KindPathMap1, KindPaths, KindACT, KindMult} {
		path := filepath.Join(dir, "f"+k.Extension())
		f := must(Create(path, &Options{Kind: k}))
		p, q := []byte{2, 0xC1, 'a', 0xC1, 'b'}, []byte{1, 0xC1, 'z'}
		if k == KindMult {
			p, q = []byte("(a b)"), []byte("z")
		}
		noErr(t, f.Add(p, 7))
		noErr(t, f.Add(q, 9))
		ok := must(f.Remove(q))
		if !ok {
			t.Fatalf("%v: remove found nothing", k)
		}
		noErr(t, f.Close())
		r := must(Open(path))
		if r.Kind() != k {
			t.Fatalf("reopened %v as %v", k, r.Kind())
		}
		v, found, err := r.Get(p)
		wantV := uint64(7)
		if k == KindSpace || k == KindPathMap1 || k == KindPaths {
			wantV = 0 // these containers keep no values
		}
		if err != nil || !found || v != wantV {
			t.Fatalf("%v: Get = %d %v %v", k, v, found, err)
		}
		if n := must(r.Len()); n != 1 {
			t.Fatalf("%v: %d paths", k, n)
		}
		wantCode(t, "add to read-only", r.Add(p, 1), errcode.ErrBadArg)
		noErr(t, r.Close())
		wantCode(t, "second close", r.Close(), errcode.ErrClosed)
	}
}

func TestMigrateByCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.mtts")
	img := must(AppendSpace(nil, &Space{Paths: set(t, facts...)}, &SpaceOptions{V10: true}))
	noErr(t, os.WriteFile(path, img, 0o644))
	f := must(OpenFile(path, os.O_RDWR, nil))
	if in := f.Summary(); in.Version != "1.0" {
		t.Fatalf("version %q", in.Version)
	}
	noErr(t, f.Commit())
	noErr(t, f.Close())
	g := must(Open(path))
	if in := g.Summary(); in.Version != "1.1" || in.Timestamp != 1_700_000_000 || in.Paths != uint64(len(facts)) {
		t.Fatalf("after commit: %+v", in)
	}
	g.Close()
}

func TestMultRoundTrip(t *testing.T) {
	m := paths.NewSet()
	m.Add([]byte("(edge a b)"), 3)
	m.Add([]byte("ünïcödé"), 1<<63)
	m.Add([]byte(""), 0)
	img := must(AppendMult(nil, m, nil))
	if !bytes.HasPrefix(img, []byte("MTTM\x01\x00\x01\x00")) {
		t.Fatalf("header % x", img[:16])
	}
	got, v, err := ReadMult(img, nil)
	if err != nil || v != (Version{1, 0}) || got.Len() != 3 {
		t.Fatalf("%v %v %d", err, v, got.Len())
	}
	if x, ok := got.Get([]byte("ünïcödé")); !ok || x != 1<<63 {
		t.Fatalf("value %d %v", x, ok)
	}
	for n := range len(img) {
		if _, _, err := ReadMult(img[:n], nil); err == nil {
			t.Fatalf("cut to %d reads", n)
		}
	}
	// A repeated key is refused.
	dup := must(AppendMult(nil, m, &MultOptions{NoChecksum: true}))
	dup[16]++ // count 4: the first entry again would follow
	e := dup[24 : 24+4+0+8]
	dup = append(dup, e...)
	_, _, err = ReadMult(dup, nil)
	wantCode(t, "repeated key", err, errcode.ErrFormat)
	bad := paths.NewSet()
	bad.Add([]byte{0xFF, 0xFE}, 1)
	_, err = AppendMult(nil, bad, nil)
	wantCode(t, "non-UTF-8 key", err, errcode.ErrBadArg)
}

// A multiplicities key is text: encoding and printing it give it back.
func TestMultKeysAsText(t *testing.T) {
	m := must(Create("", &Options{Kind: KindMult}))
	k := must(m.EncodeText("(edge a b) ünï"))
	if string(k) != "(edge a b) ünï" {
		t.Fatalf("EncodeText of a key: %q", k)
	}
	noErr(t, m.Add(k, 3))
	if v, ok, err := m.Get(k); err != nil || !ok || v != 3 {
		t.Fatalf("Get: %d %v %v", v, ok, err)
	}
	if s := must(m.AppendText(nil, k)); string(s) != string(k) {
		t.Fatalf("AppendText of a key: %q", s)
	}
}

func TestSymbolsKind(t *testing.T) {
	tab := symtab.New()
	for _, s := range []string{"edge", "a", "a-much-longer-symbol"} {
		must(tab.Intern([]byte(s)))
	}
	for _, lay := range []symtab.Layout{symtab.LayoutSeed, symtab.LayoutMORK} {
		var buf bytes.Buffer
		noErr(t, tab.Write(&buf, lay))
		f := must(OpenBytes(buf.Bytes(), nil))
		if f.Kind() != KindSymbols || f.Symbols().Len() != 3 || f.Summary().SymbolLayout != lay.String() {
			t.Fatalf("%v: %+v", lay, f.Summary())
		}
		var again bytes.Buffer
		noErr(t, f.Export(&again, KindSymbols, nil))
		if !bytes.Equal(again.Bytes(), buf.Bytes()) {
			t.Fatalf("%v: export of a symbol table changes it", lay)
		}
	}
}

// Interning into a space whose paths hold symbols as written would change
// what they mean: refused.
func TestInternRefusedOnPlainSpace(t *testing.T) {
	f := sampleFile(t)
	_, err := f.Intern([]byte("x"))
	wantCode(t, "intern into a plain space", err, errcode.ErrBadArg)
	_, err = f.ImportText(strings.NewReader("(a b)"), &ImportOptions{Intern: true})
	wantCode(t, "interned import into a plain space", err, errcode.ErrBadArg)
	noErr(t, f.Commit())
	e := must(Create("", nil))
	if id := must(e.Intern([]byte("x"))); id != 1 || !e.Interned() {
		t.Fatalf("an empty space interns: id %d, interned %v", id, e.Interned())
	}
}

func TestQuery(t *testing.T) {
	f := sampleFile(t)
	cases := map[string][]string{
		"(edge $x $y)":      {"(edge a b)", "(edge b c)", "(edge c a)"},
		"(edge a $y)":       {"(edge a b)"},
		"(person $p $q)":    {`(person (name "Ada") (born 1815))`},
		"(foo $x (bar $x))": {"(foo $a (bar $a))"},
		"(edge $x $x)":      nil,
		"(nothing here)":    nil,
	}
	for pat, want := range cases {
		var got []string
		noErr(t, f.QueryText(pat, func(m *Match) error {
			got = append(got, string(must(m.AppendText(nil))))
			return nil
		}))
		if !slices.Equal(got, want) {
			t.Fatalf("%s: %q, want %q", pat, got, want)
		}
	}
	// A binding holding a variable the path introduced before it keeps
	// that variable's name.
	var binds []string
	noErr(t, f.QueryText("(foo $x $y)", func(m *Match) error {
		for i := range m.Bindings {
			binds = append(binds, string(must(m.AppendBinding(nil, i))))
		}
		return nil
	}))
	if !slices.Equal(binds, []string{"$a", "(bar $a)"}) {
		t.Fatalf("bindings %q", binds)
	}
	n := 0
	noErr(t, f.QueryText("(edge $x $y)", func(*Match) error { n++; return Stop }))
	if n != 1 {
		t.Fatalf("Stop: %d calls", n)
	}
}

func TestImportErrorsNameThePlace(t *testing.T) {
	f := must(Create("", nil))
	n, err := f.ImportText(strings.NewReader("(a b)\n(c d\n"), nil)
	if err == nil || n != 1 || !strings.Contains(err.Error(), "line") {
		t.Fatalf("%d %v", n, err)
	}
	deep := strings.Repeat("(", 100000)
	_, err = f.ImportText(strings.NewReader(deep), nil)
	if c := errcode.Of(err); c != errcode.Format && c != errcode.Limit {
		t.Fatalf("deep nesting: %v", err)
	}
}
