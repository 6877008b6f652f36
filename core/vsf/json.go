package vsf

import (
	"encoding/hex"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/jsonx"
)

// The JSON form of values: what the ABI returns for sections and lookups
// and accepts for new fields, so that the bindings stay thin. Every object
// has "type". Integers of every width are decimal strings (exact in any
// language: Python int, JS BigInt); floats are numbers, or the strings
// "NaN", "Infinity", "-Infinity". Tensor and bit-packed data are not in
// the JSON: their element type, shape and size are, and the data is read
// with pf_vsf_tensor.
//
//	{"type":"u5","value":"100000"}            u3…u7, i3…i7
//	{"type":"f6","value":1.5}                 f5, f6
//	{"type":"j5","re":1,"im":-1}              j5, j6
//	{"type":"bool","value":true}
//	{"type":"s64","frac":"…","exp":"-3","approx":0.5}
//	{"type":"c33","re":"64","im":"-64","exp":"1","approx":[0.5,-0.5]}
//	{"type":"name","value":"metadata"}        d
//	{"type":"text","value":"hé"}              x
//	{"type":"tensor","elem":"u4","shape":[4096,3072],"strides":null,"bytes":25165824}
//	{"type":"bitpacked","bits":12,"shape":[…],"bytes":18874368,"elem":"u4"}
//	{"type":"time","form":"T5","seconds":"123"}  or {"type":"time","form":"t6","float":1.5}
//	{"type":"hash","alg":"blake3","hex":"…"}     also "signature", "key"
//	{"type":"struct","fields":[{"name":"a","value":{…}}]}
type jsonValue struct {
	Type    string          `json:"type"`
	Value   json.RawMessage `json:"value,omitempty"`
	Re      json.RawMessage `json:"re,omitempty"`
	Im      json.RawMessage `json:"im,omitempty"`
	Frac    string          `json:"frac,omitempty"`
	Exp     string          `json:"exp,omitempty"`
	Approx  any             `json:"approx,omitempty"`
	Elem    string          `json:"elem,omitempty"`
	Shape   []uint64        `json:"shape,omitempty"`
	Strides []uint64        `json:"strides,omitempty"`
	Bits    int             `json:"bits,omitempty"`
	Bytes   *uint64         `json:"bytes,omitempty"`
	Form    string          `json:"form,omitempty"`
	Seconds string          `json:"seconds,omitempty"`
	Float   json.RawMessage `json:"float,omitempty"`
	ISO     string          `json:"iso,omitempty"`
	Alg     string          `json:"alg,omitempty"`
	Hex     string          `json:"hex,omitempty"`
	Fields  []jsonField     `json:"fields,omitempty"`
}

type jsonField struct {
	Name  string     `json:"name"`
	Value *jsonValue `json:"value"`
}

func floatJSON(v float64) json.RawMessage {
	switch {
	case math.IsNaN(v):
		return json.RawMessage(`"NaN"`)
	case math.IsInf(v, 1):
		return json.RawMessage(`"Infinity"`)
	case math.IsInf(v, -1):
		return json.RawMessage(`"-Infinity"`)
	}
	return json.RawMessage(strconv.FormatFloat(v, 'g', -1, 64))
}

func strJSON(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// toJSON is v's JSON form.
func toJSON(v Value) *jsonValue {
	switch x := v.(type) {
	case Uint:
		return &jsonValue{Type: "u" + string(x.W), Value: strJSON(x.V.String())}
	case Int:
		return &jsonValue{Type: "i" + string(x.W), Value: strJSON(x.V.SignedString())}
	case Float:
		return &jsonValue{Type: "f" + string(x.W), Value: floatJSON(x.V)}
	case Complex:
		return &jsonValue{Type: "j" + string(x.W), Re: floatJSON(x.Re), Im: floatJSON(x.Im)}
	case Boolean:
		return &jsonValue{Type: "bool", Value: json.RawMessage(strconv.FormatBool(bool(x)))}
	case Spirix:
		return &jsonValue{Type: "s" + string(x.F) + string(x.E), Frac: x.Frac.SignedString(), Exp: x.Exp.SignedString(), Approx: finite(x.Float64())}
	case Circle:
		re, im := x.Float64s()
		return &jsonValue{Type: "c" + string(x.F) + string(x.E), Re: strJSON(x.Re.SignedString()), Im: strJSON(x.Im.SignedString()),
			Exp: x.Exp.SignedString(), Approx: []any{finite(re), finite(im)}}
	case Name:
		return &jsonValue{Type: "name", Value: strJSON(string(x))}
	case Text:
		return &jsonValue{Type: "text", Value: strJSON(string(x))}
	case *Tensor:
		n := uint64(len(x.Data))
		return &jsonValue{Type: "tensor", Elem: x.Elem.String(), Shape: nonNil(x.Shape), Strides: x.Strides, Bytes: &n}
	case *BitPacked:
		n := uint64(len(x.Data))
		nt := packedNative(x.Bits)
		return &jsonValue{Type: "bitpacked", Bits: x.Bits, Shape: nonNil(x.Shape), Bytes: &n, Elem: nt.String()}
	case Time:
		j := &jsonValue{Type: "time", Form: timeForm(x)}
		if x.IsFloat {
			j.Float = floatJSON(x.F)
		} else {
			j.Seconds = x.Sec.SignedString()
		}
		return j
	case Hash:
		return &jsonValue{Type: "hash", Alg: algName(x.Alg), Hex: hex.EncodeToString(x.Sum)}
	case Signature:
		return &jsonValue{Type: "signature", Alg: algName(x.Alg), Hex: hex.EncodeToString(x.Sig)}
	case Key:
		return &jsonValue{Type: "key", Alg: algName(x.Alg), Hex: hex.EncodeToString(x.Key)}
	case *Struct:
		return &jsonValue{Type: "struct", Fields: fieldsJSON(x.Fields)}
	}
	return &jsonValue{Type: "invalid"}
}

func nonNil(s []uint64) []uint64 {
	if s == nil {
		return []uint64{}
	}
	return s
}

// packedNative is the smallest unsigned type holding a sample of bits bits.
func packedNative(bits int) Type {
	switch {
	case bits <= 8:
		return U8
	case bits <= 16:
		return U16
	case bits <= 32:
		return U32
	case bits <= 64:
		return U64T
	}
	return U128T
}

func finite(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return floatJSON(v)
	}
	return v
}

func timeForm(t Time) string {
	switch {
	case t.Crate && t.IsFloat && t.W == 0:
		return "ef"
	case t.Crate && t.IsFloat:
		return "ef" + string(t.W)
	case t.Crate:
		return "ei" + string(t.W)
	case t.IsFloat:
		return "t6"
	}
	return "T" + string(t.W)
}

func fieldsJSON(fs []Field) []jsonField {
	out := make([]jsonField, len(fs))
	for i, f := range fs {
		out[i] = jsonField{Name: f.Name, Value: toJSON(f.Value)}
	}
	return out
}

// MarshalValue returns v's JSON form.
func MarshalValue(v Value) ([]byte, error) { return json.Marshal(toJSON(v)) }

// MarshalSection returns a section's JSON form: {"name", "fields"}.
func MarshalSection(s *Section) ([]byte, error) {
	return json.Marshal(struct {
		Name   string      `json:"name"`
		Fields []jsonField `json:"fields"`
	}{s.Name, fieldsJSON(s.Fields)})
}

func parseJSONFloat(raw json.RawMessage) (float64, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		switch s {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
		return strconv.ParseFloat(s, 64)
	}
	var f float64
	err := json.Unmarshal(raw, &f)
	return f, err
}

// parseJSONInt accepts a decimal string or a JSON integer.
// It also reports whether the integer is negative (two's complement in v).
func parseJSONInt(raw json.RawMessage) (v U128, neg, ok bool) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(raw)
	}
	v, ok = ParseU128(s)
	return v, strings.HasPrefix(s, "-"), ok
}

// UnmarshalValue reads a value from its JSON form, as MarshalValue writes
// it (tensors and bit-packed data excepted: they carry no data in JSON),
// checked as AppendValue checks it. "iso" is accepted for a time instead
// of "seconds" (RFC 3339, whole seconds written as T, else t6).
func UnmarshalValue(b []byte) (Value, error) {
	if err := jsonx.Valid(b, 64); err != nil {
		return nil, errcode.Wrap("vsf", errcode.ErrBadArg, err, "value JSON")
	}
	var j jsonValue
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, errcode.Wrap("vsf", errcode.ErrBadArg, err, "value JSON")
	}
	v, err := fromJSON(&j, 0)
	if err != nil {
		return nil, err
	}
	if err := checkValue(v, 0); err != nil {
		return nil, err
	}
	return v, nil
}

func fromJSON(j *jsonValue, depth int) (Value, error) {
	if j == nil {
		return nil, badArg("a field without a value")
	}
	if depth > DefaultLimits.MaxDepth {
		return nil, badArg("values nest deeper than %d", DefaultLimits.MaxDepth)
	}
	bad := func(what string) error { return badArg("a %s value: %s", j.Type, what) }
	switch j.Type {
	case "bool":
		var x bool
		if json.Unmarshal(j.Value, &x) != nil {
			return nil, bad(`"value" is true or false`)
		}
		return Boolean(x), nil
	case "name", "text":
		var s string
		if json.Unmarshal(j.Value, &s) != nil {
			return nil, bad(`"value" is a string`)
		}
		if j.Type == "name" {
			return Name(s), nil
		}
		return Text(s), nil
	case "time":
		if j.Form != "" {
			return timeWithForm(j)
		}
		switch {
		case j.Float != nil:
			f, err := parseJSONFloat(j.Float)
			if err != nil {
				return nil, bad(`"float" is a number`)
			}
			return Time{IsFloat: true, W: '6', F: f}, nil
		case j.Seconds != "":
			v, ok := ParseU128(j.Seconds)
			if !ok {
				return nil, bad(`"seconds" is a decimal integer`)
			}
			return Time{W: max(IntWidth(v), '5'), Sec: v}, nil
		case j.ISO != "":
			return timeFromISO(j.ISO)
		}
		return nil, bad(`give "seconds", "float" or "iso"`)
	case "hash", "signature", "key":
		raw, err := hex.DecodeString(j.Hex)
		if err != nil || len(raw) == 0 {
			return nil, bad(`"hex" is the bytes in hexadecimal`)
		}
		switch j.Type {
		case "hash":
			alg, _, ok := HashAlgByName(j.Alg)
			if !ok {
				return nil, bad("unknown algorithm " + strconv.Quote(j.Alg))
			}
			return Hash{Alg: alg, Sum: raw}, nil
		case "signature":
			if j.Alg != "ed25519" {
				return nil, bad(`"alg" is "ed25519"`)
			}
			return Signature{Alg: AlgEd25519, Sig: raw}, nil
		}
		if j.Alg != "ed25519" {
			return nil, bad(`"alg" is "ed25519"`)
		}
		return Key{Alg: AlgEd25519, Key: raw}, nil
	case "struct":
		fs := make([]Field, len(j.Fields))
		for i, f := range j.Fields {
			v, err := fromJSON(f.Value, depth+1)
			if err != nil {
				return nil, err
			}
			fs[i] = Field{Name: f.Name, Value: v}
		}
		return &Struct{Fields: fs}, nil
	case "tensor", "bitpacked":
		return nil, bad("tensor data does not travel in JSON: add tensors with their own call")
	}
	t, ok := ParseType(j.Type)
	if !ok {
		return nil, badArg("unknown value type %q", j.Type)
	}
	switch t.Kind {
	case KindUint, KindInt:
		v, neg, ok := parseJSONInt(j.Value)
		if !ok {
			return nil, bad(`"value" is a decimal integer`)
		}
		if t.Kind == KindUint {
			if neg {
				return nil, bad("negative")
			}
			return Uint{W: t.W, V: v}, nil
		}
		return Int{W: t.W, V: v}, nil
	case KindFloat:
		f, err := parseJSONFloat(j.Value)
		if err != nil {
			return nil, bad(`"value" is a number`)
		}
		return Float{W: t.W, V: f}, nil
	case KindComplex:
		re, err1 := parseJSONFloat(j.Re)
		im, err2 := parseJSONFloat(j.Im)
		if err1 != nil || err2 != nil {
			return nil, bad(`"re" and "im" are numbers`)
		}
		return Complex{W: t.W, Re: re, Im: im}, nil
	case KindSpirix:
		fr, ok1 := ParseU128(j.Frac)
		ex, ok2 := ParseU128(j.Exp)
		if !ok1 || !ok2 {
			return nil, bad(`"frac" and "exp" are decimal integers`)
		}
		return Spirix{F: t.W, E: t.E, Frac: fr, Exp: ex}, nil
	case KindCircle:
		re, _, ok1 := parseJSONInt(j.Re)
		im, _, ok2 := parseJSONInt(j.Im)
		ex, ok3 := ParseU128(j.Exp)
		if !ok1 || !ok2 || !ok3 {
			return nil, bad(`"re", "im" and "exp" are decimal integers`)
		}
		return Circle{F: t.W, E: t.E, Re: re, Im: im, Exp: ex}, nil
	}
	return nil, badArg("unknown value type %q", j.Type)
}

// eagleUnix is the Eagle epoch (1969-07-20 20:17:40 UTC) in Unix seconds.
const eagleUnix = -14182940

// timeFromISO reads an RFC 3339 time: whole seconds as T5/T6, else t6.
func timeFromISO(s string) (Value, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, badArg("a time value: %q is not RFC 3339", s)
	}
	sec := t.Unix() - eagleUnix
	if t.Nanosecond() == 0 {
		v := I64(sec)
		return Time{W: max(IntWidth(v), '5'), Sec: v}, nil
	}
	return Time{IsFloat: true, W: '6', F: float64(sec) + float64(t.Nanosecond())/1e9}, nil
}

// timeWithForm reads a time whose JSON names its spelling ("T5", "t6",
// "ei4", "ef", "ef6": what MarshalValue writes), so that JSON and back
// gives the same bytes.
func timeWithForm(j *jsonValue) (Value, error) {
	bad := badArg("a time value: form %q with seconds %q", j.Form, j.Seconds)
	f := j.Form
	switch {
	case f == "t6" || f == "ef" || f == "ef5" || f == "ef6":
		if j.Float == nil {
			return nil, bad
		}
		v, err := parseJSONFloat(j.Float)
		if err != nil {
			return nil, bad
		}
		t := Time{IsFloat: true, W: '6', F: v}
		if f != "t6" {
			t.Crate, t.W = true, 0
			if len(f) == 3 {
				t.W = f[2]
			}
		}
		return t, nil
	case len(f) == 2 && f[0] == 'T' || len(f) == 3 && f[:2] == "ei":
		v, ok := ParseU128(j.Seconds)
		if !ok {
			return nil, bad
		}
		t := Time{W: f[len(f)-1], Sec: v, Crate: f[0] == 'e'}
		return t, nil
	}
	return nil, bad
}
