package mmx

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/codec"
	"github.com/polyfmt/polyfmt/core/internal/jsonx"
)

// Entry is one chunk's directory record. The first nine fields are the
// seed's; the rest are what a reader needs besides.
type Entry struct {
	Name             string         `json:"name"`
	ChunkType        ChunkType      `json:"chunk_type"`
	Offset           uint64         `json:"offset"`
	Size             uint64         `json:"size"` // stored (compressed) bytes
	Compression      string         `json:"compression"`
	Shape            []uint64       `json:"shape"`          // arrays (Tensor, Embedding), else null
	DType            *DType         `json:"dtype"`          // arrays, else null
	LogicalRegion    *string        `json:"logical_region"` // null when none
	Checksum         string         `json:"checksum"`       // of the stored bytes, hex, by ChecksumAlgorithm
	UncompressedSize uint64         `json:"uncompressed_size"`
	Alignment        uint64         `json:"alignment"`
	Attributes       map[string]any `json:"attributes,omitempty"` // Embedding: method, labels
	// ChecksumAlgorithm names Checksum's algorithm: "" (absent) is SHA-256,
	// "blake3" BLAKE3-256, "crc32c" CRC-32C (ChecksumAlgorithm constants).
	ChecksumAlgorithm ChecksumAlgorithm `json:"checksum_algorithm,omitempty"`

	morphnet bool // payload in MorphNet's bincode encoding (imported files)
}

// codec returns the entry's compression.
func (e *Entry) codec() codec.Codec {
	c, _ := codec.Parse(e.Compression)
	return c
}

// identity is the part of the header that never changes; each directory
// repeats it so a torn header can be rebuilt.
type identity struct {
	FileID    string  `json:"file_id"`
	Created   string  `json:"created"`
	Creator   string  `json:"creator"`
	ModelUUID *string `json:"model_uuid"`
}

// dirDoc is the directory JSON.
type dirDoc struct {
	Version    uint32            `json:"version"`
	Generation uint64            `json:"generation"`
	File       identity          `json:"file"`
	Chunks     map[string]*Entry `json:"chunks"`
}

// encodeRecord returns the directory record for doc, to be written at off.
func encodeRecord(doc *dirDoc, off uint64) ([]byte, error) {
	js, err := jsonx.Marshal(doc)
	if err != nil {
		return nil, err
	}
	rec := make([]byte, dirHeadSize, dirRecordSize(len(js)))
	copy(rec, dirMagic)
	le := binary.LittleEndian
	le.PutUint32(rec[4:], dirVersion)
	le.PutUint64(rec[8:], doc.Generation)
	le.PutUint64(rec[16:], uint64(len(js)))
	rec = append(rec, js...)
	sum := sha256.Sum256(rec)
	rec = append(rec, sum[:]...)
	rec = le.AppendUint64(rec, off)
	return append(rec, tailMagic...), nil
}

// validName: non-empty UTF-8 without control characters.
func validName(name string, lim Limits) error {
	switch {
	case name == "":
		return errcode.New("mmx", errcode.ErrBadArg, "empty chunk name")
	case len(name) > lim.MaxNameLen:
		return errcode.New("mmx", errcode.ErrLimit, "chunk name is %d bytes, limit %d", len(name), lim.MaxNameLen)
	case !utf8.ValidString(name):
		return errcode.New("mmx", errcode.ErrBadArg, "chunk name is not UTF-8")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return errcode.New("mmx", errcode.ErrBadArg, "chunk name %q has a control character", name)
	}
	return nil
}

// checkDirectory validates a decoded directory against the file: every
// entry well-formed, inside the data region [HeaderSize, end), aligned, and
// no two chunks overlapping. This is the one structural pass; reads after it
// trust the entries.
func checkDirectory(doc *dirDoc, end uint64, lim Limits) error {
	if doc.Version != Version {
		return errcode.New("mmx", errcode.ErrUnsupported, "directory version %d", doc.Version)
	}
	if len(doc.Chunks) > lim.MaxChunks {
		return errcode.New("mmx", errcode.ErrLimit, "%d chunks, limit %d", len(doc.Chunks), lim.MaxChunks)
	}
	type span struct {
		off, end uint64
		name     string
	}
	spans := make([]span, 0, len(doc.Chunks))
	for key, e := range doc.Chunks {
		bad := func(format string, args ...any) error {
			return errcode.New("mmx", errcode.ErrFormat, "directory entry %q: %s", key, fmt.Sprintf(format, args...))
		}
		if e == nil {
			return bad("null")
		}
		if e.Name != key {
			return bad("name field is %q", e.Name)
		}
		if err := validName(key, lim); err != nil {
			return bad("%v", err)
		}
		if !e.ChunkType.valid() {
			return bad("chunk_type %q", e.ChunkType)
		}
		c, err := codec.Parse(e.Compression)
		if err != nil {
			return errcode.Wrap("mmx", errcode.ErrUnsupported, err, "directory entry %q", key)
		}
		if e.Alignment == 0 || e.Alignment&(e.Alignment-1) != 0 || e.Alignment > 1<<20 || e.Offset%e.Alignment != 0 {
			return bad("offset %d, alignment %d", e.Offset, e.Alignment)
		}
		if e.Offset < HeaderSize || e.Size > end || e.Offset > end-e.Size {
			return bad("bytes [%d, +%d) outside the data region [%d, %d)", e.Offset, e.Size, HeaderSize, end)
		}
		alg, err := parseChecksum(string(e.ChecksumAlgorithm))
		if err != nil {
			return errcode.Wrap("mmx", errcode.ErrUnsupported, err, "directory entry %q", key)
		}
		if _, ok := e.sum(); !ok {
			return bad("checksum %q is not %d hex digits (%s)", e.Checksum, 2*checksumSize[alg], alg.label())
		}
		if e.UncompressedSize > lim.MaxChunkBytes {
			return errcode.New("mmx", errcode.ErrLimit, "directory entry %q: %d bytes uncompressed, limit %d", key, e.UncompressedSize, lim.MaxChunkBytes)
		}
		if c == codec.None && e.UncompressedSize != e.Size {
			return bad("raw chunk of %d bytes says %d uncompressed", e.Size, e.UncompressedSize)
		}
		isArray := e.ChunkType == TypeTensor || e.ChunkType == TypeEmbedding
		if isArray {
			if e.DType == nil || e.Shape == nil {
				return bad("%s without dtype and shape", e.ChunkType)
			}
			if len(e.Shape) > lim.MaxDims {
				return errcode.New("mmx", errcode.ErrLimit, "directory entry %q: %d dimensions, limit %d", key, len(e.Shape), lim.MaxDims)
			}
			n, err := numBytes(*e.DType, e.Shape)
			if err != nil {
				return errcode.Wrap("mmx", errcode.ErrFormat, err, "directory entry %q", key)
			}
			if n != e.UncompressedSize {
				return bad("%s%v is %d bytes, entry says %d", *e.DType, e.Shape, n, e.UncompressedSize)
			}
		} else if e.DType != nil || e.Shape != nil {
			return bad("%s chunk with dtype or shape", e.ChunkType)
		}
		spans = append(spans, span{e.Offset, e.Offset + e.Size, key})
	}
	// By offset, then end: an empty chunk shares its offset with the next one.
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].off != spans[j].off {
			return spans[i].off < spans[j].off
		}
		return spans[i].end < spans[j].end
	})
	for i := 1; i < len(spans); i++ {
		if spans[i].off < spans[i-1].end {
			return errcode.New("mmx", errcode.ErrFormat, "chunks %q and %q overlap", spans[i-1].name, spans[i].name)
		}
	}
	return nil
}

// names returns the keys of m sorted.
func sortedNames(m map[string]*Entry) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
