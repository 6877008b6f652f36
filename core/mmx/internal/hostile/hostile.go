// Package hostile builds the hostile MMX shapes that once made recovery
// slow or give up, so tests, fuzz seeds and a corpus under
// core/testdata/hostile can share one definition of each.
//
// Every function takes the bytes of a valid .mmx file (base) and appends to
// it; none of them knows more of the format than the wire constants below,
// so the package does not import core/mmx (core/mmx's own tests use it).
// The mkhostile command writes the shapes to files.
package hostile

import (
	"encoding/binary"
	"io"
)

// Wire constants of MMX (docs/spec/mmx.md §1.2), repeated here on purpose:
// the shapes must not change when the package under test does.
const (
	headerSize  = 4096
	dirMagic    = "MMXD"
	dirVersion  = 1
	dirHeadSize = 24
	tailMagic   = "MMXTAIL\x00"
	dirTailSize = 32 + 8 + 8
	// TrailerSize is the length of one trailer: u64 offset, "MMXTAIL\0".
	TrailerSize = 16
)

// Trailer returns u64le(off) ‖ "MMXTAIL\0": the last 16 bytes of a
// directory record that starts at off.
func Trailer(off uint64) []byte {
	t := binary.LittleEndian.AppendUint64(make([]byte, 0, TrailerSize), off)
	return append(t, tailMagic...)
}

// TrailerFlood returns base followed by n trailers naming offset 4096: each
// is a candidate directory record spanning everything after the header, so
// a recovery that reads a candidate's whole span before any cheap check
// reads the file n times.
func TrailerFlood(base []byte, n int) []byte {
	out := make([]byte, 0, len(base)+n*TrailerSize)
	out = append(out, base...)
	t := Trailer(headerSize)
	for range n {
		out = append(out, t...)
	}
	return out
}

// ZerosThenTrailer writes base at 0, then zeros zero bytes (left as a hole:
// on a file system with sparse files nothing is stored), then one trailer
// naming offset 4096, whose record would be larger than a directory may be.
// It returns the size written.
func ZerosThenTrailer(w io.WriterAt, base []byte, zeros int64) (int64, error) {
	if _, err := w.WriteAt(base, 0); err != nil {
		return 0, err
	}
	end := int64(len(base)) + zeros
	if _, err := w.WriteAt(Trailer(headerSize), end); err != nil {
		return 0, err
	}
	return end + TrailerSize, nil
}

// CraftedHeads returns base followed by n directory record heads (magic,
// version, generation, a json_len chosen to match), filler zero bytes, and
// n trailers, each naming its own head: every candidate passes the cheap
// checks and spans about filler bytes, and none has a valid SHA-256. It is
// what a recovery budget must stop.
func CraftedHeads(base []byte, n, filler int) []byte {
	start := alignUp(uint64(len(base)), 8)
	heads := start
	tails := heads + uint64(n)*dirHeadSize + uint64(filler)
	out := make([]byte, tails+uint64(n)*TrailerSize)
	copy(out, base)
	le := binary.LittleEndian
	for i := range n {
		h := heads + uint64(i)*dirHeadSize
		end := tails + uint64(i+1)*TrailerSize
		rec := out[h : h+dirHeadSize]
		copy(rec, dirMagic)
		le.PutUint32(rec[4:], dirVersion)
		le.PutUint64(rec[8:], uint64(i+1))
		le.PutUint64(rec[16:], end-h-dirHeadSize-dirTailSize)
		copy(out[end-TrailerSize:], Trailer(h))
	}
	return out
}

func alignUp(n, a uint64) uint64 { return (n + a - 1) &^ (a - 1) }
