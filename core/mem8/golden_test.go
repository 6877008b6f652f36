package mem8

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/polyfmt/polyfmt/core/errcode"
)

var update = flag.Bool("update", false, "rewrite the polyfmt-made vectors and manifest.json in core/testdata/mem8")

// vectorSpecs lists every vector: the two written by the seed code
// (shared/reference/vectors, never regenerated) and those derived here.
var vectorSpecs = []struct{ file, desc string }{
	{"three_blocks_fixed_ts.m8", "written by the seed code (mem8_binary.rs): three blocks, timestamps fixed; flags 0"},
	{"empty.m8", "written by the seed code: header only"},
	{"polyfmt_chain_tokens.m8", "written by polyfmt: hash chain, header CRC, tokens (reserved .rs, dynamic src/main and binary), identity 432 Hz, phase 0.25, non-UTF-8 and empty content"},
	{"torn_tail.m8", "polyfmt file plus 2000 bytes of a block whose append was cut short: open ignores them"},
	{"tampered_content.m8", "seed file with one content byte of block 1 flipped: the wave signature no longer matches"},
	{"broken_chain.m8", "polyfmt file with one bit of block 2's prev_hash flipped"},
	{"bad_header_crc.m8", "polyfmt file whose header crc32 is wrong (a header write cut short): open recovers the count from the blocks"},
	{"header_count_too_big.m8", "seed file whose header claims 5 blocks; 3 are there"},
	{"short_header.m8", "20 bytes: shorter than the header"},
	{"bad_magic.m8", "magic MEM9"},
	{"bad_version.m8", "version 2"},
	{"content_len_too_big.m8", "block 1 content_len 5000 (> 4024): the seed code panics on it"},
	{"bad_index.m8", "block 2 carries index 7"},
}

// TestGolden checks (or with -update rewrites) the derived vectors: they
// must be exactly what this code writes from the fixed recipe below.
func TestGolden(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join(vectorDir, "three_blocks_fixed_ts.m8"))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := NewMem(nil, &Options{IdentityFreq: 432.0, TemporalPhase: 0.25})
	for _, r := range []Record{
		{Content: []byte("First memory"), Importance: 0.8, Timestamp: 1757894400000000, Token: ".rs"},
		{Content: []byte("Second memory"), Importance: 0.5, Timestamp: 1757894400000001, Token: "src/main"},
		{Content: []byte("Important memory"), Importance: 1.0, Timestamp: 1757894400000002, Token: "src/main"},
		{Content: []byte{0xff, 0x00, 0x41}, Importance: 0.1, Timestamp: 1757894400000003, Token: "binary"},
		{Content: []byte(""), Importance: 0.9, Timestamp: 1757894400000004},
	} {
		if _, err := f.AppendRecord(r); err != nil {
			t.Fatal(err)
		}
	}
	pf := f.Bytes()
	mut := func(src []byte, fn func(b []byte) []byte) []byte { return fn(append([]byte(nil), src...)) }
	derived := map[string][]byte{
		"polyfmt_chain_tokens.m8": pf,
		"torn_tail.m8":            append(append([]byte(nil), pf...), make([]byte, 2000)...),
		"tampered_content.m8":     mut(seed, func(b []byte) []byte { b[HeaderSize+BlockSize+blockHead] ^= 0x20; return b }),
		"broken_chain.m8":         mut(pf, func(b []byte) []byte { b[HeaderSize+2*BlockSize+36] ^= 1; return b }),
		"bad_header_crc.m8":       mut(pf, func(b []byte) []byte { b[27] ^= 0xff; return b }),
		"short_header.m8":         seed[:20],
		"bad_magic.m8":            mut(seed, func(b []byte) []byte { copy(b, "MEM9"); return b }),
		"bad_version.m8":          mut(seed, func(b []byte) []byte { b[4] = 2; return b }),
		"content_len_too_big.m8": mut(seed, func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[HeaderSize+BlockSize+68:], 5000)
			return b
		}),
		"bad_index.m8": mut(seed, func(b []byte) []byte {
			binary.LittleEndian.PutUint64(b[HeaderSize+2*BlockSize:], 7)
			return b
		}),
		"header_count_too_big.m8": mut(seed, func(b []byte) []byte { binary.LittleEndian.PutUint32(b[6:], 5); return b }),
	}
	for name, want := range derived {
		p := filepath.Join(vectorDir, name)
		if *update {
			if err := os.WriteFile(p, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != string(want) {
			t.Errorf("%s differs from what the recipe writes (run go test -run Golden -update): %v", name, err)
		}
	}
	if *update {
		writeManifest(t)
	}
}

// writeManifest records what this implementation reads from every vector.
// Review its diff: the other surfaces hold to it.
func writeManifest(t *testing.T) {
	type verify struct {
		Status   string `json:"status"`
		BadBlock int64  `json:"bad_block"`
	}
	var cases []map[string]any
	for _, v := range vectorSpecs {
		c := map[string]any{"name": v.file[:len(v.file)-3], "description": v.desc, "file": v.file}
		f, err := Open(filepath.Join(vectorDir, v.file))
		if err != nil {
			c["error"] = errcode.Of(err).Name()
			cases = append(cases, c)
			continue
		}
		h := f.Header()
		var blocks []map[string]any
		for b, err := range f.Forward() {
			if err != nil {
				t.Fatal(err)
			}
			bm := map[string]any{"index": b.Index, "timestamp": b.Timestamp, "importance_raw": b.Importance,
				"token_id": b.TokenID, "token": b.Token, "wave_signature": hex.EncodeToString(b.WaveSignature[:]),
				"prev_hash": hex.EncodeToString(b.PrevHash[:])}
			if utf8.Valid(b.Content) {
				bm["content"] = string(b.Content)
			} else {
				bm["content_hex"] = hex.EncodeToString(b.Content)
			}
			blocks = append(blocks, bm)
		}
		q, _ := f.QueryIndices(&Query{Keywords: []string{"Important"}})
		vr := verify{"PF_OK", -1}
		if err := f.Verify(); err != nil {
			var ve *VerifyError
			errors.As(err, &ve)
			vr = verify{errcode.Of(err).Name(), ve.Block}
		}
		c["expect"] = map[string]any{"count": f.Count(), "flags": h.Flags, "identity_freq": h.IdentityFreq,
			"temporal_phase": h.TemporalPhase, "recovery_clean": f.Recovery().Clean(), "tokens": f.Tokens().Dynamic(),
			"blocks": blocks, "queries": []any{map[string]any{"keywords": []string{"Important"}, "result": q}}, "verify": vr}
		f.Close()
		cases = append(cases, c)
	}
	doc := map[string]any{
		"format": "mem8",
		"schema": map[string]string{
			"cases[].error":            "open fails with this code name",
			"cases[].expect.blocks[]":  "every block, oldest first; content is UTF-8 text, or content_hex when it is not UTF-8",
			"cases[].expect.queries[]": "importance query (fill 10, max 20) and the block indices it returns",
			"cases[].expect.verify":    "status code name of verify and the first bad block (-1: none or the header)",
		},
		"cases": cases,
	}
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(vectorDir, "manifest.json"), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
