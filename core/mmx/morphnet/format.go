package morphnet

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// Wire constants of files written by MorphNet. They describe files that
// already exist and must not change.
const (
	Magic         = "MMX\x00"                // 4 bytes at offset 0
	Version       = 1                        // u32 LE at offset 4; MorphNet rejects any other value
	HeaderSize    = 4096                     // the header region; chunk bytes start here
	MaxHeaderJSON = HeaderSize - fixedHeader // 4084: the longest header JSON that fits before the first chunk
	TrailerSize   = 8                        // u64 LE directory length D, the file's last 8 bytes
	ChecksumSize  = 32                       // SHA-256, stored without a length prefix

	// MinFileSize is the empty file: header, an empty directory (a u64
	// entry count of 0) and the trailer.
	MinFileSize = HeaderSize + 8 + TrailerSize // 4112
)

const (
	fixedHeader = 12 // magic, version, json_len
	pkg         = "morphnet"
)

// fixedHdr is the first 12 bytes of a file.
//
//	off size field
//	  0    4 magic "MMX\0"
//	  4    4 version u32 LE (1)
//	  8    4 json_len u32 LE (≤ 4084)
type fixedHdr [fixedHeader]byte

func (h *fixedHdr) magic() string   { return string(h[0:4]) }
func (h *fixedHdr) version() uint32 { return binary.LittleEndian.Uint32(h[4:8]) }
func (h *fixedHdr) jsonLen() uint32 { return binary.LittleEndian.Uint32(h[8:12]) }

// ChunkType is the bincode variant index of MorphNet's ChunkType enum. Serde
// encodes unit variants by position, so these are 0…6 even though the Rust
// enum declares discriminants 1…7.
type ChunkType uint32

// The chunk types, in MorphNet's declaration order; String gives the
// variant names ("Tensor", …).
const (
	ChunkTensor            ChunkType = 0
	ChunkSequence          ChunkType = 1
	ChunkText              ChunkType = 2
	ChunkMesh              ChunkType = 3
	ChunkEmbedding         ChunkType = 4
	ChunkMeta              ChunkType = 5
	ChunkGeometricTemplate ChunkType = 6
	numChunkTypes                    = 7
)

var chunkTypeNames = [numChunkTypes]string{"Tensor", "Sequence", "Text", "Mesh", "Embedding", "Meta", "GeometricTemplate"}

// String returns the variant name, or "ChunkType(n)" for an unknown index.
func (t ChunkType) String() string {
	if t < numChunkTypes {
		return chunkTypeNames[t]
	}
	return "ChunkType(" + strconv.FormatUint(uint64(t), 10) + ")"
}

// Compression is the bincode variant index of MorphNet's CompressionType.
type Compression uint32

// The compression methods; String gives the variant names ("None", "Lz4",
// "Zlib"). Lz4 chunks are a u32 LE uncompressed length
// followed by one LZ4 block; Zlib chunks are an RFC 1950 stream.
const (
	CompressionNone Compression = 0
	CompressionLz4  Compression = 1
	CompressionZlib Compression = 2
	numCompressions             = 3
)

var compressionNames = [numCompressions]string{"None", "Lz4", "Zlib"}

// String returns the variant name, or "Compression(n)" for an unknown index.
func (c Compression) String() string {
	if c < numCompressions {
		return compressionNames[c]
	}
	return "Compression(" + strconv.FormatUint(uint64(c), 10) + ")"
}

// Entry is one directory entry. Parse guarantees that
// [Offset, Offset+Size) lies between the header and the directory.
type Entry struct {
	Key           string // the directory map's key (MorphNet uses the chunk path for both)
	Name          string // the entry's own name field
	Type          ChunkType
	Offset        uint64 // absolute file offset of the stored bytes
	Size          uint64 // stored (possibly compressed) byte count
	Compression   Compression
	Shape         []uint64            // nil when HasShape is false
	HasShape      bool                // Some(shape); MorphNet always writes None
	Dtype         *string             // nil for None; MorphNet always writes None
	LogicalRegion *string             // nil for None; MorphNet always writes None
	Checksum      *[ChecksumSize]byte // SHA-256 of the stored bytes; nil for None
}

// StoredRange returns the stored bytes' file offset and length, for ReadAt.
// For an entry returned by Parse both fit in an int64.
func (e *Entry) StoredRange() (off, n int64) {
	return int64(e.Offset), int64(e.Size)
}

// VerifyChecksum checks stored (the entry's Size bytes read at its Offset,
// before decompression) against the entry's SHA-256. It returns ErrChecksum
// on a mismatch, ErrBadArg when len(stored) is not Size, and nil when the
// entry carries no checksum.
func (e *Entry) VerifyChecksum(stored []byte) error {
	if uint64(len(stored)) != e.Size {
		return errcode.New(pkg, errcode.ErrBadArg, "chunk %q: got %d stored bytes, entry says %d", e.Key, len(stored), e.Size)
	}
	if e.Checksum == nil {
		return nil
	}
	if sha256.Sum256(stored) != *e.Checksum {
		return errcode.At(pkg, errcode.ErrChecksum, int64(e.Offset), "chunk %q: SHA-256 of the stored bytes does not match the directory", e.Key)
	}
	return nil
}

// File is what Parse read: the header and the directory. It holds no
// reference to the input and is safe for concurrent reads.
type File struct {
	Version    uint32
	HeaderJSON []byte         // the json_len bytes at offset 12, as stored
	Header     map[string]any // HeaderJSON decoded; numbers are json.Number so 64-bit values stay exact
	Entries    []Entry        // in directory (file) order
	// DirectoryOffset is where the bincode directory starts: size-8-D.
	DirectoryOffset int64
}
