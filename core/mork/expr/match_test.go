package expr

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"testing"
)

func mustParse(t testing.TB, s string) []byte {
	t.Helper()
	b, err := ParseOne(s, nil)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return b
}

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, data string
		ok            bool
		bindings      []string // hex of each binding
	}{
		{"(edge $x $y)", "(edge a b)", true, []string{"C161", "C162"}},
		{"(edge $x $x)", "(edge a b)", false, nil},
		{"(edge $x $x)", "(edge a a)", true, []string{"C161"}},
		{"(edge $x $x)", "(edge (f a) (f a))", true, []string{"02C166C161"}},
		{"(edge $x $x)", "(edge (f a) (f b))", false, nil},
		{"(edge $x b)", "(edge a b c)", false, nil},
		{"(edge $x)", "(edge)", false, nil},
		{"$x", "(anything (at all) $v)", true, []string{"03C8616E797468696E6702C26174C3616C6CC0"}},
		{"(a b)", "(a b)", true, []string{}},
		{"(a b)", "(a c)", false, nil},
		{"(a bb)", "(a b)", false, nil},
		{"()", "()", true, []string{}},
		{"()", "(a)", false, nil},
		// Variables of the data match only pattern variables.
		{"(f a)", "(f $v)", false, nil},
		{"(f $x)", "(f $v)", true, []string{"C0"}},
		{"(f ($x))", "(f $v)", false, nil},
		// …and are compared by identity.
		{"(f $x $x)", "(f $v $v)", true, []string{"C0"}},
		{"(f $x $x)", "(f $v $w)", false, nil},
		{"(f $x $y $x)", "(f $v $w $w)", false, nil},
		{"(f $x $y $x)", "(f $v $w $v)", true, []string{"C0", "C0"}},
		{"(f $x $x)", "(f (g $v) (g $v))", true, []string{"02C167C0"}},
		{"(f $x $x)", "(f (g $v $v) (g $v $v))", true, []string{"03C167C080"}}, // 03 g C0 80 equals 03 g 80 80: v throughout
		{"(f $x $x)", "(f (g $v $w) (g $v $w))", true, []string{"03C167C0C0"}},
		{"(f $x $x)", "(f (g $v $w) (g $v $u))", false, nil}, // u is a third variable
		{"(f $x $y $x)", "(f (g $v) $v (g $v))", true, []string{"02C167C0", "80"}},
		{"(f $x $y $x)", "(f (g $v) $w (g $w))", false, nil},
		{"(f $x $x)", "(f $v (g))", false, nil},
		{"(f $x (h $x))", "(f (g a) (h (g a)))", true, []string{"02C167C161"}},
	} {
		p, d := mustParse(t, c.pattern), mustParse(t, c.data)
		if got := Match(p, d); got != c.ok {
			t.Errorf("Match(%s, %s) = %v, want %v", c.pattern, c.data, got, c.ok)
		}
		b, ok := MatchBindings(p, d)
		if ok != c.ok {
			t.Errorf("MatchBindings(%s, %s) ok = %v", c.pattern, c.data, ok)
			continue
		}
		if !ok {
			if b != nil {
				t.Errorf("bindings without a match")
			}
			continue
		}
		// The reference matcher agrees.
		if _, rok := refMatch(decodeTree(p), decodeTree(d)); !rok {
			t.Errorf("reference rejects %s ~ %s", c.pattern, c.data)
		}
		if c.bindings == nil {
			continue
		}
		if len(b) != len(c.bindings) {
			t.Errorf("%s ~ %s: %d bindings, want %d", c.pattern, c.data, len(b), len(c.bindings))
			continue
		}
		for i := range b {
			if hex.EncodeToString(b[i]) != toLowerHex(c.bindings[i]) {
				t.Errorf("%s ~ %s: binding %d = % X, want %s", c.pattern, c.data, i, b[i], c.bindings[i])
			}
		}
	}
}

func toLowerHex(s string) string {
	b, _ := hex.DecodeString(s)
	return hex.EncodeToString(b)
}

func TestMatchInvalid(t *testing.T) {
	good := mustParse(t, "(f a)")
	for _, bad := range []string{"", "40", "80", "02 C1 66", "02 C1 66 C1 61 00", "01 81", "02 C1 66 C5 61"} {
		b := unhexT(t, bad)
		if Match(b, good) || Match(good, b) || Match(b, b) {
			t.Errorf("% X matched", b)
		}
	}
	// $x against invalid data: no match.
	for _, bad := range []string{"", "40", "81", "02 C0 82", "C3 61"} {
		if Match([]byte{NewVar}, unhexT(t, bad)) {
			t.Errorf("$x matched % X", bad)
		}
	}
}

// TestMatchAgreesWithModel checks Match, MatchBindings and Prefix against
// the recursive reference matcher on random data and patterns made from it.
func TestMatchAgreesWithModel(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	matched := 0
	for i := range 50000 {
		data := randTree(r, 4, 5)
		var pat *tree
		if i%3 == 0 {
			pat = randTree(r, 4, 3)
		} else {
			next := 0
			pat = generalize(r, data, &next)
		}
		p, d := encodeTree(pat), encodeTree(data)
		// The encoding renumbers: decode again so identities are by order.
		pt, dt := decodeTree(p), decodeTree(d)
		if pt == nil || dt == nil {
			t.Fatalf("encoder produced an invalid path")
		}
		want, wok := refMatch(pt, dt)
		b, ok := MatchBindings(p, d)
		if ok != wok || Match(p, d) != wok {
			t.Fatalf("%s ~ %s: got %v, reference %v", txt(p), txt(d), ok, wok)
		}
		if !ok {
			continue
		}
		matched++
		if len(b) != len(want) {
			t.Fatalf("%s ~ %s: %d bindings, reference %d", txt(p), txt(d), len(b), len(want))
		}
		if !bytes.HasPrefix(d, Prefix(p)) {
			t.Fatalf("%s ~ %s: path does not start with the prefix % X", txt(p), txt(d), Prefix(p))
		}
		// Each binding is a whole sub-expression of d; its structure is
		// the reference binding's (variables inside are numbered in d's
		// frame, so compare ground bindings byte for byte).
		for v, bv := range b {
			if wb := want[v]; isGround(wb) && !bytes.Equal(bv, encodeTree(wb)) {
				t.Fatalf("%s ~ %s: binding %d = % X, reference % X", txt(p), txt(d), v, bv, encodeTree(wb))
			}
		}
	}
	if matched < 5000 {
		t.Fatalf("only %d of the random pairs matched: the test is too weak", matched)
	}
}

func isGround(t *tree) bool {
	if t.isV {
		return false
	}
	for _, k := range t.kids {
		if !isGround(k) {
			return false
		}
	}
	return true
}

func txt(p []byte) string {
	s, err := Text(p)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return s
}

func TestPrefix(t *testing.T) {
	for _, c := range []struct{ pattern, prefix string }{
		{"(edge $x b)", "03 C4 65646765"},
		{"(edge a b)", "03 C4 65646765 C1 61 C1 62"},
		{"$x", ""},
		{"((a $x) b)", "02 02 C1 61"},
		{"(" + "\xC0" + " $x)", "02 C1 C0"}, // a symbol byte equal to NewVar is not a variable
	} {
		got := Prefix(mustParse(t, c.pattern))
		if want := unhexT(t, c.prefix); !bytes.Equal(got, want) || cap(got) != len(got) {
			t.Errorf("Prefix(%s) = % X (cap %d), want % X", c.pattern, got, cap(got), want)
		}
	}
	for _, c := range []struct{ pattern, prefix string }{
		{"02 C1 61 40", "02 C1 61"},
		{"02 C5 61", "02"},
		{"", ""},
	} {
		if got := Prefix(unhexT(t, c.pattern)); !bytes.Equal(got, unhexT(t, c.prefix)) {
			t.Errorf("Prefix(%s) = % X, want %s", c.pattern, got, c.prefix)
		}
	}
}

func TestMatchDeep(t *testing.T) {
	const n = 1 << 20
	deep := append(bytes.Repeat([]byte{0x01}, n), 0xC1, 'a')
	if !Match([]byte{NewVar}, deep) || !Match(deep, deep) {
		t.Fatal("deep paths do not match")
	}
	other := bytes.Clone(deep)
	other[len(other)-1] = 'b'
	if Match(deep, other) {
		t.Fatal("deep paths differing at the leaf match")
	}
	// (f $x $x) with a deep binding.
	pat := []byte{0x03, 0xC1, 'f', NewVar, 0x80}
	data := append(append([]byte{0x03, 0xC1, 'f'}, deep...), deep...)
	if !Match(pat, data) {
		t.Fatal("(f $x $x) does not match two equal deep expressions")
	}
}
