package vsf

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"maps"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// The shared vectors: core/testdata/vsf/*.vsf, their manifest.json (what
// every binding must read from each) and ewe.json (integers and values
// with their bytes). go test -run Golden -update rewrites them; without
// -update the test regenerates everything in memory and requires the same
// bytes, so the vectors are a pure function of the code (no clocks, no
// random keys: the signing key comes from a fixed seed).

var updateVectors = flag.Bool("update", false, "rewrite core/testdata/vsf (the VSF vectors, manifest.json and ewe.json)")

const vsfVectorDir = "../testdata/vsf"

// goldenKeySeed is the signed vector's Ed25519 seed: 32 bytes of 0x01.
const goldenKeySeed = 1

type goldenCase struct {
	file, description string
	data              []byte
	lookups           []string // dotted paths whose values the manifest records
}

func mustBytes(t testing.TB, b *Builder) []byte {
	t.Helper()
	data, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// goldenCases are the vectors, in file-name order.
func goldenCases(t testing.TB) []goldenCase {
	t.Helper()
	add := func(s *SectionBuilder, fs []Field) {
		for _, f := range fs {
			if err := s.Add(f.Name, f.Value); err != nil {
				t.Fatal(err)
			}
		}
	}

	all := NewBuilder(FormSeed)
	s, _ := all.Section("values")
	add(s, everyKind(false))
	values := mustBytes(t, all)

	ub := NewBuilder(FormSeed)
	s, _ = ub.Section("imaging.raw")
	add(s, []Field{{"width", U('4', 4)}, {"height", U('4', 3)}, {"grid", u16Tensor(0x0100, 4, 3)}, {"raw12", packed12()}})
	ub.Unboxed("imaging.raw.pixels", u16Tensor(0xFF00, 4, 3).Data)
	unboxed := mustBytes(t, ub)

	sb := NewBuilder(FormSeed)
	s, _ = sb.Section("signed")
	add(s, []Field{{"who", Name("polyfmt")}, {"n", U('4', 0x1234)}, {"grid", u16Tensor(1, 2, 2)}})
	if err := s.Sign(testKey(goldenKeySeed), true); err != nil {
		t.Fatal(err)
	}
	s, _ = sb.Section("plain")
	add(s, []Field{{"when", Time{W: '5', Sec: I64(1_700_000_000)}}})
	if err := sb.SignFile(testKey(goldenKeySeed), true); err != nil {
		t.Fatal(err)
	}
	signed := mustBytes(t, sb)

	cb := NewBuilder(FormSeed)
	s, _ = cb.Section("notes")
	add(s, notesFields())
	s.Compress(true)
	z, _ := cb.Unboxed("blob.z", zblob)
	z.Compress(true)
	z.Hash(AlgSHA256, 0)
	compressed := mustBytes(t, cb)

	kb := NewBuilder(FormCrate)
	s, _ = kb.Section("crate")
	add(s, must(convertFields(convertible(), FormCrate)))
	kb.Unboxed("crate.blob", ramp(16, 0xF0))
	crate := mustBytes(t, kb)

	nb := NewBuilder(FormSeed)
	s, _ = nb.Section("imaging.raw")
	add(s, []Field{{"exposure", exposure()}, {"camera.model", Name("lumis")}, {"camera", &Struct{Fields: []Field{{"serial", U('5', 77)}}}}})
	s, _ = nb.Section("imaging.raw.meta")
	add(s, []Field{{"iso_speed", U('5', 800)}})
	nb.Unboxed("imaging", []byte("a section whose name prefixes the others"))
	nested := mustBytes(t, nb)

	badHash := bytes.Clone(unboxed)
	uf, err := OpenBytes(unboxed, nil)
	if err != nil {
		t.Fatal(err)
	}
	hdr := uf.Header()
	badHash[hdr.Label("imaging.raw.pixels").Offset+5] ^= 0x01

	badVersion := bytes.Replace(bytes.Clone(values), []byte("z\x33\x02y\x33\x01"), []byte("z\x33\x03y\x33\x03"), 1)

	overlap := craft(labelsBody(func(h uint64) []Label {
		return []Label{{Name: "a", Offset: h, Size: 8}, {Name: "b", Offset: h + 4, Size: 8}}
	}), ramp(12, 0))

	return []goldenCase{
		{"bad_hash.vsf", "unboxed_u16.vsf with one byte of the unboxed section flipped: opens and reads, fails verify (the trailer's BLAKE3)", badHash, nil},
		{"bad_version.vsf", "values_all_types.vsf stating z 3 y 3: a reader of version 2 refuses it", badVersion, nil},
		{"compressed.vsf", "a zstd-compressed structured section (v z in its label) and a zstd-compressed unboxed section with a SHA-256", compressed, nil},
		{"crate_form.vsf", "the crate's form: header length in bytes, z 2 y 2, BLAKE3 file hash after y; bit-packed as p, Eagle Time as e; every kind but text", crate,
			[]string{"crate.raw12", "crate.taken", "crate.takenf", "crate.exposure.lens.focal_length_mm"}},
		{"nested_dotted.vsf", "dotted section names that prefix each other, a nested structure two levels deep, and a field name with a dot: lookups take the longest name", nested,
			[]string{"imaging", "imaging.raw.exposure.shutter_time_ns", "imaging.raw.exposure.lens.focal_length_mm", "imaging.raw.camera.model",
				"imaging.raw.camera.serial", "imaging.raw.meta.iso_speed", "imaging.raw.meta"}},
		{"overlap.vsf", "two labels whose sections overlap", overlap, nil},
		{"signed.vsf", "section signed has an Ed25519 signature and its public key in its label; the whole file is signed in the trailer (key embedded); the key's seed is 32 bytes of 0x01", signed, nil},
		{"truncated.vsf", "the first 40 bytes of values_all_types.vsf: the header is cut off", values[:40], nil},
		{"unboxed_u16.vsf", "an unboxed section of 4×3 big-endian u16 (imaging.raw.pixels) and a structured section with a 4×3 u16 tensor and a 12-bit bit-packed 4×3 tensor", unboxed,
			[]string{"imaging.raw.pixels", "imaging.raw.grid"}},
		{"values_all_types.vsf", "one structured section with every value kind (u3…u7, i3…i7, f5, f6, j5, j6, bool, s64, c33, name, text, tensors t and q of several element types, bit-packed, T5, T6, T7, t6, hash, signature, key) and a structure nested two levels deep", values,
			[]string{"values.exposure.lens.model", "values.u7", "values.i7"}},
	}
}

// The manifest's form of a file.
type goldenLabel struct {
	Name       string `json:"name"`
	Offset     uint64 `json:"offset"`
	Size       uint64 `json:"size"`
	Count      uint64 `json:"count"`
	Unboxed    bool   `json:"unboxed"`
	Compressed bool   `json:"compressed"`
}

type goldenTensor struct {
	Path         string   `json:"path"`
	Elem         string   `json:"elem"`
	Bits         int      `json:"bits,omitempty"` // bit-packed: the sample width; elem is the native type
	Shape        []uint64 `json:"shape"`
	Strides      []uint64 `json:"strides,omitempty"`
	NativeSHA256 string   `json:"native_sha256"`
}

type goldenBlob struct {
	Name   string `json:"name"`
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
}

type goldenExpect struct {
	Open     string                     `json:"open"`
	Verify   string                     `json:"verify,omitempty"`
	Form     string                     `json:"form,omitempty"`
	Labels   []goldenLabel              `json:"labels,omitempty"`
	Sections map[string]json.RawMessage `json:"sections,omitempty"`
	Tensors  []goldenTensor             `json:"tensors,omitempty"`
	Unboxed  []goldenBlob               `json:"unboxed,omitempty"`
	Lookups  map[string]json.RawMessage `json:"lookups,omitempty"`
}

type goldenManifestCase struct {
	Name        string       `json:"name"`
	File        string       `json:"file"`
	Description string       `json:"description"`
	Expect      goldenExpect `json:"expect"`
}

// goldenNative is the native form of a tensor's data: each element (each
// part of a complex or Spirix element) byte-swapped to little-endian, bool
// elements one byte each (0 or 1), bit-packed samples unpacked to the
// smallest unsigned type that holds them, little-endian.
func goldenNative(v Value) []byte {
	switch x := v.(type) {
	case *Tensor:
		if x.Elem.Kind == KindBool {
			n, _ := elements(x.Shape)
			if x.Strides != nil {
				n, _ = span(x.Shape, x.Strides)
			}
			out := make([]byte, n)
			for i := range out {
				out[i] = x.Data[i/8] >> (7 - uint(i%8)) & 1
			}
			return out
		}
		var parts []int
		w, e := 0, 0
		if x.Elem.W != 0 {
			w = widthBytes(x.Elem.W)
		}
		if x.Elem.E != 0 {
			e = widthBytes(x.Elem.E)
		}
		switch x.Elem.Kind {
		case KindUint, KindInt, KindFloat:
			parts = []int{w}
		case KindComplex:
			parts = []int{w, w}
		case KindSpirix:
			parts = []int{w, e}
		case KindCircle:
			parts = []int{w, w, e}
		}
		out := make([]byte, 0, len(x.Data))
		for p := x.Data; len(p) > 0; {
			for _, n := range parts {
				out = append(out, p[:n]...)
				slices.Reverse(out[len(out)-n:])
				p = p[n:]
			}
		}
		return out
	case *BitPacked:
		n, _ := elements(x.Shape)
		size := packedNative(x.Bits).Size()
		out := make([]byte, 0, int(n)*size)
		bit := 0
		for range n {
			var s big.Int
			for range x.Bits {
				s.Lsh(&s, 1)
				if x.Data[bit/8]>>(7-uint(bit%8))&1 != 0 {
					s.SetBit(&s, 0, 1)
				}
				bit++
			}
			be := s.FillBytes(make([]byte, size))
			slices.Reverse(be)
			out = append(out, be...)
		}
		return out
	}
	return nil
}

// goldenTensors lists every tensor and bit-packed value in fs, depth first.
func goldenTensors(prefix string, fs []Field) []goldenTensor {
	var out []goldenTensor
	for _, f := range fs {
		path := prefix + "." + f.Name
		var g goldenTensor
		switch x := f.Value.(type) {
		case *Tensor:
			g = goldenTensor{Path: path, Elem: x.Elem.String(), Shape: nonNil(x.Shape), Strides: x.Strides}
		case *BitPacked:
			g = goldenTensor{Path: path, Elem: packedNative(x.Bits).String(), Bits: x.Bits, Shape: nonNil(x.Shape)}
		case *Struct:
			out = append(out, goldenTensors(path, x.Fields)...)
			continue
		default:
			continue
		}
		sum := sha256.Sum256(goldenNative(f.Value))
		g.NativeSHA256 = hex.EncodeToString(sum[:])
		out = append(out, g)
	}
	return out
}

// goldenExpectOf records what reading data gives.
func goldenExpectOf(t testing.TB, f *File, err error, lookups []string) goldenExpect {
	t.Helper()
	e := goldenExpect{Open: errcode.Of(err).Name()}
	if err != nil {
		return e
	}
	e.Verify = errcode.Of(f.Verify()).Name()
	e.Form = f.Form().String()
	e.Labels = []goldenLabel{}
	e.Sections = map[string]json.RawMessage{}
	e.Tensors = []goldenTensor{}
	e.Unboxed = []goldenBlob{}
	for _, l := range f.Labels() {
		e.Labels = append(e.Labels, goldenLabel{l.Name, l.Offset, l.Size, l.Count, l.Unboxed(), l.Wrap != nil})
		if l.Unboxed() {
			raw, err := f.Raw(l.Name)
			if err != nil {
				t.Fatalf("%s: %v", l.Name, err)
			}
			sum := sha256.Sum256(raw)
			e.Unboxed = append(e.Unboxed, goldenBlob{l.Name, len(raw), hex.EncodeToString(sum[:])})
			continue
		}
		s, err := f.Section(l.Name)
		if err != nil {
			t.Fatalf("%s: %v", l.Name, err)
		}
		js, err := MarshalSection(s)
		if err != nil {
			t.Fatal(err)
		}
		e.Sections[l.Name] = js
		e.Tensors = append(e.Tensors, goldenTensors(l.Name, s.Fields)...)
	}
	if len(lookups) > 0 {
		e.Lookups = map[string]json.RawMessage{}
		for _, p := range lookups {
			v, err := f.Lookup(p)
			if err != nil {
				t.Fatalf("lookup %s: %v", p, err)
			}
			js, err := MarshalValue(v)
			if err != nil {
				t.Fatal(err)
			}
			e.Lookups[p] = js
		}
	}
	return e
}

func goldenManifest(t testing.TB, cases []goldenCase) []byte {
	t.Helper()
	var out []goldenManifestCase
	for _, c := range cases {
		f, err := OpenBytes(c.data, nil)
		out = append(out, goldenManifestCase{Name: c.file[:len(c.file)-4], File: c.file, Description: c.description,
			Expect: goldenExpectOf(t, f, err, c.lookups)})
	}
	doc := map[string]any{"format": "vsf", "cases": out, "schema": map[string]string{
		"cases[].expect.open":     "the code name opening the file returns (PF_OK, or the error; then nothing else is given)",
		"cases[].expect.verify":   "the code name verify returns",
		"cases[].expect.form":     "seed or crate",
		"cases[].expect.labels":   "the label definitions in header order",
		"cases[].expect.sections": "structured section name → its JSON (pf_vsf_section; compare as parsed JSON)",
		"cases[].expect.tensors":  "every tensor and bit-packed value, by dotted path: element type (bit-packed: the native type, with bits), shape, strides, and the SHA-256 of its native bytes (little-endian elements, each part of a complex or Spirix element swapped on its own; bool one byte per element; bit-packed samples unpacked)",
		"cases[].expect.unboxed":  "every unboxed section: size and SHA-256 of its bytes (decompressed)",
		"cases[].expect.lookups":  "dotted path → the value's JSON",
		"key":                     "signed.vsf's Ed25519 key: the seed 0101…01 (32 bytes); public key " + hex.EncodeToString(testKey(goldenKeySeed).Public().(ed25519.PublicKey)),
	}}
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

type eweInt struct {
	Value string `json:"value"`
	Hex   string `json:"hex"`
}

type eweValue struct {
	Name  string          `json:"name"`
	Form  string          `json:"form"`
	Value json.RawMessage `json:"value"`
	Hex   string          `json:"hex"`
}

type eweTensorHeader struct {
	Name    string   `json:"name"`
	Form    string   `json:"form"`
	Kind    string   `json:"kind"` // tensor or bitpacked
	Elem    string   `json:"elem,omitempty"`
	Bits    int      `json:"bits,omitempty"`
	Shape   []uint64 `json:"shape"`
	Strides []uint64 `json:"strides,omitempty"`
	DataLen uint64   `json:"data_len"`
	Hex     string   `json:"hex"` // the bytes before the data
}

// eweDoc is ewe.json: counts (unsigned, smallest width), signed integers
// (smallest width), typed values, and tensor headers.
func eweDoc(t testing.TB) []byte {
	t.Helper()
	two := func(e uint) *big.Int { return new(big.Int).Lsh(big.NewInt(1), e) }
	one := big.NewInt(1)
	var counts []eweInt
	for _, v := range []*big.Int{big.NewInt(0), big.NewInt(42), big.NewInt(255), big.NewInt(256), big.NewInt(300), big.NewInt(4096),
		big.NewInt(65535), big.NewInt(65536), big.NewInt(100000), two(32), new(big.Int).Sub(two(64), one), two(64),
		new(big.Int).Sub(two(128), one)} {
		u, ok := U128FromBig(v)
		if !ok {
			t.Fatal(v)
		}
		counts = append(counts, eweInt{v.String(), hex.EncodeToString(AppendU128(nil, u))})
	}
	var signed []eweInt
	for _, v := range []*big.Int{big.NewInt(0), big.NewInt(-1), big.NewInt(-42), big.NewInt(127), big.NewInt(-128), big.NewInt(128),
		big.NewInt(-129), big.NewInt(-32768), big.NewInt(1<<63 - 1), big.NewInt(-1 << 63), new(big.Int).Neg(two(127)),
		new(big.Int).Sub(two(127), one)} {
		u, _ := U128FromBig(v)
		signed = append(signed, eweInt{v.String(), hex.EncodeToString(AppendI128(nil, u))})
	}
	key := testKey(goldenKeySeed)
	pub, _ := PublicKey(key)
	sig, _ := Sign(key, []byte("abc"))
	abc, _ := SumHash(AlgBLAKE3, 32, []byte("abc"))
	var values []eweValue
	for _, c := range []struct {
		name string
		v    Value
	}{
		{"u3(42)", U('3', 42)}, {"u5(100000)", U('5', 100000)}, {"i3(-42)", I('3', -42)}, {"u4(5)", U('4', 5)},
		{"u6(2^40)", U('6', 1<<40)}, {"u7(2^127+1)", Uint{W: '7', V: U128{Hi: 1 << 63, Lo: 1}}}, {"i7(-2)", I('7', -2)},
		{"true", Boolean(true)}, {"false", Boolean(false)}, {"d(metadata)", Name("metadata")}, {"x(hé)", Text("hé")},
		{"f5(1.5)", F32Value(1.5)}, {"f6(-2.25)", F64Value(-2.25)}, {"j5(1,-1)", Complex{W: '5', Re: 1, Im: -1}},
		{"j6(0.5,2)", Complex{W: '6', Re: 0.5, Im: 2}},
		{"s64", Spirix{F: '6', E: '4', Frac: I64(1 << 62), Exp: I64(-3)}},
		{"c33", Circle{F: '3', E: '3', Re: I64(64), Im: I64(-64), Exp: I64(1)}},
		{"T5(-1)", Time{W: '5', Sec: I64(-1)}}, {"T6(2^40)", Time{W: '6', Sec: I64(1 << 40)}},
		{"t6(1.5)", Time{IsFloat: true, W: '6', F: 1.5}},
		{"e i 4 (300)", Time{W: '4', Sec: I64(300), Crate: true}}, {"e f 6 (0.5)", Time{IsFloat: true, W: '6', F: 0.5, Crate: true}},
		{"h blake3(abc)", abc}, {"g ed25519(abc)", sig}, {"k ed25519", pub},
		{"b p 12-bit [2]", &BitPacked{Bits: 12, Shape: []uint64{2}, Data: packMSB([]uint64{0xABC, 0x123}, 12)}},
		{"p 12-bit [2]", &BitPacked{Bits: 12, Shape: []uint64{2}, Data: packMSB([]uint64{0xABC, 0x123}, 12), Crate: true}},
		{"t u16 [2 2]", u16Tensor(1, 2, 2)}, {"t bool [9]", &Tensor{Elem: Bool, Shape: []uint64{9}, Data: []byte{0xA5, 0x80}}},
		{"struct", &Struct{Fields: []Field{{"a", U('3', 1)}, {"b", &Struct{Fields: []Field{{"c", Name("d")}}}}}}},
	} {
		b, err := AppendValue(nil, c.v)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		js, _ := MarshalValue(c.v)
		form := "both"
		switch x := c.v.(type) {
		case Time:
			form = map[bool]string{true: "crate", false: "seed"}[x.Crate]
		case *BitPacked:
			form = map[bool]string{true: "crate", false: "seed"}[x.Crate]
		case Text:
			form = "seed"
		}
		values = append(values, eweValue{c.name, form, js, hex.EncodeToString(b)})
	}
	var headers []eweTensorHeader
	for _, c := range []struct {
		name string
		v    Value
	}{
		{"u16 4096×3072 (the seed's)", &Tensor{Elem: U16, Shape: []uint64{4096, 3072}}},
		{"u8 24×71", &Tensor{Elem: U8, Shape: []uint64{24, 71}}},
		{"f64 100×50 strided [1 100]", &Tensor{Elem: F64, Shape: []uint64{100, 50}, Strides: []uint64{1, 100}}},
		{"bool 2×5", &Tensor{Elem: Bool, Shape: []uint64{2, 5}}},
		{"s64 3", &Tensor{Elem: Type{KindSpirix, '6', '4'}, Shape: []uint64{3}}},
		{"12-bit 4096×3072 (the seed's b p)", &BitPacked{Bits: 12, Shape: []uint64{4096, 3072}}},
		{"12-bit 4096×3072 (the crate's p)", &BitPacked{Bits: 12, Shape: []uint64{4096, 3072}, Crate: true}},
	} {
		h := eweTensorHeader{Name: c.name, Form: "both"}
		var b []byte
		switch x := c.v.(type) {
		case *Tensor:
			n, _ := x.dataLen()
			h.Kind, h.Elem, h.Shape, h.Strides, h.DataLen = "tensor", x.Elem.String(), x.Shape, x.Strides, n
			b = x.appendTo(nil) // no data: the header alone
		case *BitPacked:
			n, _ := packedLen(x.Shape, x.Bits)
			h.Kind, h.Bits, h.Shape, h.DataLen = "bitpacked", x.Bits, x.Shape, n
			h.Form = map[bool]string{true: "crate", false: "seed"}[x.Crate]
			b = x.appendTo(nil)
		}
		h.Hex = hex.EncodeToString(b)
		headers = append(headers, h)
	}
	doc := map[string]any{"counts": counts, "signed": signed, "values": values, "tensor_headers": headers,
		"schema": map[string]string{
			"counts":         "unsigned integers as every count, length, offset, size and version is written: the smallest width (2^64 and above only where 128 bits are allowed)",
			"signed":         "signed integers in the smallest width, two's complement",
			"values":         "typed values: name, the form that spells them so (seed, crate or both), their JSON and their bytes",
			"tensor_headers": "the bytes of a tensor's or bit-packed tensor's header, before its data_len data bytes",
		}}
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestGolden regenerates every vector, the manifest and ewe.json, and
// writes them with -update or requires the files to hold the same bytes.
func TestGolden(t *testing.T) {
	cases := goldenCases(t)
	again := goldenCases(t)
	files := map[string][]byte{}
	for i, c := range cases {
		if !bytes.Equal(c.data, again[i].data) {
			t.Fatalf("%s is not reproducible", c.file)
		}
		files[c.file] = c.data
	}
	files["manifest.json"] = goldenManifest(t, cases)
	files["ewe.json"] = eweDoc(t)
	if !bytes.Equal(files["manifest.json"], goldenManifest(t, again)) || !bytes.Equal(files["ewe.json"], eweDoc(t)) {
		t.Fatal("the manifest or ewe.json is not reproducible")
	}
	if *updateVectors {
		if err := os.MkdirAll(vsfVectorDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		p := filepath.Join(vsfVectorDir, name)
		if *updateVectors {
			if err := os.WriteFile(p, files[name], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, files[name]) {
			t.Errorf("%s differs from what the code makes (go test ./core/vsf -run Golden -update): %v", name, err)
		}
	}
	if !*updateVectors {
		on, _ := filepath.Glob(filepath.Join(vsfVectorDir, "*"))
		if len(on) != len(files) {
			t.Errorf("%d files in %s, the code makes %d", len(on), vsfVectorDir, len(files))
		}
	}
}

// TestVectors reads the manifest as a binding would and checks every case
// against the files on disk, opened from a path and from bytes.
func TestVectors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(vsfVectorDir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Cases []goldenManifestCase }
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Cases) < 10 {
		t.Fatalf("the manifest has %d cases", len(m.Cases))
	}
	for _, c := range m.Cases {
		t.Run(c.Name, func(t *testing.T) {
			p := filepath.Join(vsfVectorDir, c.File)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			var lookups []string
			for k := range c.Expect.Lookups {
				lookups = append(lookups, k)
			}
			want, _ := json.Marshal(c.Expect)
			for _, open := range []func() (*File, error){
				func() (*File, error) { return Open(p) },
				func() (*File, error) { return OpenBytes(data, nil) },
			} {
				f, err := open()
				got, _ := json.Marshal(goldenExpectOf(t, f, err, lookups))
				if !jsonEqual(got, want) {
					t.Fatalf("expectations differ:\n got %s\nwant %s", got, want)
				}
				if f != nil {
					f.Close()
				}
			}
			// Every native digest, recomputed from the file itself.
			if c.Expect.Open == "PF_OK" {
				f, _ := OpenBytes(data, nil)
				for _, tn := range c.Expect.Tensors {
					v, err := f.Lookup(tn.Path)
					if err != nil {
						t.Fatal(err)
					}
					sum := sha256.Sum256(goldenNative(v))
					if hex.EncodeToString(sum[:]) != tn.NativeSHA256 {
						t.Fatalf("%s: native digest differs", tn.Path)
					}
				}
			}
		})
	}
	// Each negative case fails where it should; every other case opens and verifies.
	want := map[string]string{"bad_hash": "PF_ECHECKSUM", "bad_version": "PF_EUNSUPPORTED", "truncated": "PF_EFORMAT", "overlap": "PF_EFORMAT"}
	for _, c := range m.Cases {
		got := c.Expect.Open
		if got == "PF_OK" {
			got = c.Expect.Verify
		}
		w, ok := want[c.Name]
		if !ok {
			w = "PF_OK"
		}
		if got != w {
			t.Errorf("%s: %s, want %s", c.Name, got, w)
		}
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	ca, _ := json.Marshal(x)
	cb, _ := json.Marshal(y)
	return bytes.Equal(ca, cb)
}

// TestEWEVectorsFile decodes every entry of ewe.json and encodes it again.
func TestEWEVectorsFile(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(vsfVectorDir, "ewe.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Counts, Signed []eweInt
		Values         []eweValue
		TensorHeaders  []eweTensorHeader `json:"tensor_headers"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for _, c := range doc.Counts {
		b, _ := hex.DecodeString(c.Hex)
		v, n, err := ReadU128(b)
		if err != nil || n != len(b) || v.String() != c.Value || !bytes.Equal(AppendU128(nil, v), b) {
			t.Errorf("count %s: %s, %d, %v", c.Value, v, n, err)
		}
	}
	for _, c := range doc.Signed {
		b, _ := hex.DecodeString(c.Hex)
		v, n, err := ReadI128(b)
		if err != nil || n != len(b) || v.SignedString() != c.Value || !bytes.Equal(AppendI128(nil, v), b) {
			t.Errorf("signed %s: %s, %d, %v", c.Value, v.SignedString(), n, err)
		}
	}
	for _, c := range doc.Values {
		b, _ := hex.DecodeString(c.Hex)
		v, n, err := DecodeValue(b, nil)
		if err != nil || n != len(b) {
			t.Errorf("%s: %v after %d of %d bytes", c.Name, err, n, len(b))
			continue
		}
		js, _ := MarshalValue(v)
		again, _ := AppendValue(nil, v)
		if !jsonEqual(js, c.Value) || !bytes.Equal(again, b) {
			t.Errorf("%s: %s % X", c.Name, js, again)
		}
	}
	for _, c := range doc.TensorHeaders {
		b, _ := hex.DecodeString(c.Hex)
		// The header and a zero-filled body decode to the header's shape.
		v, n, err := DecodeValue(append(b, make([]byte, c.DataLen)...), nil)
		if err != nil || n != len(b)+int(c.DataLen) {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		var shape []uint64
		switch x := v.(type) {
		case *Tensor:
			shape = x.Shape
		case *BitPacked:
			shape = x.Shape
		}
		if !slices.Equal(shape, c.Shape) {
			t.Errorf("%s: shape %v", c.Name, shape)
		}
	}
	if len(doc.Counts) != 13 || len(doc.Values) < 25 || len(doc.TensorHeaders) != 7 {
		t.Fatalf("ewe.json: %d counts, %d values, %d headers", len(doc.Counts), len(doc.Values), len(doc.TensorHeaders))
	}
}
