package jsonx

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

func TestValidAccepts(t *testing.T) {
	for _, in := range []string{
		`0`, `-0`, `1`, `-1.5e+10`, `1E-2`, `0.0`, `123456789012345678901234567890`,
		`true`, `false`, `null`, `""`, `"a"`, ` "a" `, "\t\r\n[]\n",
		`[]`, `{}`, `[1,2,3]`, `{"a":1}`, `{"a":{"a":{"a":1}}}`, `[{"a":1},{"a":2}]`,
		`{"a":1,"A":2}`, `{"":1," ":2}`, `{"a":[{"b":1},{"b":2}],"b":{"a":1}}`,
		`"\" \\ \/ \b \f \n \r \t \u0000 \u00e9 \uFFFF"`, `"\ud83d\ude00"`, `"😀 é ÿ ￿"`,
		`{"\u0061b":1,"ab\u0000":2}`, `"\uFFFD"`, "\"\xef\xbf\xbd\"",
		`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17}`,
	} {
		if err := Valid([]byte(in), 0); err != nil {
			t.Errorf("Valid(%s) = %v", in, err)
		}
		if !json.Valid([]byte(in)) {
			t.Errorf("test input %s is not JSON", in)
		}
	}
}

func TestValidRejects(t *testing.T) {
	many := func(n int, dupAt int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			k := i
			if i == dupAt {
				k = 3
			}
			b.WriteString(`"k` + string(rune('a'+k%26)) + strings.Repeat("x", k/26) + `":0`)
		}
		return b.String() + "}"
	}
	cases := []struct {
		name string
		in   string
		kind error
		off  int64
		msg  string
	}{
		{"dup top", `{"a":1,"a":2}`, errcode.ErrFormat, 7, `duplicate key "a"`},
		{"dup nested", `{"x":{"b":1,"c":2,"b":3}}`, errcode.ErrFormat, 18, `duplicate key "b"`},
		{"dup in array of objects", `[{"a":1},{"a":1,"b":2,"a":3}]`, errcode.ErrFormat, 22, `duplicate key "a"`},
		{"dup after nested", `{"a":{"a":1},"a":2}`, errcode.ErrFormat, 13, `duplicate key "a"`},
		{"dup escaped", `{"a":1,"\u0061":2}`, errcode.ErrFormat, 7, `duplicate key "a"`},
		{"dup escaped both", `{"\u00e9":1,"\u00E9":2}`, errcode.ErrFormat, 12, `duplicate key "é"`},
		{"dup escaped raw", `{"é":1,"\u00e9":2}`, errcode.ErrFormat, 8, `duplicate key "é"`},
		{"dup solidus", `{"a/b":1,"a\/b":2}`, errcode.ErrFormat, 9, `duplicate key "a/b"`},
		{"dup surrogate pair", `{"😀":1,"\ud83d\ude00":2}`, errcode.ErrFormat, 10, `duplicate key "😀"`},
		{"dup empty", `{"":1,"":2}`, errcode.ErrFormat, 6, `duplicate key ""`},
		{"dup many keys", many(40, 30), errcode.ErrFormat, -1, `duplicate key "kd"`},
		{"dup many keys early", many(20, 17), errcode.ErrFormat, -1, `duplicate key "kd"`},
		{"dup long key", `{"` + strings.Repeat("é", 100) + `":1,"` + strings.Repeat("é", 100) + `":2}`, errcode.ErrFormat, 206, `duplicate key "` + strings.Repeat("é", 32) + `"…`},
		{"empty", ``, errcode.ErrFormat, 0, "unexpected end of input"},
		{"space", `   `, errcode.ErrFormat, 3, "unexpected end of input"},
		{"trailing value", `{} {}`, errcode.ErrFormat, 3, "data after the value"},
		{"trailing garbage", `1 x`, errcode.ErrFormat, 2, "data after the value"},
		{"trailing comma", `[1,]`, errcode.ErrFormat, 3, "want a value"},
		{"trailing comma obj", `{"a":1,}`, errcode.ErrFormat, 7, "want an object key"},
		{"trailing nul", "{}\x00", errcode.ErrFormat, 2, "data after the value"},
		{"bom", "\xef\xbb\xbf{}", errcode.ErrFormat, 0, "byte order mark"},
		{"invalid utf8 in string", "\"a\xffb\"", errcode.ErrFormat, 2, "invalid UTF-8"},
		{"invalid utf8 in key", "{\"\xc3\":1}", errcode.ErrFormat, 2, "invalid UTF-8"},
		{"overlong utf8", "\"\xc0\xaf\"", errcode.ErrFormat, 1, "invalid UTF-8"},
		{"utf8 surrogate", "\"\xed\xa0\x80\"", errcode.ErrFormat, 1, "invalid UTF-8"},
		{"utf8 outside string", "\xff", errcode.ErrFormat, 0, "invalid UTF-8"},
		{"lone high surrogate", `"\ud800"`, errcode.ErrFormat, 1, "lone high surrogate"},
		{"lone low surrogate", `"\udc00"`, errcode.ErrFormat, 1, "lone low surrogate"},
		{"high then other", `"\ud800\u0041"`, errcode.ErrFormat, 1, "lone high surrogate"},
		{"bad escape", `"\x"`, errcode.ErrFormat, 1, "invalid escape"},
		{"bad unicode escape", `"\u12G4"`, errcode.ErrFormat, 1, "invalid \\u escape"},
		{"short unicode escape", `"\u12"`, errcode.ErrFormat, 1, "invalid \\u escape"},
		{"control char", "\"a\nb\"", errcode.ErrFormat, 2, "control character"},
		{"unterminated", `"abc`, errcode.ErrFormat, 0, "unterminated string"},
		{"unterminated escape", `"abc\`, errcode.ErrFormat, 4, "unterminated string"},
		{"leading zero", `01`, errcode.ErrFormat, 1, "data after the value"},
		{"plus", `+1`, errcode.ErrFormat, 0, "want a value"},
		{"dot", `1.`, errcode.ErrFormat, 2, "digit after '.'"},
		{"exp", `1e`, errcode.ErrFormat, 2, "digit in the exponent"},
		{"minus", `-`, errcode.ErrFormat, 1, "want a digit"},
		{"nan", `NaN`, errcode.ErrFormat, 0, "want a value"},
		{"single quotes", `{'a':1}`, errcode.ErrFormat, 1, "want an object key"},
		{"unquoted key", `{a:1}`, errcode.ErrFormat, 1, "want an object key"},
		{"missing colon", `{"a" 1}`, errcode.ErrFormat, 5, "want ':'"},
		{"mismatched", `[1}`, errcode.ErrFormat, 2, "want ',' or ']'"},
		{"mismatched obj", `{"a":1]`, errcode.ErrFormat, 6, "want ',' or '}'"},
		{"unclosed", `[1,2`, errcode.ErrFormat, 4, "unexpected end of input"},
		{"tru", `tru`, errcode.ErrFormat, 0, "want a value"},
		{"comment", `[1 /* c */]`, errcode.ErrFormat, 3, "want ',' or ']'"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Valid([]byte(tc.in), 0)
			checkErr(t, err, tc.kind, tc.off, tc.msg)
		})
	}
}

func checkErr(t *testing.T, err, kind error, off int64, msg string) {
	t.Helper()
	var e *errcode.Error
	if !errors.As(err, &e) || !errors.Is(err, kind) || e.Pkg != "jsonx" {
		t.Fatalf("error %v, want a jsonx %v", err, kind)
	}
	if off >= 0 && e.Offset != off {
		t.Errorf("offset %d, want %d (%v)", e.Offset, off, err)
	}
	if !strings.Contains(err.Error(), msg) {
		t.Errorf("error %q does not say %q", err, msg)
	}
}

func TestValidDepth(t *testing.T) {
	nest := func(n int, open, close string) string {
		return strings.Repeat(open, n) + strings.Repeat(close, n)
	}
	for _, tc := range []struct {
		in    string
		max   int
		depth int
		off   int64 // of the opening that goes too deep, in "[" + in + "]"
	}{
		{`1`, 1, 0, -1},
		{nest(1, "[", "]"), 1, 1, 1},
		{nest(5, "[", "]"), 5, 5, 5},
		{strings.Repeat(`{"a":`, 5) + "1" + strings.Repeat("}", 5), 5, 5, 21},
		{`[{"a":[{"b":[]}]}]`, 5, 5, 13},
		{nest(DefaultMaxDepth, "[", "]"), 0, DefaultMaxDepth, DefaultMaxDepth},
		{nest(DefaultMaxDepth, "[", "]"), -1, DefaultMaxDepth, DefaultMaxDepth},
	} {
		if err := Valid([]byte(tc.in), tc.max); err != nil {
			t.Errorf("depth %d, limit %d: %v", tc.depth, tc.max, err)
		}
		limit := tc.max
		if limit <= 0 {
			limit = DefaultMaxDepth
		}
		if tc.depth == limit {
			deeper := "[" + tc.in + "]"
			checkErr(t, Valid([]byte(deeper), tc.max), errcode.ErrLimit, tc.off, "nesting deeper than")
		}
	}
	// A deep input is rejected at the limit, not parsed to the end.
	deep := strings.Repeat("[", 1<<20)
	checkErr(t, Valid([]byte(deep), 10), errcode.ErrLimit, 10, "nesting deeper than 10")
}

// TestValidReuse: levels and key lists are reused as containers close and
// open; keys of a closed object must not leak into the next one.
func TestValidReuse(t *testing.T) {
	big := `{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17}`
	for _, in := range []string{
		`[{"a":1},{"a":1},{"a":1}]`,
		`[` + big + `,` + big + `,{"k1":1}]`,
		`{"a":{"b":1},"c":{"b":1}}`,
		`[[{"a":1}],{"a":[{"a":1}]}]`,
		`[{"a":1},[1],{"a":1}]`,
	} {
		if err := Valid([]byte(in), 0); err != nil {
			t.Errorf("Valid(%s) = %v", in, err)
		}
	}
}

// TestValidMatchesEncodingJSON: on inputs without duplicate keys, lone
// surrogates or invalid UTF-8, Valid agrees with json.Valid.
func TestValidMatchesEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`[1,2`, `{"a":}`, `{"a" : 1 , "b" : [ true , false , null ] }`, `[-]`, `[-0.0e-0]`,
		`[1e5.5]`, `"\u0000"`, `[1 2]`, `{"a":1 "b":2}`, `{,}`, `[,1]`, `[01]`, `[.5]`, `[5.]`,
		`{"a":1}}`, `"` + "\x7f" + `"`, `[1]]`, `{"a":[}]}`, `nul`, `[true false]`, `[1,,2]`,
	} {
		want := json.Valid([]byte(in))
		if got := Valid([]byte(in), 0) == nil; got != want {
			t.Errorf("Valid(%s) = %v, json.Valid = %v", in, got, want)
		}
	}
}
