package mmx

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/codec"
	"github.com/polyfmt/polyfmt/core/mmx/morphnet"
)

// Files written by MorphNet (the public implementation) have the same
// header but a bincode directory trailer and bincode payloads; they open
// read-only through core/mmx/morphnet. See docs/spec/mmx.md, "Import".

func isMorphNet(r io.ReaderAt, size uint64) bool {
	var tail [8]byte
	if _, err := r.ReadAt(tail[:], int64(size)-8); err != nil || string(tail[:]) == tailMagic {
		return false
	}
	return morphnet.Detect(r, int64(size))
}

func (f *File) morphLimits() *morphnet.Limits {
	return &morphnet.Limits{MaxEntries: f.lim.MaxChunks, MaxNameLen: f.lim.MaxNameLen, MaxDims: f.lim.MaxDims,
		MaxDirectoryBytes: f.lim.MaxDirectoryBytes, MaxPayloadBytes: int64(min(f.lim.MaxChunkBytes, math.MaxInt64))}
}

var morphTypes = map[morphnet.ChunkType]ChunkType{
	morphnet.ChunkTensor: TypeTensor, morphnet.ChunkSequence: TypeSequence, morphnet.ChunkText: TypeText,
	morphnet.ChunkMesh: TypeMesh, morphnet.ChunkEmbedding: TypeEmbedding, morphnet.ChunkMeta: TypeMeta,
}

func (f *File) openMorphNet(size uint64) error {
	mf, err := morphnet.Parse(f.store.R, int64(size), f.morphLimits())
	if err != nil {
		return err
	}
	chunks := make(map[string]*Entry, len(mf.Entries))
	for _, me := range mf.Entries {
		ct, ok := morphTypes[me.Type]
		if !ok {
			ct = ChunkType(me.Type.String()) // GeometricTemplate: listed, not readable
		}
		e := &Entry{Name: me.Key, ChunkType: ct, Offset: me.Offset, Size: me.Size, Alignment: 1,
			Compression: [...]string{"None", "Lz4", "Zlib"}[me.Compression], LogicalRegion: me.LogicalRegion, morphnet: true}
		if me.Compression == morphnet.CompressionNone {
			e.UncompressedSize = me.Size
		}
		if me.HasShape && me.Dtype != nil {
			d := DType(*me.Dtype)
			e.Shape, e.DType = append([]uint64{}, me.Shape...), &d
		}
		if me.Checksum != nil {
			e.Checksum = hex.EncodeToString(me.Checksum[:])
		}
		chunks[me.Key] = e
	}
	str := func(k string) string { s, _ := mf.Header[k].(string); return s }
	f.id = identity{FileID: str("file_id"), Created: str("created"), Creator: str("creator")}
	if m, ok := mf.Header["model_uuid"].(string); ok {
		f.id.ModelUUID = &m
	}
	f.committed, f.pending = chunks, map[string]*Entry{}
	f.gen, f.end, f.commitEnd, f.recOff = 1, size, size, uint64(mf.DirectoryOffset)
	f.hdr = f.headerFor(chunks, size, nil)
	f.readOnlyReason = "it was written by MorphNet and opens read-only"
	return nil
}

// morphPayload decompresses a MorphNet chunk: LZ4 blocks carry their size,
// zlib streams do not (bounded by MaxChunkBytes).
func morphPayload(e *Entry, stored []byte, lim Limits) ([]byte, error) {
	switch e.Compression {
	case "None":
		return stored, nil
	case "Lz4":
		if len(stored) < 4 {
			return nil, errcode.New("mmx", errcode.ErrFormat, "chunk %q: LZ4 block without its size", e.Name)
		}
		// The size prefix is the file's word: checked against the limits,
		// then by the codec against the block, before anything is allocated.
		n := uint64(binary.LittleEndian.Uint32(stored))
		if n > lim.MaxChunkBytes {
			return nil, errcode.New("mmx", errcode.ErrLimit, "chunk %q: %d bytes uncompressed, limit %d", e.Name, n, lim.MaxChunkBytes)
		}
		if n > lim.expandable(uint64(len(stored))) {
			return nil, lim.ratioErr(e.Name, uint64(len(stored)), n)
		}
		return codec.Decompress(codec.LZ4, nil, stored, int64(n))
	default:
		zr, err := zlib.NewReader(bytes.NewReader(stored))
		if err != nil {
			return nil, errcode.Wrap("mmx", errcode.ErrFormat, err, "chunk %q", e.Name)
		}
		// No declared size: bounded by MaxChunkBytes and MaxRatio.
		most := min(lim.expandable(uint64(len(stored))), math.MaxInt64-1)
		out, err := io.ReadAll(io.LimitReader(zr, int64(most)+1))
		if err != nil {
			return nil, errcode.Wrap("mmx", errcode.ErrFormat, err, "chunk %q", e.Name)
		}
		if uint64(len(out)) > most {
			return nil, errcode.New("mmx", errcode.ErrLimit, "chunk %q inflates past %d bytes (Limits.MaxChunkBytes, Limits.MaxRatio)", e.Name, most)
		}
		return out, nil
	}
}

func morphLim(lim *Limits) *morphnet.Limits {
	l := lim.orDefault()
	return &morphnet.Limits{MaxEntries: l.MaxChunks, MaxNameLen: l.MaxNameLen, MaxDims: l.MaxDims,
		MaxDirectoryBytes: l.MaxDirectoryBytes, MaxPayloadBytes: int64(min(l.MaxChunkBytes, math.MaxInt64))}
}

func f32Tensor(shape []uint64, data []float32) *Tensor {
	return Float32Tensor(append([]uint64{}, shape...), data)
}

func morphnetTensor(e *Entry, b []byte, lim *Limits) (*Tensor, error) {
	if e.ChunkType == TypeEmbedding {
		em, err := morphnet.DecodeEmbedding(b, morphLim(lim))
		if err != nil {
			return nil, err
		}
		return f32Tensor(em.Shape, em.Data), nil
	}
	shape, data, err := morphnet.DecodeTensor(b, morphLim(lim))
	if err != nil {
		return nil, err
	}
	return f32Tensor(shape, data), nil
}

func morphnetEmbedding(f *File, e *Entry) (*Embedding, error) {
	_, b, _, err := f.payload(e.Name, TypeEmbedding)
	if err != nil {
		return nil, err
	}
	em, err := morphnet.DecodeEmbedding(b, morphLim(&f.lim))
	if err != nil {
		return nil, err
	}
	return &Embedding{Tensor: *f32Tensor(em.Shape, em.Data), Method: em.Method, Labels: em.Labels}, nil
}

func morphnetMesh(b []byte, lim *Limits) (*Mesh, error) {
	m, err := morphnet.DecodeMesh(b, morphLim(lim))
	if err != nil {
		return nil, err
	}
	out := &Mesh{Vertices: m.Vertices, Faces: m.Faces}
	if m.HasNormals {
		out.Normals = m.Normals
		if out.Normals == nil {
			out.Normals = [][3]float32{}
		}
	}
	if m.HasUVs {
		out.UVs = m.UVs
		if out.UVs == nil {
			out.UVs = [][2]float32{}
		}
	}
	if m.HasMaterials {
		out.Materials = m.Materials
		if out.Materials == nil {
			out.Materials = map[string]string{}
		}
	}
	return out, nil
}

func morphnetSequence(b []byte, lim *Limits) (*Sequence, error) {
	s, err := morphnet.DecodeSequence(b, morphLim(lim))
	if err != nil {
		return nil, err
	}
	out := &Sequence{Frames: s.Frames, Metadata: s.Metadata}
	if s.FPS != nil {
		v := float64(*s.FPS)
		out.FPS = &v
	}
	if s.Duration != nil {
		v := float64(*s.Duration)
		out.Duration = &v
	}
	return out, nil
}

func morphnetText(b []byte, lim *Limits) (*Text, error) {
	t, err := morphnet.DecodeText(b, morphLim(lim))
	if err != nil {
		return nil, err
	}
	return &Text{Content: t.Content, Encoding: t.Encoding, Language: t.Language, Tokens: t.Tokens}, nil
}

func morphnetMeta(b []byte, lim *Limits) (*Meta, error) {
	m, err := morphnet.DecodeMetaRecord(b, morphLim(lim))
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(m.Data)
	if err != nil {
		return nil, errcode.Wrap("mmx", errcode.ErrFormat, err, "meta")
	}
	return &Meta{Timestamp: m.Timestamp, Data: data}, nil
}
