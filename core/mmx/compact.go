package mmx

import (
	"slices"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// Compact commits pending writes, then rewrites the file with only its live
// chunks: header, the directory right after it (the seed's optional start
// copy, so the first bytes describe the whole file), the chunks in their
// current order, and the directory again at the end. Chunks are copied as
// stored (no recompression; checksums unchanged).
//
// The old file is never written: the new image is written and synced
// beside it, then put in its place at once, so a crash at any point leaves
// either file whole. On disk the image is a temporary file in the same
// directory ("NAME.compact-*", locked for writing before it is renamed
// over NAME; leftovers of a crash are removed by the next compaction).
// Readers in other processes keep the file they opened, mapping included,
// and see the new one after Refresh. In memory the image replaces the
// bytes under the File's lock.
func (f *File) Compact() error {
	f.wmu.Lock()
	defer f.wmu.Unlock()
	if err := f.writable(); err != nil {
		return err
	}
	if err := f.commit(false); err != nil {
		return err
	}
	return f.compact()
}

// copyPiece bounds the memory a chunk copy takes.
const copyPiece = 4 << 20

// compact rewrites the committed state into a new image and installs it.
// The caller holds wmu and has committed.
func (f *File) compact() error {
	if f.repl == nil {
		return errcode.New("mmx", errcode.ErrUnsupported, "%s cannot be compacted: it was opened over a storage.File", f.store.Name)
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

	out, err := f.repl.Create()
	if err != nil {
		return err
	}
	fail := func(err error) error {
		f.repl.Discard(out)
		return err
	}
	if _, err := out.WriteAt(start, HeaderSize); err != nil {
		return fail(err)
	}
	end := uint64(HeaderSize) + reserve
	var buf []byte
	for _, e := range live {
		ne := doc.Chunks[e.Name]
		for p := uint64(0); p < e.Size; {
			n := min(e.Size-p, copyPiece)
			if uint64(len(buf)) < n {
				buf = make([]byte, n)
			}
			if err := f.readAt(buf[:n], e.Offset+p); err != nil {
				return fail(err)
			}
			if _, err := out.WriteAt(buf[:n], int64(ne.Offset+p)); err != nil {
				return fail(err)
			}
			p += n
		}
		end = ne.Offset + ne.Size
	}
	endOff := alignUp(end, dirAlign)
	last, err := encodeRecord(doc, endOff)
	if err != nil {
		return fail(err)
	}
	if _, err := out.WriteAt(last, int64(endOff)); err != nil {
		return fail(err)
	}
	size := endOff + uint64(len(last))
	h := f.headerFor(doc.Chunks, size, &DirectoryRef{Offset: HeaderSize, Length: uint64(len(start)), Generation: gen})
	hb, err := encodeHeader(&h)
	if err != nil {
		return fail(err)
	}
	if _, err := out.WriteAt(hb[:], 0); err != nil {
		return fail(err)
	}
	if err := out.Sync(); err != nil { // the image is whole before it is put in place
		return fail(err)
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	st, err := f.repl.Install(out)
	if err != nil {
		return fail(err)
	}
	f.store.R, f.store.W = st, st
	moved := make(map[*Entry]*Entry, len(live))
	for _, e := range live {
		moved[e] = doc.Chunks[e.Name]
	}
	for old, e := range f.moved { // one compaction further back, where still live
		if ne, ok := moved[e]; ok {
			moved[old] = ne
		}
	}
	f.moved = moved
	f.committed, f.pending, f.gen, f.hdr = doc.Chunks, map[string]*Entry{}, gen, h
	f.end, f.commitEnd, f.recOff = size, size, endOff
	f.compactAt = 0
	f.verified.Clear()
	return nil
}

// relocate returns where to read e, an entry a reader looked up before a
// compaction moved its chunk (the reader let go of f.mu in between): the
// chunk's new entry. Entries from more than two compactions back are not
// followed. The caller holds f.mu.
func (f *File) relocate(e *Entry) *Entry {
	if ne, ok := f.moved[e]; ok {
		return ne
	}
	return e
}

// autoCompact compacts after a commit when the dead space exceeds both
// thresholds of Options (AutoCompactMinDead, AutoCompactRatio × live). The
// commit is durable whatever happens here: a failed compaction leaves the
// file as the commit left it, and is tried again only once the dead space
// has doubled. The caller holds wmu.
func (f *File) autoCompact() {
	minDead, ratio := f.opt.AutoCompactMinDead, f.opt.AutoCompactRatio
	if minDead < 0 || f.repl == nil {
		return
	}
	if minDead == 0 {
		minDead = DefaultAutoCompactMinDead
	}
	if ratio <= 0 {
		ratio = DefaultAutoCompactRatio
	}
	dead := f.DeadBytes()
	live := f.commitEnd - min(dead, f.commitEnd)
	if dead <= uint64(minDead) || float64(dead) <= ratio*float64(live) || dead < f.compactAt {
		return
	}
	if err := f.compact(); err != nil {
		f.compactAt = 2 * dead
	}
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
