package mmx

import (
	"math/bits"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// Limits bounds what a reader accepts from untrusted input. A nil *Limits
// means DefaultLimits; zero fields take the default; a negative field is
// [errcode.ErrBadArg] at open or create.
//
// Every size a file declares is checked against these and against the
// file's own bytes before anything is allocated for it: a chunk's
// uncompressed_size against MaxChunkBytes (at open) and against its stored
// size × MaxRatio and, for JSON payloads, MaxJSONBytes (at read and in
// Verify).
type Limits struct {
	// MaxDirectoryBytes bounds one directory's JSON. Default 256 MiB.
	MaxDirectoryBytes int64
	// MaxChunks bounds the entries of a directory. Default 1<<22.
	MaxChunks int
	// MaxChunkBytes bounds one chunk's uncompressed size, at open and at
	// write. Default 16 GiB.
	MaxChunkBytes uint64
	// MaxNameLen bounds chunk names, in bytes. Default 4096.
	MaxNameLen int
	// MaxJSONDepth bounds nesting in every JSON document. Default 64.
	MaxJSONDepth int
	// MaxDims bounds a tensor's number of dimensions. Default 32.
	MaxDims int
	// MaxRatio bounds a compressed chunk's expansion: reading it needs
	// uncompressed_size ≤ size × MaxRatio + RatioFloor, so a file can never
	// make a read allocate more than MaxRatio times its own size. Default
	// 1024, which every LZ4 block (at most 255:1) and zlib stream (at most
	// 1032:1, minus its header) meets by construction; zstd of nearly
	// constant data (zeros: about 9000:1) exceeds it and is ErrLimit
	// naming this field, to be raised by a caller that trusts the file.
	MaxRatio int64
	// MaxJSONBytes bounds a JSON payload (Text, Sequence, Meta, a mesh's
	// materials) uncompressed, as it is decoded in memory. Default 64 MiB.
	MaxJSONBytes int64
}

// RatioFloor is the uncompressed size any compressed chunk may have
// whatever its ratio (64 KiB), so tiny chunks of repetitive data are never
// refused by MaxRatio.
const RatioFloor = 64 << 10

// DefaultLimits are used where no limits are given.
var DefaultLimits = Limits{MaxDirectoryBytes: 256 << 20, MaxChunks: 1 << 22, MaxChunkBytes: 16 << 30,
	MaxNameLen: 4096, MaxJSONDepth: 64, MaxDims: 32, MaxRatio: 1024, MaxJSONBytes: 64 << 20}

// validate rejects negative fields, which would otherwise read as "default".
func (l *Limits) validate() error {
	if l == nil {
		return nil
	}
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"MaxDirectoryBytes", l.MaxDirectoryBytes}, {"MaxChunks", int64(l.MaxChunks)},
		{"MaxNameLen", int64(l.MaxNameLen)}, {"MaxJSONDepth", int64(l.MaxJSONDepth)},
		{"MaxDims", int64(l.MaxDims)}, {"MaxRatio", l.MaxRatio}, {"MaxJSONBytes", l.MaxJSONBytes},
	} {
		if f.v < 0 {
			return errcode.New("mmx", errcode.ErrBadArg, "Limits.%s is %d; limits are positive (0 means the default)", f.name, f.v)
		}
	}
	return nil
}

// orDefault fills zero (and, for limits already validated, negative)
// fields with the defaults.
func (l *Limits) orDefault() Limits {
	d := DefaultLimits
	if l == nil {
		return d
	}
	if l.MaxDirectoryBytes > 0 {
		d.MaxDirectoryBytes = l.MaxDirectoryBytes
	}
	if l.MaxChunks > 0 {
		d.MaxChunks = l.MaxChunks
	}
	if l.MaxChunkBytes > 0 {
		d.MaxChunkBytes = l.MaxChunkBytes
	}
	if l.MaxNameLen > 0 {
		d.MaxNameLen = l.MaxNameLen
	}
	if l.MaxJSONDepth > 0 {
		d.MaxJSONDepth = l.MaxJSONDepth
	}
	if l.MaxDims > 0 {
		d.MaxDims = l.MaxDims
	}
	if l.MaxRatio > 0 {
		d.MaxRatio = l.MaxRatio
	}
	if l.MaxJSONBytes > 0 {
		d.MaxJSONBytes = l.MaxJSONBytes
	}
	return d
}

// isJSON reports whether a chunk type's payload is decoded as one JSON
// document (bounded by MaxJSONBytes).
func (t ChunkType) isJSON() bool {
	return t == TypeText || t == TypeSequence || t == TypeMeta
}

// checkSize checks e's declared uncompressed size against its stored size
// and the limits, before anything is allocated for it. Raw chunks are their
// stored bytes (checked against the file at open) and always pass.
func (l *Limits) checkSize(e *Entry) error {
	u := e.UncompressedSize
	if u > l.MaxChunkBytes {
		return errcode.New("mmx", errcode.ErrLimit, "chunk %q: %d bytes uncompressed, limit %d (Limits.MaxChunkBytes)", e.Name, u, l.MaxChunkBytes)
	}
	if e.ChunkType.isJSON() && u > uint64(l.MaxJSONBytes) {
		return errcode.New("mmx", errcode.ErrLimit, "chunk %q: %s payload of %d bytes, limit %d (Limits.MaxJSONBytes)", e.Name, e.ChunkType, u, l.MaxJSONBytes)
	}
	if e.Compression == "None" || e.morphnet || u <= l.expandable(e.Size) {
		return nil // MorphNet's chunks are checked as they are decoded (morphPayload)
	}
	return l.ratioErr(e.Name, e.Size, u)
}

// expandable is the most a compressed chunk of stored bytes may decode to:
// stored × MaxRatio + RatioFloor (computed without overflow), and never more
// than MaxChunkBytes.
func (l *Limits) expandable(stored uint64) uint64 {
	most := l.MaxChunkBytes
	if hi, lo := bits.Mul64(stored, uint64(l.MaxRatio)); hi == 0 && lo <= most && most-lo > RatioFloor {
		most = lo + RatioFloor
	}
	return most
}

func (l *Limits) ratioErr(name string, stored, u uint64) error {
	return errcode.New("mmx", errcode.ErrLimit, "chunk %q: %d bytes stored declare %d uncompressed, more than %d:1 (Limits.MaxRatio, option max_ratio, CLI -max-ratio: raise it for files you trust)",
		name, stored, u, l.MaxRatio)
}
