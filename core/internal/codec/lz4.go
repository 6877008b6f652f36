package codec

import (
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/pierrec/lz4/v4"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// MaxLZ4Input is the largest chunk the LZ4 codec takes: the reference
// implementation's LZ4_MAX_INPUT_SIZE (0x7E000000, about 1.97 GiB). Blocks
// larger than that cannot be read by other LZ4 decoders.
const MaxLZ4Input = 0x7E000000

// lz4InputLimit is MaxLZ4Input; tests lower it.
var lz4InputLimit = MaxLZ4Input

// lz4PrefixLen is the size of the u32 uncompressed-length prefix.
const lz4PrefixLen = 4

// lz4MaxRatio bounds LZ4 expansion: a match-length byte of 255 is the most
// one input byte can add to the output.
const lz4MaxRatio = 255

var (
	lz4Fast = sync.Pool{New: func() any { return new(lz4.Compressor) }}
	lz4HC   = sync.Pool{New: func() any { return new(lz4.CompressorHC) }}
)

// lz4Levels maps levels 2..9 to the high-compression search depth.
var lz4Levels = [...]lz4.CompressionLevel{
	2: lz4.Level2, 3: lz4.Level3, 4: lz4.Level4, 5: lz4.Level5,
	6: lz4.Level6, 7: lz4.Level7, 8: lz4.Level8, 9: lz4.Level9,
}

func lz4Bound(n int) int {
	return lz4PrefixLen + lz4.CompressBlockBound(n)
}

func compressLZ4(dst, src []byte, level int) ([]byte, error) {
	if level < 0 || level > 9 {
		return dst, errcode.New(pkg, errcode.ErrBadArg, "lz4 level %d (want 0..9)", level)
	}
	if len(src) > lz4InputLimit {
		return dst, errcode.New(pkg, errcode.ErrLimit, "lz4 input of %d bytes exceeds the block maximum %d", len(src), lz4InputLimit)
	}
	start := len(dst)
	dst, room := grow(dst, lz4Bound(len(src)))
	binary.LittleEndian.PutUint32(room, uint32(len(src)))
	var n int
	var err error
	if level <= 1 {
		c := lz4Fast.Get().(*lz4.Compressor)
		n, err = c.CompressBlock(src, room[lz4PrefixLen:])
		lz4Fast.Put(c)
	} else {
		c := lz4HC.Get().(*lz4.CompressorHC)
		c.Level = lz4Levels[level]
		n, err = c.CompressBlock(src, room[lz4PrefixLen:])
		lz4HC.Put(c)
	}
	if err != nil || (n == 0 && len(src) > 0) {
		// Cannot happen with a CompressBlockBound-sized buffer.
		return dst[:start], errcode.Wrap(pkg, errcode.ErrInternal, err, "lz4 compress returned %d", n)
	}
	return dst[:start+lz4PrefixLen+n], nil
}

// checkLZ4 checks an LZ4 chunk's prefix and expansion against size before
// anything is allocated, and returns its block.
func checkLZ4(src []byte, size int) ([]byte, error) {
	if len(src) < lz4PrefixLen {
		return nil, errcode.At(pkg, errcode.ErrFormat, int64(len(src)), "lz4 chunk of %d bytes has no length prefix", len(src))
	}
	if p := binary.LittleEndian.Uint32(src); uint64(p) != uint64(size) {
		return nil, errcode.At(pkg, errcode.ErrFormat, 0, "lz4 length prefix %d, want %d", p, size)
	}
	block := src[lz4PrefixLen:]
	if size == 0 {
		// As in the reference decoder, the empty block is one token with
		// no literals and no match.
		if len(block) != 1 || block[0] != 0 {
			return nil, errcode.At(pkg, errcode.ErrFormat, lz4PrefixLen, "lz4 block for 0 bytes is %x, want 00", block)
		}
		return block, nil
	}
	if len(block) == 0 || size/lz4MaxRatio > len(block) {
		return nil, errcode.New(pkg, errcode.ErrFormat, "lz4 block of %d bytes cannot hold %d bytes", len(block), size)
	}
	return block, nil
}

func decompressLZ4(dst, src []byte, size int) ([]byte, error) {
	block, err := checkLZ4(src, size)
	if err != nil || size == 0 {
		// (Never call UncompressBlock with an empty dst: its amd64
		// assembly writes through a nil dst.)
		return dst, err
	}
	start := len(dst)
	dst, room := grow(dst, size)
	n, err := uncompressLZ4(block, room)
	if err != nil {
		return dst[:start], formatErr(err, "lz4 block")
	}
	if n != size {
		return dst[:start], errcode.New(pkg, errcode.ErrFormat, "lz4 block decodes to %d bytes, want %d", n, size)
	}
	return dst[:start+size], nil
}

// uncompressLZ4 is lz4.UncompressBlock with any panic turned into an error,
// so a decoder bug on hostile input cannot take the process down.
func uncompressLZ4(src, dst []byte) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, fmt.Errorf("lz4 decoder panic: %v", r)
		}
	}()
	return lz4.UncompressBlock(src, dst)
}
