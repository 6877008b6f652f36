package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/polyfmt/polyfmt/core/vsf"
)

// testKey is a fixed Ed25519 key, so that the files the tests build are
// the same every run.
var testKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

// vsfFile builds a small VSF file in a temporary directory: a structured
// section "camera" (a few scalars, text, a time, a nested structure, a
// u16 4×3 tensor, a strided f64 tensor, 12-bit samples), hashed with
// BLAKE3; an unboxed section "blob"; the seed form's whole-file BLAKE3
// hash. edit, if not nil, changes the Builder before it is written.
func vsfFile(t *testing.T, edit func(b *vsf.Builder)) string {
	t.Helper()
	b := vsf.NewBuilder(vsf.FormSeed)
	s, err := b.Section("camera")
	if err != nil {
		t.Fatal(err)
	}
	u16 := make([]byte, 12*2)
	for i := range 12 {
		binary.LittleEndian.PutUint16(u16[2*i:], uint16(i*100))
	}
	img, err := vsf.FromNative(vsf.U16, []uint64{4, 3}, nil, u16)
	if err != nil {
		t.Fatal(err)
	}
	f64 := make([]byte, 6*8) // a 2×3 array stored column-major: strides [1,2]
	for i, v := range []float64{1, 4, 2, 5, 3, 6} {
		binary.LittleEndian.PutUint64(f64[8*i:], math.Float64bits(v))
	}
	strided, err := vsf.FromNative(vsf.F64, []uint64{2, 3}, []uint64{1, 2}, f64)
	if err != nil {
		t.Fatal(err)
	}
	samples := make([]uint16, 24)
	for i := range samples {
		samples[i] = uint16(4095 - i*170)
	}
	raw, err := vsf.PackU16(samples, 12, []uint64{4, 6})
	if err != nil {
		t.Fatal(err)
	}
	when := vsf.TimeOf(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	for _, f := range []vsf.Field{
		{Name: "iso_speed", Value: vsf.U('5', 400)},
		{Name: "exposure_bias_ev", Value: vsf.F32Value(-0.5)},
		{Name: "camera_make", Value: vsf.Text("polyfmt " + strings.Repeat("long text ", 10))},
		{Name: "capture_time", Value: when},
		{Name: "lens", Value: &vsf.Struct{Fields: []vsf.Field{{Name: "focal_length_mm", Value: vsf.F64Value(35)}}}},
		{Name: "thumb", Value: img},
		{Name: "colmajor", Value: strided},
		{Name: "raw", Value: raw},
	} {
		if err := s.Add(f.Name, f.Value); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Hash(vsf.AlgBLAKE3, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Unboxed("blob", []byte("unboxed bytes\x00\x01")); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(b)
	}
	out, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "test.vsf")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeKeys writes testKey as KEY and KEY.pub in dir.
func writeKeys(t *testing.T, dir string) (priv, pub string) {
	t.Helper()
	priv, pub = filepath.Join(dir, "key"), filepath.Join(dir, "key.pub")
	os.WriteFile(priv, []byte(privPrefix+hex.EncodeToString(testKey)+"\n"), 0o600)
	os.WriteFile(pub, []byte(pubPrefix+hex.EncodeToString(testKey.Public().(ed25519.PublicKey))+"\n"), 0o644)
	return priv, pub
}

func TestVSFInspect(t *testing.T) {
	p := vsfFile(t, nil)
	code, out, errs := runCLI("inspect", p)
	if code != 0 {
		t.Fatalf("%d %s", code, errs)
	}
	for _, want := range []string{
		p + ": VSF version 2 (readable from version 1), seed form\n",
		"  header      ", "(its length stated in bits)\n",
		"  labels      2\n",
		"  section camera\n    offset ",
		", 8 field(s)\n    hash blake3 ",
		"    iso_speed: u5 400\n",
		"    exposure_bias_ev: f5 -0.5\n",
		`    camera_make: text "polyfmt long text long text long text long text long text lo"… (108 characters)` + "\n",
		"    capture_time: time T5 2024-05-01T12:00:00Z (eagle ",
		"    lens: struct, 1 field(s)\n      focal_length_mm: f6 35\n",
		"    thumb: tensor u4 [4,3], 24 bytes (uint16)\n",
		"    colmajor: tensor f6 [2,3] strides [1,2], 48 bytes (float64)\n",
		"    raw: bitpacked 12-bit [4,6], 36 bytes (unpacks to uint16)\n",
		"  section blob\n", ", 15 bytes, unboxed\n",
		"  trailer (the whole file before it)\n    hash: hash blake3 ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect has no %q:\n%s", want, out)
		}
	}

	code, out, errs = runCLI("inspect", "-json", p)
	if code != 0 {
		t.Fatalf("json: %d %s", code, errs)
	}
	var doc struct {
		Format   string                  `json:"format"`
		Labels   []struct{ Name string } `json:"labels"`
		Sections []struct {
			Name   string `json:"name"`
			Fields []struct {
				Name  string         `json:"name"`
				Value map[string]any `json:"value"`
			} `json:"fields"`
		} `json:"sections"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if doc.Format != "vsf" || len(doc.Labels) != 2 || len(doc.Sections) != 1 || doc.Sections[0].Name != "camera" ||
		doc.Sections[0].Fields[0].Value["value"] != "400" || doc.Sections[0].Fields[5].Value["elem"] != "u4" {
		t.Fatalf("json: %+v", doc)
	}
}

func TestVSFVerify(t *testing.T) {
	dir := t.TempDir()
	priv, pub := writeKeys(t, dir)
	other := filepath.Join(dir, "other.pub")
	otherKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))
	os.WriteFile(other, []byte(pubPrefix+hex.EncodeToString(otherKey.Public().(ed25519.PublicKey))), 0o644)

	plain := vsfFile(t, nil)
	// Signed files without the whole-file hash, so that a changed signature
	// (in the header) fails only its own check.
	signed := vsfFile(t, func(b *vsf.Builder) { b.NoFileHash(); b.Find("camera").Sign(testKey, false) })
	signedKey := vsfFile(t, func(b *vsf.Builder) { b.NoFileHash(); b.Find("camera").Sign(testKey, true) })
	signedHashed := vsfFile(t, func(b *vsf.Builder) { b.Find("camera").Sign(testKey, false) })

	// tamper flips one byte of the file's copy at the offset where finds
	// its first match.
	tamper := func(src string, find []byte, delta int) string {
		b, _ := os.ReadFile(src)
		i := bytes.Index(b, find)
		if i < 0 {
			t.Fatalf("%q not in %s", find, src)
		}
		b[i+delta] ^= 0x01
		p := filepath.Join(t.TempDir(), "tampered.vsf")
		os.WriteFile(p, b, 0o644)
		return p
	}
	camera := func(p string) []byte { // the camera section's stored bytes
		f, err := vsf.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		s, _ := f.Stored("camera")
		return append([]byte(nil), s...)
	}
	sigOf := func(p string) []byte {
		f, _ := vsf.Open(p)
		defer f.Close()
		h := f.Header()
		return append([]byte(nil), h.Label("camera").Sigs[0].Sig...) // not a view of the closed mapping
	}
	// The blob's bytes: changed, its section still decodes, but the whole-file hash fails.
	blobChanged := tamper(plain, []byte("unboxed bytes"), 0)
	// A byte inside the 12-bit samples: the camera hash and the file hash fail.
	sampleChanged := tamper(plain, camera(plain)[len(camera(plain))-10:], 0)
	// A section that no longer decodes: the camera section's closing ']' changed.
	cam := camera(plain)
	malformed := tamper(plain, cam, len(cam)-1)
	badSig := tamper(signed, sigOf(signed), 5)
	badSigHashed := tamper(signedHashed, sigOf(signedHashed), 5)

	cases := []struct {
		name string
		args []string
		code int
		out  []string
	}{
		{"clean", []string{plain}, 0, []string{"section camera: structure ok\n", "section camera: hash blake3 ok\n",
			"section blob: structure ok\n", "file: file hash blake3 ok\n", ": OK, 4 checks passed\n"}},
		{"file hash", []string{blobChanged}, exitVSFHash, []string{"file: file hash blake3 FAILED: vsf: blake3 digest mismatch"}},
		{"section hash", []string{sampleChanged}, exitVSFHash, []string{"section camera: hash blake3 FAILED"}},
		{"malformed section", []string{malformed}, exitVSFMalformed, []string{"section camera: structure FAILED"}},
		{"signed, no key", []string{signed}, exitVSFUnverified, []string{"signature ed25519 UNVERIFIED: no key for it in the file"}},
		{"signed, -key", []string{signed, "-key", pub}, 0, []string{"section camera: signature ed25519 ok\n"}},
		{"signed, -key private", []string{"-key", priv, signed}, 0, []string{"section camera: signature ed25519 ok\n"}},
		{"signed, key in file", []string{signedKey}, 0, []string{"section camera: signature ed25519 ok\n"}},
		{"signed, wrong -key", []string{signed, "-key", other}, exitVSFSignature, []string{"signature ed25519 FAILED"}},
		{"key in file, wrong -key", []string{signedKey, "-key", other}, exitVSFSignature, []string{"signature ed25519 FAILED"}},
		{"tampered signature", []string{badSig, "-key", pub}, exitVSFSignature, []string{"signature ed25519 FAILED"}},
		{"unsigned, -key", []string{plain, "-key", pub}, exitVSFUnverified, []string{"nothing in the file is signed"}},
		// The signature is in the header: the file hash fails too, and the lower status wins.
		{"tampered signature, file hash", []string{badSigHashed, "-key", pub}, exitVSFHash,
			[]string{"section camera: signature ed25519 FAILED", "file: file hash blake3 FAILED"}},
	}
	for _, c := range cases {
		code, out, errs := runCLI(append([]string{"verify"}, c.args...)...)
		if code != c.code {
			t.Errorf("%s: exit %d, want %d\n%s%s", c.name, code, c.code, out, errs)
			continue
		}
		for _, w := range c.out {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in\n%s", c.name, w, out)
			}
		}
		if c.code != 0 && !strings.Contains(errs, ": FAILED: ") {
			t.Errorf("%s: stderr %q", c.name, errs)
		}
	}
	// Several kinds fail: the lowest status is returned (a changed
	// sample fails the section hash and, unsigned, -key finds no signature).
	if code, out, _ := runCLI("verify", "-key", pub, sampleChanged); code != exitVSFHash || !strings.Contains(out, "nothing in the file is signed") {
		t.Errorf("hash and unsigned: %d\n%s", code, out)
	}
	// inspect still shows a file whose section does not decode, saying so.
	if code, out, _ := runCLI("inspect", malformed); code != 0 || !strings.Contains(out, "  section blob\n") ||
		!strings.Contains(out, "    fields: cannot decode: ") {
		t.Errorf("inspect malformed: %d\n%s", code, out)
	}
	// A header that does not parse: malformed, exit 4.
	b, _ := os.ReadFile(plain)
	b[5] = 'Q' // the header length's marker
	hdr := filepath.Join(dir, "badheader.vsf")
	os.WriteFile(hdr, b, 0o644)
	if code, out, errs := runCLI("verify", hdr); code != exitVSFMalformed || !strings.Contains(out, "header: structure FAILED") {
		t.Errorf("bad header: %d %q %q", code, out, errs)
	}
	// A bad key file, a missing file: exit 1.
	if code, _, errs := runCLI("verify", plain, "-key", plain); code != exitFailed || !strings.Contains(errs, "not a key file") {
		t.Errorf("bad key file: %d %q", code, errs)
	}
	if code, _, errs := runCLI("verify", filepath.Join(dir, "missing.vsf")); code != exitFailed || !strings.Contains(errs, "no such file") {
		t.Errorf("missing: %d %q", code, errs)
	}
	// verify -h documents the statuses.
	if code, _, errs := runCLI("verify", plain, "-h"); code != exitUsage || !strings.Contains(errs, "6  a signature does not verify") {
		t.Errorf("verify -h: %d %q", code, errs)
	}
}

func TestVSFKeygenSign(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "k")
	code, out, errs := runCLI("vsf", "keygen", "-o", key)
	if code != 0 || !strings.Contains(out, "k.pub: its public key ") {
		t.Fatalf("keygen: %d %q %q", code, out, errs)
	}
	fi, err := os.Stat(key)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode: %v %v", fi.Mode(), err)
	}
	priv, pubKey, err := readKeyFile(key)
	_, pubKey2, err2 := readKeyFile(key + ".pub")
	if err != nil || err2 != nil || priv == nil || !bytes.Equal(pubKey.Key, pubKey2.Key) {
		t.Fatalf("key files: %v %v", err, err2)
	}
	if code, _, errs := runCLI("vsf", "keygen", "-o", key); code != exitFailed || !strings.Contains(errs, "exists") {
		t.Fatalf("keygen over a key: %d %q", code, errs)
	}
	if code, _, _ := runCLI("vsf", "keygen", "-o", key, "-f"); code != 0 {
		t.Fatalf("keygen -f: %d", code)
	}
	if code, _, errs := runCLI("keygen"); code != exitUsage || !strings.Contains(errs, "keygen needs -o KEY") {
		t.Fatalf("keygen without -o: %d %q", code, errs)
	}

	p := vsfFile(t, nil)
	// Sign the camera section in place, and the whole file into a copy.
	code, out, errs = runCLI("sign", "--key", key, "--section", "camera", p)
	if code != 0 || !strings.Contains(out, "signed section camera (Ed25519)") {
		t.Fatalf("sign: %d %q %q", code, out, errs)
	}
	if code, out, _ := runCLI("verify", p, "--key", key+".pub"); code != 0 || !strings.Contains(out, "section camera: signature ed25519 ok") {
		t.Fatalf("verify signed: %d\n%s", code, out)
	}
	whole := filepath.Join(dir, "whole.vsf")
	code, out, errs = runCLI("sign", "-key", key, "-file", "-with-key", "-section", "blob", p, "-o", whole)
	if code != 0 || !strings.Contains(out, "signed section blob, the whole file (Ed25519, public key stored)") {
		t.Fatalf("sign -file: %d %q %q", code, out, errs)
	}
	// camera's signature carried over, without its key: -key checks all three.
	if code, out, _ := runCLI("verify", whole, "-key", key+".pub"); code != 0 || strings.Count(out, "signature ed25519 ok") != 3 {
		t.Fatalf("verify whole: %d\n%s", code, out)
	}
	if code, out, _ := runCLI("verify", whole); code != exitVSFUnverified || strings.Count(out, "signature ed25519 ok") != 2 {
		t.Fatalf("verify whole without -key: %d\n%s", code, out)
	}
	if code, _, errs := runCLI("sign", "-key", key, "-file", p, "-o", whole); code != exitFailed || !strings.Contains(errs, "exists") {
		t.Fatalf("sign over -o: %d %q", code, errs)
	}
	// Signing a section again drops the whole-file signature, and says so.
	if code, _, errs := runCLI("sign", "-key", key, "-section", "blob", whole); code != 0 || !strings.Contains(errs, "signature was dropped") {
		t.Fatalf("re-sign: %d %q", code, errs)
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"sign", "-key", key, p}, exitUsage, "-section NAME (repeatable) and/or -file"},
		{[]string{"sign", "-section", "camera", p}, exitUsage, "sign needs -key KEY"},
		{[]string{"sign", "-key", key + ".pub", "-file", p}, exitFailed, "a public key; sign needs the private key"},
		{[]string{"sign", "-key", key, "-section", "nope", p}, exitFailed, `no section "nope"`},
	} {
		if code, _, errs := runCLI(c.args...); code != c.code || !strings.Contains(errs, c.msg) {
			t.Errorf("%q: %d %q", c.args, code, errs)
		}
	}
}

func TestVSFExtract(t *testing.T) {
	p := vsfFile(t, nil)
	dir := t.TempDir()
	blob := filepath.Join(dir, "blob.bin")
	if code, out, errs := runCLI("extract", p, "blob", "-o", blob); code != 0 || !strings.Contains(out, "unboxed section, 15 bytes") {
		t.Fatalf("blob: %d %q %q", code, out, errs)
	}
	if b, _ := os.ReadFile(blob); string(b) != "unboxed bytes\x00\x01" {
		t.Fatalf("blob: %q", b)
	}
	npy := func(name, want, descr string, shape []uint64, data []byte) {
		t.Helper()
		out := filepath.Join(dir, strings.ReplaceAll(name, ".", "_")+".npy")
		code, stdout, errs := runCLI("extract", "-q", p, name, "-o", out)
		if code != 0 || !strings.Contains(stdout, want) {
			t.Fatalf("%s: %d %q %q", name, code, stdout, errs)
		}
		b, _ := os.ReadFile(out)
		hdr, _ := appendNPYHeader(nil, descr, shape)
		if !bytes.Equal(b, append(hdr, data...)) {
			t.Fatalf("%s: .npy\n%q\nwant\n%q", name, b, append(hdr, data...))
		}
	}
	u16 := make([]byte, 24)
	for i := range 12 {
		binary.LittleEndian.PutUint16(u16[2*i:], uint16(i*100))
	}
	npy("camera.thumb", "tensor u4, <u2 [4,3], 24 bytes", "<u2", []uint64{4, 3}, u16)
	f64 := make([]byte, 48) // C order of the column-major 2×3
	for i := range 6 {
		binary.LittleEndian.PutUint64(f64[8*i:], math.Float64bits(float64(i+1)))
	}
	npy("camera.colmajor", "written in C order, <f8 [2,3], 48 bytes", "<f8", []uint64{2, 3}, f64)
	s12 := make([]byte, 48)
	for i := range 24 {
		binary.LittleEndian.PutUint16(s12[2*i:], uint16(4095-i*170))
	}
	npy("camera.raw", "12-bit samples, <u2 [4,6], 48 bytes", "<u2", []uint64{4, 6}, s12)

	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"extract", p, "camera"}, exitUsage, "extract needs -o OUT"},
		{[]string{"extract", p, "camera", "-o", filepath.Join(dir, "x")}, exitFailed, `section "camera" is structured`},
		{[]string{"extract", p, "camera.iso_speed", "-o", filepath.Join(dir, "x")}, exitFailed, "a uint, not a tensor"},
		{[]string{"extract", p, "nope", "-o", filepath.Join(dir, "x")}, exitFailed, `no section or field "nope"`},
		{[]string{"extract", p, "blob", "-o", blob}, exitFailed, "exists"},
	} {
		if code, _, errs := runCLI(c.args...); code != c.code || !strings.Contains(errs, c.msg) {
			t.Errorf("%q: %d %q", c.args, code, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); !os.IsNotExist(err) {
		t.Fatal("a failed extract left its output")
	}
	if code, _, errs := runCLI("extract", "-f", p, "blob", "-o", blob); code != 0 {
		t.Fatalf("extract -f: %d %q", code, errs)
	}
}

func TestVSFConvert(t *testing.T) {
	// The crate's form has no plain text: build a file without it.
	p := vsfFile(t, func(b *vsf.Builder) {
		s := b.Find("camera")
		fs, _ := s.Fields()
		b.Remove("camera")
		n, _ := b.Section("camera")
		for _, f := range fs {
			if f.Name != "camera_make" {
				n.Add(f.Name, f.Value)
			}
		}
		n.Hash(vsf.AlgBLAKE3, 0)
	})
	dir := t.TempDir()
	crate, back := filepath.Join(dir, "crate.vsf"), filepath.Join(dir, "back.vsf")
	code, out, errs := runCLI("convert", p, crate, "--to", "crate")
	if code != 0 || !strings.Contains(out, "seed form → crate form, 2 section(s)") || !strings.Contains(errs, "converting ") {
		t.Fatalf("to crate: %d %q %q", code, out, errs)
	}
	if code, out, _ := runCLI("inspect", crate); code != 0 || !strings.Contains(out, "crate form") || !strings.Contains(out, "file hash   blake3") ||
		!strings.Contains(out, "raw: bitpacked 12-bit [4,6]") {
		t.Fatalf("inspect crate: %d\n%s", code, out)
	}
	if code, out, _ := runCLI("verify", crate); code != 0 {
		t.Fatalf("verify crate: %d\n%s", code, out)
	}
	if code, out, errs := runCLI("convert", "-q", crate, back, "-to", "seed"); code != 0 || errs != "" {
		t.Fatalf("to seed: %d %q %q", code, out, errs)
	}
	a, _ := os.ReadFile(p)
	b, _ := os.ReadFile(back)
	if !bytes.Equal(a, b) {
		t.Fatal("seed → crate → seed changed the file")
	}
	if code, _, errs := runCLI("convert", p, back); code != exitFailed || !strings.Contains(errs, "convert never overwrites") {
		t.Fatalf("overwrite: %d %q", code, errs)
	}
	if code, _, errs := runCLI("convert", p, filepath.Join(dir, "x.vsf"), "-to", "rust"); code != exitUsage || !strings.Contains(errs, "want seed or crate") {
		t.Fatalf("-to rust: %d %q", code, errs)
	}
	// Text cannot go into the crate's form; a signed file needs -drop-signatures.
	if code, _, errs := runCLI("convert", vsfFile(t, nil), filepath.Join(dir, "t.vsf"), "-to", "crate"); code != exitFailed || !strings.Contains(errs, "nothing written") {
		t.Fatalf("text to crate: %d %q", code, errs)
	}
	signed := vsfFile(t, func(b *vsf.Builder) { b.SignFile(testKey, true) })
	if code, _, errs := runCLI("convert", signed, filepath.Join(dir, "s.vsf")); code != exitFailed || !strings.Contains(errs, "-drop-signatures") {
		t.Fatalf("signed: %d %q", code, errs)
	}
	if code, out, errs := runCLI("convert", signed, filepath.Join(dir, "s.vsf"), "-drop-signatures"); code != 0 {
		t.Fatalf("signed, dropped: %d %q %q", code, out, errs)
	}
	if code, out, _ := runCLI("verify", filepath.Join(dir, "s.vsf")); code != 0 || strings.Contains(out, "signature") {
		t.Fatalf("verify dropped: %d\n%s", code, out)
	}
	for _, f := range []string{"x.vsf", "t.vsf"} {
		if _, err := os.Stat(filepath.Join(dir, f)); !os.IsNotExist(err) {
			t.Errorf("a failed convert left %s", f)
		}
	}
}

// The format-prefixed form runs VSF's verbs without detection, and refuses
// another format's file.
func TestVSFPrefixed(t *testing.T) {
	p := vsfFile(t, nil)
	if code, out, _ := runCLI("vsf", "inspect", p); code != 0 || !strings.Contains(out, "VSF version 2") {
		t.Fatalf("vsf inspect: %d %q", code, out)
	}
	if code, _, errs := runCLI("vsf", "inspect", vec+"three_blocks_fixed_ts.m8"); code != exitFailed || !strings.Contains(errs, "MEM8 input; inspect reads .vsf") {
		t.Fatalf("vsf inspect of an .m8: %d %q", code, errs)
	}
	if code, _, errs := runCLI("vsf", "frob"); code != exitUsage || !strings.Contains(errs, `VSF files have no command "frob"; theirs: inspect, verify, convert, extract, sign, keygen`) {
		t.Fatalf("vsf frob: %d %q", code, errs)
	}
	if code, _, errs := runCLI("vsf"); code != exitUsage || !strings.Contains(errs, "polyfmt vsf needs a verb") {
		t.Fatalf("vsf: %d %q", code, errs)
	}
	if code, _, errs := runCLI("ls", p); code != exitFailed || !strings.Contains(errs, "VSF input; ls reads .mmx") {
		t.Fatalf("ls of a .vsf: %d %q", code, errs)
	}
}
