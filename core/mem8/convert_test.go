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
 {"text":"no score"}
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
			if err != nil || n != 3 {
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
		"too long":       {`{"contexts":[{"x":"` + strings.Repeat("x", 5000) + `"}]}`, errcode.Limit},
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

func zlibOf(b []byte) []byte {
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	zw.Write(b)
	zw.Close()
	return z.Bytes()
}

// zeroContexts is the hostile import of the issue: {"contexts":[0,0,…]}.
func zeroContexts(n int) []byte {
	return append(append([]byte(`{"contexts":[0`), bytes.Repeat([]byte(",0"), n-1)...), "]}"...)
}

// Regression: {"contexts":[0,0,…]} made one 4096-byte block per 0 (a
// 240-byte input became a 410 MB .m8, a 65 KB one headed for 128 GiB). A
// context is an object; anything else is ErrFormat before anything is written.
func TestImportNonObjectContexts(t *testing.T) {
	cases := map[string][]byte{
		"zeros zlib":      zlibOf(zeroContexts(100000)),
		"zeros plain":     zeroContexts(1000),
		"string":          []byte(`{"contexts":["just a string"]}`),
		"array":           []byte(`{"contexts":[[1,2]]}`),
		"null":            []byte(`{"contexts":[null]}`),
		"after an object": []byte(`{"contexts":[{"a":1},{"b":2},true]}`),
	}
	for name, in := range cases {
		f, _ := NewMem(nil, &Options{NoSync: true})
		n, err := ImportJSON(f, in, nil, nil)
		if errcode.Of(err) != errcode.Format || n != 0 || f.Count() != 0 {
			t.Errorf("%s: %d blocks, %v; want PF_EFORMAT and nothing written", name, f.Count(), err)
		}
		if _, err := ScanJSON(in, DefaultFlags, nil); errcode.Of(err) != errcode.Format {
			t.Errorf("%s: ScanJSON %v", name, err)
		}
	}
}

// Regression: an element that fails in the middle of a document used to
// leave the blocks before it appended. Every element is checked first.
func TestImportChecksWholeDocumentFirst(t *testing.T) {
	f, _ := NewMem(nil, &Options{NoSync: true})
	in := `{"contexts":[{"a":1},{"b":2},{"x":"` + strings.Repeat("x", 5000) + `"}]}`
	if n, err := ImportJSON(f, []byte(in), nil, nil); errcode.Of(err) != errcode.Limit || n != 0 || f.Count() != 0 {
		t.Fatalf("%d %v, %d blocks written", n, err, f.Count())
	}
	plain, _ := NewMem(nil, &Options{NoSync: true, Plain: true})
	exp := `{"format":"polyfmt.mem8.v1","blocks":[{"content":"a"},{"content":"b","token":"t"}]}`
	if n, err := ImportJSON(plain, []byte(exp), nil, nil); errcode.Of(err) != errcode.Unsupported || n != 0 || plain.Count() != 0 {
		t.Fatalf("token into a plain file: %d %v, %d blocks written", n, err, plain.Count())
	}
}

// Regression: zlib inflation was bounded only by MaxJSONBytes (256 MiB),
// which a 256 KB stream reaches. It is also bounded by MaxJSONRatio.
func TestImportZlibRatio(t *testing.T) {
	doc := []byte(`{"contexts":[{"a":1}],"pad":[` + strings.Repeat("0,", 2<<20) + `0]}`)
	z := zlibOf(doc)
	if r := len(doc) / len(z); r < 500 {
		t.Fatalf("test input compresses only %d×", r)
	}
	f, _ := NewMem(nil, &Options{NoSync: true})
	if _, err := ImportJSON(f, z, nil, nil); errcode.Of(err) != errcode.Limit || !strings.Contains(err.Error(), "MaxJSONRatio") {
		t.Errorf("import: %v", err)
	}
	if _, err := DecodeJSONInput(z, nil); errcode.Of(err) != errcode.Limit {
		t.Errorf("DecodeJSONInput: %v", err)
	}
	if f.Count() != 0 {
		t.Errorf("%d blocks written", f.Count())
	}
	// Small documents inflate to 64 KiB whatever their ratio.
	small := zlibOf([]byte(`{"contexts":[{"a":1}]` + strings.Repeat(" ", 60<<10) + `}`))
	if n, err := ImportJSON(f, small, nil, nil); err != nil || n != 1 {
		t.Errorf("small: %d %v", n, err)
	}
	// A looser ratio admits the big one.
	if n, err := ImportJSON(f, z, &Limits{MaxJSONRatio: 100000}, nil); err != nil || n != 1 {
		t.Errorf("MaxJSONRatio 100000: %d %v", n, err)
	}
}

// Regression: nothing bounded how many blocks an import creates. The count
// is checked before the first block is written.
func TestImportMaxImportBlocks(t *testing.T) {
	in := []byte(`{"contexts":[{},{},{},{},{}]}`)
	f, _ := NewMem(nil, &Options{NoSync: true})
	if n, err := ImportJSON(f, in, &Limits{MaxImportBlocks: 4}, nil); errcode.Of(err) != errcode.Limit || n != 0 || f.Count() != 0 {
		t.Fatalf("over the limit: %d %v, %d blocks", n, err, f.Count())
	}
	if n, err := ImportJSON(f, in, &Limits{MaxImportBlocks: 5}, nil); err != nil || n != 5 {
		t.Fatalf("at the limit: %d %v", n, err)
	}
	// The file's own MaxBlocks counts the blocks it already holds.
	if n, err := ImportJSON(f, in, &Limits{MaxBlocks: 9}, nil); errcode.Of(err) != errcode.Limit || n != 0 || f.Count() != 5 {
		t.Fatalf("past MaxBlocks: %d %v, %d blocks", n, err, f.Count())
	}
	if DefaultLimits.MaxImportBlocks != 1<<20 || DefaultLimits.MaxJSONRatio != 100 {
		t.Errorf("documented defaults changed: %+v", DefaultLimits)
	}
}

// An element whose text is longer than the decoder may buffer is ErrLimit,
// whatever its content would compact to; so is any other oversized member.
func TestImportElementTooLong(t *testing.T) {
	for name, in := range map[string]string{
		"element": `{"contexts":[{"a":"` + strings.Repeat("x", 2<<20) + `"}]}`,
		"member":  `{"other":"` + strings.Repeat("x", 2<<20) + `","contexts":[]}`,
	} {
		f, _ := NewMem(nil, &Options{NoSync: true})
		if _, err := ImportJSON(f, []byte(in), nil, nil); errcode.Of(err) != errcode.Limit {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A big member of an unknown name made of small values is skipped.
	f, _ := NewMem(nil, &Options{NoSync: true})
	in := `{"other":[` + strings.Repeat(`"xx",`, 1<<19) + `0],"contexts":[{"a":1}]}`
	if n, err := ImportJSON(f, []byte(in), nil, nil); err != nil || n != 1 {
		t.Errorf("skipped member: %d %v", n, err)
	}
}

func TestImportDocumentShape(t *testing.T) {
	cases := map[string]struct {
		in   string
		want errcode.Code
		n    int
	}{
		"no contexts":       {`{"version":2}`, errcode.OK, 0},
		"null contexts":     {`{"contexts":null}`, errcode.OK, 0},
		"not an object":     {`[{"a":1}]`, errcode.Format, 0},
		"contexts twice":    {`{"contexts":[{"a":1}],"contexts":[{"b":1}]}`, errcode.Format, 0},
		"contexts a number": {`{"contexts":5}`, errcode.Format, 0},
		"trailing data":     {`{"contexts":[]} {}`, errcode.Format, 0},
		"cut short":         {`{"contexts":[{"a":1}`, errcode.Format, 0},
		"empty object":      {`{"contexts":[{}]}`, errcode.OK, 1},
	}
	for name, c := range cases {
		f, _ := NewMem(nil, &Options{NoSync: true})
		n, err := ImportJSON(f, []byte(c.in), nil, nil)
		if errcode.Of(err) != c.want || n != c.n || f.Count() != uint64(c.n) {
			t.Errorf("%s: %d %v, want %d %s", name, n, err, c.n, c.want.Name())
		}
	}
}
