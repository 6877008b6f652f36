package codec

import (
	"sync"

	"github.com/klauspost/compress/zstd"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// zstdMaxBlock is the most one zstd block decodes to (Block_Maximum_Size,
// RFC 8878 section 3.1.1.2.4), and the most a compressed block may hold.
const zstdMaxBlock = 128 << 10

// zstdMaxLevel is the highest zstd level accepted.
const zstdMaxLevel = 22

// zstdSmall is the largest input compressed by the single-segment encoders.
// Above it the encoder's own choice gives Frame_Content_Size too: a
// single-segment frame up to its window (8 MiB), and above that a frame with
// an 8 MiB window, which reference decoders accept without raising their
// default 128 MiB window limit. Below 256 bytes only a single-segment frame
// carries the size.
const zstdSmall = zstd.MinWindowSize

// zstdEncoders pools encoders: [0] for inputs up to zstdSmall, [1] above,
// each per zstd.EncoderLevel (index 1..4).
var zstdEncoders [2][zstd.SpeedBestCompression + 1]sync.Pool

// zstdDecoders pools decoders. A pooled *zstd.Decoder is nil when one could
// not be made (never, with these options).
var zstdDecoders = sync.Pool{New: func() any {
	d, _ := zstd.NewReader(nil,
		// DecodeAll only: no goroutines, one block decoder per Decoder.
		zstd.WithDecoderConcurrency(1),
		// Allocate per call instead of keeping 128 KiB block buffers.
		zstd.WithDecoderLowmem(true),
		// The per-call bound: DecodeAll writes at most cap(dst)-len(dst)
		// bytes, and Decompress sets that capacity to the declared size. A
		// shared Decoder cannot take WithDecoderMaxMemory per call.
		zstd.WithDecodeAllCapLimit(true),
		// DecodeAll keeps no window apart from the output buffer, so the
		// size bound above is also the window bound. Lift the default
		// 512 MiB window limit, which would refuse single-segment frames
		// (window = content size) above it; the library clips this to its
		// 64 GiB maximum output.
		zstd.WithDecoderMaxWindow(1<<41),
	)
	return d
}}

func zstdEncoder(small bool, l zstd.EncoderLevel) (*zstd.Encoder, *sync.Pool, error) {
	p := &zstdEncoders[1][l]
	if small {
		p = &zstdEncoders[0][l]
	}
	if v := p.Get(); v != nil {
		return v.(*zstd.Encoder), p, nil
	}
	opts := []zstd.EOption{
		zstd.WithEncoderLevel(l),
		// EncodeAll only: no goroutines, one encoder state.
		zstd.WithEncoderConcurrency(1),
		// Always a frame, also for empty input.
		zstd.WithZeroFrames(true),
		zstd.WithEncoderCRC(true),
	}
	if small {
		opts = append(opts, zstd.WithSingleSegment(true))
	}
	e, err := zstd.NewWriter(nil, opts...)
	return e, p, err
}

func compressZstd(dst, src []byte, level int) ([]byte, error) {
	if level < 0 || level > zstdMaxLevel {
		return dst, errcode.New(pkg, errcode.ErrBadArg, "zstd level %d (want 0..%d)", level, zstdMaxLevel)
	}
	l := zstd.SpeedDefault
	if level != 0 {
		l = zstd.EncoderLevelFromZstd(level)
	}
	e, pool, err := zstdEncoder(len(src) <= zstdSmall, l)
	if err != nil {
		return dst, errcode.Wrap(pkg, errcode.ErrInternal, err, "zstd encoder")
	}
	dst = e.EncodeAll(src, dst)
	pool.Put(e)
	return dst, nil
}

func decompressZstd(dst, src []byte, size int) ([]byte, error) {
	if err := checkZstdFrame(src, size); err != nil {
		return dst, err
	}
	d, _ := zstdDecoders.Get().(*zstd.Decoder)
	if d == nil {
		return dst, errcode.New(pkg, errcode.ErrInternal, "zstd decoder")
	}
	start := len(dst)
	dst, _ = grow(dst, size)
	out, err := d.DecodeAll(src, dst[:start:start+size])
	zstdDecoders.Put(d)
	if err != nil {
		return dst[:start], formatErr(err, "zstd frame")
	}
	if len(out)-start != size {
		return dst[:start], errcode.New(pkg, errcode.ErrFormat, "zstd frame decodes to %d bytes, want %d", len(out)-start, size)
	}
	return out, nil
}

// checkZstdFrame checks, without decoding, that src is exactly one zstd frame
// that can decode to size bytes: the header (no dictionary; a content size, if
// given, equal to size), then the block headers up to the last block and the
// checksum, ending at the end of src. Summing what the blocks can produce at
// most rejects a size the frame cannot reach before anything is allocated.
func checkZstdFrame(src []byte, size int) error {
	var h zstd.Header
	blocks, err := h.DecodeAndStrip(src)
	if err != nil {
		return formatErr(err, "zstd frame header")
	}
	if h.Skippable {
		return errcode.At(pkg, errcode.ErrFormat, 0, "zstd skippable frame where a data frame is expected")
	}
	if h.DictionaryID != 0 {
		return errcode.At(pkg, errcode.ErrUnsupported, 0, "zstd frame needs dictionary %d", h.DictionaryID)
	}
	if h.HasFCS && h.FrameContentSize != uint64(size) {
		return errcode.At(pkg, errcode.ErrFormat, 0, "zstd frame content size %d, want %d", h.FrameContentSize, size)
	}
	off := len(src) - len(blocks)
	var most uint64
	for {
		if len(src)-off < 3 {
			return errcode.At(pkg, errcode.ErrFormat, int64(off), "zstd frame truncated in a block header")
		}
		bh := uint32(src[off]) | uint32(src[off+1])<<8 | uint32(src[off+2])<<16
		off += 3
		last, typ, n := bh&1 != 0, (bh>>1)&3, int(bh>>3)
		if n > zstdMaxBlock {
			return errcode.At(pkg, errcode.ErrFormat, int64(off-3), "zstd block of %d bytes", n)
		}
		body := n
		switch typ {
		case 0: // raw
			most += uint64(n)
		case 1: // RLE: one byte repeated n times
			body = 1
			most += uint64(n)
		case 2: // compressed
			most += zstdMaxBlock
		default:
			return errcode.At(pkg, errcode.ErrFormat, int64(off-3), "zstd reserved block type")
		}
		if len(src)-off < body {
			return errcode.At(pkg, errcode.ErrFormat, int64(len(src)), "zstd frame truncated in a block")
		}
		off += body
		if last {
			break
		}
	}
	if h.HasCheckSum {
		if len(src)-off < 4 {
			return errcode.At(pkg, errcode.ErrFormat, int64(len(src)), "zstd frame truncated in its checksum")
		}
		off += 4
	}
	if off != len(src) {
		return errcode.At(pkg, errcode.ErrFormat, int64(off), "%d bytes after the zstd frame", len(src)-off)
	}
	if most < uint64(size) {
		return errcode.New(pkg, errcode.ErrFormat, "zstd frame decodes to at most %d bytes, want %d", most, size)
	}
	return nil
}
