package mem8

// Interop tests against the seed code itself (mem8_binary.rs, the file
// shared/seeds/001_d968b7f6906d4e28.txt): polyfmt must open every file the
// seed writes, and the seed must open every file polyfmt writes.
//
// The seed is built with cargo at test time and never copied into the repo.
// seedHarnessBin makes a cargo project (with core/internal/cargobuild) in a
// cache directory (os.UserCacheDir()/polyfmt-seedharness, or
// $POLYFMT_SEEDHARNESS_CACHE), keyed by a hash of the seed, the harness
// sources in testdata/seedharness/ and the cargo version, with src/mem8_binary.rs
// being the seed minus its first line (a title line, "mem8_binary.rs•16.8
// kB", that is not Rust). Builds share one cargo target directory, so a
// changed harness rebuilds only itself. The first build needs crates.io
// (anyhow, sha2, flate2, serde_json); later ones run with --offline.
//
// Missing cargo or a missing seed fails the tests: they are the only check
// that polyfmt and the seed agree on the bytes.

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/cargobuild"
)

const (
	seedFileName   = "001_d968b7f6906d4e28.txt"
	seedHarnessDir = "testdata/seedharness"
)

var seedHarness struct {
	once  sync.Once
	bin   string
	err   error
	built bool          // this process ran cargo
	took  time.Duration // how long building (or finding) the binary took
}

// seedHarnessBin returns the path of the built harness, building it on
// first use. It fails t when cargo or the seed cannot be found or the
// build fails.
func seedHarnessBin(t testing.TB) string {
	t.Helper()
	seedHarness.once.Do(func() {
		start := time.Now()
		seedHarness.bin, seedHarness.built, seedHarness.err = buildSeedHarness()
		seedHarness.took = time.Since(start)
		if seedHarness.err == nil && seedHarness.built {
			t.Logf("seed harness: built with cargo in %v (%s)", seedHarness.took.Round(time.Millisecond), seedHarness.bin)
		}
	})
	if errors.Is(seedHarness.err, errNoSeeds) && os.Getenv("CI") == "" {
		// A plain clone has no shared/ beside it: say so once per test and
		// skip. CI always has the seeds, so there a missing seed fails.
		t.Skipf("seed interop skipped: %v", seedHarness.err)
	}
	if seedHarness.err != nil {
		t.Fatalf("seed harness: %v", seedHarness.err)
	}
	return seedHarness.bin
}

// errNoSeeds marks a checkout without the seeds beside it.
var errNoSeeds = errors.New("the MEM8 seed is not here")

// seedSource returns the seed as Rust source: the file without its title line.
func seedSource() ([]byte, error) {
	dir := os.Getenv("POLYFMT_SEEDS")
	if dir == "" {
		root, err := cargobuild.ModuleRoot()
		if err != nil {
			return nil, err
		}
		dir = filepath.Join(root, "..", "shared", "seeds")
	}
	path := filepath.Join(dir, seedFileName)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s is absent (the seeds live in shared/seeds beside the repository, as in CI; set POLYFMT_SEEDS to their directory to run these tests)", errNoSeeds, path)
	}
	if err != nil {
		return nil, fmt.Errorf("the MEM8 seed is needed to build the seed code: %w", err)
	}
	nl := bytes.IndexByte(raw, '\n')
	if nl < 0 || !bytes.HasPrefix(raw, []byte("mem8_binary.rs")) {
		return nil, fmt.Errorf("%s: expected a title line %q followed by Rust source", path, "mem8_binary.rs•16.8 kB")
	}
	return raw[nl+1:], nil
}

func buildSeedHarness() (bin string, built bool, err error) {
	cargo := cargobuild.FindCargo()
	if cargo == "" {
		return "", false, errors.New("cargo not found (not on PATH, nor in $CARGO_HOME/bin or ~/.cargo/bin): the MEM8 interop tests build the seed code with cargo; install Rust (rustup) first")
	}
	seed, err := seedSource()
	if err != nil {
		return "", false, err
	}
	cargoToml, err := os.ReadFile(filepath.Join(seedHarnessDir, "Cargo.toml"))
	if err != nil {
		return "", false, err
	}
	mainRs, err := os.ReadFile(filepath.Join(seedHarnessDir, "src", "main.rs"))
	if err != nil {
		return "", false, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	proj := cargobuild.Project{
		Cargo: cargo,
		Files: map[string][]byte{
			"Cargo.toml":         cargoToml,
			"src/main.rs":        mainRs,
			"src/mem8_binary.rs": seed,
		},
		CacheEnv:  "POLYFMT_SEEDHARNESS_CACHE",
		CacheName: "polyfmt-seedharness",
		Bin:       "seedharness",
	}
	return proj.Build(ctx)
}

// runSeed runs the harness and returns its stdout; a failure fails t.
func runSeed(t testing.TB, args ...string) []byte {
	t.Helper()
	return cargobuild.RunBin(t, seedHarnessBin(t), "seedharness", args...)
}

// seedItem is one block of a harness spec.
type seedItem struct {
	content    []byte
	importance float32 // sent as the float64 of this float32, so the seed's f64→f32 is exact
}

func (it seedItem) MarshalJSON() ([]byte, error) {
	imp := strconv.FormatFloat(float64(it.importance), 'g', -1, 64)
	switch {
	// JSON has no infinity; the seed's f64 `as f32` turns ±1e39 into ±inf.
	case math.IsInf(float64(it.importance), 1):
		imp = "1e39"
	case math.IsInf(float64(it.importance), -1):
		imp = "-1e39"
	}
	m := map[string]any{"importance": json.Number(imp)}
	if utf8.Valid(it.content) {
		m["content"] = string(it.content)
	} else {
		m["content_hex"] = hex.EncodeToString(it.content)
	}
	return json.Marshal(m)
}

// writeSeedSpec stores items as a spec file and returns the "@path" argument.
func writeSeedSpec(t testing.TB, dir string, items []seedItem) string {
	t.Helper()
	b, err := json.Marshal(items)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, fmt.Sprintf("spec-%d.json", time.Now().UnixNano()))
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return "@" + p
}

// seedRecord is one block as the harness prints it.
type seedRecord struct {
	Index         uint64  `json:"index"`
	Timestamp     uint64  `json:"timestamp"`
	Importance    uint16  `json:"importance"`
	TokenID       uint16  `json:"token_id"`
	TokenReserved *string `json:"token_reserved"`
	WaveSignature string  `json:"wave_signature"`
	PrevHash      string  `json:"prev_hash"`
	ContentLen    uint32  `json:"content_len"`
	Content       string  `json:"content"`
	ContentHex    string  `json:"content_hex"`
}

func (r seedRecord) bytes(t testing.TB) []byte {
	b, err := hex.DecodeString(r.ContentHex)
	if err != nil {
		t.Fatalf("block %d: content_hex: %v", r.Index, err)
	}
	return b
}

func decodeSeed[T any](t testing.TB, out []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("seedharness output: %v\n%s", err, cargobuild.LastLines(out, 5))
	}
	return v
}

// seedRead returns the seed's read_backwards of path, put back oldest first.
func seedRead(t testing.TB, path string) []seedRecord {
	t.Helper()
	recs := decodeSeed[[]seedRecord](t, runSeed(t, "read", path))
	slices.Reverse(recs)
	return recs
}

func seedIndices(recs []seedRecord) []uint64 {
	out := make([]uint64, len(recs))
	for i, r := range recs {
		out[i] = r.Index
	}
	return out
}

func sigHex(content []byte, freq float64) string {
	s := WaveSignature(content, freq)
	return hex.EncodeToString(s[:])
}

// seedImportanceSweep is a deterministic set of float32 importances:
// round numbers, the quantization steps, the edges and beyond them, and
// random values.
func seedImportanceSweep() []float32 {
	v := []float32{0, 0.1, 0.2, 0.25, 1.0 / 3, 0.5, 0.7, 0.8, 0.9, 0.99999, 1, 1.5, 2, 1e9, -0.25, -1,
		1.0 / 65535, 2.0 / 65535, 0.5 / 65535, 65534.0 / 65535, 65534.5 / 65535,
		math.Nextafter32(1, 0), math.Nextafter32(1, 2), math.Nextafter32(0, 1), math.Nextafter32(0, -1),
		math.Nextafter32(0.5, 0), math.Nextafter32(0.5, 1), float32(math.Inf(1)), float32(math.Inf(-1))}
	for k := 1; k < 65535; k += 4093 { // k/65535 in f32, and its neighbours
		x := float32(k) / 65535
		v = append(v, x, math.Nextafter32(x, 0), math.Nextafter32(x, 2))
	}
	r := rand.New(rand.NewPCG(8, 0x4d454d38))
	for range 120 {
		v = append(v, r.Float32()*1.2-0.1)
	}
	return v
}

// TestInteropSeedWritesPolyfmtReads: files the seed writes open in polyfmt
// and read back exactly, importance quantized exactly as the seed does.
func TestInteropSeedWritesPolyfmtReads(t *testing.T) {
	dir := t.TempDir()
	full := bytes.Repeat([]byte("0123456789abcdef"), MaxContent/16+1)[:MaxContent]
	items := []seedItem{
		{[]byte("First memory"), 0.8},
		{[]byte("Second memory"), 0.5},
		{[]byte("Important memory"), 1.0},
		{nil, 0.9},
		{[]byte("héllo wörld ✓ 🌊"), 0.1},
		{[]byte{0xff, 0x00, 0x41}, 0.25},
		{full, 0.75},
	}
	for i, x := range seedImportanceSweep() {
		items = append(items, seedItem{[]byte("sweep " + strconv.Itoa(i)), x})
	}
	path := filepath.Join(dir, "seed.m8")
	runSeed(t, "write", path, writeSeedSpec(t, dir, items))

	seedRecs := seedRead(t, path)
	if len(seedRecs) != len(items) {
		t.Fatalf("seed reads back %d blocks, wrote %d", len(seedRecs), len(items))
	}

	f, err := Open(path)
	if err != nil {
		t.Fatalf("polyfmt cannot open a seed-written file: %v", err)
	}
	defer f.Close()
	h := f.Header()
	if h.Flags != 0 || h.IdentityFreq != 440 || h.TemporalPhase != 0 || h.CRC32 != 0 || h.BlockCount != uint32(len(items)) {
		t.Errorf("header = %+v", h)
	}
	if f.Count() != uint64(len(items)) {
		t.Fatalf("Count = %d, want %d", f.Count(), len(items))
	}
	if rec := f.Recovery(); !rec.Clean() {
		t.Errorf("Recovery = %+v, want clean", rec)
	}
	if err := f.Verify(); err != nil {
		t.Errorf("Verify: %v", err)
	}
	for i, it := range items {
		b, err := f.Block(uint64(i))
		if err != nil {
			t.Fatalf("Block(%d): %v", i, err)
		}
		s := seedRecs[i]
		want := it.content
		if want == nil {
			want = []byte{}
		}
		if !bytes.Equal(b.Content, want) || !bytes.Equal(s.bytes(t), want) {
			t.Errorf("block %d content: polyfmt %q, seed %q, wrote %q", i, b.Content, s.bytes(t), want)
		}
		if b.Index != uint64(i) || s.Index != uint64(i) {
			t.Errorf("block %d: index polyfmt %d, seed %d", i, b.Index, s.Index)
		}
		if b.Importance != s.Importance || b.Importance != Quantize(it.importance) {
			t.Errorf("block %d importance %v (bits %08x): seed stored %d, polyfmt reads %d, Quantize gives %d",
				i, it.importance, math.Float32bits(it.importance), s.Importance, b.Importance, Quantize(it.importance))
		}
		if got, want := hex.EncodeToString(b.WaveSignature[:]), sigHex(want, 440); got != want || s.WaveSignature != want {
			t.Errorf("block %d wave signature: polyfmt %s, seed %s, WaveSignature %s", i, got, s.WaveSignature, want)
		}
		if b.Timestamp != s.Timestamp || b.Timestamp == 0 {
			t.Errorf("block %d timestamp: polyfmt %d, seed %d", i, b.Timestamp, s.Timestamp)
		}
		if b.TokenID != 0 || b.PrevHash != [32]byte{} {
			t.Errorf("block %d: token %d, prev_hash %x; the seed writes zeros", i, b.TokenID, b.PrevHash)
		}
	}
	// The exact values the reference names.
	for i, want := range []uint16{52428, 32767, 65535} {
		if seedRecs[i].Importance != want {
			t.Errorf("seed importance of block %d = %d, want %d", i, seedRecs[i].Importance, want)
		}
	}
	for i, want := range []string{"0de17538e2044ae13f0a9e8a5f2130b5", "885a62b95e84c54d56dcc872a0e41640", "c11f1398d0c82a1bf3af803f3d82473f"} {
		if seedRecs[i].WaveSignature != want {
			t.Errorf("seed wave signature of block %d = %s, want %s", i, seedRecs[i].WaveSignature, want)
		}
	}
}

// TestInteropPolyfmtWritesSeedReads: a file polyfmt writes with its default
// options (hash chain, header CRC, tokens) and a non-default identity
// frequency opens in the seed code, which reads the same blocks.
func TestInteropPolyfmtWritesSeedReads(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "polyfmt.m8")
	const freq = 432.0
	f, err := Create(path, &Options{IdentityFreq: freq, TemporalPhase: 0.25})
	if err != nil {
		t.Fatal(err)
	}
	maxContent := bytes.Repeat([]byte("M"), MaxContent)
	defRoom := bytes.Repeat([]byte("d"), MaxContent-trailerSize(len("binary")))
	recs := []Record{
		{Content: []byte("First memory"), Importance: 0.8, Token: ".rs", Timestamp: 1757894400000000},
		{Content: []byte("Second memory defines a token"), Importance: 0.5, Token: "src/main"},
		{Content: maxContent, Importance: 0.9},
		{Content: defRoom, Importance: 0.3, Token: "binary"}, // defines a token, content fills the rest
		{Content: []byte("Important memory"), Importance: 1.0, Token: "src/main"},
		{Content: []byte{0xff, 0x00, 0x41}, Importance: 0.1},
		{Content: nil, Importance: 0},
		{Content: []byte("Claude was here"), Importance: 0.6, Token: "Claude", Timestamp: 1},
	}
	for i, r := range recs {
		if _, err := f.AppendRecord(r); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
	var blocks []Block
	for b, err := range f.Forward() {
		if err != nil {
			t.Fatal(err)
		}
		blocks = append(blocks, b)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if blocks[1].TokenID != FirstDynamicID || blocks[3].TokenID != FirstDynamicID+1 {
		t.Fatalf("token ids %#x %#x: the file does not define new tokens where the test expects", blocks[1].TokenID, blocks[3].TokenID)
	}

	seedRecs := seedRead(t, path)
	if len(seedRecs) != len(recs) {
		t.Fatalf("seed reads %d blocks, polyfmt wrote %d", len(seedRecs), len(recs))
	}
	for i, s := range seedRecs {
		b, r := blocks[i], recs[i]
		want := r.Content
		if want == nil {
			want = []byte{}
		}
		if got := s.bytes(t); !bytes.Equal(got, want) || s.ContentLen != uint32(len(want)) {
			t.Errorf("block %d: seed reads %d bytes %.40q, polyfmt wrote %d bytes %.40q", i, len(got), got, len(want), want)
		}
		if s.Index != uint64(i) || s.Importance != Quantize(r.Importance) || s.TokenID != b.TokenID || s.Timestamp != b.Timestamp {
			t.Errorf("block %d: seed reads index %d importance %d token %#x ts %d; polyfmt wrote %d %d %#x %d",
				i, s.Index, s.Importance, s.TokenID, s.Timestamp, b.Index, b.Importance, b.TokenID, b.Timestamp)
		}
		if want := sigHex(want, freq); s.WaveSignature != want {
			t.Errorf("block %d: seed reads wave signature %s, want %s (identity %g)", i, s.WaveSignature, want, freq)
		}
		if s.PrevHash != hex.EncodeToString(b.PrevHash[:]) {
			t.Errorf("block %d: seed reads prev_hash %s, polyfmt wrote %x", i, s.PrevHash, b.PrevHash)
		}
		if i > 0 && s.PrevHash == strings.Repeat("0", 64) {
			t.Errorf("block %d: prev_hash is zero in a hash-chained file", i)
		}
		// The seed's TokenMap knows only the reserved ids.
		if _, reserved := reservedTokens[b.TokenID]; reserved != (s.TokenReserved != nil) ||
			(reserved && *s.TokenReserved != b.Token) {
			t.Errorf("block %d: seed decodes token %#x as %v, polyfmt as %q", i, s.TokenID, s.TokenReserved, b.Token)
		}
	}

	// The seed's importance query on its reopened file (whose index it
	// builds correctly) agrees with QueryIndices.
	got := seedIndices(decodeSeed[[]seedRecord](t, runSeed(t, "query", path, "memory")))
	f2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	want, err := f2.QueryIndices(&Query{Keywords: []string{"memory"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("importance query: seed %v, polyfmt %v", got, want)
	}
	// The seed opens files read-write, but reading changed nothing.
	if err := f2.Verify(); err != nil {
		t.Errorf("Verify after the seed read the file: %v", err)
	}
}

// TestInteropSeedAppendsToPolyfmtFile documents what happens when the seed
// code appends to a file polyfmt wrote: the seed rewrites block_count but
// keeps the old crc32 and writes a zero prev_hash. polyfmt still reads
// every block (a CRC mismatch means "count the blocks"), but the file is
// no longer clean, and after a read-write open repairs the header, Verify
// names the seed's block as the break in the hash chain.
func TestInteropSeedAppendsToPolyfmtFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mixed.m8")
	const freq = 528.0
	f, err := Create(path, &Options{IdentityFreq: freq, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range []Record{
		{Content: []byte("polyfmt one"), Importance: 0.5, Token: "tok"},
		{Content: []byte("polyfmt two"), Importance: 0.7},
	} {
		if _, err := f.AppendRecord(r); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	runSeed(t, "append", path, writeSeedSpec(t, dir, []seedItem{{[]byte("seed three"), 0.9}}))

	g, err := Open(path)
	if err != nil {
		t.Fatalf("open after the seed appended: %v", err)
	}
	if g.Count() != 3 {
		t.Fatalf("Count = %d, want 3", g.Count())
	}
	b, err := g.Block(2)
	if err != nil {
		t.Fatal(err)
	}
	if string(b.Content) != "seed three" || b.Importance != Quantize(0.9) || hex.EncodeToString(b.WaveSignature[:]) != sigHex(b.Content, freq) {
		t.Errorf("seed's block reads %q importance %d signature %x (the seed signs with the header's identity %g)", b.Content, b.Importance, b.WaveSignature, freq)
	}
	if g.Recovery().Clean() {
		t.Errorf("Recovery is clean; want the stale header CRC reported")
	}
	var ve *VerifyError
	if err := g.Verify(); !errors.As(err, &ve) || ve.Block != -1 || !errors.Is(err, errcode.ErrChecksum) {
		t.Errorf("Verify = %v, want a header checksum error", err)
	}
	g.Close()

	w, err := OpenFile(path, os.O_RDWR, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !w.Recovery().Repaired || w.Count() != 3 {
		t.Errorf("read-write open: Recovery %+v, Count %d", w.Recovery(), w.Count())
	}
	if err := w.Verify(); !errors.As(err, &ve) || ve.Block != 2 || !errors.Is(err, errcode.ErrChecksum) {
		t.Errorf("Verify after repair = %v, want block 2's prev_hash reported", err)
	}
	w.Close()
}

// seedConvertInput is the seed's JSON: each element of "contexts" becomes a
// block of its compact JSON. Its numbers are written the way serde_json
// writes them back (see seedConvertDifferences for the ones it rewrites),
// so both sides must produce the same bytes.
const seedConvertInput = `{
  "version": 2,
  "contexts": [
    {"content": "First memory", "score": 0.8},
    {"content": "no score at all"},
    {"score": 1.0, "content": "Important", "tags": ["a", "b"], "meta": {"z": 1, "a": [1, 2.5, -3, 1e-7, 100.0, -0.0], "m": null, "t": true, "f": false}},
    {"content": "unicode ✓ 🌊 ünïcödé, \"quotes\", \\ backslash, tab\t newline\n", "score": 0.25},
    {"content": "<html> & 'amp' and a slash / and an escaped one \/", "score": 0.3},
    {"controls": "\u0001 \b \f \u001f \u007f", "pair": "\ud83c\udf0a"},
    {"score": "high", "content": "a score that is not a number"},
    {"score": 2, "content": "saturates"},
    {"score": -1, "content": "clamps to zero"},
    {"score": 1e-7, "content": "tiny"},
    {"score": 0.1},
    {},
    {"a": 1, "a": 2, "score": 0.5},
    {"b": 1, "a": {"d": 2, "c": 3}, "score": 0.9},
    {"score": 12345678901234567890, "u64": 18446744073709551615, "i64": -9223372036854775808, "f": [0.30000000000000004, 5e-324, 1.7976931348623157e+308]}
  ]
}`

// seedConvertDifferences are contexts where polyfmt's ImportJSON and the
// seed's convert_json_to_binary make different bytes today. serde_json
// parses numbers into u64, i64 or f64 and prints them back in its own
// form; polyfmt keeps each number's text as written. Go's encoder also
// escapes U+2028 and U+2029, which serde_json does not. The test logs
// these instead of failing; each is a decision for docs/spec/mem8.md.
var seedConvertDifferences = []struct{ context, seed string }{
	{`{"v":1.50}`, `{"v":1.5}`},
	{`{"v":1e3}`, `{"v":1000.0}`},
	{`{"v":1E+2}`, `{"v":100.0}`},
	{`{"v":-0}`, `{"v":-0.0}`},
	{`{"v":1.0e0}`, `{"v":1.0}`},
	{`{"v":0.000001}`, `{"v":1e-6}`},
	{`{"v":1e21}`, `{"v":1e+21}`},
	{`{"v":123456789012345678901234567890}`, `{"v":1.2345678901234568e+29}`},
	{`{"v":18446744073709551616}`, `{"v":1.8446744073709552e+19}`},
	{`{"v":-9223372036854775809}`, `{"v":-9.223372036854776e+18}`},
	{"{\"v\":\"sep \u2028 \u2029\"}", "{\"v\":\"sep \u2028 \u2029\"}"}, // raw U+2028 and U+2029 in a string
}

// TestInteropConvertJSON: the seed's convert_json_to_binary and polyfmt's
// ImportJSON make blocks with the same content bytes and importance from
// the same input, plain and zlib (both headers the seed recognizes).
func TestInteropConvertJSON(t *testing.T) {
	var contexts struct{ Contexts []json.RawMessage }
	if err := json.Unmarshal([]byte(seedConvertInput), &contexts); err != nil {
		t.Fatal(err)
	}
	inputs := map[string][]byte{"plain": []byte(seedConvertInput)}
	for name, level := range map[string]int{"zlib-789c": zlib.DefaultCompression, "zlib-78da": zlib.BestCompression} {
		var b bytes.Buffer
		zw, err := zlib.NewWriterLevel(&b, level)
		if err != nil {
			t.Fatal(err)
		}
		zw.Write([]byte(seedConvertInput))
		zw.Close()
		if want := name[len(name)-4:]; hex.EncodeToString(b.Bytes()[:2]) != want {
			t.Fatalf("%s: zlib header %x", name, b.Bytes()[:2])
		}
		inputs[name] = b.Bytes()
	}
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			seedBlocks, polyBlocks := convertBoth(t, data)
			if len(seedBlocks) != len(contexts.Contexts) || len(polyBlocks) != len(seedBlocks) {
				t.Fatalf("seed made %d blocks, polyfmt %d, input has %d contexts", len(seedBlocks), len(polyBlocks), len(contexts.Contexts))
			}
			for i := range seedBlocks {
				s, p := seedBlocks[i], polyBlocks[i]
				if !bytes.Equal(s.Content, p.Content) {
					t.Errorf("context %d content:\n seed    %s\n polyfmt %s", i, s.Content, p.Content)
				}
				if s.Importance != p.Importance {
					t.Errorf("context %d importance: seed %d, polyfmt %d", i, s.Importance, p.Importance)
				}
				if s.WaveSignature != p.WaveSignature {
					t.Errorf("context %d wave signature: seed %x, polyfmt %x", i, s.WaveSignature, p.WaveSignature)
				}
			}
		})
	}
}

// TestInteropConvertNonObjects: the seed makes a block of any element of
// "contexts", even a bare 0 (so a 240-byte zlib input became a 410 MB
// file); polyfmt refuses an element that is not a context object with
// PF_EFORMAT and writes nothing (docs/spec/mem8.md §6).
func TestInteropConvertNonObjects(t *testing.T) {
	for _, elem := range []string{`"a bare string"`, `42`, `[1, "two", {"three": 3}]`, `null`, `0`} {
		data := []byte(`{"contexts":[` + elem + `]}`)
		dir := t.TempDir()
		in, out := filepath.Join(dir, "in.json"), filepath.Join(dir, "out.m8")
		if err := os.WriteFile(in, data, 0o644); err != nil {
			t.Fatal(err)
		}
		runSeed(t, "convert", in, out)
		sf, err := Open(out)
		if err != nil {
			t.Fatalf("%s: %v", elem, err)
		}
		if sf.Count() != 1 {
			t.Errorf("%s: the seed made %d blocks, want 1", elem, sf.Count())
		}
		sf.Close()
		pf, _ := NewMem(nil, nil)
		if n, err := ImportJSON(pf, data, nil, nil); errcode.Of(err) != errcode.Format || n != 0 || pf.Count() != 0 {
			t.Errorf("%s: polyfmt %d blocks, %v; want PF_EFORMAT", elem, n, err)
		}
	}
}

// TestInteropConvertJSONDifferences logs where ImportJSON and the seed's
// convert_json_to_binary still disagree (seedConvertDifferences), and fails
// if the seed's output is no longer what the table says.
func TestInteropConvertJSONDifferences(t *testing.T) {
	ctxs := make([]string, len(seedConvertDifferences))
	for i, d := range seedConvertDifferences {
		ctxs[i] = d.context
	}
	seed, poly := convertBoth(t, []byte(`{"contexts":[`+strings.Join(ctxs, ",")+`]}`))
	if len(seed) != len(ctxs) || len(poly) != len(ctxs) {
		t.Fatalf("seed made %d blocks, polyfmt %d, want %d", len(seed), len(poly), len(ctxs))
	}
	for i, d := range seedConvertDifferences {
		if string(seed[i].Content) != d.seed {
			t.Errorf("context %+q: the seed now writes %+q, the table says %+q", d.context, seed[i].Content, d.seed)
		}
		if bytes.Equal(seed[i].Content, poly[i].Content) {
			t.Logf("context %+q: polyfmt now agrees with the seed (%+q); move it to seedConvertInput", d.context, poly[i].Content)
		} else {
			t.Logf("context %+q: seed writes %+q, polyfmt %+q", d.context, seed[i].Content, poly[i].Content)
		}
	}
}

// convertBoth runs the seed's convert_json_to_binary on data and polyfmt's
// ImportJSON into a plain in-memory file, and returns both files' blocks.
func convertBoth(t *testing.T, data []byte) (seed, poly []Block) {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.json"), filepath.Join(dir, "out.m8")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	runSeed(t, "convert", in, out)
	sf, err := Open(out)
	if err != nil {
		t.Fatalf("polyfmt cannot open the seed's converted file: %v", err)
	}
	defer sf.Close()
	if err := sf.Verify(); err != nil {
		t.Errorf("Verify of the seed's converted file: %v", err)
	}
	pf, err := NewMem(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	if _, err := ImportJSON(pf, data, nil, nil); err != nil {
		t.Fatalf("ImportJSON: %v", err)
	}
	for _, f := range []*File{sf, pf} {
		var bs []Block
		for b, err := range f.Forward() {
			if err != nil {
				t.Fatal(err)
			}
			bs = append(bs, b)
		}
		if f == sf {
			seed = bs
		} else {
			poly = bs
		}
	}
	return seed, poly
}

// TestInteropSeedImportanceQuery: in the session that appended the blocks,
// the seed's read_by_importance returns the first block over and over
// (bug 1 in shared/reference/mem8.md: append_block records the stream
// position after the header rewrite, offset 30, for every block). The
// seed's query on the reopened file, whose index is rebuilt from the
// blocks, and polyfmt's QueryIndices both give the right, distinct order.
func TestInteropSeedImportanceQuery(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "query.m8")
	var items []seedItem
	for i := range 25 {
		content := fmt.Sprintf("memory %02d", i)
		if i%4 == 1 {
			content += " with a needle"
		}
		items = append(items, seedItem{[]byte(content), float32((i*7)%10) / 10})
	}
	res := decodeSeed[struct {
		Appended int          `json:"appended"`
		Query    []seedRecord `json:"query"`
	}](t, runSeed(t, "write-query", path, writeSeedSpec(t, dir, items), "needle"))
	if res.Appended != len(items) {
		t.Fatalf("seed appended %d blocks, want %d", res.Appended, len(items))
	}
	// Bug 1: every block the same-session query returns is block 0 (which
	// has no needle, so only the fill rule keeps it: 10 copies).
	if len(res.Query) < 2 {
		t.Fatalf("same-session seed query returned %d blocks; bug 1 should give block 0 repeatedly", len(res.Query))
	}
	for _, r := range res.Query {
		if r.Index != 0 {
			t.Fatalf("same-session seed query returned block %d; the seed's bug 1 makes it return only block 0 (has it been fixed?)", r.Index)
		}
	}

	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.QueryIndices(&Query{Keywords: []string{"needle"}})
	if err != nil {
		t.Fatal(err)
	}
	// The model: indices by quantized importance descending, ties oldest
	// first; the first 10 kept, then only needles, at most 20.
	order := make([]uint64, len(items))
	for i := range order {
		order[i] = uint64(i)
	}
	slices.SortStableFunc(order, func(a, b uint64) int {
		return int(Quantize(items[b].importance)) - int(Quantize(items[a].importance))
	})
	var want []uint64
	for _, i := range order {
		if len(want) < 10 || bytes.Contains(items[i].content, []byte("needle")) {
			want = append(want, i)
		}
		if len(want) >= 20 {
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("QueryIndices = %v, want %v", got, want)
	}
	seen := map[uint64]bool{}
	for _, i := range got {
		if seen[i] {
			t.Errorf("QueryIndices returns block %d twice", i)
		}
		seen[i] = true
	}
	reopened := seedIndices(decodeSeed[[]seedRecord](t, runSeed(t, "query", path, "needle")))
	if !slices.Equal(reopened, got) {
		t.Errorf("seed query on the reopened file = %v, polyfmt %v", reopened, got)
	}
}

// seedBenchContent appends block i's content in the seed harness's
// bench-append (the same format string as its main.rs) to buf.
func seedBenchContent(buf []byte, i int) []byte {
	return fmt.Appendf(buf, "bench block %08d lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tem", i)
}

// seedBenchAppend runs the seed harness's bench-append: create path with
// the seed code and append n blocks of seedBenchContent with importance
// (i%100)/100. It returns the seconds from the first append_block to the
// end of the last, as the harness times them (process start and create
// excluded).
func seedBenchAppend(tb testing.TB, path string, n int) float64 {
	tb.Helper()
	res := decodeSeed[struct {
		N       int     `json:"n"`
		Seconds float64 `json:"seconds"`
	}](tb, runSeed(tb, "bench-append", path, strconv.Itoa(n)))
	if res.N != n || res.Seconds <= 0 {
		tb.Fatalf("seed bench-append: %d blocks in %vs, asked for %d", res.N, res.Seconds, n)
	}
	return res.Seconds
}

// TestInteropSeedBenchAppend checks what BenchmarkSeedAppend times on the
// seed's side: bench-append writes n blocks of exactly the content and
// importance polyfmt's side of the benchmark appends, which polyfmt reads
// back. (The rates themselves are a benchmark's, never a test's.)
func TestInteropSeedBenchAppend(t *testing.T) {
	const n = 300
	path := filepath.Join(t.TempDir(), "seed-bench.m8")
	seedBenchAppend(t, path, n)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Count() != n || !f.Recovery().Clean() {
		t.Fatalf("seed bench file: %d blocks, recovery %+v", f.Count(), f.Recovery())
	}
	for i := range n {
		b, err := f.Block(uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		if want := seedBenchContent(nil, i); !bytes.Equal(b.Content, want) || b.Importance != Quantize(float32(i%100)/100) {
			t.Fatalf("block %d: %q importance %d, want %q %d", i, b.Content, b.Importance, want, Quantize(float32(i%100)/100))
		}
	}
	if err := f.Verify(); err != nil {
		t.Fatal(err)
	}
}

// raceEnabled reports whether the test binary was built with -race.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}
