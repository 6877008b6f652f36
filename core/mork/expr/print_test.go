package expr

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

func TestText(t *testing.T) {
	for _, c := range []struct{ hex, text string }{
		{"03 C3 666F6F C0 02 C3 626172 80", "(foo $a (bar $a))"},
		{"00", "()"},
		{"05 C1 61 C0 C0 80 81", "(a $a $b $a $b)"},
		{"C3 666F6F", "foo"},
		{"C0", "$a"},
		{"03 00 01 00 C1 61", "(() (()) a)"},
		{"CD 2268656C6C6F20776F726C6422", `"hello world"`}, // quotes are its bytes
		{"C3 612062", `#"a b"`},                            // space, no quotes of its own
		{"C2 2478", `#"$x"`},                               // would read as a variable
		{"C2 3B61", `#";a"`},                               // would read as a comment
		{"C3 222222", `#"\"\"\""`},                         // closes before its end
		{"C4 22615C22", `#"\"a\\\""`},                      // "a\" never closes
		{"C2 2322", `#"#\""`},                              // would read as #"…
		{"C1 23", `#`},                                     // # alone is bare
		{"C3 612262", `a"b`},                               // a quote inside is fine
		{"C3 613B62", `a;b`},                               // so is ;
		{"C2 0A09", `#"\n\t"`},                             // control bytes
		{"C3 000D7F", `#"\x00\r\x7F"`},                     //
		{"C3 61FF62", `#"a\xFFb"`},                         // invalid UTF-8
		{"C6 E5908DE5898D", "名前"},                          // valid UTF-8 is bare
		{"C4 E5908D80", `#"名\x80"`},                        // a stray continuation byte
		{"C3 EFBFBD", "\uFFFD"},                            // U+FFFD itself is valid
		{"C4 22610A22", `#"\"a\n\""`},                      // a string with a raw newline
		{"C8 0000000000000001", `#"\x00\x00\x00\x00\x00\x00\x00\x01"`}, // an id, no Resolver
	} {
		got, err := Text(unhexT(t, c.hex))
		if err != nil || got != c.text {
			t.Errorf("%s: %q %v, want %q", c.hex, got, err, c.text)
			continue
		}
		back, err := ParseOne(got, nil)
		if err != nil || !bytes.Equal(back, unhexT(t, c.hex)) {
			t.Errorf("%q reads back as % X %v", got, back, err)
		}
	}
}

func TestAppendTextErrors(t *testing.T) {
	dst := []byte("keep")
	for _, bad := range []string{"", "40", "80", "02 C1 61", "C1 61 C1 62"} {
		out, err := AppendText(dst, unhexT(t, bad), nil)
		if !errors.Is(err, errcode.ErrFormat) || string(out) != "keep" {
			t.Errorf("%q: %q %v", bad, out, err)
		}
	}
	m := newMapInterner()
	m.Intern([]byte("foo"))
	out, err := AppendText(dst, unhexT(t, "02 C8 0000000000000001 C3 626172"), m)
	var e *errcode.Error
	if !errors.As(err, &e) || e.Offset != 10 || !errors.Is(err, errcode.ErrFormat) || string(out) != "keep" {
		t.Errorf("short symbol in an interned path: %q %v", out, err)
	}
	out, err = AppendText(dst, unhexT(t, "02 C8 0000000000000001 C8 0000000000000009"), m)
	if !errors.As(err, &e) || e.Offset != 10 || !errors.Is(err, errcode.ErrNotFound) || string(out) != "keep" {
		t.Errorf("unknown id: %q %v", out, err)
	}
	out, err = AppendText(dst, unhexT(t, "02 C8 0000000000000001 C0"), m)
	if err != nil || string(out) != "keep(foo $a)" {
		t.Errorf("%q %v", out, err)
	}
}

// TestRoundTripShortSymbols: every symbol of one and two bytes prints as
// text that reads back as itself.
func TestRoundTripShortSymbols(t *testing.T) {
	var p []byte
	for a := range 256 {
		for b := -1; b < 256; b++ {
			p = append(p[:0], 0x02, 0xC1, byte(a), 0xC2, byte(a), byte(b))
			if b < 0 {
				p = append(p[:0], 0xC1, byte(a))
			}
			text, err := Text(p)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseOne(text, nil)
			if err != nil || !bytes.Equal(back, p) {
				t.Fatalf("% X printed %q reads back as % X %v", p, text, back, err)
			}
		}
	}
}

// TestRoundTripRandom: random expressions, with random symbol bytes,
// print and read back.
func TestRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	pick := []byte(" \t\n\r()$;\"#\\ax\x00\x7F\xC3\xA9\xFF")
	var randSyms func(t *tree)
	randSyms = func(t *tree) {
		if t.sym != nil {
			t.sym = make([]byte, 1+r.IntN(6))
			for i := range t.sym {
				t.sym[i] = pick[r.IntN(len(pick))]
			}
		}
		for _, k := range t.kids {
			randSyms(k)
		}
	}
	for range 20000 {
		tr := randTree(r, 5, 8)
		randSyms(tr)
		p := encodeTree(tr)
		text, err := Text(p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(text, "\n\r\t") {
			t.Fatalf("%q: printed text holds a raw control byte", text)
		}
		back, err := ParseOne(text, nil)
		if err != nil || !bytes.Equal(back, p) {
			t.Fatalf("% X printed %q reads back as % X %v", p, text, back, err)
		}
	}
}

func TestTextDeep(t *testing.T) {
	const n = 1 << 20
	p := append(bytes.Repeat([]byte{0x01}, n), 0xC1, 'a')
	text, err := Text(p)
	if err != nil || text != strings.Repeat("(", n)+"a"+strings.Repeat(")", n) {
		t.Fatalf("%d bytes %v", len(text), err)
	}
}

// TestRegressionBOMSymbol: a symbol starting with U+FEFF was printed bare,
// and the text, parsed on its own, lost it as a byte order mark (found by
// FuzzParse: testdata/fuzz/FuzzParse/eb74f45a4e8ef4bf).
func TestRegressionBOMSymbol(t *testing.T) {
	for _, h := range []string{"C3 EFBBBF", "C4 EFBBBF78", "02 C3 EFBBBF C1 61"} {
		p := unhexT(t, h)
		text, err := Text(p)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseOne(text, nil)
		if err != nil || !bytes.Equal(back, p) {
			t.Fatalf("% X printed %q reads back as % X %v", p, text, back, err)
		}
	}
	if got, _ := Text(unhexT(t, "C4 78EFBBBF")); got != "x\ufeff" {
		t.Fatalf("U+FEFF after the first byte need not be escaped: %q", got)
	}
}
