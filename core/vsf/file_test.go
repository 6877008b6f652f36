package vsf

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// The file-level tests: a File opened every way over files the Builder
// writes, the writable lifecycle, and the helpers the other file tests
// (crypto, convert, hostile, crash, golden, fuzz) share.

// testKey is a fixed Ed25519 key derived from a 32-byte seed of b.
func testKey(b byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, ed25519.SeedSize))
}

// packMSB packs samples of bits bits each, most significant bit first,
// continuously across bytes, the last byte zero-padded.
func packMSB(samples []uint64, bits int) []byte {
	out := make([]byte, (len(samples)*bits+7)/8)
	pos := 0
	for _, s := range samples {
		for i := bits - 1; i >= 0; i-- {
			if s>>uint(i)&1 != 0 {
				out[pos/8] |= 0x80 >> uint(pos%8)
			}
			pos++
		}
	}
	return out
}

// ramp is n bytes counting up from start.
func ramp(n int, start byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i)
	}
	return b
}

// u16Tensor is a u16 tensor of shape whose elements count up from first.
func u16Tensor(first uint16, shape ...uint64) *Tensor {
	n, _ := elements(shape)
	data := make([]byte, 0, 2*n)
	for i := range n {
		v := first + uint16(i)
		data = append(data, byte(v>>8), byte(v))
	}
	return &Tensor{Elem: U16, Shape: shape, Data: data}
}

// packed12 is a 12-bit bit-packed 4×3 tensor.
func packed12() *BitPacked {
	samples := []uint64{0x000, 0xFFF, 0x123, 0x800, 0x7FF, 0x001, 0xABC, 0x456, 0x789, 0xFED, 0x010, 0x100}
	return &BitPacked{Bits: 12, Shape: []uint64{4, 3}, Data: packMSB(samples, 12)}
}

// exposure is a structure nested two levels deep.
func exposure() *Struct {
	return &Struct{Fields: []Field{
		{"shutter_time_ns", U('6', 16_666_667)},
		{"iso_speed", U('5', 400)},
		{"lens", &Struct{Fields: []Field{{"focal_length_mm", F32Value(35)}, {"model", Name("prime")}}}},
	}}
}

// everyKind is one field of each value kind, in the seed's spelling, or in
// the crate's (no text, bit-packed as p, Eagle Time as e).
func everyKind(crate bool) []Field {
	i7, _ := ParseU128("-85070591730234615865843651857942052864") // −2^126
	abc := sha256.Sum256([]byte("abc"))
	key := testKey(7)
	pub, _ := PublicKey(key)
	sig, _ := Sign(key, []byte("abc"))
	fs := []Field{
		{"u3", U('3', 42)}, {"u4", U('4', 5)}, {"u5", U('5', 100000)}, {"u6", U('6', 1<<40)},
		{"u7", Uint{W: '7', V: U128{Hi: 1 << 63, Lo: 0x0123456789ABCDEF}}},
		{"i3", I('3', -42)}, {"i4", I('4', -300)}, {"i5", I('5', -100000)}, {"i6", I('6', -1<<40)}, {"i7", Int{W: '7', V: i7}},
		{"f5", F32Value(1.5)}, {"f6", F64Value(-2.25)},
		{"j5", Complex{W: '5', Re: 1, Im: -1}}, {"j6", Complex{W: '6', Re: 0.5, Im: 2}},
		{"yes", Boolean(true)}, {"no", Boolean(false)},
		{"s64", Spirix{F: '6', E: '4', Frac: I64(1 << 62), Exp: I64(-3)}},
		{"c33", Circle{F: '3', E: '3', Re: I64(64), Im: I64(-64), Exp: I64(1)}},
		{"kind", Name("metadata")},
		{"note", Text("héllo, wörld")},
		{"grid", u16Tensor(1, 4, 3)},
		{"f32", &Tensor{Elem: F32, Shape: []uint64{2, 2}, Data: unhexQuiet("3F800000 40000000 C0400000 7F800000")}},
		{"i8", &Tensor{Elem: I8, Shape: []uint64{5}, Data: []byte{0x80, 0xFF, 0, 1, 0x7F}}},
		{"mask", &Tensor{Elem: Bool, Shape: []uint64{2, 5}, Data: []byte{0xA5, 0xC0}}},
		{"j5s", &Tensor{Elem: C64, Shape: []uint64{2}, Data: ramp(16, 1)}},
		{"s33s", &Tensor{Elem: Type{KindSpirix, '3', '3'}, Shape: []uint64{3}, Data: ramp(6, 0x10)}},
		{"c43s", &Tensor{Elem: Type{KindCircle, '4', '3'}, Shape: []uint64{1}, Data: ramp(5, 0x20)}},
		{"u7s", &Tensor{Elem: U128T, Shape: []uint64{2}, Data: ramp(32, 0x40)}},
		{"strided", &Tensor{Elem: F64, Shape: []uint64{2, 3}, Strides: []uint64{1, 2}, Data: ramp(48, 0x80)}},
		{"empty", &Tensor{Elem: U32, Shape: []uint64{0, 4}, Data: []byte{}}},
		{"raw12", packed12()},
		{"taken", Time{W: '5', Sec: I64(1_700_000_000)}},
		{"taken6", Time{W: '6', Sec: I64(1 << 40)}},
		{"taken7", Time{W: '7', Sec: U128{Hi: 1}}},
		{"takenf", Time{IsFloat: true, W: '6', F: 1.5e9 + 0.25}},
		{"digest", Hash{Alg: AlgSHA256, Sum: abc[:]}},
		{"sig", sig},
		{"pub", pub},
		{"exposure", exposure()},
	}
	if !crate {
		return fs
	}
	fs = slices.DeleteFunc(fs, func(f Field) bool { return f.Value.Kind() == KindText })
	out, err := convertFields(fs, FormCrate)
	if err != nil {
		panic(err)
	}
	return out
}

func unhexQuiet(s string) []byte {
	var out []byte
	var hi, n int
	for _, c := range s {
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'F':
			v = int(c-'A') + 10
		case c >= 'a' && c <= 'f':
			v = int(c-'a') + 10
		default:
			continue
		}
		if n%2 == 0 {
			hi = v
		} else {
			out = append(out, byte(hi<<4|v))
		}
		n++
	}
	return out
}

// wireOf is fields' wire form, for comparing decoded fields with what was
// written (decoded tensors are views; their bytes are what counts).
func wireOf(t testing.TB, fs []Field) []byte {
	t.Helper()
	b, err := AppendValue(nil, &Struct{Fields: fs})
	if err != nil {
		t.Fatalf("fields do not encode: %v", err)
	}
	return b
}

func sameFields(t testing.TB, what string, got, want []Field) {
	t.Helper()
	if g, w := wireOf(t, got), wireOf(t, want); !bytes.Equal(g, w) {
		t.Fatalf("%s: fields differ\n got % X\nwant % X", what, g, w)
	}
}

// pixels is the unboxed blob of the sample file.
var pixels = ramp(4*3*2, 0x30)

// notesFields is the compressed section's content: compressible.
func notesFields() []Field {
	return []Field{{"summary", Name("a compressed section")}, {"ramp", u16Tensor(0, 512)},
		{"zeros", &Tensor{Elem: U8, Shape: []uint64{1024}, Data: make([]byte, 1024)}}}
}

var zblob = bytes.Repeat([]byte("polyfmt vsf "), 200)

// sampleBuilder holds a structured section of every kind, an unboxed
// section, a compressed structured and a compressed unboxed section, with
// dotted names.
func sampleBuilder(t testing.TB, form Form) *Builder {
	t.Helper()
	return sampleBuilderWith(t, form, everyKind(form == FormCrate))
}

// sampleBuilderWith is sampleBuilder with fields in imaging.raw.
func sampleBuilderWith(t testing.TB, form Form, fields []Field) *Builder {
	t.Helper()
	b := NewBuilder(form)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	raw, err := b.Section("imaging.raw")
	must(err)
	for _, f := range fields {
		must(raw.Add(f.Name, f.Value))
	}
	_, err = b.Unboxed("imaging.raw.pixels", pixels)
	must(err)
	notes, err := b.Section("notes")
	must(err)
	for _, f := range notesFields() {
		must(notes.Add(f.Name, f.Value))
	}
	must(notes.Compress(true))
	z, err := b.Unboxed("blob.z", zblob)
	must(err)
	must(z.Compress(true))
	return b
}

func sampleBytes(t testing.TB, form Form) []byte {
	t.Helper()
	img, err := sampleBuilder(t, form).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func isErr(t testing.TB, what string, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("%s: %v, want %v", what, err, kind)
	}
}

// TestFileRead opens the sample file from bytes, a path (mapped) and a
// reader, in both forms, and reads it every way.
func TestFileRead(t *testing.T) {
	for _, form := range []Form{FormSeed, FormCrate} {
		data := sampleBytes(t, form)
		path := filepath.Join(t.TempDir(), "sample.vsf")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, open := range []struct {
			name string
			fn   func() (*File, error)
		}{
			{"bytes", func() (*File, error) { return OpenBytes(data, nil) }},
			{path, func() (*File, error) { return Open(path) }},
			{"reader", func() (*File, error) { return NewReader(bytes.NewReader(data), int64(len(data)), nil) }},
		} {
			t.Run(form.String()+"/"+filepath.Base(open.name), func(t *testing.T) {
				f, err := open.fn()
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if f.Name() != open.name || f.Writable() || f.Form() != form {
					t.Fatalf("name %q writable %v form %v", f.Name(), f.Writable(), f.Form())
				}
				checkSample(t, f, data, form, open.name == "bytes")
			})
		}
	}
}

// checkSample reads everything the sample file holds.
func checkSample(t *testing.T, f *File, data []byte, form Form, aliases bool) {
	t.Helper()
	ls := f.Labels()
	var names []string
	for _, l := range ls {
		names = append(names, l.Name)
	}
	if !slices.Equal(names, []string{"imaging.raw", "imaging.raw.pixels", "notes", "blob.z"}) {
		t.Fatalf("labels %v", names)
	}
	h := f.Header()
	// The file has a plain unboxed section: the Builder starts the sections
	// at the header's end rounded up to UnboxedAlign, and that section at
	// a multiple of it.
	if h.Version != 2 || h.Form != form || h.LenInBits != (form == FormSeed) || ls[0].Offset != roundUp(h.Len, UnboxedAlign) {
		t.Fatalf("header %+v", h)
	}
	wantBackward := uint64(1)
	if form == FormCrate {
		wantBackward = 2
	}
	if h.Backward != wantBackward {
		t.Fatalf("y = %d", h.Backward)
	}
	for i, l := range ls {
		want := uint64(0)
		if i > 0 {
			want = ls[i-1].End()
		}
		if l.Unboxed() && l.Wrap == nil {
			want = roundUp(want, UnboxedAlign)
		}
		if i > 0 && l.Offset != want {
			t.Fatalf("section %q at %d, want %d (the previous ends at %d)", l.Name, l.Offset, want, ls[i-1].End())
		}
	}
	if ls[0].Count != uint64(len(everyKind(form == FormCrate))) || !ls[1].Unboxed() || ls[1].Wrap != nil ||
		ls[2].Wrap == nil || ls[2].Count != 3 || ls[3].Wrap == nil || !ls[3].Unboxed() {
		t.Fatalf("labels %+v", ls)
	}

	// Structured sections decode to what was written, compressed or not.
	s, err := f.Section("imaging.raw")
	if err != nil {
		t.Fatal(err)
	}
	sameFields(t, "imaging.raw", s.Fields, everyKind(form == FormCrate))
	if s.Name != "imaging.raw" || s.Field("u5") != U('5', 100000) || s.Field("nope") != nil {
		t.Fatalf("section %q, u5 %v", s.Name, s.Field("u5"))
	}
	n, err := f.Section("notes")
	if err != nil {
		t.Fatal(err)
	}
	sameFields(t, "notes", n.Fields, notesFields())
	_, err = f.Section("imaging.raw.pixels")
	isErr(t, "Section of an unboxed section", err, errcode.ErrBadArg)
	_, err = f.Section("missing")
	isErr(t, "Section of a missing section", err, errcode.ErrNotFound)

	// Raw: the blob, zero-copy when it is not compressed; Stored: the bytes as stored.
	raw, err := f.Raw("imaging.raw.pixels")
	if err != nil || !bytes.Equal(raw, pixels) {
		t.Fatalf("Raw(pixels) = % X, %v", raw, err)
	}
	if l := ls[1]; !bytes.Equal(data[l.Offset:l.End()], pixels) {
		t.Fatal("the unboxed section is not stored as is")
	} else if aliases && &raw[0] != &data[l.Offset] {
		t.Fatal("Raw of an unboxed section over OpenBytes copied the bytes")
	}
	zr, err := f.Raw("blob.z")
	if err != nil || !bytes.Equal(zr, zblob) {
		t.Fatalf("Raw(blob.z): %d bytes, %v", len(zr), err)
	}
	zs, err := f.Stored("blob.z")
	if err != nil || uint64(len(zs)) != ls[3].Size || len(zs) >= len(zblob) || ls[3].Wrap.RawSize != uint64(len(zblob)) {
		t.Fatalf("Stored(blob.z): %d bytes, %v", len(zs), err)
	}
	sr, err := f.Raw("imaging.raw")
	st, _ := f.Stored("imaging.raw")
	if err != nil || !bytes.Equal(sr, st) || sr[0] != '[' || sr[len(sr)-1] != ']' {
		t.Fatalf("Raw(imaging.raw): %v", err)
	}
	_, err = f.Raw("missing")
	isErr(t, "Raw of a missing section", err, errcode.ErrNotFound)

	// Dotted lookups: the longest label, then fields, then nested fields.
	for _, c := range []struct {
		path string
		want Value
	}{
		{"imaging.raw.exposure.shutter_time_ns", U('6', 16_666_667)},
		{"imaging.raw.exposure.lens.focal_length_mm", F32Value(35)},
		{"imaging.raw.exposure.lens.model", Name("prime")},
		{"imaging.raw.exposure", exposure()},
		{"imaging.raw.u5", U('5', 100000)},
		{"imaging.raw.grid", u16Tensor(1, 4, 3)},
		{"imaging.raw.pixels", &Tensor{Elem: U8, Shape: []uint64{uint64(len(pixels))}, Data: pixels}},
		{"notes.ramp", u16Tensor(0, 512)},
		{"blob.z", &Tensor{Elem: U8, Shape: []uint64{uint64(len(zblob))}, Data: zblob}},
	} {
		v, err := f.Lookup(c.path)
		if err != nil {
			t.Fatalf("Lookup(%q): %v", c.path, err)
		}
		sameFields(t, c.path, []Field{{"v", v}}, []Field{{"v", c.want}})
	}
	whole, err := f.Lookup("imaging.raw")
	if st, ok := whole.(*Struct); err != nil || !ok || len(st.Fields) != len(s.Fields) {
		t.Fatalf("Lookup(imaging.raw) = %v, %v", whole, err)
	}
	for _, p := range []string{"imaging.raw.nope", "imaging.raw.u3.x", "imaging.raw.exposure.lens.nope", "imaging",
		"imaging.rawx", "nothing", "imaging.raw.pixels.x", "", "notes.summary.more"} {
		_, err := f.Lookup(p)
		isErr(t, "Lookup("+p+")", err, errcode.ErrNotFound)
	}

	// The whole-file hash: a trailer in the seed form, in the header in the crate's.
	tr := f.Trailer()
	if form == FormSeed {
		if len(tr) != 1 || tr[0].Name != "hash" || tr[0].Value.(Hash).Alg != AlgBLAKE3 || h.FileHash != nil {
			t.Fatalf("trailer %v", tr)
		}
	} else if len(tr) != 0 || h.FileHash == nil || h.FileHash.Alg != AlgBLAKE3 {
		t.Fatalf("trailer %v, file hash %v", tr, h.FileHash)
	}

	in := f.Summary()
	if in.Format != "vsf" || in.Form != form.String() || in.Version != 2 || in.Backward != wantBackward ||
		in.Size != uint64(len(data)) || in.Header != h.Len || len(in.Labels) != 4 || in.Pending || !in.Recovery.Clean {
		t.Fatalf("summary %+v", in)
	}
	if li := in.Labels[3]; li.Name != "blob.z" || !li.Compressed || !li.Unboxed || li.RawSize != uint64(len(zblob)) || li.Size != ls[3].Size {
		t.Fatalf("summary of blob.z %+v", li)
	}
	if li := in.Labels[0]; li.Compressed || li.Unboxed || li.Count != ls[0].Count || li.RawSize != li.Size {
		t.Fatalf("summary of imaging.raw %+v", li)
	}
	if _, ok := f.Info().(Info); !ok {
		t.Fatal("Info is not an Info")
	}
	if form == FormSeed && !slices.Equal(in.Trailer, []string{"hash"}) {
		t.Fatalf("summary trailer %v", in.Trailer)
	}

	if err := f.Verify(); err != nil {
		t.Fatal(err)
	}
	r, err := f.VerifyReport(nil)
	if err != nil || len(r.Failed()) != 0 || len(r.Checks) != 5 {
		t.Fatalf("report %+v, %v", r, err)
	}
}

// The Builder refuses what it cannot write, and what it writes reads back
// byte for byte on a second write (Write(Read(x)) == x).
func TestBuilderRules(t *testing.T) {
	b := NewBuilder(FormSeed)
	s, _ := b.Section("a")
	_, err := b.Unboxed("a", nil)
	isErr(t, "Unboxed over a structured section", err, errcode.ErrBadArg)
	b.Unboxed("u", []byte{1})
	_, err = b.Section("u")
	isErr(t, "Section over an unboxed section", err, errcode.ErrBadArg)
	u, _ := b.Unboxed("u", []byte{2})
	isErr(t, "Add to an unboxed section", u.Add("x", U('3', 1)), errcode.ErrBadArg)
	isErr(t, "a value too wide", s.Add("x", U('3', 256)), errcode.ErrBadArg)
	isErr(t, "a name out of ASCII", s.Add("é", U('3', 1)), errcode.ErrBadArg)
	isErr(t, "a nil value", s.Add("x", nil), errcode.ErrBadArg)
	_, err = b.Section("")
	isErr(t, "an empty section name", err, errcode.ErrBadArg)
	isErr(t, "an unknown hash", s.Hash('?', 0), errcode.ErrUnsupported)
	isErr(t, "a short key", s.Sign(ed25519.PrivateKey{1}, true), errcode.ErrBadArg)
	if err := s.Set("x", U('3', 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("x", U('3', 2)); err != nil {
		t.Fatal(err)
	}
	if fs, _ := s.Fields(); len(fs) != 1 || fs[0].Value != U('3', 2) {
		t.Fatalf("Set twice: %v", fs)
	}
	if !b.Remove("u") || b.Remove("u") || !slices.Equal(b.Names(), []string{"a"}) {
		t.Fatalf("Remove: %v", b.Names())
	}
	crate := sampleBuilder(t, FormCrate)
	crate.SignFile(testKey(1), true)
	_, err = crate.Bytes()
	isErr(t, "a crate file signed whole", err, errcode.ErrUnsupported)
	text := NewBuilder(FormCrate)
	ts, _ := text.Section("t")
	ts.Add("x", Text("hi"))
	_, err = text.Bytes()
	isErr(t, "text in the crate form", err, errcode.ErrUnsupported)

	for _, form := range []Form{FormSeed, FormCrate} {
		data := sampleBytes(t, form)
		again := sampleBytes(t, form)
		if !bytes.Equal(data, again) {
			t.Fatalf("%v: the Builder is not deterministic", form)
		}
		m, err := NewMem(data, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Builder(); err != nil {
			t.Fatal(err)
		}
		if err := m.Commit(); err != nil {
			t.Fatal(err)
		}
		out, err := m.Bytes()
		if err != nil || !bytes.Equal(out, data) {
			t.Fatalf("%v: a commit of the unchanged file changed it (%d → %d bytes, %v)", form, len(data), len(out), err)
		}
	}
}

// TestFileLifecycle: Create → Builder → Commit → a reader sees it; a
// writable open keeps untouched sections verbatim and their signatures
// valid; Close commits; a second Close is ErrClosed; a reader Refreshes
// onto a writer's commit.
func TestFileLifecycle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "life.vsf")
	key := testKey(3)
	f, err := Create(path, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Writable() || len(f.Labels()) != 0 {
		t.Fatalf("new file: writable %v, %d labels", f.Writable(), len(f.Labels()))
	}
	empty, err := Open(path) // Create commits the empty file at once
	if err != nil {
		t.Fatal(err)
	}
	if len(empty.Labels()) != 0 || empty.Verify() != nil {
		t.Fatalf("empty file: %v", empty.Labels())
	}
	b, err := f.Builder()
	if err != nil {
		t.Fatal(err)
	}
	a, _ := b.Section("a")
	a.Add("x", U('3', 1))
	a.Add("exposure", exposure())
	a.Hash(AlgSHA512, 0)
	a.Sign(key, true)
	blob, _ := b.Unboxed("blob", ramp(300, 0))
	blob.Compress(true)
	blob.Hash(AlgBLAKE2b, 64)
	if len(f.Labels()) != 0 || !f.Summary().Pending {
		t.Fatal("pending sections are visible before Commit")
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if len(f.Labels()) != 2 || f.Summary().Pending {
		t.Fatalf("after commit: %d labels", len(f.Labels()))
	}
	// The reader opened before the commit sees the empty file until it refreshes.
	if len(empty.Labels()) != 0 {
		t.Fatal("a reader saw a commit without Refresh")
	}
	if n, err := empty.Refresh(); err != nil || n != 2 {
		t.Fatalf("Refresh: %d, %v", n, err)
	}
	if v, err := empty.Lookup("a.exposure.lens.focal_length_mm"); err != nil || v != F32Value(35) {
		t.Fatalf("after Refresh: %v, %v", v, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	isErr(t, "second Close", f.Close(), errcode.ErrClosed)
	_, err = f.Section("a")
	isErr(t, "Section after Close", err, errcode.ErrClosed)
	_, err = f.Builder()
	isErr(t, "Builder after Close", err, errcode.ErrClosed)
	isErr(t, "Commit after Close", f.Commit(), errcode.ErrClosed)
	_, err = f.Lookup("a.x")
	isErr(t, "Lookup after Close", err, errcode.ErrClosed)
	_, err = f.VerifyReport(nil)
	isErr(t, "Verify after Close", err, errcode.ErrClosed)

	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Verify(); err != nil {
		t.Fatal(err)
	}
	_, err = r.Builder()
	isErr(t, "Builder of a read-only file", err, errcode.ErrBadArg)
	isErr(t, "Commit of a read-only file", r.Commit(), errcode.ErrBadArg)
	before := map[string][]byte{}
	oldLabels := map[string]Label{}
	for _, l := range r.Labels() {
		st, _ := r.Stored(l.Name)
		before[l.Name] = bytes.Clone(st)
		oldLabels[l.Name] = l
	}

	// A writable open adds a section; Close commits it; the others stay verbatim.
	w, err := OpenFile(path, os.O_RDWR, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	wb, err := w.Builder()
	if err != nil {
		t.Fatal(err)
	}
	c, _ := wb.Section("c.new")
	c.Add("y", I('4', -2))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n, err := r.Refresh(); err != nil || n != 3 {
		t.Fatalf("Refresh after the writer closed: %d, %v", n, err)
	}
	if v, err := r.Lookup("c.new.y"); err != nil || v != I('4', -2) {
		t.Fatalf("c.new.y = %v, %v", v, err)
	}
	for name, old := range before {
		st, err := r.Stored(name)
		if err != nil || !bytes.Equal(st, old) {
			t.Fatalf("section %q changed on disk: %v", name, err)
		}
		hdr := r.Header()
		l := hdr.Label(name)
		ol := oldLabels[name]
		if l.Offset == ol.Offset {
			t.Fatalf("section %q did not move although the header grew", name)
		}
		if wireOf(t, labelBlobs(*l)) == nil || !bytes.Equal(wireOf(t, labelBlobs(*l)), wireOf(t, labelBlobs(ol))) ||
			l.Count != ol.Count || l.Size != ol.Size || (l.Wrap == nil) != (ol.Wrap == nil) {
			t.Fatalf("label %q changed: %+v → %+v", name, ol, *l)
		}
	}
	rep, err := r.VerifyReport(nil)
	if err != nil || rep.Err() != nil {
		t.Fatalf("verify after the rewrite: %v %v", err, rep.Err())
	}
	if !slices.ContainsFunc(rep.Checks, func(c Check) bool { return c.Section == "a" && c.What == "signature" && c.Status == "ok" }) {
		t.Fatalf("the signature of a was not checked: %+v", rep.Checks)
	}
	pub, _ := PublicKey(key)
	if err := r.VerifyWith(&pub); err != nil {
		t.Fatal(err)
	}
	r.Close()
	empty.Close()

	// Changing a signed section drops its signature (its key is not in the
	// file); the file still verifies.
	w, _ = OpenFile(path, os.O_RDWR, &Options{NoSync: true})
	wb, _ = w.Builder()
	sa, _ := wb.Section("a")
	if err := sa.Set("x", U('3', 9)); err != nil {
		t.Fatal(err)
	}
	if !wb.Remove("blob") {
		t.Fatal("no blob")
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	wh := w.Header()
	la := wh.Label("a")
	if len(la.Sigs) != 0 || len(la.Keys) != 0 || len(la.Hashes) != 1 || w.Verify() != nil || len(w.Labels()) != 2 {
		t.Fatalf("after changing a: %+v, %v", la, w.Verify())
	}
	w.Close()
}

// labelBlobs is a label's hashes, signatures and keys as fields.
func labelBlobs(l Label) []Field {
	var fs []Field
	for _, h := range l.Hashes {
		fs = append(fs, Field{"h", h})
	}
	for _, s := range l.Sigs {
		fs = append(fs, Field{"g", s})
	}
	for _, k := range l.Keys {
		fs = append(fs, Field{"k", k})
	}
	if fs == nil {
		fs = []Field{{"none", Boolean(false)}}
	}
	return fs
}

// A whole-file signature cannot be remade by a writer that lacks the key:
// a commit that rewrites the file drops it and keeps the trailer's hash.
func TestRewriteDropsFileSignature(t *testing.T) {
	b := sampleBuilder(t, FormSeed)
	b.SignFile(testKey(5), true)
	data, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMem(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if names := m.Summary().Trailer; !slices.Equal(names, []string{"hash", "key", "signature"}) {
		t.Fatalf("trailer %v", names)
	}
	mb, _ := m.Builder()
	mb.Unboxed("more", []byte("x"))
	if err := m.Commit(); err != nil {
		t.Fatal(err)
	}
	if names := m.Summary().Trailer; !slices.Equal(names, []string{"hash"}) || m.Verify() != nil {
		t.Fatalf("trailer after a rewrite %v, verify %v", names, m.Verify())
	}
}

// A File is safe for concurrent use: readers while a writer commits.
func TestFileConcurrent(t *testing.T) {
	m, err := NewMem(sampleBytes(t, FormSeed), nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	errs := make(chan error, 4)
	for range 3 {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				if _, err := m.Lookup("imaging.raw.exposure.iso_speed"); err != nil {
					errs <- err
					return
				}
				if err := m.Verify(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range 20 {
		b, err := m.Builder()
		if err != nil {
			t.Fatal(err)
		}
		s, _ := b.Section("counter")
		s.Set("n", U('5', uint64(i)))
		if err := m.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if v, err := m.Lookup("counter.n"); err != nil || v != U('5', 19) {
		t.Fatalf("counter.n = %v, %v", v, err)
	}
}

// Regression: a commit that changed nothing dropped the whole-file
// signature (a writable open that only looked at the Builder, then Close).
// The signature and key now come back when the bytes they cover do.
func TestRecommitKeepsFileSignature(t *testing.T) {
	data := signedFile(t, true)
	path := filepath.Join(t.TempDir(), "signed.vsf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := OpenFile(path, os.O_RDWR, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Builder(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
		t.Fatal("a commit without changes rewrote the signed file differently")
	}
	m, _ := NewMem(data, nil)
	mb, _ := m.Builder()
	s, _ := mb.Section("plain")
	s.Set("when", Time{W: '5', Sec: I64(2)})
	if err := m.Commit(); err != nil {
		t.Fatal(err)
	}
	if names := m.Summary().Trailer; !slices.Equal(names, []string{"hash"}) {
		t.Fatalf("a changed file kept its old signature: %v", names)
	}
}

// Regression: NewReader over a reader shorter than the size it was given
// padded the file with zeros.
func TestNewReaderShort(t *testing.T) {
	data := sampleBytes(t, FormSeed)
	_, err := NewReader(bytes.NewReader(data), int64(len(data))+5, nil)
	isErr(t, "a reader 5 bytes short", err, errcode.ErrFormat)
	if !strings.Contains(err.Error(), "reader holds") {
		t.Fatalf("error %q", err)
	}
}

// Regression: a large MaxRatio overflowed stored size × ratio, and a
// section the limit allows was refused.
func TestMaxRatioOverflow(t *testing.T) {
	b := NewBuilder(FormSeed)
	u, _ := b.Unboxed("z", make([]byte, 1<<20))
	u.Compress(true)
	data, _ := b.Bytes()
	d, _ := OpenBytes(data, nil)
	size := d.Labels()[0].Size
	// size × ratio is just past 2^64: wrapped, it is less than size.
	ratio := int64((1<<64-1)/size + 1)
	f, err := OpenBytes(data, &Options{Limits: &Limits{MaxRatio: ratio}})
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := f.Raw("z"); err != nil || len(raw) != 1<<20 {
		t.Fatalf("Raw: %d bytes, %v", len(raw), err)
	}
}
