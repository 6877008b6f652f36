package mork

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"slices"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/codec"
	"github.com/polyfmt/polyfmt/core/mork/symtab"
)

var facts = []string{"(edge a b)", "(edge b c)", "(foo $x (bar $x))", "()", `(name "Ada Lovelace")`, "(a $x $y $x $y)"}

func TestSpaceRoundTrip(t *testing.T) {
	for _, o := range []SpaceOptions{{}, {NoChecksum: true}, {Compress: true}, {V10: true}, {SymbolLayout: symtab.LayoutMORK}} {
		s := &Space{Paths: set(t, facts...)}
		img := must(AppendSpace(nil, s, &o))
		got, h, err := ReadSpace(img, nil)
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		if !slices.Equal(texts(t, got.Paths), texts(t, s.Paths)) {
			t.Fatalf("%+v: paths %q, want %q", o, texts(t, got.Paths), texts(t, s.Paths))
		}
		if h.Checksum == o.NoChecksum || h.Compressed != o.Compress {
			t.Fatalf("%+v: header %+v", o, h)
		}
		wantV := Version{1, 1}
		if o.V10 {
			wantV = Version{1, 0}
		}
		if h.Version != wantV || (wantV.Minor == 1 && h.Timestamp != 1_700_000_000) {
			t.Fatalf("%+v: version %v timestamp %d", o, h.Version, h.Timestamp)
		}
		if again := must(AppendSpace(nil, got, &o)); !bytes.Equal(again, img) && o.SymbolLayout == 0 {
			t.Fatalf("%+v: writing what was read changes the bytes", o)
		}
	}
}

// The seed's example layout: header 4D 54 54 53 01 00 01 00 + 8 zeros,
// the symbol table's u64 length, the ZIP, the u64 path count, each path's
// u32 length and bytes, the Blake2b-256 footer.
func TestSpaceSeedLayout(t *testing.T) {
	img := must(AppendSpace(nil, &Space{Paths: set(t, "(foo $x (bar $x))")}, &SpaceOptions{V10: true}))
	if !bytes.Equal(img[:16], []byte{0x4D, 0x54, 0x54, 0x53, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}) {
		t.Fatalf("header % x", img[:16])
	}
	n := binary.LittleEndian.Uint64(img[16:])
	rest := img[24+n:]
	want := []byte{1, 0, 0, 0, 0, 0, 0, 0, 12, 0, 0, 0, 0x03, 0xC3, 0x66, 0x6F, 0x6F, 0xC0, 0x02, 0xC3, 0x62, 0x61, 0x72, 0x80}
	if !bytes.Equal(rest[:len(rest)-32], want) {
		t.Fatalf("paths section % x, want % x", rest[:len(rest)-32], want)
	}
	if !bytes.HasPrefix(img[24:], symtab.Magic) {
		t.Fatalf("the symbol table is not a ZIP: % x", img[24:28])
	}
}

func TestSpaceVersions(t *testing.T) {
	img := must(AppendSpace(nil, &Space{Paths: set(t, facts...)}, &SpaceOptions{NoChecksum: true}))
	for _, c := range []struct {
		major, minor byte
		want         error
	}{{1, 0, nil}, {1, 1, nil}, {1, 7, nil}, {2, 0, errcode.ErrUnsupported}, {0, 1, errcode.ErrUnsupported}, {255, 255, errcode.ErrUnsupported}} {
		b := slices.Clone(img)
		b[4], b[5] = c.major, c.minor
		_, h, err := ReadSpace(b, nil)
		if c.want == nil {
			if err != nil || h.Version != (Version{c.major, c.minor}) {
				t.Fatalf("%d.%d: %v %v", c.major, c.minor, h.Version, err)
			}
			continue
		}
		wantCode(t, "version", err, c.want)
		if !bytes.Contains([]byte(err.Error()), []byte("version 2.0")) && c.major == 2 {
			t.Fatalf("the error does not name the version: %v", err)
		}
	}
	v, err := DetectVersion(img)
	if err != nil || v != (Version{1, 1}) || !CanRead(v) || CanRead(Version{2, 0}) {
		t.Fatalf("DetectVersion: %v %v", v, err)
	}
	b := slices.Clone(img)
	b[6] |= 0x04
	_, _, err = ReadSpace(b, nil)
	wantCode(t, "unknown flag", err, errcode.ErrUnsupported)
}

func TestMigrate(t *testing.T) {
	old := must(AppendSpace(nil, &Space{Paths: set(t, facts...)}, &SpaceOptions{V10: true, Compress: true}))
	nu := must(Migrate(old, 42, nil))
	s, h, err := ReadSpace(nu, nil)
	if err != nil || h.Version != (Version{1, 1}) || h.Timestamp != 42 || !h.Compressed || !h.Checksum {
		t.Fatalf("migrated: %+v %v", h, err)
	}
	if !slices.Equal(texts(t, s.Paths), texts(t, set(t, facts...))) {
		t.Fatal("migration changed the paths")
	}
	if again := must(Migrate(nu, 99, nil)); !bytes.Equal(again, nu) {
		t.Fatal("migrating a 1.1 file changed it")
	}
	b := slices.Clone(old)
	b[4] = 2
	_, err = Migrate(b, 0, nil)
	wantCode(t, "migrate 2.0", err, errcode.ErrUnsupported)
}

func TestSpaceDamage(t *testing.T) {
	img := must(AppendSpace(nil, &Space{Paths: set(t, facts...)}, nil))
	for i := range img {
		b := slices.Clone(img)
		b[i] ^= 0x10
		if _, _, err := ReadSpace(b, nil); err == nil {
			t.Fatalf("a flipped byte at %d reads", i)
		}
	}
	for n := range len(img) {
		if _, _, err := ReadSpace(img[:n], nil); err == nil {
			t.Fatalf("a file cut to %d bytes reads", n)
		}
	}
}

func TestSpaceHostile(t *testing.T) {
	base := must(AppendSpace(nil, &Space{Paths: set(t, facts...)}, &SpaceOptions{NoChecksum: true}))
	symLen := binary.LittleEndian.Uint64(base[16:])
	at := 24 + int(symLen)
	cases := map[string]func(b []byte) []byte{
		"symbol table longer than the file": func(b []byte) []byte { binary.LittleEndian.PutUint64(b[16:], 1<<62); return b },
		"2^60 paths":                        func(b []byte) []byte { binary.LittleEndian.PutUint64(b[at:], 1<<60); return b },
		"path of 4 GiB":                     func(b []byte) []byte { binary.LittleEndian.PutUint32(b[at+8:], 0xFFFFFFFF); return b },
		"trailing bytes":                    func(b []byte) []byte { return append(b, 1, 2, 3) },
		"compressed, claims 1 TiB": func(b []byte) []byte {
			b[6] |= FlagCompressed
			out := append(slices.Clone(b[:at]), make([]byte, 8)...)
			binary.LittleEndian.PutUint64(out[at:], 1<<40)
			return append(out, 0x28, 0xB5, 0x2F, 0xFD)
		},
	}
	for name, mut := range cases {
		_, _, err := ReadSpace(mut(slices.Clone(base)), nil)
		if err == nil {
			t.Fatalf("%s: read", name)
		}
		if c := errcode.Of(err); c != errcode.Format && c != errcode.Limit {
			t.Fatalf("%s: code %v (%v)", name, c, err)
		}
	}
}

func TestInternedSpace(t *testing.T) {
	f := must(Create("", nil))
	n, err := f.ImportText(bytes.NewReader([]byte("(edge alpha beta)\n(edge beta gamma)\n")), &ImportOptions{Intern: true})
	if err != nil || n != 2 {
		t.Fatalf("import: %d %v", n, err)
	}
	if !f.Interned() || f.Symbols().Len() != 4 {
		t.Fatalf("interned %v, %d symbols", f.Interned(), f.Symbols().Len())
	}
	noErr(t, f.Commit())
	img := must(f.Bytes())
	g := must(OpenBytes(img, nil))
	var buf bytes.Buffer
	noErr(t, g.Export(&buf, Text, nil))
	if buf.String() != "(edge alpha beta)\n(edge beta gamma)\n" {
		t.Fatalf("export:\n%s", buf.String())
	}
	var got []string
	noErr(t, g.QueryText("(edge $x gamma)", func(m *Match) error {
		s := must(m.AppendBinding(nil, 0))
		got = append(got, string(s))
		return nil
	}))
	if !slices.Equal(got, []string{"beta"}) {
		t.Fatalf("query: %q", got)
	}
	// A symbol the table lacks matches nothing.
	noErr(t, g.QueryText("(edge $x delta)", func(*Match) error { t.Fatal("matched"); return nil }))
	noErr(t, g.Verify())
}

// TestSpaceTableCodes: an error in a space file's symbol table keeps the
// table's code (a table alone and inside a space report one fault alike):
// the hostile corpus's zip-bomb table was PF_EFORMAT inside a space and
// PF_ELIMIT alone.
func TestSpaceTableCodes(t *testing.T) {
	base := must(AppendSpace(nil, &Space{Paths: set(t, facts...)}, &SpaceOptions{NoChecksum: true}))
	tableEnd := 24 + int(binary.LittleEndian.Uint64(base[16:]))
	withTable := func(table []byte) []byte {
		b := slices.Clone(base[:16])
		b = binary.LittleEndian.AppendUint64(b, uint64(len(table)))
		return append(append(b, table...), base[tableEnd:]...)
	}
	type entry struct {
		name     string
		data     []byte
		deflate  bool
		declared uint64
		crc      uint32
		flags    uint16
	}
	archive := func(es ...entry) []byte {
		var out bytes.Buffer
		zw := zip.NewWriter(&out)
		for _, e := range es {
			body := e.data
			h := &zip.FileHeader{Name: e.name, Method: zip.Store, Flags: e.flags, CRC32: crc32.ChecksumIEEE(e.data), UncompressedSize64: uint64(len(e.data))}
			if e.deflate {
				var c bytes.Buffer
				fw, _ := flate.NewWriter(&c, flate.BestCompression)
				fw.Write(e.data)
				fw.Close()
				body, h.Method = c.Bytes(), zip.Deflate
			}
			if e.declared != 0 {
				h.UncompressedSize64 = e.declared
			}
			if e.crc != 0 {
				h.CRC32 = e.crc
			}
			h.CompressedSize64 = uint64(len(body))
			w := must(zw.CreateRaw(h))
			w.Write(body)
		}
		noErr(t, zw.Close())
		return out.Bytes()
	}
	rec := []byte{0, 0, 0, 0, 0, 1, ^byte(3), 'f', 'o', 'o'} // id 1 = "foo", MORK's layout
	meta := func(size uint64) []byte { return binary.BigEndian.AppendUint64(make([]byte, 8), size) }
	const data, sizes = "SharedMapping_0x00.binary_data", "FileSizes.meta"
	for _, c := range []struct {
		name  string
		table []byte
		lim   *Limits
		want  errcode.Code
	}{
		{"an entry declaring 1 GiB from 1 KB", archive(entry{name: data, data: make([]byte, 1<<20), deflate: true, declared: 1 << 30}, entry{name: sizes, data: meta(1 << 30)}), nil, errcode.Limit},
		{"a bad CRC-32", archive(entry{name: data, data: rec, crc: 0xDEADBEEF}, entry{name: sizes, data: meta(10)}), nil, errcode.Checksum},
		{"an encrypted entry", archive(entry{name: data, data: rec, flags: 1}, entry{name: sizes, data: meta(10)}), nil, errcode.Unsupported},
		{"an entry named ../evil", archive(entry{name: data, data: rec}, entry{name: sizes, data: meta(10)}, entry{name: "../evil", data: []byte("x")}), nil, errcode.Format},
		{"a negative symbol limit", archive(entry{name: data, data: rec}, entry{name: sizes, data: meta(10)}), &Limits{Symbols: symtab.Limits{MaxRatio: -1}}, errcode.BadArg},
	} {
		img := withTable(c.table)
		if c.lim == nil { // the table alone says the same
			if _, _, err := symtab.ReadBytes(c.table, nil); errcode.Of(err) != c.want {
				t.Fatalf("%s: the table alone: %v, want %v", c.name, err, c.want)
			}
			if _, err := OpenBytes(img, nil); errcode.Of(err) != c.want {
				t.Fatalf("%s: OpenBytes: %v, want %v", c.name, err, c.want)
			}
		}
		if _, _, err := ReadSpace(img, c.lim); errcode.Of(err) != c.want {
			t.Fatalf("%s: ReadSpace: %v, want %v", c.name, err, c.want)
		}
	}
	// The compressed paths section: a zstd frame whose checksum is wrong.
	raw := base[tableEnd:]
	frame := must(codec.Compress(codec.Zstd, nil, raw, 6))
	frame[len(frame)-1] ^= 0xFF
	b := slices.Clone(base[:tableEnd])
	b[6] |= FlagCompressed
	b = binary.LittleEndian.AppendUint64(b, uint64(len(raw)))
	_, _, err := ReadSpace(append(b, frame...), nil)
	if c := errcode.Of(err); c != errcode.Checksum && c != errcode.Format {
		t.Fatalf("a zstd frame with a bad checksum: %v", err)
	}
}
