package symtab

import (
	"bytes"
	"io"
	"os"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// NewReader reads a symbol table from the ZIP archive of size bytes in r,
// in either layout, told apart by the entry names. lim bounds what it
// accepts (nil means DefaultLimits). It returns the table and its layout.
//
// Errors: [errcode.ErrFormat] for a malformed archive or table,
// [errcode.ErrChecksum] for an entry failing its CRC-32,
// [errcode.ErrUnsupported] for encryption or a compression method other
// than stored and deflate, [errcode.ErrLimit] for a limit exceeded,
// [errcode.ErrBadArg] for a negative size or limit; an error of r is
// returned wrapped.
func NewReader(r io.ReaderAt, size int64, lim *Limits) (*Table, Layout, error) {
	l, err := lim.resolve()
	if err != nil {
		return nil, 0, err
	}
	if size < 0 {
		return nil, 0, errcode.New(pkg, errcode.ErrBadArg, "symtab: size %d is negative", size)
	}
	entries, err := openArchive(r, size, &l)
	if err != nil {
		return nil, 0, err
	}
	layout, err := detect(entries)
	if err != nil {
		return nil, 0, err
	}
	files := make(map[string][]byte, len(entries))
	for i := range entries {
		b, err := entries[i].read()
		if err != nil {
			return nil, 0, err
		}
		files[entries[i].name] = b
	}
	var t *Table
	if layout == LayoutSeed {
		t, err = readSeed(files, &l)
	} else {
		t, err = readMORK(files, &l)
	}
	if err != nil {
		return nil, 0, err
	}
	return t, layout, nil
}

// ReadBytes reads a symbol table from a ZIP archive held in memory.
func ReadBytes(b []byte, lim *Limits) (*Table, Layout, error) {
	return NewReader(bytes.NewReader(b), int64(len(b)), lim)
}

// Open reads the symbol table stored in the file at path.
func Open(path string, lim *Limits) (*Table, Layout, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	return NewReader(f, fi.Size(), lim)
}

// detect decides the layout from the entry names: seed names and MORK
// names never mix, and an entry that belongs to neither layout is
// malformed (it would be lost on rewrite).
func detect(entries []zipEntry) (Layout, error) {
	var seed, mork bool
	for _, e := range entries {
		if isSeedName(e.name) {
			seed = true
		} else if _, ok := morkSlotOf(e.name); ok || e.name == morkMetaName {
			mork = true
		}
	}
	var layout Layout
	switch {
	case seed && mork:
		return 0, errcode.New(pkg, errcode.ErrFormat, "symtab: the archive mixes seed entries (%s, …) and MORK entries (%s, …)", seedMetaName, morkMetaName)
	case seed:
		layout = LayoutSeed
	case mork:
		layout = LayoutMORK
	default:
		return 0, errcode.New(pkg, errcode.ErrFormat, "symtab: the archive holds neither layout's entries (%s or %s)", seedMetaName, morkMetaName)
	}
	for _, e := range entries {
		_, slot := morkSlotOf(e.name)
		if layout == LayoutSeed && !isSeedName(e.name) || layout == LayoutMORK && !slot && e.name != morkMetaName {
			return 0, errcode.New(pkg, errcode.ErrFormat, "symtab: unknown entry %q in a %s-layout table", e.name, layout)
		}
	}
	return layout, nil
}

func isSeedName(name string) bool {
	for _, n := range seedNames {
		if name == n {
			return true
		}
	}
	return false
}
