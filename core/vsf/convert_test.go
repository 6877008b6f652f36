package vsf

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// The crate form and Convert between the forms.

// The header of an empty file in each form, byte for byte
// (shared/reference/vsf.md): the crate's length in bytes, z 2 y 2 and the
// BLAKE3 file hash after y; the seed's length in bits, z 2 y 1, and its
// whole-file hash in a trailer field.
func TestEmptyFileBytes(t *testing.T) {
	crate, err := NewBuilder(FormCrate).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	// RÅ< b(53 bytes) z(2) y(2) h b 1F … n(0) >
	head := unhex(t, "52 C3 85 3C 62 33 35 7A 33 02 79 33 02 68 62 33 1F")
	tail := unhex(t, "6E 33 00 3E")
	if len(crate) != 53 || !bytes.Equal(crate[:17], head) || !bytes.Equal(crate[49:], tail) {
		t.Fatalf("empty crate file % X", crate)
	}
	zeroed := bytes.Clone(crate)
	clear(zeroed[17:49])
	sum, _ := SumHash(AlgBLAKE3, 32, zeroed)
	if !bytes.Equal(crate[17:49], sum.Sum) {
		t.Fatal("the crate's file hash is not BLAKE3 of the file with its digest zeroed")
	}

	seed, err := NewBuilder(FormSeed).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	// RÅ< b(17×8 = 136 bits) z(2) y(1) n(0) >, then ( d"hash" : h b 1F … ).
	hdr := unhex(t, "52 C3 85 3C 62 33 88 7A 33 02 79 33 01 6E 33 00 3E")
	trailer := unhex(t, "28 64 33 04 68 61 73 68 3A 68 62 33 1F")
	if !bytes.Equal(seed[:17], hdr) || !bytes.Equal(seed[17:30], trailer) || len(seed) != 30+32+1 || seed[len(seed)-1] != ')' {
		t.Fatalf("empty seed file % X", seed)
	}
	sum, _ = SumHash(AlgBLAKE3, 32, seed[:17])
	if !bytes.Equal(seed[30:62], sum.Sum) {
		t.Fatal("the seed's trailer hash is not BLAKE3 of header and sections")
	}
	none := NewBuilder(FormSeed)
	none.NoFileHash()
	if b, _ := none.Bytes(); !bytes.Equal(b, hdr) {
		t.Fatalf("seed file without a file hash % X", b)
	}
}

// One small crate section, every byte of it: the label, the header length
// in bytes, bit-packed as p (raw bit byte), Eagle Time as e.
func TestCrateSectionBytes(t *testing.T) {
	b := NewBuilder(FormCrate)
	s, _ := b.Section("m")
	s.Add("p", &BitPacked{Bits: 12, Shape: []uint64{2}, Data: packMSB([]uint64{0xABC, 0x123}, 12)})
	s.Add("t", Time{W: '5', Sec: I64(300)})
	s.Add("f", Time{IsFloat: true, W: '6', F: 0.5})
	data, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	sec := "5B 64 33 01 6D" + // [ d"m"
		"28 64 33 01 70 3A 70 33 01 0C 33 02 AB C1 23 29" + // (d"p" : p rank 1, 12 bits, [2], AB C1 23)
		"28 64 33 01 74 3A 65 69 34 01 2C 29" + // (d"t" : e i 4 012C)  — the smallest width
		"28 64 33 01 66 3A 65 66 3F E0 00 00 00 00 00 00 29" + // (d"f" : e f 0.5, 0.1.3's digitless f64)
		"5D"
	want := unhex(t, sec)
	hlen := len(data) - len(want)
	// The header: b in bytes, z 2 y 2, the file hash, one label ( d"m" o b n ).
	head := "52 C3 85 3C 62 33" + hex1(hlen) + "7A 33 02 79 33 02 68 62 33 1F" + strings.Repeat("00", 32) +
		"6E 33 01 28 64 33 01 6D 6F 33" + hex1(hlen) + "62 33" + hex1(len(want)) + "6E 33 03 29 3E"
	got := bytes.Clone(data)
	clear(got[17:49])
	if !bytes.Equal(got, append(unhex(t, head), want...)) {
		t.Fatalf("crate file\n got % X\nwant %s %s", got, head, sec)
	}
	f, err := OpenBytes(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if h := f.Header(); h.Form != FormCrate || h.LenInBits || h.Len != uint64(hlen) || h.FileHashAt != 17 || f.Verify() != nil {
		t.Fatalf("header %+v, verify %v", h, f.Verify())
	}
	got2, _ := f.Section("m")
	if p := got2.Field("p").(*BitPacked); !p.Crate || p.Bits != 12 {
		t.Fatalf("p = %+v", p)
	}
	if tm := got2.Field("t").(Time); !tm.Crate || tm.W != '4' || tm.Sec != I64(300) {
		t.Fatalf("t = %+v", tm)
	}
}

func hex1(n int) string {
	const digits = "0123456789ABCDEF"
	return " " + string(digits[n>>4]) + string(digits[n&15]) + " "
}

// x in a crate file is Huffman-coded text polyfmt cannot read:
// ErrUnsupported on read, and on write.
func TestCrateText(t *testing.T) {
	b := NewBuilder(FormCrate)
	s, _ := b.Section("s")
	s.Add("n", Name("abc"))
	data, _ := b.Bytes()
	i := bytes.LastIndex(data, []byte("d\x33\x03abc"))
	data[i] = 'x'
	f, err := OpenBytes(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Section("s")
	isErr(t, "x in a crate section", err, errcode.ErrUnsupported)
	isErr(t, "verify", f.Verify(), errcode.ErrUnsupported)
	s.Set("n", Text("abc"))
	_, err = b.Bytes()
	isErr(t, "writing text in the crate form", err, errcode.ErrUnsupported)
	// The same bytes in the seed form are text.
	sb := NewBuilder(FormSeed)
	ss, _ := sb.Section("s")
	ss.Add("n", Text("abc"))
	sd, _ := sb.Bytes()
	sf, _ := OpenBytes(sd, nil)
	if v, err := sf.Lookup("s.n"); err != nil || v != Text("abc") {
		t.Fatalf("seed text: %v, %v", v, err)
	}
}

// The crate's file hash covers every byte: changing any one fails open or
// Verify.
func TestCrateFileHashEveryByte(t *testing.T) {
	b := NewBuilder(FormCrate)
	s, _ := b.Section("a")
	s.Add("grid", u16Tensor(3, 2, 2))
	s.Add("raw12", packed12())
	b.Unboxed("blob", ramp(40, 0))
	data, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		bad := bytes.Clone(data)
		bad[i] ^= 0x01
		f, err := OpenBytes(bad, nil)
		if err != nil {
			continue
		}
		if err := f.Verify(); err == nil {
			t.Fatalf("byte %d of %d changed and the crate file verifies", i, len(data))
		}
	}
}

// convertible is every kind the crate form can hold, in the seed's spelling:
// all but text.
func convertible() []Field {
	return slices.DeleteFunc(everyKind(false), func(f Field) bool { return f.Value.Kind() == KindText })
}

// sectionsOf decodes every section (structured: its fields respelled in
// form; unboxed: its bytes) for comparing files across forms.
func sectionsOf(t *testing.T, data []byte, form Form) map[string][]byte {
	t.Helper()
	f, err := OpenBytes(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Verify(); err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, l := range f.Labels() {
		if l.Unboxed() {
			raw, err := f.Raw(l.Name)
			if err != nil {
				t.Fatal(err)
			}
			out[l.Name] = raw
			continue
		}
		s, err := f.Section(l.Name)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := convertFields(s.Fields, form)
		if err != nil {
			t.Fatal(err)
		}
		out[l.Name+compressedMark(l)] = wireOf(t, fs)
	}
	return out
}

func compressedMark(l Label) string {
	if l.Wrap != nil {
		return " (zstd)"
	}
	return ""
}

func sameSections(t *testing.T, what string, a, b map[string][]byte) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: %d sections, want %d", what, len(b), len(a))
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			t.Fatalf("%s: section %q differs", what, k)
		}
	}
}

// Convert seed → crate → seed keeps every section and value, and gives the
// Builder's own bytes back; crate → seed → crate likewise.
func TestConvertRoundTrip(t *testing.T) {
	b := sampleBuilderWith(t, FormSeed, convertible())
	h, _ := b.Section("hashed")
	h.Add("x", U('3', 1))
	h.Hash(AlgSHA512, 0)
	h.Hash(AlgBLAKE2b, 32)
	seed, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	crate, err := Convert(seed, FormCrate, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := OpenBytes(crate, nil)
	if cf.Form() != FormCrate || len(cf.Labels()) != 5 {
		t.Fatalf("converted: %v, %d labels", cf.Form(), len(cf.Labels()))
	}
	if hl := cf.Labels()[4]; len(hl.Hashes) != 2 || hl.Hashes[0].Alg != AlgSHA512 || len(hl.Hashes[1].Sum) != 32 {
		t.Fatalf("hashes after Convert: %+v", hl.Hashes)
	}
	sameSections(t, "seed → crate", sectionsOf(t, seed, FormCrate), sectionsOf(t, crate, FormCrate))
	back, err := Convert(crate, FormSeed, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back, seed) {
		t.Fatalf("seed → crate → seed: %d bytes, the seed has %d, or they differ", len(back), len(seed))
	}
	again, err := Convert(back, FormCrate, nil, false)
	if err != nil || !bytes.Equal(again, crate) {
		t.Fatalf("crate → seed → crate differs (%v)", err)
	}
	// Converting to the same form keeps the bytes.
	if same, err := Convert(seed, FormSeed, nil, false); err != nil || !bytes.Equal(same, seed) {
		t.Fatalf("seed → seed differs (%v)", err)
	}
	if same, err := Convert(crate, FormCrate, nil, false); err != nil || !bytes.Equal(same, crate) {
		t.Fatalf("crate → crate differs (%v)", err)
	}
	// The crate's own builder writes the same bytes Convert does.
	direct, err := sampleBuilderWith(t, FormCrate, must(convertFields(convertible(), FormCrate))).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if conv, _ := Convert(direct, FormCrate, nil, false); !bytes.Equal(conv, direct) {
		t.Fatal("a crate file from the Builder changes under Convert")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// An integer Eagle Time is respelled in the smallest width: a seed T6 that
// fits 32 bits comes back from the crate form as T5 (the crate's e i keeps
// no declared width). Its value is kept.
func TestConvertTimeWidth(t *testing.T) {
	b := NewBuilder(FormSeed)
	s, _ := b.Section("s")
	s.Add("t", Time{W: '6', Sec: I64(-5)})
	seed, _ := b.Bytes()
	crate, err := Convert(seed, FormCrate, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Convert(crate, FormSeed, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := OpenBytes(back, nil)
	if v, err := f.Lookup("s.t"); err != nil || v != (Time{W: '5', Sec: I64(-5)}) {
		t.Fatalf("s.t = %+v, %v", v, err)
	}
}

// A signed file does not convert unless its signatures are dropped; text
// does not convert to the crate form.
func TestConvertRefusals(t *testing.T) {
	for _, withKey := range []bool{true, false} {
		signed := signedFile(t, withKey)
		_, err := Convert(signed, FormCrate, nil, false)
		isErr(t, "Convert of a signed file", err, errcode.ErrUnsupported)
		_, err = Convert(signed, FormSeed, nil, false)
		isErr(t, "Convert of a signed file to its own form", err, errcode.ErrUnsupported)
		out, err := Convert(signed, FormCrate, nil, true)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := OpenBytes(out, nil)
		for _, l := range f.Labels() {
			if len(l.Sigs)+len(l.Keys) != 0 {
				t.Fatalf("label %q kept its signature", l.Name)
			}
		}
		if f.Verify() != nil {
			t.Fatal(f.Verify())
		}
		sameSections(t, "signed → crate", sectionsOf(t, signed, FormCrate), sectionsOf(t, out, FormCrate))
	}
	_, err := Convert(sampleBytes(t, FormSeed), FormCrate, nil, false)
	isErr(t, "Convert of text to the crate form", err, errcode.ErrUnsupported)
	bad := sampleBytes(t, FormSeed)
	bad[len(bad)-5] ^= 1
	_, err = Convert(bad, FormCrate, nil, false)
	isErr(t, "Convert of a damaged file", err, errcode.ErrChecksum)
	_, err = Convert([]byte("RÅ<"), FormCrate, nil, false)
	isErr(t, "Convert of a cut file", err, errcode.ErrFormat)
}
