package storage

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// Replacement puts a whole new image of a file in place of the old one:
// MMX's compaction and every VSF commit (a VSF file is rewritten whole,
// since its header lists every section's offset).
type Replacement interface {
	// Create returns a new, empty file for the image.
	Create() (File, error)
	// Install makes img (complete and synced) the file, atomically: until
	// it returns, the old file is whole and current. It returns what the
	// format's File reads and writes from then on. The caller holds the
	// File's lock: no read of the old file is in flight.
	Install(img File) (File, error)
	// Discard drops an image that was not installed.
	Discard(img File)
}

// ReplacementFor is how b's file is replaced: through a temporary file
// beside its path, renamed over it (PathReplacement), for a writable file
// on disk; in place for one in memory (MemReplacement); nil for the others
// (read-only, or over a caller's storage), which cannot be replaced. tag
// names the temporary files ("compact"): path.<tag>-*.
func ReplacementFor(b *Backing, tag string) Replacement {
	switch {
	case b.Mem != nil:
		return MemReplacement{b}
	case b.W != nil && b.OnDisk():
		return NewPathReplacement(b, b.Name, tag)
	}
	return nil
}

// PathReplacement writes the image to a temporary file beside the file
// and renames it over the file. Its path is absolute, so a change of
// working directory after open does not move the target.
type PathReplacement struct {
	b    *Backing
	path string
	tag  string
}

// NewPathReplacement replaces b's file at path (made absolute).
func NewPathReplacement(b *Backing, path, tag string) PathReplacement {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return PathReplacement{b, path, tag}
}

// Prefix is what the temporary files' names start with: path.<tag>-.
func (p PathReplacement) Prefix() string { return p.path + "." + p.tag + "-" }

// Create removes the images a crash left behind (only the writer replaces
// the file, and it holds the lock, so none of them is in use) and makes a
// new temporary file with the file's permissions.
func (p PathReplacement) Create() (File, error) {
	dir, base := filepath.Dir(p.path), filepath.Base(p.Prefix())
	if ents, err := os.ReadDir(dir); err == nil {
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), base) {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	tmp, err := os.CreateTemp(dir, base+"*")
	if err != nil {
		return nil, err
	}
	if fi, err := p.b.OS.File.Stat(); err == nil {
		tmp.Chmod(fi.Mode().Perm()) // CreateTemp makes it 0600
	}
	return tmp, nil
}

// Install locks the new file before its name is visible, so no other
// writer can take it (writers that opened the old one find it replaced:
// OpenPath checks that the path still names what it locked), renames it
// over the path, syncs the directory, and lets go of the old file.
func (p PathReplacement) Install(img File) (File, error) {
	tmp := img.(*os.File)
	unlock, err := LockWriter(tmp)
	if err != nil {
		return nil, err
	}
	if err := os.Rename(tmp.Name(), p.path); err != nil {
		unlock()
		return nil, err
	}
	if d, err := os.Open(filepath.Dir(p.path)); err == nil {
		d.Sync()
		d.Close()
	}
	p.b.OS.Unlock()
	p.b.OS.File.Close()
	p.b.OS.File, p.b.OS.Unlock = tmp, unlock
	return tmp, nil
}

// Discard closes and removes the temporary file.
func (p PathReplacement) Discard(img File) {
	tmp := img.(*os.File)
	tmp.Close()
	os.Remove(tmp.Name())
}

// MemReplacement builds the image in memory and copies it over the file's
// bytes.
type MemReplacement struct{ b *Backing }

// Create returns an empty in-memory file.
func (m MemReplacement) Create() (File, error) { return NewMem(nil), nil }

// Install copies the image over the file's bytes.
func (m MemReplacement) Install(img File) (File, error) {
	b := img.(*Mem).Snapshot()
	m.b.Mem.Truncate(0)
	m.b.Mem.WriteAt(b, 0)
	return m.b.Mem, nil
}

// Discard does nothing.
func (m MemReplacement) Discard(File) {}

// Image returns the whole file b holds, for a format that reads its file
// whole: b.Data (the mapping, or the caller's bytes) as it is, or else
// the file read into memory once, refused (errcode.ErrLimit, naming
// limitName) when it is larger than max.
func (b *Backing) Image(max int64, limitName string) (data []byte, lent bool, err error) {
	if b.Data != nil {
		return b.Data, true, nil
	}
	if b.Size > max {
		return nil, false, errcode.New(b.pkg, errcode.ErrLimit, "a file of %d bytes read into memory exceeds %s (%d)", b.Size, limitName, max)
	}
	data = make([]byte, b.Size)
	if n, err := b.R.ReadAt(data, 0); n < len(data) {
		if err == nil || err == io.EOF {
			err = errcode.New(b.pkg, errcode.ErrFormat, "the reader holds %d bytes, not the %d its size says", n, len(data))
		}
		return nil, false, err
	}
	return data, false, nil
}

// Commit makes img the file through r, for a format that writes its file
// whole: into a new image (synced unless noSync), installed atomically;
// on failure the image is discarded and the file is as it was. It returns
// what the format reads and writes from then on, as Install does. A nil r
// (a file that cannot be replaced) is errcode.ErrUnsupported.
func Commit(r Replacement, img []byte, noSync bool, pkg, name string) (File, error) {
	if r == nil {
		return nil, errcode.New(pkg, errcode.ErrUnsupported, "%s cannot be replaced", name)
	}
	out, err := r.Create()
	if err != nil {
		return nil, err
	}
	_, err = out.WriteAt(img, 0)
	if err == nil && !noSync {
		err = out.Sync()
	}
	if err != nil {
		r.Discard(out)
		return nil, err
	}
	st, err := r.Install(out)
	if err != nil {
		r.Discard(out)
		return nil, err
	}
	return st, nil
}
