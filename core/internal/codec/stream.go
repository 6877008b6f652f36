package codec

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"sync"

	"github.com/klauspost/compress/zstd"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// StreamPiece is the most DecompressTo hands to its writer in one call.
const StreamPiece = 1 << 20

// StreamMaxWindow is the largest zstd window DecompressTo streams with:
// 128 MiB, the reference decoder's default limit (ZSTD_WINDOWLOG_LIMIT_DEFAULT
// 27). Frames that need more (never written by Compress, whose frames use at
// most 8 MiB) are decoded whole instead, as Decompress does.
const StreamMaxWindow = 128 << 20

// Check runs the checks Decompress makes before it allocates: that src can
// decode to size bytes at all (a length prefix or frame content size that
// says otherwise, an expansion ratio no stream of its kind reaches, a zstd
// frame whose blocks cannot produce size bytes). A caller that allocates
// the output itself calls Check first, so a tiny stream cannot make it
// allocate a large buffer. nil does not mean src decodes.
func Check(c Codec, src []byte, size int64) error {
	if size < 0 {
		return errcode.New(pkg, errcode.ErrBadArg, "negative size %d", size)
	}
	if size > math.MaxInt {
		return errcode.New(pkg, errcode.ErrLimit, "size %d does not fit in memory", size)
	}
	n := int(size)
	switch c {
	case None:
		if len(src) != n {
			return errcode.New(pkg, errcode.ErrFormat, "stored chunk is %d bytes, want %d", len(src), n)
		}
		return nil
	case LZ4:
		_, err := checkLZ4(src, n)
		return err
	case Zlib:
		return checkZlib(src, n)
	case Zstd:
		return checkZstdFrame(src, n)
	}
	return errcode.New(pkg, errcode.ErrUnsupported, "unknown codec %d", uint8(c))
}

// DecompressTo decodes src, which must decode to exactly size bytes, and
// writes the output to w in pieces of at most StreamPiece bytes, without
// holding it: memory is bounded by the codec's window (LZ4 64 KiB, deflate
// 32 KiB, zstd the frame's window, at most StreamMaxWindow) plus one
// piece, whatever size is. It accepts exactly what Decompress accepts and
// fails as it does ([errcode.ErrFormat] for malformed input); an error from
// w is returned as it is, and stops the decoding. On failure w may have
// received part of the output.
func DecompressTo(c Codec, w io.Writer, src []byte, size int64) error {
	if err := Check(c, src, size); err != nil {
		return err
	}
	sw := &sizedWriter{w: w, size: int(size)}
	var err error
	switch c {
	case None:
		_, err = sw.Write(src)
	case LZ4:
		if size > 0 {
			err = streamLZ4(sw, src[lz4PrefixLen:])
		}
	case Zlib:
		err = streamZlib(sw, src)
	default:
		err = streamZstd(sw, src)
	}
	if sw.err != nil {
		return sw.err
	}
	if err == nil && sw.got != sw.size {
		err = errcode.New(pkg, errcode.ErrFormat, "%s stream decodes to %d bytes, want %d", c, sw.got, sw.size)
	}
	return err
}

// sizedWriter passes at most size bytes on to w, in pieces of at most
// StreamPiece, and fails on more.
type sizedWriter struct {
	w         io.Writer
	size, got int
	err       error // w's error, returned as is
}

func (s *sizedWriter) Write(p []byte) (int, error) {
	if len(p) > s.size-s.got {
		return 0, errcode.New(pkg, errcode.ErrFormat, "stream decodes to more than %d bytes", s.size)
	}
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), StreamPiece)
		if _, err := s.w.Write(p[:k]); err != nil {
			s.err = err
			return 0, err
		}
		s.got += k
		p = p[k:]
	}
	return n, nil
}

// lz4Window is how far back an LZ4 match reaches (the offset is a u16).
const lz4Window = 1 << 16

var lz4Bufs = sync.Pool{New: func() any { b := make([]byte, lz4Window+StreamPiece); return &b }}

// streamLZ4 decodes one LZ4 block (the block format: sequences of a token,
// literals, a u16 offset and a match) into w, keeping the last 64 KiB of
// output as the match history. It accepts what the block decoder behind
// Decompress accepts, including its refusal of a short literal near the
// end of the output when more input follows (TestLZ4StreamAgrees checks
// the two against each other).
func streamLZ4(w *sizedWriter, src []byte) error {
	bp := lz4Bufs.Get().(*[]byte)
	defer lz4Bufs.Put(bp)
	buf, size := *bp, w.size
	pos := 0   // fill of buf
	fresh := 0 // buf[fresh:pos] is not written yet; before it, history already written
	total := 0 // output produced
	bad := func(format string, args ...any) error {
		return errcode.New(pkg, errcode.ErrFormat, "lz4 block: "+format, args...)
	}
	// room makes space in buf, flushing all but the history when it is full.
	room := func() error {
		if pos < len(buf) {
			return nil
		}
		if _, err := w.Write(buf[fresh:pos]); err != nil {
			return err
		}
		copy(buf, buf[pos-lz4Window:pos])
		pos, fresh = lz4Window, lz4Window
		return nil
	}
	// length reads a length extension: bytes added while they are 255.
	length := func(si *int, l int) (int, error) {
		for {
			if *si >= len(src) {
				return 0, bad("truncated in a length")
			}
			x := int(src[*si])
			*si++
			if l > size {
				return 0, bad("length past the %d-byte output", size)
			}
			l += x
			if x != 255 {
				return l, nil
			}
		}
	}
	if len(src) == 0 {
		return bad("empty")
	}
	si := 0
	for si < len(src) {
		tok := int(src[si])
		si++
		lit := tok >> 4
		if lit == 15 {
			var err error
			if lit, err = length(&si, lit); err != nil {
				return err
			}
		}
		if lit > 0 {
			if lit > len(src)-si {
				return bad("literals past the end of the input")
			}
			if lit > size-total || lit <= 16 && si+16 < len(src) && size-total < 16 {
				return bad("literals past the %d-byte output", size)
			}
			for lit > 0 {
				if err := room(); err != nil {
					return err
				}
				k := copy(buf[pos:], src[si:si+lit])
				pos, total, si, lit = pos+k, total+k, si+k, lit-k
			}
		}
		m := tok & 15
		if si == len(src) && m == 0 {
			break
		}
		if len(src)-si < 2 {
			return bad("truncated in a match offset")
		}
		off := int(binary.LittleEndian.Uint16(src[si:]))
		si += 2
		if off == 0 || off > total {
			return bad("match offset %d with %d bytes decoded", off, total)
		}
		m += 4
		if m == 19 {
			var err error
			if m, err = length(&si, m); err != nil {
				return err
			}
		}
		if m > size-total {
			return bad("match past the %d-byte output", size)
		}
		for m > 0 {
			if err := room(); err != nil {
				return err
			}
			// Copy in doubling steps from off bytes back: a step may read
			// what the previous one wrote, so any offset repeats its period.
			k := min(m, len(buf)-pos)
			for i := 0; i < k; {
				i += copy(buf[pos+i:pos+k], buf[pos-off:pos+i])
			}
			pos, total, m = pos+k, total+k, m-k
		}
	}
	if total != size {
		return bad("decodes to %d bytes, want %d", total, size)
	}
	_, err := w.Write(buf[fresh:pos])
	return err
}

func streamZlib(sw *sizedWriter, src []byte) error {
	return inflateExactly(src, sw.size, func(r io.Reader) (int64, error) { return io.CopyN(sw, r, int64(sw.size)) })
}

// zstdStreams pools streaming decoders, bounded to StreamMaxWindow both in
// window and in the history a single-segment frame keeps.
var zstdStreams = sync.Pool{New: func() any {
	d, _ := zstd.NewReader(nil,
		zstd.WithDecoderConcurrency(1), // synchronous: no goroutines
		zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxWindow(StreamMaxWindow),
		zstd.WithDecoderMaxMemory(StreamMaxWindow),
	)
	return d
}}

// plainReader hides its reader's methods (bytes.Reader's Len, Bytes and
// WriteTo), so the decoder streams from it instead of decoding it whole.
type plainReader struct{ r io.Reader }

func (p plainReader) Read(b []byte) (int, error) { return p.r.Read(b) }

// NewZstdReader returns a pooled streaming zstd decoder of the frames in
// src, for a caller that streams: synchronous (no goroutines), its window
// and the history a single-segment frame keeps bounded to StreamMaxWindow
// (beyond it reads fail with zstd.ErrWindowSizeExceeded or
// zstd.ErrDecoderSizeExceeded). It bounds nothing else: the caller bounds
// what it reads. An error starting the stream is the library's, as it is.
// release returns the decoder to the pool; do not use it after.
func NewZstdReader(src io.Reader) (d *zstd.Decoder, release func(), err error) {
	d, _ = zstdStreams.Get().(*zstd.Decoder)
	if d == nil {
		return nil, nil, errcode.New(pkg, errcode.ErrInternal, "zstd decoder")
	}
	release = func() {
		d.Reset(nil)
		zstdStreams.Put(d)
	}
	if err := d.Reset(plainReader{src}); err != nil {
		release()
		return nil, nil, err
	}
	return d, release, nil
}

func streamZstd(sw *sizedWriter, src []byte) error {
	size := sw.size
	var h zstd.Header
	if err := h.Decode(src); err != nil {
		return formatErr(err, "zstd frame header")
	}
	win := h.WindowSize
	if h.SingleSegment {
		win = h.FrameContentSize
	}
	if win > StreamMaxWindow {
		out, err := decompressZstd(nil, src, size)
		if err != nil {
			return err
		}
		_, err = sw.Write(out)
		return err
	}
	d, release, err := NewZstdReader(bytes.NewReader(src))
	if err != nil {
		if _, ok := err.(*errcode.Error); ok { // no decoder
			return err
		}
		return formatErr(err, "zstd frame")
	}
	defer release()
	if _, err := d.WriteTo(sw); err != nil {
		return formatErr(err, "zstd frame")
	}
	return nil
}
