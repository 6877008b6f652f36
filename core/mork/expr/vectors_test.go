package expr

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// vectorPath is the shared vector file: Go runs it here, Python and JS
// run it through the ABI. Its fields must stay exactly these.
const vectorPath = "../../testdata/mork/expr.json"

var update = flag.Bool("update", false, "rewrite "+vectorPath+" from the table in vectors_test.go")

type vectorFile struct {
	Cases  []vectorCase  `json:"cases"`
	Errors []vectorError `json:"errors"`
}

// vectorCase: text parses (default options) to exactly one expression,
// hex (lowercase, no spaces); that prints as printed, which parses back
// to hex.
type vectorCase struct {
	Text    string `json:"text"`
	Hex     string `json:"hex"`
	Printed string `json:"printed"`
}

// vectorError: text fails to parse with code ("format" or "limit") at
// line and column (1-based, columns in bytes).
type vectorError struct {
	Text   string `json:"text"`
	Code   string `json:"code"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// vectorCases is the source of the cases. Hex and printed are pinned by
// hand where given; "" means computed (the long edge cases, whose shape
// other tests check).
var vectorCases = []vectorCase{
	// The reference vectors.
	{"(foo $x (bar $x))", "03c3666f6fc002c362617280", "(foo $a (bar $a))"},
	{"()", "00", "()"},
	{"(a $x $y $x $y)", "05c161c0c08081", "(a $a $b $a $b)"},
	// Top-level items of every kind are expressions.
	{"foo", "c3666f6f", "foo"},
	{"$x", "c0", "$a"},
	{"(edge n123 n456)", "03c465646765c46e313233c46e343536", "(edge n123 n456)"},
	// Strings keep their quotes and backslashes, as MORK's parser does.
	{`(say "hello world")`, "02c3736179cd2268656c6c6f20776f726c6422", `(say "hello world")`},
	{`(q "a \"b\" c")`, "02c171cb2261205c22625c22206322", `(q "a \"b\" c")`},
	{`("ab"cd)`, "02c422616222c26364", `("ab" cd)`},
	{"(\"two\nlines\")", "01cb2274776f0a6c696e657322", `(#"\"two\nlines\"")`},
	// polyfmt's escaped symbols.
	{`#"hello world"`, "cb68656c6c6f20776f726c64", `#"hello world"`},
	{`#"t\tn\nr\rz\x00q\"b\\"`, "cc74096e0a720d7a007122625c", `#"t\tn\nr\rz\x00q\"b\\"`},
	{`(#"$x" #";c" #"(")`, "03c22478c23b63c128", `(#"$x" #";c" #"(")`},
	{"(# #a a#b)", "03c123c22361c3612362", "(# #a a#b)"},
	// Comments and whitespace.
	{"; a comment\n(a ; inner comment\n b) ; trailing, no newline", "02c161c162", "(a b)"},
	{"(a ; just before the paren\n)", "01c161", "(a)"},
	{"(a;b c)", "02c3613b62c163", "(a;b c)"},
	{"(a\r\n\tb)\r\n", "02c161c162", "(a b)"},
	{"\ufeff(bom)", "01c3626f6d", "(bom)"},
	{"(\ufeffx)", "01c4efbbbf78", "(#\"\ufeffx\")"},
	{"(f(g)h)", "03c16601c167c168", "(f (g) h)"},
	// Variables: names are whole tokens, per top-level expression.
	{"($ $ $x)", "03c080c0", "($a $a $b)"},
	{"(f $x (g $y $x) $Y)", "04c166c003c167c080c0", "(f $a (g $b $a) $c)"},
	// Nesting and UTF-8.
	{"(((a) b) c)", "0202" + "01c161" + "c162c163", "(((a) b) c)"},
	{`(名前 "値")`, "02c6e5908de5898dc522e580a422", `(名前 "値")`},
	// Edge cases of the limits (the +1 failures are in errors).
	{"(" + strings.TrimSpace(strings.Repeat("i ", 63)) + ")", "", ""},
	{strings.Repeat("s", 63), "", ""},
	{`"` + strings.Repeat("q", 61) + `"`, "", ""},
	{"((" + varList(0, 32) + ") (" + varList(32, 64) + ") $v63)", "", ""},
	{strings.Repeat("(", 256) + strings.Repeat(")", 256), "", ""},
}

var vectorErrors = []vectorError{
	{"(a b", "format", 1, 1},
	{")", "format", 1, 1},
	{"(a\n  (b\n    c))\n)", "format", 4, 1},
	{"(a)\n(b\n  (c d)", "format", 2, 1},
	{`(a "b`, "format", 1, 4},
	{"(a\n  \"never closed\n", "format", 2, 3},
	{`(x #"\q")`, "format", 1, 6},
	{`#""`, "format", 1, 1},
	{"(" + strings.TrimSpace(strings.Repeat("i ", 64)) + ")", "limit", 1, 128},
	{strings.Repeat("s", 64), "limit", 1, 1},
	{"(x " + `"` + strings.Repeat("q", 62) + `"` + ")", "limit", 1, 4},
	{"((" + varList(0, 32) + ") (" + varList(32, 65) + "))", "limit", 1, 2 + len(varList(0, 32)) + 3 + len(varList(32, 64)) + 2},
	{strings.Repeat("(", 257) + strings.Repeat(")", 257), "limit", 1, 257},
}

var codeNames = map[string]errcode.Code{"format": errcode.Format, "limit": errcode.Limit}

// buildVectors fills the computed fields and checks the pinned ones.
func buildVectors(t *testing.T) vectorFile {
	t.Helper()
	var f vectorFile
	for _, c := range vectorCases {
		b, err := ParseOne(c.Text, nil)
		if err != nil {
			t.Fatalf("%q: %v", c.Text, err)
		}
		h := hex.EncodeToString(b)
		if c.Hex != "" && c.Hex != h {
			t.Fatalf("%q: hex %s, pinned %s", c.Text, h, c.Hex)
		}
		p, err := Text(b)
		if err != nil {
			t.Fatal(err)
		}
		if c.Printed != "" && c.Printed != p {
			t.Fatalf("%q: printed %q, pinned %q", c.Text, p, c.Printed)
		}
		f.Cases = append(f.Cases, vectorCase{c.Text, h, p})
	}
	f.Errors = vectorErrors
	return f
}

func encodeVectors(f vectorFile) []byte {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	e.SetIndent("", " ")
	if err := e.Encode(f); err != nil {
		panic(err)
	}
	// The byte order mark, escaped so that no editor or loader drops it.
	return bytes.ReplaceAll(b.Bytes(), []byte("\uFEFF"), []byte(`\ufeff`))
}

// TestVectorFileUpToDate: the file is what the table generates (run with
// -update after changing the table).
func TestVectorFileUpToDate(t *testing.T) {
	want := encodeVectors(buildVectors(t))
	if *update {
		if err := os.WriteFile(vectorPath, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(vectorPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the table in vectors_test.go: run go test -run VectorFile -update", vectorPath)
	}
}

func loadVectors(t testing.TB) vectorFile {
	t.Helper()
	raw, err := os.ReadFile(vectorPath)
	if err != nil {
		t.Fatal(err)
	}
	var f vectorFile
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(&f); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestVectors runs the file as the other languages will.
func TestVectors(t *testing.T) {
	f := loadVectors(t)
	if len(f.Cases) < 25 || len(f.Errors) < 10 {
		t.Fatalf("%d cases, %d errors", len(f.Cases), len(f.Errors))
	}
	for i, c := range f.Cases {
		t.Run(fmt.Sprintf("case%d", i), func(t *testing.T) {
			want, err := hex.DecodeString(c.Hex)
			if err != nil {
				t.Fatal(err)
			}
			es, err := Parse([]byte(c.Text), nil)
			if err != nil || len(es) != 1 || !bytes.Equal(es[0], want) {
				t.Fatalf("%q: % X %v, want %s", c.Text, es, err, c.Hex)
			}
			if err := Check(want); err != nil {
				t.Fatal(err)
			}
			if p, err := Text(want); err != nil || p != c.Printed {
				t.Fatalf("printed %q %v, want %q", p, err, c.Printed)
			}
			if back, err := ParseOne(c.Printed, nil); err != nil || !bytes.Equal(back, want) {
				t.Fatalf("printed text reads back as % X %v", back, err)
			}
		})
	}
	for i, c := range f.Errors {
		t.Run(fmt.Sprintf("error%d", i), func(t *testing.T) {
			code, ok := codeNames[c.Code]
			if !ok {
				t.Fatalf("code %q", c.Code)
			}
			_, err := Parse([]byte(c.Text), nil)
			wantErr(t, err, code, c.Line, c.Column)
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, se.Kind) {
				t.Fatal("not a SyntaxError of its kind")
			}
		})
	}
}
