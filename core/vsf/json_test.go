package vsf

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// Every scalar value survives JSON and back, byte for byte on the wire.
func TestJSONRoundTrip(t *testing.T) {
	big, _ := ParseU128("-170141183460469231731687303715884105728")
	for _, v := range []Value{
		U('3', 42), U('7', 1), Uint{W: '7', V: U128{Hi: ^uint64(0), Lo: ^uint64(0)}}, I('3', -42), Int{W: '7', V: big},
		F32Value(1.5), F64Value(-0.25), Complex{W: '6', Re: 1, Im: -2}, Boolean(true), Boolean(false),
		Spirix{F: '6', E: '4', Frac: I64(1 << 62), Exp: I64(-3)}, Circle{F: '3', E: '3', Re: I64(64), Im: I64(-64), Exp: I64(1)},
		Name("metadata"), Text("hé \"q\""), Time{W: '5', Sec: I64(-5)}, Time{IsFloat: true, W: '6', F: 2.5},
		Hash{Alg: AlgSHA256, Sum: []byte{1, 2, 3}}, Signature{Alg: AlgEd25519, Sig: []byte{9}}, Key{Alg: AlgEd25519, Key: []byte{7, 7}},
		&Struct{Fields: []Field{{"a", U('4', 5)}, {"b", &Struct{Fields: []Field{{"c", Text("x")}}}}}},
	} {
		j, err := MarshalValue(v)
		if err != nil {
			t.Fatal(err)
		}
		back, err := UnmarshalValue(j)
		if err != nil {
			t.Fatalf("%s: %v", j, err)
		}
		w1, _ := AppendValue(nil, v)
		w2, err := AppendValue(nil, back)
		if err != nil || !bytes.Equal(w1, w2) {
			t.Fatalf("%s: wire % X, back % X (%v)", j, w1, w2, err)
		}
	}
}

func TestJSONRefusals(t *testing.T) {
	for _, in := range []string{`{"type":"u3","value":"256"}`, `{"type":"u5","value":"-1"}`, `{"type":"nope"}`,
		`{"type":"tensor"}`, `{"type":"hash","alg":"md5","hex":"00"}`, `{"type":"name","value":"é"}`, `[`, `{"type":"i3","value":"x"}`} {
		if _, err := UnmarshalValue([]byte(in)); !errors.Is(err, errcode.ErrBadArg) {
			t.Errorf("%s: %v, want ErrBadArg", in, err)
		}
	}
}

// Every value of ewe.json, from its JSON to its bytes and back: the JSON
// form names its spelling (crate or seed) well enough to give the same bytes.
func TestJSONSharedValues(t *testing.T) {
	raw, err := os.ReadFile("../testdata/vsf/ewe.json")
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Values []struct {
			Name  string          `json:"name"`
			Value json.RawMessage `json:"value"`
			Hex   string          `json:"hex"`
		} `json:"values"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range e.Values {
		var kind struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(v.Value, &kind); kind.Type == "tensor" || kind.Type == "bitpacked" {
			continue // their JSON carries no data
		}
		val, err := UnmarshalValue(v.Value)
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		b, err := AppendValue(nil, val)
		if err != nil || hex.EncodeToString(b) != v.Hex {
			t.Fatalf("%s: % X, want %s (%v)", v.Name, b, v.Hex, err)
		}
		n++
	}
	if n < 20 {
		t.Fatalf("only %d values", n)
	}
}
