package format_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/format"
	"github.com/polyfmt/polyfmt/core/mem8"
	"github.com/polyfmt/polyfmt/core/mmx"
	"github.com/polyfmt/polyfmt/core/mork"
	"github.com/polyfmt/polyfmt/core/vsf"
)

// writeOne commits one record holding s: the only thing these tests need
// to know of each format. A new format adds its line here.
var writeOne = map[string]func(f format.File, s string) error{
	"mem8": func(f format.File, s string) error {
		_, err := f.(*mem8.File).Append([]byte(s), 0.5)
		return err
	},
	"mmx": func(f format.File, s string) error {
		m := f.(*mmx.File)
		if err := m.WriteText(fmt.Sprintf("chunk%d", m.Len()), &mmx.Text{Content: s}, nil); err != nil {
			return err
		}
		return m.Commit()
	},
	"vsf": func(f format.File, s string) error {
		v := f.(*vsf.File)
		b, err := v.Builder()
		if err != nil {
			return err
		}
		sec, err := b.Section(fmt.Sprintf("record%d", len(b.Names())))
		if err != nil {
			return err
		}
		if err := sec.Add("text", vsf.Text(s)); err != nil {
			return err
		}
		return v.Commit()
	},
	"mork": func(f format.File, s string) error {
		// The expression (N s…): the file's path count N, then s cut into
		// symbols of at most 63 bytes.
		m := f.(*mork.File)
		n, err := m.Len()
		if err != nil {
			return err
		}
		syms := [][]byte{[]byte(fmt.Sprint(n))}
		for b := []byte(s); len(b) > 0; {
			n := min(len(b), 63)
			syms, b = append(syms, b[:n]), b[n:]
		}
		path := []byte{byte(len(syms))}
		for _, sym := range syms {
			path = append(append(path, 0xC0+byte(len(sym))), sym...)
		}
		if err := m.Add(path, 0); err != nil {
			return err
		}
		return m.Commit()
	},
}

// marker is the content of the records written here, found again in an
// image to damage it.
const marker = "polyfmt lifecycle record"

func heap(n int) ([]byte, error) { return make([]byte, n), nil }

// create, open and openBytes are the format's, failing the test on an error.
func (l lifecycle) create(t *testing.T, path string) format.File {
	t.Helper()
	f, err := l.Create(path, nil)
	check(t, err)
	return f
}

func (l lifecycle) open(t *testing.T, path string, writable bool) format.File {
	t.Helper()
	f, err := l.Open(path, writable, nil)
	check(t, err)
	return f
}

func (l lifecycle) openBytes(t *testing.T, data []byte, writable bool) format.File {
	t.Helper()
	f, err := l.OpenBytes(data, writable, nil)
	check(t, err)
	return f
}

// refresh is f.Refresh, failing the test on an error.
func refresh(t *testing.T, f format.File) uint64 {
	t.Helper()
	g, err := f.Refresh()
	check(t, err)
	return g
}

// info is f's Info as JSON.
func info(t *testing.T, f format.File) []byte {
	t.Helper()
	js, err := json.Marshal(f.Info())
	check(t, err)
	return js
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, what string, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("%s: %v, want %v", what, err, kind)
	}
}

// lifecycle is what every test below gets: one registered format, its
// writeOne, and a path in a fresh directory.
type lifecycle struct {
	*format.Format
	write func(format.File, string) error
	path  string
}

// record commits one record to f.
func (l lifecycle) record(t *testing.T, f format.File) {
	t.Helper()
	check(t, l.write(f, marker))
}

// image is the image of a new in-memory file holding two records.
func (l lifecycle) image(t *testing.T) []byte {
	t.Helper()
	f := l.create(t, "")
	l.record(t, f)
	l.record(t, f)
	img, inMemory, err := f.BytesInto(heap)
	if err != nil || !inMemory || len(img) == 0 {
		t.Fatalf("BytesInto of an in-memory file: %d bytes, inMemory %v, %v", len(img), inMemory, err)
	}
	check(t, f.Close())
	return img
}

// same checks Name and Writable, and that Info is the JSON every format's
// is: the format's name, the file's name, writable, recovery.clean.
func (l lifecycle) same(t *testing.T, f format.File, name string, writable bool) {
	t.Helper()
	if f.Name() != name || f.Writable() != writable {
		t.Fatalf("Name %q Writable %v, want %q %v", f.Name(), f.Writable(), name, writable)
	}
	js := info(t, f)
	var got struct {
		Format   *string
		Name     *string
		Writable *bool
		Recovery *struct {
			Clean        *bool
			Reason       *string
			DroppedBytes *int64 `json:"dropped_bytes"`
			Repaired     *bool
		}
	}
	check(t, json.Unmarshal(js, &got))
	r := got.Recovery
	if got.Format == nil || *got.Format != l.Name || got.Name == nil || *got.Name != name ||
		got.Writable == nil || *got.Writable != writable || r == nil || r.Clean == nil || !*r.Clean ||
		r.Reason == nil || r.DroppedBytes == nil || r.Repaired == nil {
		t.Fatalf("Info %s: want format %q, name %q, writable %v, a clean recovery", js, l.Name, name, writable)
	}
}

func TestLifecycle(t *testing.T) {
	all := format.All()
	if len(all) < 2 {
		t.Fatalf("%d formats registered", len(all))
	}
	for _, f := range all {
		write := writeOne[f.Name]
		if write == nil {
			t.Fatalf("format %s has no writeOne in this test", f.Name)
		}
		for _, tc := range []struct {
			name string
			run  func(*testing.T, lifecycle)
		}{
			{"CreateThenOpen", testCreateThenOpen},
			{"Memory", testMemory},
			{"EmptyBytesWritable", testEmptyBytesWritable},
			{"BytesCopiedOnlyWritable", testBytesCopiedOnlyWritable},
			{"Locked", testLocked},
			{"Closed", testClosed},
			{"DiskNotInMemory", testDiskNotInMemory},
			{"Refresh", testRefresh},
			{"Verify", testVerify},
			{"Options", testOptions},
			{"Detect", testDetect},
		} {
			t.Run(f.Name+"/"+tc.name, func(t *testing.T) {
				tc.run(t, lifecycle{f, write, filepath.Join(t.TempDir(), "file"+f.Extensions[0])})
			})
		}
	}
}

func testCreateThenOpen(t *testing.T, l lifecycle) {
	w := l.create(t, l.path)
	l.same(t, w, l.path, true)
	l.record(t, w)
	check(t, w.Close())
	r := l.open(t, l.path, false)
	l.same(t, r, l.path, false)
	check(t, r.Verify())
	check(t, r.Close())
	w = l.open(t, l.path, true)
	l.same(t, w, l.path, true)
	l.record(t, w)
	check(t, w.Verify())
	check(t, w.Close())
}

func testMemory(t *testing.T, l lifecycle) {
	f := l.create(t, "")
	l.same(t, f, "memory", true)
	check(t, f.Close())
	img := l.image(t)
	r := l.openBytes(t, img, false)
	l.same(t, r, "bytes", false)
	check(t, r.Verify())
	again, inMemory, err := r.BytesInto(heap)
	if err != nil || !inMemory || !bytes.Equal(again, img) {
		t.Fatalf("BytesInto of a file over bytes: inMemory %v, %v, same bytes %v", inMemory, err, bytes.Equal(again, img))
	}
	check(t, r.Close())
	w := l.openBytes(t, img, true)
	l.same(t, w, "memory", true)
	l.record(t, w)
	check(t, w.Verify())
	check(t, w.Close())
}

func testEmptyBytesWritable(t *testing.T, l lifecycle) {
	for _, data := range [][]byte{nil, {}} {
		f := l.openBytes(t, data, true)
		l.same(t, f, "memory", true)
		l.record(t, f)
		img, inMemory, err := f.BytesInto(heap)
		if err != nil || !inMemory {
			t.Fatalf("BytesInto: inMemory %v, %v", inMemory, err)
		}
		check(t, f.Close())
		r := l.openBytes(t, img, false)
		check(t, r.Verify())
		check(t, r.Close())
		if _, err := l.OpenBytes(data, false, nil); !errors.Is(err, errcode.ErrFormat) {
			t.Fatalf("read-only over %v: %v, want ErrFormat", data, err)
		}
	}
}

// damage flips a bit of the first record's content in img.
func damage(t *testing.T, img []byte) {
	t.Helper()
	i := bytes.Index(img, []byte(marker))
	if i < 0 {
		t.Fatal("the record's content is not in the image")
	}
	img[i] ^= 1
}

func testBytesCopiedOnlyWritable(t *testing.T, l lifecycle) {
	img := l.image(t)
	w := l.openBytes(t, img, true)
	r := l.openBytes(t, img, false)
	damage(t, img)
	check(t, w.Verify()) // a copy: the damage is not in it
	wantErr(t, "Verify of bytes damaged after a read-only open", r.Verify(), errcode.ErrChecksum)
	check(t, w.Close())
	check(t, r.Close())
}

func testLocked(t *testing.T, l lifecycle) {
	w := l.create(t, l.path)
	_, err := l.Open(l.path, true, nil)
	wantErr(t, "a second writable open", err, errcode.ErrLocked)
	_, err = l.Create(l.path, nil)
	wantErr(t, "Create over a file open for writing", err, errcode.ErrLocked)
	r := l.open(t, l.path, false) // readers never lock
	check(t, r.Close())
	check(t, w.Close())
	w = l.open(t, l.path, true)
	check(t, w.Close())
}

func testClosed(t *testing.T, l lifecycle) {
	img := l.image(t)
	w := l.create(t, l.path)
	l.record(t, w)
	for name, open := range map[string]func() (format.File, error){
		"path, writable":  func() (format.File, error) { return w, nil },
		"path, read-only": func() (format.File, error) { return l.Open(l.path, false, nil) },
		"memory":          func() (format.File, error) { return l.Create("", nil) },
		"bytes":           func() (format.File, error) { return l.OpenBytes(img, false, nil) },
	} {
		f, err := open()
		check(t, err)
		check(t, f.Close())
		wantErr(t, name+": second Close", f.Close(), errcode.ErrClosed)
		wantErr(t, name+": Verify after Close", f.Verify(), errcode.ErrClosed)
		_, err = f.Refresh()
		wantErr(t, name+": Refresh after Close", err, errcode.ErrClosed)
		_, _, err = f.BytesInto(heap)
		wantErr(t, name+": BytesInto after Close", err, errcode.ErrClosed)
		if f.Writable() {
			t.Fatalf("%s: writable after Close", name)
		}
	}
}

func testDiskNotInMemory(t *testing.T, l lifecycle) {
	w := l.create(t, l.path)
	l.record(t, w)
	r := l.open(t, l.path, false)
	for _, f := range []format.File{w, r} {
		b, inMemory, err := f.BytesInto(func(int) ([]byte, error) { panic("alloc called for a file on disk") })
		if b != nil || inMemory || err != nil {
			t.Fatalf("BytesInto of %s (writable %v): %d bytes, inMemory %v, %v", f.Name(), f.Writable(), len(b), inMemory, err)
		}
		check(t, f.Close())
	}
}

func testRefresh(t *testing.T, l lifecycle) {
	w := l.create(t, l.path)
	l.record(t, w)
	r := l.open(t, l.path, false)
	g0 := refresh(t, r)
	if g := refresh(t, r); g != g0 {
		t.Fatalf("Refresh with no commit in between: %d, then %d", g0, g)
	}
	before := info(t, r)
	l.record(t, w)
	g1 := refresh(t, r)
	if g1 <= g0 {
		t.Fatalf("Refresh after a commit: %d, was %d", g1, g0)
	}
	if after := info(t, r); bytes.Equal(before, after) {
		t.Fatalf("Info unchanged by Refresh after a commit: %s", after)
	}
	check(t, r.Verify())
	// The writer is current: Refresh returns the same generation as the
	// reader's and changes nothing; so for a file in memory.
	if g := refresh(t, w); g != g1 {
		t.Fatalf("the writer's Refresh: %d, the reader's %d", g, g1)
	}
	m := l.create(t, "")
	l.record(t, m)
	gm := refresh(t, m)
	if g := refresh(t, m); g != gm {
		t.Fatalf("Refresh in memory: %d, then %d", gm, g)
	}
	for _, f := range []format.File{r, w, m} {
		check(t, f.Close())
	}
}

func testVerify(t *testing.T, l lifecycle) {
	img := l.image(t)
	r := l.openBytes(t, img, false)
	check(t, r.Verify())
	check(t, r.Close())
	damage(t, img)
	check(t, os.WriteFile(l.path, img, 0o644))
	for name, open := range map[string]func() (format.File, error){
		"bytes":           func() (format.File, error) { return l.OpenBytes(img, false, nil) },
		"memory":          func() (format.File, error) { return l.OpenBytes(img, true, nil) },
		"path, read-only": func() (format.File, error) { return l.Open(l.path, false, nil) },
		"path, writable":  func() (format.File, error) { return l.Open(l.path, true, nil) },
	} {
		f, err := open()
		check(t, err)
		wantErr(t, name+": Verify of a flipped bit in a committed record", f.Verify(), errcode.ErrChecksum)
		check(t, f.Close())
	}
}

func testOptions(t *testing.T, l lifecycle) {
	img := l.image(t)
	check(t, os.WriteFile(l.path, img, 0o644))
	for _, opts := range []string{`{"no_such_option": 1}`, `{"max_json_bytes": -1}`, `[]`, `{} {}`} {
		_, err := l.Create("", []byte(opts))
		wantErr(t, "Create with "+opts, err, errcode.ErrBadArg)
		_, err = l.Open(l.path, false, []byte(opts))
		wantErr(t, "Open with "+opts, err, errcode.ErrBadArg)
		_, err = l.OpenBytes(img, false, []byte(opts))
		wantErr(t, "OpenBytes with "+opts, err, errcode.ErrBadArg)
	}
	// Options are checked before the path is touched: Create truncates.
	_, err := l.Create(l.path, []byte(`{"no_such_option": 1}`))
	wantErr(t, "Create at a path with a bad option", err, errcode.ErrBadArg)
	if b, err := os.ReadFile(l.path); err != nil || !bytes.Equal(b, img) {
		t.Fatal("Create with a bad option changed the file")
	}
	// Empty options are the defaults.
	for _, opts := range []string{``, ` `, `{}`} {
		f, err := l.Create("", []byte(opts))
		check(t, err)
		check(t, f.Close())
		f, err = l.OpenBytes(img, false, []byte(opts))
		check(t, err)
		check(t, f.Close())
	}
}

func testDetect(t *testing.T, l lifecycle) {
	img := l.image(t)
	if g := format.Detect(img); g != l.Format {
		t.Fatalf("Detect of an image: %v", g)
	}
	check(t, os.WriteFile(l.path, img, 0o644))
	if g, err := format.DetectFile(l.path); err != nil || g != l.Format {
		t.Fatalf("DetectFile: %v, %v", g, err)
	}
	f, g, err := format.Open(l.path, false, nil)
	if err != nil || g != l.Format {
		t.Fatalf("format.Open: %v, %v", g, err)
	}
	check(t, f.Verify())
	check(t, f.Close())
	f, g, err = format.OpenBytes(img, false, nil)
	if err != nil || g != l.Format || f.Name() != "bytes" {
		t.Fatalf("format.OpenBytes: %v, %v", g, err)
	}
	check(t, f.Close())
	if format.ByName(l.Name) != l.Format || format.ByName(l.Title) != l.Format || format.ByID(l.ID) != l.Format {
		t.Fatal("ByName or ByID does not find the format")
	}
}

func TestDetectUnknown(t *testing.T) {
	junk := []byte("not a file any format claims")
	if f := format.Detect(junk); f != nil {
		t.Fatalf("Detect of junk: %s", f.Name)
	}
	p := filepath.Join(t.TempDir(), "junk")
	check(t, os.WriteFile(p, junk, 0o644))
	_, err := format.DetectFile(p)
	wantErr(t, "DetectFile of junk", err, errcode.ErrFormat)
	_, _, err = format.Open(p, false, nil)
	wantErr(t, "Open of junk", err, errcode.ErrFormat)
	_, _, err = format.OpenBytes(junk, false, nil)
	wantErr(t, "OpenBytes of junk", err, errcode.ErrFormat)
	_, _, err = format.OpenBytes(nil, true, nil)
	wantErr(t, "OpenBytes of no bytes", err, errcode.ErrBadArg)
	_, err = format.DetectFile(filepath.Join(t.TempDir(), "missing"))
	wantErr(t, "DetectFile of a missing file", err, os.ErrNotExist)
}

func TestRegisterRefuses(t *testing.T) {
	known := format.All()[0]
	magic := known.Magic[0]
	stub := format.Format{ID: 9000, Name: "stub", Title: "STUB", Magic: [][]byte{[]byte("\x00stub-magic\x00")},
		Create: known.Create, Open: known.Open, OpenBytes: known.OpenBytes}
	for _, tc := range []struct {
		name string
		edit func(*format.Format)
		says string
	}{
		{"same name", func(f *format.Format) { f.Name = known.Name }, "twice"},
		{"same ID", func(f *format.Format) { f.ID = known.ID }, "twice"},
		{"magic extends another's", func(f *format.Format) { f.Magic = [][]byte{append(bytes.Clone(magic), 'x')} }, "overlaps"},
		{"magic prefixes another's", func(f *format.Format) { f.Magic = [][]byte{magic[:len(magic)-1]} }, "overlaps"},
		{"no constructors", func(f *format.Format) { f.Open = nil }, "incomplete"},
		{"no magic", func(f *format.Format) { f.Magic = nil }, "incomplete"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := stub
			tc.edit(&f)
			n := len(format.All())
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.Contains(s, tc.says) {
					t.Fatalf("Register: panic %v, want one saying %q", r, tc.says)
				}
				if len(format.All()) != n || format.ByName("stub") != nil {
					t.Fatal("a refused format was registered")
				}
			}()
			format.Register(f)
		})
	}
}
