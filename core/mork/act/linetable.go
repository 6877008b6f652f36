package act

import (
	"bytes"
	"hash/maphash"
)

// lineTable remembers every distinct line data the PathMap writer has
// written and where, so a line met again is referred to: what pathmap's
// add_path does. Lines are kept in one buffer and found by a hash with
// chaining, so a hash collision never hides an earlier identical line.
type lineTable struct {
	seed  maphash.Seed
	heads map[uint64]int32 // hash → newest entry with that hash
	ents  []lineEntry
	buf   []byte // the bytes of every distinct line, back to back
}

type lineEntry struct {
	at    int64 // offset of the line data in the file
	start int64 // the line's bytes in buf
	n     int32
	next  int32 // older entry with the same hash, or -1
}

func (t *lineTable) init() {
	t.seed = maphash.MakeSeed()
	t.heads = make(map[uint64]int32)
	t.ents, t.buf = t.ents[:0], t.buf[:0]
}

// find returns where line was written, if it was.
func (t *lineTable) find(line []byte) (int64, uint64, bool) {
	h := maphash.Bytes(t.seed, line)
	at, ok := t.lookup(line, h)
	return at, h, ok
}

// lookup searches the chain of hash h for line.
func (t *lineTable) lookup(line []byte, h uint64) (int64, bool) {
	i, ok := t.heads[h]
	for ok && i >= 0 {
		e := &t.ents[i]
		if int(e.n) == len(line) && bytes.Equal(t.buf[e.start:e.start+int64(e.n)], line) {
			return e.at, true
		}
		i = e.next
	}
	return 0, false
}

// add records that line, whose hash find returned, was written at at.
func (t *lineTable) add(line []byte, h uint64, at int64) {
	next, ok := t.heads[h]
	if !ok {
		next = -1
	}
	t.ents = append(t.ents, lineEntry{at: at, start: int64(len(t.buf)), n: int32(len(line)), next: next})
	t.heads[h] = int32(len(t.ents) - 1)
	t.buf = append(t.buf, line...)
}
