package expr

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// validPaths are encodings written out by hand (the first three are the
// reference vectors of reference/mork.md).
var validPaths = []string{
	"03 C3 666F6F C0 02 C3 626172 80", // (foo $x (bar $x))
	"00",                              // ()
	"05 C1 61 C0 C0 80 81",            // (a $x $y $x $y)
	"C3 666F6F",                       // foo
	"C0",                              // $x
	"01 01 01 00",                     // ((()))
	"02 C8 0000000000000001 C8 0000000000000002", // two interned ids
	"FF" + strings.Repeat("61", 63),              // a 63-byte symbol
}

func TestValidate(t *testing.T) {
	for _, h := range validPaths {
		b := unhexT(t, h)
		n, err := Validate(append(bytes.Clone(b), 0xEE, 0x40)) // trailing bytes are not looked at
		if err != nil || n != len(b) {
			t.Errorf("%s: Validate = %d, %v; want %d", h, n, err, len(b))
		}
		if err := Check(b); err != nil {
			t.Errorf("%s: Check: %v", h, err)
		}
	}
	for _, c := range []struct {
		name string
		hex  string
		off  int64
		msg  string
	}{
		{"empty", "", 0, "cut short"},
		{"reserved tag", "02 C1 61 40", 3, "reserved tag 0x40"},
		{"reserved 0x7F", "7F", 0, "reserved"},
		{"ref before any var", "80", 0, "not yet introduced"},
		{"ref past vars", "03 C0 C0 82", 3, "VarRef(2)"},
		{"symbol cut short", "02 C3 6162", 1, "cut short"},
		{"arity cut short", "03 C1 61", 3, "2 more item"},
		{"65 variables", "02 20" + strings.Repeat("C0", 32) + "21" + strings.Repeat("C0", 33), 67, "more than 64 variables"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Validate(unhexT(t, c.hex))
			var e *errcode.Error
			if !errors.As(err, &e) || !errors.Is(err, errcode.ErrFormat) {
				t.Fatalf("err = %v, want an ErrFormat *errcode.Error", err)
			}
			if e.Offset != c.off || !strings.Contains(e.Msg, c.msg) {
				t.Fatalf("err = %v (offset %d), want %q at %d", err, e.Offset, c.msg, c.off)
			}
		})
	}
}

func TestValidate64Variables(t *testing.T) {
	b := unhexT(t, "02 20"+strings.Repeat("C0", 32)+"20"+strings.Repeat("C0", 31)+"BF")
	if err := Check(b); err == nil {
		t.Fatal("63 NewVars and a VarRef(63) to an unintroduced 64th var accepted")
	}
	b = unhexT(t, "02 20"+strings.Repeat("C0", 32)+"21"+strings.Repeat("C0", 32)+"BF")
	if err := Check(b); err != nil {
		t.Fatalf("64 variables and VarRef(63): %v", err)
	}
}

func TestCheckTrailing(t *testing.T) {
	err := Check(unhexT(t, "C1 61 C1 62"))
	var e *errcode.Error
	if !errors.As(err, &e) || e.Offset != 2 || !errors.Is(err, errcode.ErrFormat) {
		t.Fatalf("Check with trailing bytes: %v", err)
	}
}

// TestValidateTruncation: every proper prefix of a valid path is an
// error, never a shorter valid expression (the encoding is prefix-free).
func TestValidateTruncation(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	paths := [][]byte{}
	for _, h := range validPaths {
		paths = append(paths, unhexT(t, h))
	}
	for range 200 {
		paths = append(paths, encodeTree(randTree(r, 5, 6)))
	}
	for _, p := range paths {
		for i := range p {
			if n, err := Validate(p[:i]); err == nil {
				t.Fatalf("% X: prefix of %d bytes validates as %d bytes", p, i, n)
			} else if !errors.Is(err, errcode.ErrFormat) {
				t.Fatalf("prefix %d: %v is not ErrFormat", i, err)
			}
		}
	}
}

// TestValidateAgreesWithModel: Validate and the recursive reference
// decoder accept the same random byte strings.
func TestValidateAgreesWithModel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte{0x00, 0x01, 0x02, 0x03, 0x40, 0x80, 0x81, 0x82, 0xC0, 0xC1, 0xC2, 'a'}
	for range 100000 {
		b := make([]byte, r.IntN(9))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		if got, want := Check(b) == nil, decodeTree(b) != nil; got != want {
			t.Fatalf("% X: Check ok %v, model ok %v", b, got, want)
		}
	}
}

// TestValidateDeep: a million nested expressions validate without stack.
func TestValidateDeep(t *testing.T) {
	b := append(bytes.Repeat([]byte{0x01}, 1<<20), 0x00)
	if err := Check(b); err != nil {
		t.Fatal(err)
	}
}
