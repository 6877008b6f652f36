package jsonx

import (
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/polyfmt/polyfmt/core/errcode"
)

const fuzzDepth = 16

// FuzzValid: Valid never panics; what it accepts is JSON (json.Valid), has
// no duplicate keys by the Decoder.Token reference, decodes with Unmarshal
// and re-encodes stably with Marshal; what it rejects is an *errcode.Error
// at an offset within the input, and, unless it has a lone surrogate, is
// rejected by the reference too.
func FuzzValid(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":[true,false,null,"x\u0041\ud83d\ude00"],"c":{"d":-1.5e3}}`,
		`{"a":1,"a":2}`, `{"a":1,"\u0061":2}`, `[{"a":1},{"a":1,"a":2}]`, `[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]`,
		"\xef\xbb\xbf{}", "\"\xff\"", `"\ud800"`, `{} x`, `1e400`, `{"é":1,"\u00e9":2}`,
		`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k0":17}`,
	} {
		f.Add([]byte(s))
	}
	f.Add(directory(20))
	f.Fuzz(func(t *testing.T, data []byte) {
		err := Valid(data, fuzzDepth)
		ref := tokenValid(data, fuzzDepth)
		if err != nil {
			var e *errcode.Error
			if !errors.As(err, &e) || e.Pkg != "jsonx" || e.Offset < 0 || e.Offset > int64(len(data)) ||
				!(errors.Is(err, errcode.ErrFormat) || errors.Is(err, errcode.ErrLimit)) {
				t.Fatalf("bad error %#v", err)
			}
			if ref == nil && !hasSurrogateEscape(data) {
				t.Fatalf("rejected what the reference accepts: %v", err)
			}
			return
		}
		if !json.Valid(data) || !utf8.Valid(data) {
			t.Fatal("accepted invalid JSON")
		}
		if ref != nil {
			t.Fatalf("accepted what the reference rejects: %v", ref)
		}
		var v any
		if err := Unmarshal(data, &v, fuzzDepth); err != nil {
			var ute *json.UnmarshalTypeError
			if errors.As(err, &ute) { // a number out of float64 range
				return
			}
			t.Fatalf("Unmarshal after Valid: %v", err)
		}
		out, err := Marshal(v)
		if err != nil {
			t.Fatalf("Marshal of decoded value: %v", err)
		}
		var w any
		if err := Unmarshal(out, &w, fuzzDepth); err != nil {
			t.Fatalf("Unmarshal of Marshal output: %v", err)
		}
		if again, err := Marshal(w); err != nil || string(again) != string(out) {
			t.Fatalf("Marshal not stable: %s then %s", out, again)
		}
	})
}
