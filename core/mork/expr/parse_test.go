package expr

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/polyfmt/polyfmt/core/errcode"
)

func TestParseOne(t *testing.T) {
	for _, c := range []struct{ text, hex string }{
		{"(foo $x (bar $x))", "03 C3 666F6F C0 02 C3 626172 80"},
		{"()", "00"},
		{"(a $x $y $x $y)", "05 C1 61 C0 C0 80 81"},
		{"foo", "C3 666F6F"},
		{"$x", "C0"},
		{"  \t\r\n ; comment\n (a\tb)\r\n; trailing comment without newline", "02 C1 61 C1 62"},
		{"(a ; comment just before the paren\n)", "01 C1 61"},
		{"(a;b c)", "02 C3 613B62 C1 63"},                                     // ; inside a token
		{"($ $ $x)", "03 C0 80 C0"},                                           // $ alone is a name
		{"($x $X)", "02 C0 C0"},                                               // names are case-sensitive
		{`(say "hello world")`, "02 C3 736179 CD 2268656C6C6F20776F726C6422"}, // quotes kept
		{`"a\"b"`, "C6 22615C226222"},                                         // the backslash kept too
		{`("ab"cd)`, "02 C4 22616222 C2 6364"},                                // a string ends at its quote
		{"(\"a\nb\")", "01 C5 22610A6222"},                                    // raw newline inside a string
		{`a"b`, "C3 612262"},                                                  // a quote inside a bare token
		{`#"a b"`, "C3 612062"},                                               // escaped symbol
		{`#"\\\"\n\t\r\x00\xfF"`, "C7 5C220A090D00FF"},
		{`#"$x"`, "C2 2478"},
		{"#", "C1 23"},
		{"#a", "C2 2361"},
		{"(f(g)h)", "03 C1 66 01 C1 67 C1 68"},
		{"\xEF\xBB\xBF(a)", "01 C1 61"}, // byte order mark skipped
		{"(名前 値)", "02 C6 E5908DE5898D C3 E580A4"},
		{"\xFF\xFE", "C2 FFFE"}, // any bytes in a bare token
		{"(" + strings.Repeat("a ", 63) + ")", "3F" + strings.Repeat("C161", 63)},
		{strings.Repeat("a", 63), "FF" + strings.Repeat("61", 63)},
		{"(" + strings.Repeat("(", 255) + strings.Repeat(")", 256), strings.Repeat("01", 255) + "00"},
	} {
		got, err := ParseOne(c.text, nil)
		if err != nil {
			t.Errorf("%q: %v", c.text, err)
			continue
		}
		if want := unhexT(t, c.hex); !bytes.Equal(got, want) {
			t.Errorf("%q: % X, want % X", c.text, got, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	vars65 := "((" + varList(0, 32) + ") (" + varList(32, 65) + "))"
	for _, c := range []struct {
		text      string
		code      errcode.Code
		line, col int
		msg       string
	}{
		{"(a b", errcode.Format, 1, 1, "( is never closed"},
		{"(a\n  (b\n    c)", errcode.Format, 1, 1, "never closed"},
		{"(a)\n  (b (c)", errcode.Format, 2, 3, "never closed"},
		{")", errcode.Format, 1, 1, "unexpected )"},
		{"(a\n  (b\n    c))\n)", errcode.Format, 4, 1, "unexpected )"},
		{`(a "b`, errcode.Format, 1, 4, "string is never closed"},
		{"(a\n \"b\nc", errcode.Format, 2, 2, "never closed"},
		{`#"abc`, errcode.Format, 1, 1, "never closed"},
		{`(x #"a\qb")`, errcode.Format, 1, 7, `unknown escape \q`},
		{"(x\n #\"a\nbc\\q\")", errcode.Format, 3, 3, `unknown escape \q`},
		{`#"\x4"`, errcode.Format, 1, 3, `\x needs two hex digits`},
		{`#"\xG0"`, errcode.Format, 1, 3, `\x needs two hex digits`},
		{`#""`, errcode.Format, 1, 1, "empty symbol"},
		{"(" + strings.Repeat("a ", 64) + ")", errcode.Limit, 1, 128, "more than 63 items"},
		{vars65, errcode.Limit, 1, 2 + len(varList(0, 32)) + 3 + len(varList(32, 64)) + 2, "more than 64 variables"},
		{"(x " + strings.Repeat("a", 64) + ")", errcode.Limit, 1, 4, "symbol longer than 63 bytes"},
		{`"` + strings.Repeat("a", 62) + `"`, errcode.Limit, 1, 1, "symbol longer than 63 bytes"},
		{`"` + strings.Repeat("a", 100), errcode.Limit, 1, 1, "symbol longer than 63 bytes"},
		{`#"` + strings.Repeat(`\x41`, 64) + `"`, errcode.Limit, 1, 1, "symbol longer than 63 bytes"},
		{strings.Repeat("(", 257) + strings.Repeat(")", 257), errcode.Limit, 1, 257, "deeper than 256"},
		{strings.Repeat("(", 1e6), errcode.Limit, 1, 257, "deeper than 256"},
		{"(a\r\n  b))", errcode.Format, 2, 5, "unexpected )"},
		{"\xEF\xBB\xBF)", errcode.Format, 1, 1, "unexpected )"},
	} {
		_, err := Parse([]byte(c.text), nil)
		t.Run(fmt.Sprintf("%.20q", c.text), func(t *testing.T) {
			wantErr(t, err, c.code, c.line, c.col)
			if !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("%v: want %q", err, c.msg)
			}
			// The streaming parser reports the same error.
			_, serr := parseAll(NewParser(iotest.OneByteReader(strings.NewReader(c.text)), nil))
			if serr == nil || serr.Error() != err.Error() {
				t.Fatalf("streaming: %v, text: %v", serr, err)
			}
		})
	}
}

// varList is "$v<lo> … $v<hi-1>".
func varList(lo, hi int) string {
	var s []string
	for i := lo; i < hi; i++ {
		s = append(s, fmt.Sprintf("$v%d", i))
	}
	return strings.Join(s, " ")
}

func Test64Variables(t *testing.T) {
	text := "((" + varList(0, 32) + ") (" + varList(32, 64) + ") $v63)"
	b, err := ParseOne(text, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(b); err != nil || b[len(b)-1] != 0xBF {
		t.Fatalf("% X: %v", b, err)
	}
	want := "(($a $b $c $d $e $f $g $h $i $j " + strings.TrimPrefix(xNames(10, 32), " ") + ") (" + strings.TrimPrefix(xNames(32, 64), " ") + ") $x63)"
	if got, _ := Text(b); got != want {
		t.Fatalf("printed\n%s\nwant\n%s", got, want)
	}
}

func xNames(lo, hi int) string {
	s := ""
	for i := lo; i < hi; i++ {
		s += fmt.Sprintf(" $x%d", i)
	}
	return s
}

func parseAll(p *Parser) ([][]byte, error) {
	var out [][]byte
	for {
		e, err := p.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, bytes.Clone(e))
	}
}

// chunkReader returns its text in reads of random sizes.
type chunkReader struct {
	r    *rand.Rand
	text []byte
}

func (c *chunkReader) Read(b []byte) (int, error) {
	if len(c.text) == 0 {
		return 0, io.EOF
	}
	n := min(len(b), len(c.text), 1+c.r.IntN(300))
	copy(b, c.text[:n])
	c.text = c.text[n:]
	return n, nil
}

// genText writes facts with every token form, for stream-versus-text
// comparisons; big enough to cross several buffer refills.
func genText(r *rand.Rand, n int) []byte {
	var b bytes.Buffer
	for i := range n {
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, "(edge n%d n%d)\n", r.IntN(1000), r.IntN(1000))
		case 1:
			fmt.Fprintf(&b, "(person (name \"x %d\\\" y\") (age %d)) ; c\n", i, r.IntN(100))
		case 2:
			fmt.Fprintf(&b, "(rule $x%d (f $x%d $y) $y)\r\n", i, i)
		case 3:
			fmt.Fprintf(&b, "#\"sym %d\\n\"\n", i)
		default:
			fmt.Fprintf(&b, "(%s \"multi\nline\")", strings.Repeat("z", 1+r.IntN(63)))
		}
	}
	return b.Bytes()
}

func TestStreamingMatchesText(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	text := genText(r, 30000) // about 1 MB: many refills of the 64 KiB buffer
	want, err := Parse(text, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 30000 {
		t.Fatalf("%d expressions", len(want))
	}
	for name, rd := range map[string]io.Reader{
		"plain":   bytes.NewReader(text),
		"chunks":  &chunkReader{r, text},
		"onebyte": iotest.OneByteReader(bytes.NewReader(text)),
		"halves":  iotest.HalfReader(bytes.NewReader(text)),
	} {
		got, err := parseAll(NewParser(rd, nil))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i := range got {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("%s: expression %d: % X, want % X", name, i, got[i], want[i])
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d expressions, want %d", name, len(got), len(want))
		}
	}
}

// TestTokenAcrossRefill puts long tokens of every form across the 64 KiB
// buffer's edge at every alignment.
func TestTokenAcrossRefill(t *testing.T) {
	long := strings.Repeat("s", 63)
	for _, tok := range []string{long, `"` + long[:61] + `"`, `#"` + long + `"`, "$" + long + long, `#"\x41\x42"`} {
		for shift := range 70 {
			text := strings.Repeat(" ", bufSize-shift) + "(a " + tok + " " + tok + ")"
			want, err := Parse([]byte(text), nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseAll(NewParser(strings.NewReader(text), nil))
			if err != nil || len(got) != 1 || !bytes.Equal(got[0], want[0]) {
				t.Fatalf("%q at shift %d: %v % X, want % X", tok, shift, err, got, want[0])
			}
		}
	}
}

func TestOffsetAndLine(t *testing.T) {
	text := "(a b)\n; c\n(c\n d) e"
	p := NewParser(strings.NewReader(text), nil)
	for _, w := range []struct {
		off  int64
		line int
	}{{5, 1}, {16, 4}, {18, 4}} {
		if _, err := p.Next(); err != nil {
			t.Fatal(err)
		}
		if p.Offset() != w.off || p.Line() != w.line {
			t.Fatalf("offset %d line %d, want %d %d", p.Offset(), p.Line(), w.off, w.line)
		}
	}
	if _, err := p.Next(); err != io.EOF {
		t.Fatalf("after the end: %v", err)
	}
	if _, err := p.Next(); err != io.EOF {
		t.Fatalf("io.EOF is not sticky: %v", err)
	}
}

// mapInterner numbers symbols from 1 in order of first use.
type mapInterner struct {
	ids  map[string]uint64
	syms [][]byte
}

func newMapInterner() *mapInterner { return &mapInterner{ids: map[string]uint64{}} }

func (m *mapInterner) Intern(s []byte) (uint64, error) {
	if id, ok := m.ids[string(s)]; ok {
		return id, nil
	}
	m.syms = append(m.syms, bytes.Clone(s))
	m.ids[string(s)] = uint64(len(m.syms))
	return uint64(len(m.syms)), nil
}

func (m *mapInterner) Symbol(id uint64) ([]byte, bool) {
	if id == 0 || id > uint64(len(m.syms)) {
		return nil, false
	}
	return m.syms[id-1], true
}

func TestInterning(t *testing.T) {
	m := newMapInterner()
	long := strings.Repeat("L", 200)
	b, err := ParseOne(`(foo $x (foo "q" `+long+` #""))`, &Options{Interner: m})
	if err != nil {
		t.Fatal(err)
	}
	want := unhexT(t, "03 C8 0000000000000001 C0 04 C8 0000000000000001 C8 0000000000000002 C8 0000000000000003 C8 0000000000000004")
	if !bytes.Equal(b, want) {
		t.Fatalf("% X\nwant % X", b, want)
	}
	if string(m.syms[1]) != `"q"` || string(m.syms[2]) != long || len(m.syms[3]) != 0 {
		t.Fatalf("interned %q", m.syms)
	}
	text, err := AppendText(nil, b, m)
	if err != nil || string(text) != `(foo $a (foo "q" `+long+` #""))` {
		t.Fatalf("%s %v", text, err)
	}
	// A symbol past MaxTokenBytes.
	_, err = ParseOne("(a "+strings.Repeat("b", 5000)+")", &Options{Interner: m})
	wantErr(t, err, errcode.Limit, 1, 4)
}

type failInterner struct{ err error }

func (f failInterner) Intern([]byte) (uint64, error) { return 0, f.err }

func TestInternerError(t *testing.T) {
	cause := errors.New("table full")
	_, err := ParseOne("(a b)", &Options{Interner: failInterner{cause}})
	if !errors.Is(err, cause) || !strings.HasPrefix(err.Error(), `mork: line 1, column 2: interning symbol "a": table full`) {
		t.Fatalf("%v", err)
	}
	if errors.Is(err, errcode.ErrFormat) {
		t.Fatal("an interner's error is reported as malformed text")
	}
	_, err = ParseOne("(a b)", &Options{Interner: failInterner{errcode.New("mork", errcode.ErrNotFound, "symbol not in the table")}})
	if errcode.Of(err) != errcode.NotFound || strings.Count(err.Error(), "mork:") != 1 {
		t.Fatalf("%v (%s)", err, errcode.Of(err).Name())
	}
}

func TestLimits(t *testing.T) {
	deep := strings.Repeat("(", 10) + strings.Repeat(")", 10)
	if _, err := ParseOne(deep, &Options{Limits: &Limits{MaxDepth: 10}}); err != nil {
		t.Fatal(err)
	}
	_, err := ParseOne(deep, &Options{Limits: &Limits{MaxDepth: 9}})
	wantErr(t, err, errcode.Limit, 1, 10)

	big := "(" + strings.Repeat("abcdefgh ", 10) + ")" // 1 + 10×9 = 91 bytes
	if _, err := ParseOne(big, &Options{Limits: &Limits{MaxExprBytes: 91}}); err != nil {
		t.Fatal(err)
	}
	_, err = ParseOne(big, &Options{Limits: &Limits{MaxExprBytes: 90}})
	wantErr(t, err, errcode.Limit, 1, 83)

	_, err = ParseOne("(a $"+strings.Repeat("v", 20)+")", &Options{Limits: &Limits{MaxTokenBytes: 20}})
	wantErr(t, err, errcode.Limit, 1, 4)
	_, err = parseAll(NewParser(iotest.OneByteReader(strings.NewReader("(a $"+strings.Repeat("v", 1e5)+")")), &Options{Limits: &Limits{MaxTokenBytes: 20}}))
	wantErr(t, err, errcode.Limit, 1, 4)

	for _, l := range []Limits{{MaxDepth: -1}, {MaxExprBytes: -1}, {MaxTokenBytes: -5}} {
		_, err := Parse([]byte("a"), &Options{Limits: &l})
		wantErr(t, err, errcode.BadArg, 0, 0)
		_, err = NewParser(strings.NewReader("a"), &Options{Limits: &l}).Next()
		wantErr(t, err, errcode.BadArg, 0, 0)
	}
}

func TestReadErrors(t *testing.T) {
	boom := errors.New("disk on fire")
	for _, text := range []string{"(a b", "(a bbb", `(a "bb`, "abc"} {
		p := NewParser(io.MultiReader(strings.NewReader(text), iotest.ErrReader(boom)), nil)
		if _, err := p.Next(); !errors.Is(err, boom) {
			t.Fatalf("%q: %v, want the read error", text, err)
		}
		if _, err := p.Next(); !errors.Is(err, boom) {
			t.Fatalf("%q: the read error is not sticky", text)
		}
	}
	_, err := NewParser(zeroReader{}, nil).Next()
	if !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("a reader that returns nothing: %v", err)
	}
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

func TestParseOneCounts(t *testing.T) {
	_, err := ParseOne(" ; nothing\n", nil)
	wantErr(t, err, errcode.Format, 2, 1)
	_, err = ParseOne("(a b)\n  c", nil)
	wantErr(t, err, errcode.Format, 2, 3)
	_, err = ParseOne("(a b) (c", nil)
	wantErr(t, err, errcode.Format, 1, 7)
}

func TestParseSlicesIndependent(t *testing.T) {
	es, err := Parse([]byte("a b c"), nil)
	if err != nil || len(es) != 3 {
		t.Fatal(err)
	}
	_ = append(es[0], 0xFF, 0xFF)
	if !bytes.Equal(es[1], []byte{0xC1, 'b'}) {
		t.Fatalf("appending to one expression changed the next: % X", es[1])
	}
	if _, err := Parse(nil, nil); err != nil {
		t.Fatal(err)
	}
}

// TestParseTextTruncation: every prefix of every valid text either parses
// or is an error, with no panic; a prefix cutting an expression open is
// ErrFormat.
func TestParseTextTruncation(t *testing.T) {
	for _, text := range []string{`(foo $x (bar $x))`, `(say "hello \" world" #"a\x41b")`, "(a ; c\n (b c))"} {
		for i := range len(text) {
			es, err := Parse([]byte(text[:i]), nil)
			opens := strings.Count(text[:i], "(") > strings.Count(text[:i], ")")
			if opens && errcode.Of(err) != errcode.Format {
				t.Fatalf("%q: %v %X", text[:i], err, es)
			}
		}
	}
}

func TestParseInternedIDBigEndian(t *testing.T) {
	b, err := ParseOne("x", &Options{Interner: constInterner(0x0102030405060708)})
	if err != nil || b[0] != InternedTag || binary.BigEndian.Uint64(b[1:]) != 0x0102030405060708 {
		t.Fatalf("% X %v", b, err)
	}
}

type constInterner uint64

func (c constInterner) Intern([]byte) (uint64, error) { return uint64(c), nil }

// onceReader returns its text on the first Read and fails the test on
// any further one.
type onceReader struct {
	t    *testing.T
	text string
	done bool
}

func (o *onceReader) Read(b []byte) (int, error) {
	if o.done {
		o.t.Fatal("the parser read past the expression it returns")
	}
	o.done = true
	return copy(b, o.text), nil
}

// TestNoReadAhead: an expression complete in what was read is returned
// without another Read (an interactive pipe would block on it).
func TestNoReadAhead(t *testing.T) {
	for _, text := range []string{"(a b)", "a\n", "$x ", `"s" `, `#"s"`, "(a)\n; more later"} {
		p := NewParser(&onceReader{t: t, text: text}, nil)
		if _, err := p.Next(); err != nil {
			t.Fatalf("%q: %v", text, err)
		}
	}
}
