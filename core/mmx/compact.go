package mmx

import (
	"os"
	"path/filepath"
	"slices"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/storage"
)

// Compact commits pending writes, then rewrites the file with only its live
// chunks: header, the directory right after it (the seed's optional start
// copy, so the first bytes describe the whole file), the chunks in their
// current order, and the directory again at the end. Chunks are copied as
// stored (no recompression; checksums unchanged). A file on disk is
// rewritten beside itself and renamed over the original, so a crash leaves
// either file whole.
func (f *File) Compact() error {
	f.wmu.Lock()
	defer f.wmu.Unlock()
	if err := f.writable(); err != nil {
		return err
	}
	if err := f.commit(false); err != nil {
		return err
	}
	f.mu.RLock()
	live := make([]*Entry, 0, len(f.committed))
	for _, e := range f.committed {
		live = append(live, e)
	}
	gen := f.gen + 1
	f.mu.RUnlock()
	slices.SortFunc(live, func(a, b *Entry) int {
		if a.Offset != b.Offset {
			return cmpU64(a.Offset, b.Offset)
		}
		return cmpString(a.Name, b.Name)
	})

	// Lay out the chunks after a start directory whose size depends on the
	// offsets it lists: grow the reserved space until the record fits.
	reserve := uint64(0)
	var doc *dirDoc
	var start []byte
	for {
		dataStart := uint64(HeaderSize) + reserve
		next := dataStart
		chunks := make(map[string]*Entry, len(live))
		for _, e := range live {
			c := *e
			c.Offset = alignUp(next, e.Alignment)
			next = c.Offset + c.Size
			chunks[c.Name] = &c
		}
		doc = &dirDoc{Version: Version, Generation: gen, File: f.id, Chunks: chunks}
		var err error
		if start, err = encodeRecord(doc, HeaderSize); err != nil {
			return err
		}
		if uint64(len(start)) <= reserve {
			break
		}
		reserve = alignUp(uint64(len(start)), DefaultAlignment)
	}

	var out storage.File
	var tmp *os.File
	var tmpPath string
	if f.mem != nil {
		out = storage.NewMem(nil)
	} else {
		var err error
		tmp, err = os.CreateTemp(filepath.Dir(f.path), filepath.Base(f.path)+".compact-*")
		if err != nil {
			return err
		}
		tmpPath = tmp.Name()
		out = tmp
	}
	cleanup := func(err error) error {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmpPath)
		}
		return err
	}
	if _, err := out.WriteAt(start, HeaderSize); err != nil {
		return cleanup(err)
	}
	end := uint64(HeaderSize) + reserve
	for _, e := range live {
		ne := doc.Chunks[e.Name]
		buf, _, err := f.stored(e, 0, e.Size)
		if err != nil {
			return cleanup(err)
		}
		if len(buf) > 0 {
			if _, err := out.WriteAt(buf, int64(ne.Offset)); err != nil {
				return cleanup(err)
			}
		}
		end = ne.Offset + ne.Size
	}
	endOff := alignUp(end, dirAlign)
	last, err := encodeRecord(doc, endOff)
	if err != nil {
		return cleanup(err)
	}
	if _, err := out.WriteAt(last, int64(endOff)); err != nil {
		return cleanup(err)
	}
	size := endOff + uint64(len(last))
	h := f.headerFor(doc.Chunks, size, &DirectoryRef{Offset: HeaderSize, Length: uint64(len(start)), Generation: gen})
	hb, err := encodeHeader(&h)
	if err != nil {
		return cleanup(err)
	}
	if _, err := out.WriteAt(hb[:], 0); err != nil {
		return cleanup(err)
	}
	if err := out.Sync(); err != nil {
		return cleanup(err)
	}

	if f.mem != nil {
		img := out.(*storage.Mem).Snapshot()
		f.mem.Truncate(0)
		f.mem.WriteAt(img, 0)
	} else {
		unlock, err := storage.LockWriter(tmp)
		if err != nil {
			return cleanup(err)
		}
		if err := os.Rename(tmpPath, f.path); err != nil {
			unlock()
			return cleanup(err)
		}
		if d, err := os.Open(filepath.Dir(f.path)); err == nil {
			d.Sync()
			d.Close()
		}
		f.h.Unlock()
		f.h.File.Close()
		f.h.File, f.h.Unlock, f.r, f.st = tmp, unlock, tmp, tmp
	}
	f.mu.Lock()
	f.committed, f.pending, f.gen, f.hdr = doc.Chunks, map[string]*Entry{}, gen, h
	f.end, f.commitEnd, f.recOff = size, size, endOff
	f.verified.Clear()
	f.mu.Unlock()
	return nil
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// DeadBytes is how much of the data region no live chunk uses: overwritten
// and deleted chunks, rolled-back space, old directories, and alignment
// padding (which Compact keeps, so it gives back a little less).
func (f *File) DeadBytes() uint64 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	var live uint64
	base, first := uint64(HeaderSize), f.recOff
	for _, e := range f.committed {
		live += e.Size
		first = min(first, e.Offset)
	}
	if d := f.hdr.Directory; d != nil && d.Offset == HeaderSize && d.Generation == f.gen {
		base = first // the current start copy (after Compact) is not dead
	}
	if f.recOff < base+live {
		return 0
	}
	return f.recOff - base - live
}

var _ = errcode.OK
