package expr

import (
	"bytes"
	"encoding/hex"
	"testing"
	"testing/iotest"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// seedPaths are the encodings of the shared vectors and of validPaths.
func seedPaths(f *testing.F) [][]byte {
	var out [][]byte
	for _, c := range loadVectors(f).Cases {
		b, err := hex.DecodeString(c.Hex)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	for _, h := range validPaths {
		out = append(out, unhexT(f, h))
	}
	return out
}

// FuzzValidate: Validate never panics and agrees with the reference
// decoder; what it accepts prints, reads back, and matches itself.
func FuzzValidate(f *testing.F) {
	for _, p := range seedPaths(f) {
		f.Add(p)
		f.Add(append(bytes.Clone(p), 0x40))
		f.Add(p[:len(p)/2])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Validate(data)
		if len(data) < 4096 {
			if got, want := Check(data) == nil, decodeTree(data) != nil; got != want {
				t.Fatalf("% X: Check ok %v, model ok %v", data, got, want)
			}
		}
		if err != nil {
			if errcode.Of(err) != errcode.Format {
				t.Fatalf("%v is not ErrFormat", err)
			}
			return
		}
		p := data[:n]
		if err := Check(p); err != nil {
			t.Fatalf("Validate accepted % X, Check refuses: %v", p, err)
		}
		text, err := Text(p)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseOne(text, &Options{Limits: &Limits{MaxDepth: 1 << 20, MaxExprBytes: 1 << 30}})
		if err != nil || !bytes.Equal(back, p) {
			t.Fatalf("% X printed %q reads back as % X %v", p, text, back, err)
		}
		if !Match(p, p) || !Match([]byte{NewVar}, p) {
			t.Fatalf("% X does not match itself or $x", p)
		}
	})
}

// FuzzParse: the parser never panics; streaming and in-memory parses
// agree; every expression it returns is valid and survives
// Parse → Print → Parse with a stable printed form.
func FuzzParse(f *testing.F) {
	v := loadVectors(f)
	for _, c := range v.Cases {
		f.Add([]byte(c.Text))
		f.Add([]byte(c.Printed))
	}
	for _, c := range v.Errors {
		f.Add([]byte(c.Text))
	}
	f.Add([]byte("(a b) c $x \"s t\" #\"u\\x00\" ; end"))
	lim := &Limits{MaxDepth: 64, MaxExprBytes: 4096, MaxTokenBytes: 256}
	f.Fuzz(func(t *testing.T, text []byte) {
		es, err := Parse(text, &Options{Limits: lim})
		ses, serr := parseAll(NewParser(iotest.OneByteReader(bytes.NewReader(text)), &Options{Limits: lim}))
		if (err == nil) != (serr == nil) || (err != nil && err.Error() != serr.Error()) {
			t.Fatalf("text: %v; streaming: %v", err, serr)
		}
		if err != nil {
			if c := errcode.Of(err); c != errcode.Format && c != errcode.Limit {
				t.Fatalf("%v: code %s", err, c.Name())
			}
			return
		}
		if len(ses) != len(es) {
			t.Fatalf("streaming gave %d expressions, text %d", len(ses), len(es))
		}
		for i, e := range es {
			if !bytes.Equal(e, ses[i]) {
				t.Fatalf("expression %d: streaming % X, text % X", i, ses[i], e)
			}
			if err := Check(e); err != nil {
				t.Fatalf("%q gave an invalid path % X: %v", text, e, err)
			}
			printed, err := Text(e)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseOne(printed, &Options{Limits: lim})
			if err != nil || !bytes.Equal(back, e) {
				t.Fatalf("% X printed %q reads back as % X %v", e, printed, back, err)
			}
			if again, _ := Text(back); again != printed {
				t.Fatalf("printed form not stable: %q then %q", printed, again)
			}
		}
	})
}

// FuzzMatch: Match never panics, agrees with MatchBindings and with the
// reference matcher, matches nothing invalid, and every match starts with
// the pattern's Prefix.
func FuzzMatch(f *testing.F) {
	paths := seedPaths(f)
	for i, p := range paths {
		f.Add(p, p)
		f.Add([]byte{NewVar}, p)
		f.Add(p, paths[(i+1)%len(paths)])
	}
	for _, pair := range [][2]string{
		{"(f $x $x)", "(f $v $v)"}, {"(f $x $x)", "(f $v $w)"}, {"(f $x $y $x)", "(f (g $v) $v (g $v))"},
		{"(edge $x b)", "(edge a b)"}, {"(f a)", "(f $v)"},
	} {
		p, _ := ParseOne(pair[0], nil)
		d, _ := ParseOne(pair[1], nil)
		f.Add(p, d)
	}
	f.Fuzz(func(t *testing.T, pattern, path []byte) {
		ok := Match(pattern, path)
		b, ok2 := MatchBindings(pattern, path)
		if ok != ok2 {
			t.Fatalf("Match %v, MatchBindings %v", ok, ok2)
		}
		pre := Prefix(pattern)
		if !bytes.HasPrefix(pattern, pre) {
			t.Fatalf("Prefix % X is not a prefix of the pattern", pre)
		}
		pt, dt := decodeTree(pattern), decodeTree(path)
		if pt == nil || dt == nil {
			if ok {
				t.Fatalf("an invalid pattern or path matched: % X ~ % X", pattern, path)
			}
			return
		}
		want, wok := refMatch(pt, dt)
		if ok != wok {
			t.Fatalf("%s ~ %s: Match %v, reference %v", txt(pattern), txt(path), ok, wok)
		}
		if !ok {
			return
		}
		if len(b) != len(want) {
			t.Fatalf("%d bindings, reference %d", len(b), len(want))
		}
		if !bytes.HasPrefix(path, pre) {
			t.Fatalf("a match does not start with Prefix % X", pre)
		}
	})
}
