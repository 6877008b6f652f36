// Package hostile builds hostile inputs that more than one package's tests
// need — the MMX shapes that once made recovery slow or give up, zstd
// frames and zlib streams that expand without bound — so tests, fuzz seeds
// and the corpus under core/testdata/hostile share one definition of each.
//
// The MMX functions take the bytes of a valid .mmx file (base) and append
// to it; none of them knows more of the format than the wire constants
// below, so the package does not import core/mmx (core/mmx's own tests use
// it). The compression bombs know only the codecs' wire forms and, for
// MORK, the record section's.
// The mkhostile command writes the shapes to files.
package hostile

import (
	"bytes"
	"compress/flate"
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

// ZstdRLE is one zstd frame (RFC 8878) that decodes to n copies of c: a
// frame header with an 8-byte Frame_Content_Size (descriptor 0xC0: FCS
// flag 3, not single-segment) and an 8 MiB window (window descriptor
// exponent 13: 2^(10+13)), then RLE blocks (block type 1) of at most
// 128 KiB, each a 3-byte header (last | type<<1 | size<<3, little-endian)
// and the one byte to repeat: 4 bytes per 128 KiB of output, a ratio of
// 32768. n = 0 is one empty raw block.
func ZstdRLE(n uint64, c byte) []byte {
	if n == 0 {
		return ZstdFrame(13, ZstdBlock{})
	}
	blocks := make([]ZstdBlock, 0, (n+zstdMaxBlock-1)/zstdMaxBlock)
	for ; n > 0; n -= min(n, zstdMaxBlock) {
		blocks = append(blocks, ZstdBlock{Data: []byte{c}, RLE: true, N: int(min(n, zstdMaxBlock))})
	}
	return ZstdFrame(13, blocks...)
}

// zstdMaxBlock is the most one zstd block decodes to.
const zstdMaxBlock = 128 << 10

// ZstdBlock is one block of a frame ZstdFrame builds: Data as it is (a raw
// block, type 0), or with RLE, Data[0] repeated N times (type 1).
type ZstdBlock struct {
	Data []byte
	RLE  bool
	N    int
}

// ZstdFrame returns one zstd frame (RFC 8878) of blocks, the last one
// marked last: a header with an 8-byte Frame_Content_Size (descriptor
// 0xC0), the blocks' total, and a window of 2^(10+windowExp) bytes, no
// checksum; each block a 3-byte header (last | type<<1 | size<<3,
// little-endian) and its bytes.
func ZstdFrame(windowExp byte, blocks ...ZstdBlock) []byte {
	var size uint64
	for _, b := range blocks {
		if b.RLE {
			size += uint64(b.N)
		} else {
			size += uint64(len(b.Data))
		}
	}
	out := binary.LittleEndian.AppendUint32(nil, 0xFD2FB528)
	out = append(out, 0xC0, windowExp<<3)
	out = binary.LittleEndian.AppendUint64(out, size)
	for i, b := range blocks {
		h := uint32(len(b.Data)) << 3
		if b.RLE {
			h = uint32(b.N)<<3 | 1<<1
		}
		if i == len(blocks)-1 {
			h |= 1
		}
		out = append(out, byte(h), byte(h>>8), byte(h>>16))
		out = append(out, b.Data...)
	}
	return out
}

// ZstdZeroRecords is a zstd frame (128 KiB window) of a MORK record
// section (u64 LE count, then per record a u32 LE length and the path) of
// count paths of pathLen zero bytes: the count and each length a raw
// block, each path RLE blocks of 128 KiB, 4 bytes of frame for each.
func ZstdZeroRecords(count uint64, pathLen int64) []byte {
	var blocks []ZstdBlock
	head := binary.LittleEndian.AppendUint64(nil, count)
	for range count {
		blocks = append(blocks, ZstdBlock{Data: binary.LittleEndian.AppendUint32(head, uint32(pathLen))})
		head = nil
		for left := pathLen; left > 0; left -= zstdMaxBlock {
			blocks = append(blocks, ZstdBlock{Data: []byte{0}, RLE: true, N: int(min(left, zstdMaxBlock))})
		}
	}
	return ZstdFrame(7, blocks...)
}

// ZlibZeros is a zlib stream that inflates to mib MiB of zero bytes (for
// MORK, records of the empty path) from about 1 KiB per MiB: one deflate
// segment for a MiB of zeros, ending in a sync flush (so it is
// byte-aligned and refers only to zeros), repeated. Its Adler-32 is left
// wrong: the stream is meant to be stopped long before it.
func ZlibZeros(mib int) []byte {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	zeros := make([]byte, 1<<20)
	fw.Write(zeros)
	fw.Flush()
	first := buf.Len()
	fw.Write(zeros)
	fw.Flush()
	seg := bytes.Clone(buf.Bytes()[first:])
	out := append([]byte{0x78, 0xDA}, buf.Bytes()[:first]...)
	for range mib - 1 {
		out = append(out, seg...)
	}
	return append(out, 0x03, 0x00, 0, 0, 0, 1) // an empty final block, an Adler-32
}
