package codec

import (
	"math"
	"strconv"

	"github.com/polyfmt/polyfmt/core/errcode"
)

const pkg = "codec"

// Codec names a chunk compression. The numbers are this package's own; on
// disk a codec is its String name.
type Codec uint8

// The codecs.
const (
	None Codec = iota
	LZ4
	Zlib
	Zstd
)

// names are the on-disk JSON names; they must not change.
var names = [...]string{None: "None", LZ4: "Lz4", Zlib: "Zlib", Zstd: "Zstd"}

// Names lists every codec's on-disk name, in code order.
func Names() []string { return append([]string(nil), names[:]...) }

// String returns the on-disk name: "None", "Lz4", "Zlib" or "Zstd", or
// "Codec(n)" for a value that is none of these.
func (c Codec) String() string {
	if int(c) < len(names) {
		return names[c]
	}
	return "Codec(" + strconv.Itoa(int(c)) + ")"
}

// Parse returns the codec whose on-disk name is s (case-sensitive). Any other
// name is [errcode.ErrUnsupported]: the file is well-formed but uses a codec
// this build does not know.
func Parse(s string) (Codec, error) {
	for i, n := range names {
		if s == n {
			return Codec(i), nil
		}
	}
	return 0, errcode.New(pkg, errcode.ErrUnsupported, "unknown codec %q", s)
}

// Compress appends the compressed form of src to dst and returns the extended
// slice. Level 0 is the codec's default; otherwise LZ4 takes 1 (fast, the
// default) or 2..9 (the high-compression search at that depth), Zlib 1..9,
// and Zstd 1..22 (mapped onto the encoder's four speeds as zstd's own levels
// are). None ignores the level. An unknown codec is
// [errcode.ErrUnsupported], a level out of range [errcode.ErrBadArg], and an
// LZ4 input above [MaxLZ4Input] [errcode.ErrLimit].
//
// The output is deterministic for a given input, codec, level and version of
// the compression libraries.
func Compress(c Codec, dst, src []byte, level int) ([]byte, error) {
	switch c {
	case None:
		return append(dst, src...), nil
	case LZ4:
		return compressLZ4(dst, src, level)
	case Zlib:
		return compressZlib(dst, src, level)
	case Zstd:
		return compressZstd(dst, src, level)
	}
	return dst, errcode.New(pkg, errcode.ErrUnsupported, "unknown codec %d", uint8(c))
}

// Decompress appends exactly size decompressed bytes of src to dst and
// returns the extended slice, or fails. size is the declared uncompressed
// length; the caller must already have checked it against its limits, as it
// is allocated. Malformed input of any kind, including a stream that decodes
// to any length but size, is [errcode.ErrFormat]; a negative size is
// [errcode.ErrBadArg]. On error the returned slice is dst with its original
// length (its spare capacity may have been written).
func Decompress(c Codec, dst, src []byte, size int64) ([]byte, error) {
	if size < 0 {
		return dst, errcode.New(pkg, errcode.ErrBadArg, "negative size %d", size)
	}
	if size > math.MaxInt-int64(len(dst)) {
		return dst, errcode.New(pkg, errcode.ErrLimit, "size %d does not fit in memory", size)
	}
	n := int(size)
	switch c {
	case None:
		if len(src) != n {
			return dst, errcode.New(pkg, errcode.ErrFormat, "stored chunk is %d bytes, want %d", len(src), n)
		}
		return append(dst, src...), nil
	case LZ4:
		return decompressLZ4(dst, src, n)
	case Zlib:
		return decompressZlib(dst, src, n)
	case Zstd:
		return decompressZstd(dst, src, n)
	}
	return dst, errcode.New(pkg, errcode.ErrUnsupported, "unknown codec %d", uint8(c))
}

// Bound returns the most bytes Compress can produce for n input bytes with
// codec c, or -1 if c is unknown, n is negative or the bound overflows int.
func Bound(c Codec, n int) int {
	if n < 0 || n > math.MaxInt/2 {
		return -1
	}
	switch c {
	case None:
		return n
	case LZ4:
		return lz4Bound(n)
	case Zlib, Zstd:
		// Both fall back to stored or raw blocks on incompressible data:
		// on 4 MiB of random bytes klauspost's deflate adds 5 bytes per
		// 32 KiB or more (648 bytes at level 9) and zstd 3 per 128 KiB block
		// (at most 205 bytes with its header), far below n/256. TestBound
		// checks the bound on random data across block boundaries.
		return n + n>>8 + 64
	}
	return -1
}

// grow returns dst with room for n more bytes, and that room (len n).
func grow(dst []byte, n int) ([]byte, []byte) {
	if cap(dst)-len(dst) < n {
		d := make([]byte, len(dst), len(dst)+n)
		copy(d, dst)
		dst = d
	}
	return dst, dst[len(dst) : len(dst)+n]
}

func formatErr(err error, format string, args ...any) error {
	return errcode.Wrap(pkg, errcode.ErrFormat, err, format, args...)
}
