package mem8

import (
	"bytes"
	"compress/zlib"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

const contextsJSON = `{"contexts":[
 {"text":"first <b>&","score":0.8,"meta":{"z":1,"a":[1,2.50,3e2]}},
 {"score":"high","text":"no numeric score"},
 {"text":"no score"},
 "just a string"
]}`

func TestImportSeedContexts(t *testing.T) {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z) // 78 9C
	zw.Write([]byte(contextsJSON))
	zw.Close()
	for name, input := range map[string][]byte{"plain": []byte(contextsJSON), "zlib": z.Bytes()} {
		t.Run(name, func(t *testing.T) {
			f, _ := NewMem(nil, nil)
			n, err := ImportJSON(f, input, nil, nil)
			if err != nil || n != 4 {
				t.Fatalf("import: %d %v", n, err)
			}
			want := []struct {
				content string
				imp     uint16
			}{
				// Compact JSON, keys sorted (as serde_json's default map does), numbers as written.
				{`{"meta":{"a":[1,2.50,3e2],"z":1},"score":0.8,"text":"first <b>&"}`, 52428},
				{`{"score":"high","text":"no numeric score"}`, 32767},
				{`{"text":"no score"}`, 32767},
				{`"just a string"`, 32767},
			}
			for i, w := range want {
				b, _ := f.Block(uint64(i))
				if string(b.Content) != w.content || b.Importance != w.imp {
					t.Errorf("block %d = %s (%d), want %s (%d)", i, b.Content, b.Importance, w.content, w.imp)
				}
			}
		})
	}
}

func TestImportErrors(t *testing.T) {
	f, _ := NewMem(nil, nil)
	cases := map[string]struct {
		in   string
		want errcode.Code
	}{
		"not json":       {"{nope", errcode.Format},
		"bad zlib":       {"\x78\x9cgarbage", errcode.Format},
		"unknown format": {`{"format":"other"}`, errcode.Unsupported},
		"bad base64":     {`{"format":"polyfmt.mem8.v1","blocks":[{"content_base64":"%%"}]}`, errcode.Format},
		"both contents":  {`{"format":"polyfmt.mem8.v1","blocks":[{"content":"a","content_base64":"YQ=="}]}`, errcode.Format},
		"bad signature":  {`{"format":"polyfmt.mem8.v1","blocks":[{"content":"a","wave_signature":"00"}]}`, errcode.Checksum},
		"too long":       {`{"contexts":["` + strings.Repeat("x", 5000) + `"]}`, errcode.Limit},
	}
	for name, c := range cases {
		if _, err := ImportJSON(f, []byte(c.in), nil, nil); errcode.Of(err) != c.want {
			t.Errorf("%s: %v, want %s", name, err, c.want.Name())
		}
	}
	if _, err := ImportJSON(f, []byte(`{"contexts":[]}`), &Limits{MaxJSONBytes: 4}, nil); errcode.Of(err) != errcode.Limit {
		t.Errorf("MaxJSONBytes: %v", err)
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(bytes.Repeat([]byte(" "), 1<<20))
	zw.Close()
	if _, err := DecodeJSONInput(z.Bytes(), &Limits{MaxJSONBytes: 1 << 10}); errcode.Of(err) != errcode.Limit {
		t.Errorf("zlib bomb: %v", err)
	}
	if f.Count() != 0 {
		t.Errorf("failed imports left %d blocks", f.Count())
	}
}

// Export then import into a file made with the same options gives the same
// bytes: content, importance, timestamps, tokens, chain.
func TestExportImportRoundTrip(t *testing.T) {
	for _, opt := range []*Options{nil, {Plain: true, IdentityFreq: 100, TemporalPhase: 2}} {
		src, _ := NewMem(nil, opt)
		tok := "tok"
		if opt != nil {
			tok = ""
		}
		src.AppendRecord(Record{Content: []byte("text ✓"), Importance: 0.8, Token: tok, Timestamp: 5})
		src.AppendRecord(Record{Content: []byte{0, 0xff, 0xfe}, Importance: 0.1, Timestamp: 6})
		src.AppendRecord(Record{Content: nil, Importance: 1, Token: tok, Timestamp: 7})
		doc, err := ExportJSON(src)
		if err != nil {
			t.Fatal(err)
		}
		dst, _ := NewMem(nil, opt)
		var calls int
		n, err := ImportJSON(dst, doc, nil, func(done, total int) { calls++ })
		if err != nil || n != 3 || calls != 3 {
			t.Fatalf("import: %d %v (%d progress calls)", n, err, calls)
		}
		if !bytes.Equal(src.Bytes(), dst.Bytes()) {
			t.Fatalf("round trip differs:\n%s", doc)
		}
		doc2, _ := ExportJSON(dst)
		if !bytes.Equal(doc, doc2) {
			t.Fatal("export is not stable")
		}
	}
}
