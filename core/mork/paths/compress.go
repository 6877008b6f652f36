package paths

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/codec"
)

// Neither PATHMAP1 nor .paths declares its uncompressed size, so the
// bounded whole-buffer codecs of core/internal/codec (which decode to a
// size the caller states) do not apply, and LZ4 here is the frame format,
// not codec's block format. Payloads are decompressed as streams instead,
// with codec's pooled zlib and zstd streams (NewZlibReader, NewZstdReader,
// NewZlibWriter) and pierrec/lz4's frame reader and writer, through
// boundedReader, which stops at a budget computed from the Limits, and
// straight into the record parser, so no decompressed buffer is ever held
// whole.

// lz4BlockSize is the LZ4 frame block size written: 64 KiB, liblz4's
// default, which the seed's lz4::EncoderBuilder uses.
const lz4BlockSize = lz4.Block64Kb

var zstdEncoders = sync.Pool{New: func() any {
	e, _ := zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(pathMap1ZstdLevel)),
		zstd.WithEncoderConcurrency(1), // synchronous: no goroutines
		zstd.WithEncoderCRC(true),
	)
	return e
}}

// decoder is an opened decompression stream.
type decoder struct {
	c       Compression
	r       io.Reader
	release func()
}

// openDecoder starts decompressing src with c (not None). src should be an
// io.ByteReader (bytes.Reader, bufio.Reader), so that zlib reads no byte
// past its stream.
func openDecoder(c Compression, src io.Reader) (*decoder, error) {
	var r io.Reader
	release := func() {}
	var err error
	switch c {
	case Zlib:
		r, release, err = codec.NewZlibReader(src)
	case LZ4:
		r = lz4.NewReader(src)
	case Zstd:
		r, release, err = codec.NewZstdReader(src)
	default:
		return nil, errcode.New(pkg, errcode.ErrUnsupported, "compression %s", c)
	}
	if err != nil {
		return nil, codecErr(c, err)
	}
	return &decoder{c: c, r: r, release: release}, nil
}

// codecErr classifies an error from a decompressor: a checksum in the
// stream that does not match is ErrChecksum, a stream that needs a preset
// dictionary ErrUnsupported, a zstd window above codec.StreamMaxWindow ErrLimit,
// anything else (a corrupt or truncated stream) ErrFormat. Errors already
// classified pass as they are.
func codecErr(c Compression, err error) error {
	var e *errcode.Error
	switch {
	case errors.As(err, &e):
		return err
	case errors.Is(err, zlib.ErrChecksum), errors.Is(err, zstd.ErrCRCMismatch),
		errors.Is(err, lz4.ErrInvalidFrameChecksum), errors.Is(err, lz4.ErrInvalidBlockChecksum),
		errors.Is(err, lz4.ErrInvalidHeaderChecksum):
		return errcode.Wrap(pkg, errcode.ErrChecksum, err, "%s stream checksum", c)
	case errors.Is(err, zlib.ErrDictionary), errors.Is(err, zstd.ErrUnknownDictionary):
		return errcode.Wrap(pkg, errcode.ErrUnsupported, err, "%s stream needs a preset dictionary", c)
	case errors.Is(err, zstd.ErrWindowSizeExceeded), errors.Is(err, zstd.ErrDecoderSizeExceeded):
		return errcode.Wrap(pkg, errcode.ErrLimit, err, "zstd window above %d bytes", codec.StreamMaxWindow)
	case err == io.ErrUnexpectedEOF || err == io.EOF:
		return errcode.Wrap(pkg, errcode.ErrFormat, err, "%s stream truncated", c)
	}
	return errcode.Wrap(pkg, errcode.ErrFormat, err, "%s stream", c)
}

// boundedReader reads a decompressor's output and fails with ErrLimit once
// it would pass its budget. The budget may grow as the decompressor reads
// more input (a ratio over the bytes read so far); a stream that ends
// exactly at the budget is not an error. A panic in the decoder becomes an
// ErrFormat.
type boundedReader struct {
	d       *decoder
	n       int64                  // bytes delivered
	budget  func() (int64, string) // most bytes that may be delivered, and what sets it
	probe   [1]byte
	pending bool // probe holds a byte read past the budget, not yet delivered
	what    string
}

func (b *boundedReader) limitErr(limit int64, which string) error {
	return errcode.New(pkg, errcode.ErrLimit, "%s decompresses to more than %d bytes (%s)", b.what, limit, which)
}

func (b *boundedReader) Read(p []byte) (k int, err error) {
	if len(p) == 0 {
		return 0, nil
	}
	limit, which := b.budget()
	if b.n >= limit || b.pending {
		if !b.pending {
			// One byte more tells a stream that ends at the budget from one that goes on.
			if k, err := b.read(b.probe[:]); k == 0 {
				return 0, err
			}
			b.pending = true
			limit, which = b.budget()
		}
		if b.n >= limit {
			return 0, b.limitErr(limit, which)
		}
		p[0], b.pending = b.probe[0], false
		b.n++
		return 1, nil
	}
	if int64(len(p)) > limit-b.n {
		p = p[:limit-b.n]
	}
	k, err = b.read(p)
	b.n += int64(k)
	return k, err
}

// read reads from the decoder, classifying its errors and recovering its panics.
func (b *boundedReader) read(p []byte) (k int, err error) {
	defer func() {
		if r := recover(); r != nil {
			k, err = 0, errcode.New(pkg, errcode.ErrFormat, "%s: %s decoder panic: %v", b.what, b.d.c, r)
		}
	}()
	for k == 0 && err == nil {
		k, err = b.d.r.Read(p)
	}
	if err != nil && err != io.EOF {
		err = codecErr(b.d.c, err)
	}
	return k, err
}

// nopCloser closes nothing: the None compressor.
type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// openEncoder returns a writer compressing into w with c; Close ends the
// stream (and does not close w). release returns pooled state: call it
// after Close, or instead of it on failure.
func openEncoder(c Compression, w io.Writer, zlibLevel int) (io.WriteCloser, func(), error) {
	switch c {
	case None:
		return nopCloser{w}, func() {}, nil
	case Zlib:
		return codec.NewZlibWriter(w, zlibLevel)
	case LZ4:
		lw := lz4.NewWriter(w)
		if err := lw.Apply(lz4.BlockSizeOption(lz4BlockSize), lz4.ChecksumOption(true),
			lz4.BlockChecksumOption(false), lz4.ConcurrencyOption(1), lz4.CompressionLevelOption(lz4.Fast)); err != nil {
			return nil, nil, errcode.Wrap(pkg, errcode.ErrInternal, err, "lz4 writer")
		}
		return lw, func() {}, nil
	case Zstd:
		e, _ := zstdEncoders.Get().(*zstd.Encoder)
		if e == nil {
			return nil, nil, errcode.New(pkg, errcode.ErrInternal, "zstd encoder")
		}
		e.Reset(w)
		return e, func() {
			e.Reset(io.Discard)
			zstdEncoders.Put(e)
		}, nil
	}
	return nil, nil, errcode.New(pkg, errcode.ErrBadArg, "unknown compression %s", c)
}

// describeBudget names a static ratio budget for errors.
func describeBudget(l Limits, n int64) func() (int64, string) {
	limit, which := l.ratioBudget(n)
	if which == "Limits.MaxRatio" {
		which = fmt.Sprintf("Limits.MaxRatio: %d× its %d bytes", l.MaxRatio, n)
	}
	return func() (int64, string) { return limit, which }
}
