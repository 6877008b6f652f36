package jsonx

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

type entry struct {
	Name  string  `json:"name"`
	Shape []int   `json:"shape"`
	Scale float64 `json:"scale,omitempty"`
}

func TestUnmarshal(t *testing.T) {
	var e entry
	// Unknown keys are allowed (forward compatibility).
	if err := Unmarshal([]byte(`{"name":"w","shape":[2,3],"future":{"x":[1]}}`), &e, 0); err != nil {
		t.Fatal(err)
	}
	if e.Name != "w" || len(e.Shape) != 2 || e.Shape[1] != 3 {
		t.Fatalf("got %+v", e)
	}
	// Numbers in an any are float64 (UseNumber off).
	var m map[string]any
	if err := Unmarshal([]byte(`{"n":12345678901}`), &m, 0); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["n"].(float64); !ok {
		t.Fatalf("number decoded as %T", m["n"])
	}
}

func TestUnmarshalErrors(t *testing.T) {
	var e entry
	cases := []struct {
		name string
		in   string
		v    any
		kind error
		off  int64
		msg  string
	}{
		{"duplicate", `{"name":"a","name":"b"}`, &e, errcode.ErrFormat, 12, `duplicate key "name"`},
		{"depth", `{"shape":[[1]]}`, &e, errcode.ErrLimit, 10, "nesting deeper than 2"},
		{"type", `{"name":5}`, &e, errcode.ErrFormat, 9, "cannot unmarshal number"},
		{"trailing", `{} x`, &e, errcode.ErrFormat, 3, "data after the value"},
		{"not a pointer", `{}`, e, errcode.ErrBadArg, -1, "unmarshal target"},
		{"nil", `{}`, nil, errcode.ErrBadArg, -1, "unmarshal target"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, Unmarshal([]byte(tc.in), tc.v, 2), tc.kind, tc.off, tc.msg)
		})
	}
}

func TestMarshal(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{map[string]any{"z": 1, "a": []int{1, 2}, "m": map[string]bool{"y": true, "b": false}}, `{"a":[1,2],"m":{"b":false,"y":true},"z":1}`},
		{entry{Name: "<b>&", Shape: []int{}}, `{"name":"<b>&","shape":[]}`},
		{"é\u2028", `"é\u2028"`},
		{1.5e-7, `1.5e-7`},
		{nil, `null`},
	} {
		got, err := Marshal(tc.v)
		if err != nil || string(got) != tc.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tc.v, got, err, tc.want)
		}
		if err := Valid(got, 0); err != nil {
			t.Errorf("Marshal output %s: %v", got, err)
		}
	}
	for name, v := range map[string]any{
		"nan":         math.NaN(),
		"chan":        make(chan int),
		"utf8 clash":  map[string]int{"a\xff": 1, "a\xfe": 2},
		"marshaler":   dupMarshaler{},
		"bad raw":     json.RawMessage(`{"a":1,"a":2}`),
		"func":        func() {},
		"inf in list": []float64{math.Inf(1)},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Marshal(v)
			checkErr(t, err, errcode.ErrBadArg, -1, "marshal")
		})
	}
}

type dupMarshaler struct{}

func (dupMarshaler) MarshalJSON() ([]byte, error) { return []byte(`{"k":1,"k":2}`), nil }

// TestMarshalDeterministic: the same value gives the same bytes.
func TestMarshalDeterministic(t *testing.T) {
	v := map[string]any{}
	for i := 0; i < 200; i++ {
		v[string(rune('a'+i%26))+string(rune('A'+i/26))] = []any{i, float64(i) / 7, map[string]int{"x": i, "b": -i}}
	}
	first, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		again, _ := Marshal(v)
		if string(again) != string(first) {
			t.Fatal("output differs between calls")
		}
	}
	var back any
	if err := Unmarshal(first, &back, 0); err != nil {
		t.Fatal(err)
	}
	if again, _ := Marshal(back); string(again) != string(first) {
		t.Fatal("Marshal(Unmarshal(Marshal(v))) differs")
	}
}
