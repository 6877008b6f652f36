package mmx

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// The hand-written decoder agrees with encoding/json on valid directories
// and refuses what strict parsing must.
func TestDecodeDirectory(t *testing.T) {
	f := goldenAll(t)
	f.mu.RLock()
	doc := &dirDoc{Version: 1, Generation: 9, File: f.id, Chunks: f.committed}
	f.mu.RUnlock()
	rec, err := encodeRecord(doc, 4096)
	if err != nil {
		t.Fatal(err)
	}
	js := rec[dirHeadSize : len(rec)-dirTailSize]
	got, err := decodeDirectory(js, 64)
	if err != nil {
		t.Fatal(err)
	}
	var want dirDoc
	if err := json.Unmarshal(js, &want); err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(&want)
	if string(a) != string(b) {
		t.Fatalf("decoders disagree:\n%s\n%s", a, b)
	}
	many := `{"chunks":{` // more keys than the short duplicate list
	for i := 0; i < 40; i++ {
		many += fmt.Sprintf(`"c%d":{},`, i)
	}
	bad := map[string]string{
		"duplicate top":     `{"version":1,"version":1}`,
		"duplicate entry":   `{"chunks":{"a":{"name":"a","name":"a"}}}`,
		"duplicate chunk":   `{"chunks":{"a":{},"a":{}}}`,
		"duplicate in many": many + `"c7":{}}}`,
		"escaped duplicate": `{"chunks":{"a":{},"\u0061":{}}}`,
		"trailing":          `{"version":1} {}`,
		"negative":          `{"generation":-1}`,
		"fraction":          `{"generation":1.5}`,
		"leading zero":      `{"generation":01}`,
		"overflow":          `{"generation":18446744073709551616}`,
		"bad utf8":          "{\"chunks\":{\"\xff\":{}}}",
		"control char":      "{\"file\":{\"creator\":\"a\x01\"}}",
		"deep unknown":      `{"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`,
		"unterminated":      `{"chunks":{"a`,
		"bad literal":       `{"x":nul}`,
		"shape string":      `{"chunks":{"a":{"shape":["1"]}}}`,
	}
	for name, in := range bad {
		if _, err := decodeDirectory([]byte(in), 64); err == nil {
			t.Errorf("%s: accepted %q", name, in)
		}
	}
	ok := `{"version":1,"future":{"a":[1,-2.5e3,true,null,"\u00e9\ud83d\ude00"]},"chunks":{}}`
	if _, err := decodeDirectory([]byte(ok), 64); err != nil {
		t.Errorf("unknown fields must be skipped: %v", err)
	}
}

func FuzzDecodeDirectory(f *testing.F) {
	f.Add([]byte(`{"version":1,"generation":2,"chunks":{"a":{"name":"a","shape":[1,2],"dtype":"float32","attributes":{"k":[1]}}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := decodeDirectory(b, 16)
		if err == nil && !json.Valid(b) {
			t.Fatalf("accepted invalid JSON %q", b)
		}
		_ = doc
	})
}
