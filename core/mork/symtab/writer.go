package symtab

import (
	"io"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// Write writes the table as a ZIP archive in the given layout. The output
// depends only on the table and the layout (fixed entry order, fixed
// modification time, records in a fixed order), so the same table writes
// the same bytes every time.
//
// LayoutSeed needs every symbol to fit its u32 length; LayoutMORK needs
// every id to follow MORK's scheme (bytes 0–1 zero, slot below 128):
// otherwise [errcode.ErrUnsupported]. An unknown layout is
// [errcode.ErrBadArg].
func (t *Table) Write(w io.Writer, layout Layout) error {
	b, err := t.AppendZip(nil, layout)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// AppendZip appends the archive Write writes to dst.
func (t *Table) AppendZip(dst []byte, layout Layout) ([]byte, error) {
	var files []zipFile
	var err error
	switch layout {
	case LayoutSeed:
		files, err = t.seedFiles()
	case LayoutMORK:
		files, err = t.morkFiles()
	default:
		return dst, errcode.New(pkg, errcode.ErrBadArg, "symtab: unknown layout %d", int(layout))
	}
	if err != nil {
		return dst, err
	}
	return appendZip(dst, files)
}
