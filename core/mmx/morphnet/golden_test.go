package morphnet

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

var update = flag.Bool("update", false, "rewrite the vectors and README.md in core/testdata/mmx/morphnet")

const vectorDir = "../../testdata/mmx/morphnet"

func ptr[T any](v T) *T { return &v }

// The values the vectors hold.
var (
	tensorShape = []uint64{2, 3}
	tensorData  = []float32{0, 1, 2, 3, 4, 5}
	textFull    = Text{Content: "Grüße, MMX! 🌍", Encoding: "utf-8", Language: ptr("de"),
		Tokens: []uint32{9906, 11, 386, 0, 4294967295}, HasTokens: true}
	textBare = Text{Content: "", Encoding: "utf-8"}
	frame0   = []float32{0.25, 0.5, 0.75, 1}
	frame1   = []float32{-1, -0.5, float32(1e-7), 65504}
	seq      = Sequence{Frames: []string{"frames/00000", "frames/00001"}, FPS: ptr(float32(30)),
		Metadata: map[string]string{"camera": "front", "units": "m"}}
	meshFull = Mesh{
		Vertices:   [][3]float32{{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
		Faces:      [][3]uint32{{0, 2, 1}, {0, 1, 3}, {0, 3, 2}, {1, 2, 3}},
		Normals:    [][3]float32{{-0.57735026, -0.57735026, -0.57735026}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
		HasNormals: true,
		UVs:        [][2]float32{{0, 0}, {1, 0}, {0, 1}, {1, 1}}, HasUVs: true,
		Materials: map[string]string{"diffuse": "#ff8800", "name": "tetra"}, HasMaterials: true,
	}
	meshBare = Mesh{Vertices: [][3]float32{{0, 0, 0}, {1, 0, 0}, {0, 1, 0}}, Faces: [][3]uint32{{0, 1, 2}}}
	emb      = Embedding{Shape: []uint64{3, 2}, Data: []float32{0.5, -1, 2.25, 0, 0.001, 3.5}, Method: "PCA",
		Labels: []string{"cat", "dog", "bird"}, HasLabels: true}
	metaEnv = Meta{Data: map[string]any{}, HasEnvelope: true, Timestamp: "2025-06-05T12:34:56.123456789Z", Version: "0.1.0"}
)

// The directory entry of the reference's example, byte for byte: {name "/t",
// Tensor, offset 4096, size 40, Lz4, None, None, None, Some(sha256("abc"))}.
const refEntryHex = "02000000000000002f74" + "00000000" + "0010000000000000" + "2800000000000000" + "01000000" +
	"00" + "00" + "00" + "01" + "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

// The reference's tensor payload: shape [2,3], values 0..5.
const refTensorHex = "0200000000000000" + "0200000000000000" + "0300000000000000" + "0600000000000000" +
	"00000000" + "0000803f" + "00000040" + "00004040" + "00008040" + "0000a040"

// refLz4Hex is a 40-byte Lz4 chunk, the size the reference's example entry
// records: a tensor of shape [10] holding 1.0 ten times (64 bytes), as u32
// 64 then the 36-byte block pierrec/lz4 makes of it. The reference's own
// example tensor cannot be that chunk: the shortest LZ4 block for its 56
// bytes is 37 bytes (41 stored), so the example's size, like its checksum,
// is illustrative.
const refLz4Hex = "40000000" + "2201000100120a07000508004f0000803f040001001400c00000803f0000803f0000803f"

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// outcome is what the reader makes of a vector: Parse's error kind, and
// the first error met while verifying and decoding its chunks in order.
type outcome struct {
	parse, chunks error
}

type vector struct {
	file, desc string
	make       func(tb testing.TB) []byte
	want       outcome
}

func mutate(src func(testing.TB) []byte, fn func(b []byte) []byte) func(testing.TB) []byte {
	return func(tb testing.TB) []byte { return fn(slices.Clone(src(tb))) }
}

// dirStart returns the offset of b's directory, from its trailer.
func dirStart(b []byte) int {
	return len(b) - TrailerSize - int(binary.LittleEndian.Uint64(b[len(b)-TrailerSize:]))
}

func tensorFile(c Compression) func(testing.TB) []byte {
	return func(tb testing.TB) []byte {
		return build(tb, []write{{key: "/t", typ: ChunkTensor, comp: c, payload: encTensor(tensorShape, tensorData)}}, nil)
	}
}

func emptyFile(tb testing.TB) []byte { return build(tb, nil, nil) }

func refEntryFile(tb testing.TB) []byte {
	var dir bw
	dir.u64(1)
	dir.str("/t")
	dir.b = append(dir.b, mustHex(refEntryHex)...)
	chunk := mustHex(refLz4Hex)
	js := fmt.Sprintf(`{"version":1,"file_id":"baf0db68-7ae2-4fd7-8991-01cce14b9d7b","created":"2025-06-05T12:34:56.123456789Z","creator":"sustilliano","model_uuid":null,"modality_summary":{},"total_chunks":1,"file_size":%d}`,
		HeaderSize+len(chunk)+len(dir.b)+TrailerSize)
	return assemble(js, chunk, dir.b)
}

func mixedFile(tb testing.TB) []byte {
	return build(tb, []write{
		{key: "a", typ: ChunkTensor, comp: CompressionLz4, payload: encTensor([]uint64{1}, []float32{42})},
		{key: "notes", typ: ChunkText, comp: CompressionZlib, payload: encText(textFull)},
		{key: "a", typ: ChunkTensor, comp: CompressionLz4, payload: encTensor(tensorShape, tensorData)},
		{key: "emb", typ: ChunkEmbedding, comp: CompressionNone, payload: encEmbedding(emb)},
		{key: "mesh", typ: ChunkMesh, comp: CompressionLz4, payload: encMesh(meshBare)},
		{key: "special", typ: ChunkTensor, comp: CompressionNone, payload: encTensor([]uint64{0, 3}, nil),
			shape: []uint64{0, 3}, hasShape: true, dtype: ptr("float32"), region: ptr("video_segment_A"), noChecksum: true},
		{key: "meta", typ: ChunkMeta, comp: CompressionLz4, payload: encMeta(Meta{})},
	}, []string{"special", "notes", "a", "meta", "emb", "mesh"})
}

var vectors = []vector{
	{"empty.mmx", "no chunks: header, empty directory (8 zero bytes), D = 8; exactly 4112 bytes", emptyFile, outcome{}},
	{"tensor_none.mmx", `one Tensor "/t" [2,3] = 0..5 stored uncompressed (the reference's 56-byte payload)`, tensorFile(CompressionNone), outcome{}},
	{"tensor_lz4.mmx", `the same tensor, Lz4 (u32 length + LZ4 block, as MorphNet writes every chunk)`, tensorFile(CompressionLz4), outcome{}},
	{"tensor_zlib.mmx", `the same tensor, Zlib (RFC 1950, level 6)`, tensorFile(CompressionZlib), outcome{}},
	{"reference_entry.mmx", `the reference's example directory entry byte for byte ("/t", Tensor, offset 4096, size 40, Lz4, checksum SHA-256("abc")) over a 40-byte Lz4 chunk of a [10] tensor of ones; parses, but the example's checksum is a placeholder, so verification fails`, refEntryFile, outcome{chunks: errcode.ErrChecksum}},
	{"text.mmx", `Text "text/full" (non-ASCII content, language Some("de"), tokens Some incl. 0 and 2^32-1) and "text/bare" (empty content, None, None), Lz4`, func(tb testing.TB) []byte {
		return build(tb, []write{
			{key: "text/full", typ: ChunkText, comp: CompressionLz4, payload: encText(textFull)},
			{key: "text/bare", typ: ChunkText, comp: CompressionLz4, payload: encText(textBare)},
		}, nil)
	}, outcome{}},
	{"sequence.mmx", `two [2,2] tensor frames and a Sequence "video/clip" naming them, fps Some(30), duration None, metadata {camera: front, units: m}, Lz4`, func(tb testing.TB) []byte {
		return build(tb, []write{
			{key: "frames/00000", typ: ChunkTensor, comp: CompressionLz4, payload: encTensor([]uint64{2, 2}, frame0)},
			{key: "frames/00001", typ: ChunkTensor, comp: CompressionLz4, payload: encTensor([]uint64{2, 2}, frame1)},
			{key: "video/clip", typ: ChunkSequence, comp: CompressionLz4, payload: encSequence(seq)},
		}, nil)
	}, outcome{}},
	{"mesh_full.mmx", `Mesh "mesh/tetra": 4 vertices, 4 faces, normals, uvs and materials all Some, Lz4`, func(tb testing.TB) []byte {
		return build(tb, []write{{key: "mesh/tetra", typ: ChunkMesh, comp: CompressionLz4, payload: encMesh(meshFull)}}, nil)
	}, outcome{}},
	{"mesh_bare.mmx", `Mesh "mesh/tri": 3 vertices, 1 face, normals, uvs and materials None, Lz4`, func(tb testing.TB) []byte {
		return build(tb, []write{{key: "mesh/tri", typ: ChunkMesh, comp: CompressionLz4, payload: encMesh(meshBare)}}, nil)
	}, outcome{}},
	{"embedding.mmx", `Embedding "emb/pca": shape [3,2], 6 floats, method "PCA", labels Some([cat, dog, bird]), Lz4`, func(tb testing.TB) []byte {
		return build(tb, []write{{key: "emb/pca", typ: ChunkEmbedding, comp: CompressionLz4, payload: encEmbedding(emb)}}, nil)
	}, outcome{}},
	{"meta_empty.mmx", `Meta "meta" as write_metadata(MetaData::new()) stores it: empty data map, timestamp, version "0.1.0", Lz4`, func(tb testing.TB) []byte {
		return build(tb, []write{{key: "meta", typ: ChunkMeta, comp: CompressionLz4, payload: encMeta(metaEnv)}}, nil)
	}, outcome{}},
	{"mixed.mmx", `seven writes, six entries in an unsorted directory order: "a" written twice (its first 26 stored bytes at 4096 are dead space; total_chunks 7), Text zlib, Embedding None, Mesh, a bare empty Meta map (8 bytes), and "special": a [0,3] tensor whose entry has shape Some([0,3]), dtype Some("float32"), logical_region Some("video_segment_A") and checksum None (fields MorphNet never fills)`, mixedFile, outcome{}},
	{"meta_nonempty.mmx", `Meta whose data map holds one untagged JSON value ({"k": 1}, u64): parses; DecodeMeta says PF_EUNSUPPORTED`, func(tb testing.TB) []byte {
		var w bw
		w.u64(1)
		w.str("k")
		w.u64(1)
		w.str(metaEnv.Timestamp)
		w.str(metaEnv.Version)
		return build(tb, []write{{key: "meta", typ: ChunkMeta, comp: CompressionLz4, payload: w.b}}, nil)
	}, outcome{chunks: errcode.ErrUnsupported}},
	{"tensor_shape_mismatch.mmx", `Tensor with shape [2,3] but 5 values: parses; DecodeTensor says PF_EFORMAT`, func(tb testing.TB) []byte {
		return build(tb, []write{{key: "/t", typ: ChunkTensor, comp: CompressionNone, payload: encTensor(tensorShape, tensorData[:5])}}, nil)
	}, outcome{chunks: errcode.ErrFormat}},
	{"checksum_mismatch.mmx", `tensor_lz4.mmx with one stored byte flipped: parses; the SHA-256 check fails`, mutate(tensorFile(CompressionLz4), func(b []byte) []byte {
		b[HeaderSize+6] ^= 0x01
		return b
	}), outcome{chunks: errcode.ErrChecksum}},
	{"no_directory.mmx", `header and one chunk, no directory or trailer (MorphNet stopped before close; MorphNet itself opens this as empty)`, func(tb testing.TB) []byte {
		b := tensorFile(CompressionNone)(tb)
		return b[:HeaderSize+56]
	}, outcome{parse: errcode.ErrFormat}},
	{"bad_magic.mmx", `empty.mmx with magic "MMY\0"`, mutate(emptyFile, func(b []byte) []byte { b[2] = 'Y'; return b }), outcome{parse: errcode.ErrFormat}},
	{"bad_version.mmx", `empty.mmx with version 2`, mutate(emptyFile, func(b []byte) []byte { b[4] = 2; return b }), outcome{parse: errcode.ErrUnsupported}},
	{"header_json_too_long.mmx", `empty.mmx with json_len 4085 (one past the header region)`, mutate(emptyFile, func(b []byte) []byte {
		binary.LittleEndian.PutUint32(b[8:], MaxHeaderJSON+1)
		return b
	}), outcome{parse: errcode.ErrFormat}},
	{"header_json_invalid.mmx", `empty.mmx whose header JSON's last byte is not "}"`, mutate(emptyFile, func(b []byte) []byte {
		b[fixedHeader+binary.LittleEndian.Uint32(b[8:])-1] = ' '
		return b
	}), outcome{parse: errcode.ErrFormat}},
	{"dir_len_too_big.mmx", `empty.mmx whose trailer says D = 4105 (the directory would overlap the header)`, mutate(emptyFile, func(b []byte) []byte {
		binary.LittleEndian.PutUint64(b[len(b)-8:], 4105)
		return b
	}), outcome{parse: errcode.ErrFormat}},
	{"chunk_past_directory.mmx", `tensor_none.mmx whose entry size is 57: the chunk runs into the directory`, mutate(tensorFile(CompressionNone), func(b []byte) []byte {
		binary.LittleEndian.PutUint64(b[dirStart(b)+8+10+10+4+8:], 57)
		return b
	}), outcome{parse: errcode.ErrFormat}},
	{"chunk_in_header.mmx", `tensor_none.mmx whose entry offset is 4095`, mutate(tensorFile(CompressionNone), func(b []byte) []byte {
		binary.LittleEndian.PutUint64(b[dirStart(b)+8+10+10+4:], 4095)
		return b
	}), outcome{parse: errcode.ErrFormat}},
	{"bad_chunk_type.mmx", `tensor_none.mmx with chunk_type variant 7`, mutate(tensorFile(CompressionNone), func(b []byte) []byte {
		b[dirStart(b)+8+10+10] = 7
		return b
	}), outcome{parse: errcode.ErrFormat}},
	{"bad_option_tag.mmx", `tensor_none.mmx with the checksum's option tag 2`, mutate(tensorFile(CompressionNone), func(b []byte) []byte {
		b[dirStart(b)+8+10+10+4+8+8+4+3] = 2
		return b
	}), outcome{parse: errcode.ErrFormat}},
	{"duplicate_key.mmx", `two entries under the key "/t"`, func(tb testing.TB) []byte {
		b := tensorFile(CompressionNone)(tb)
		d := dirStart(b)
		ent := b[d+8 : len(b)-8]
		dir := binary.LittleEndian.AppendUint64(nil, 2)
		dir = append(append(dir, ent...), ent...)
		return assemble(string(b[fixedHeader:fixedHeader+binary.LittleEndian.Uint32(b[8:])]), b[HeaderSize:d], dir)
	}, outcome{parse: errcode.ErrFormat}},
	{"trailing_directory_bytes.mmx", `tensor_none.mmx with one zero byte after the directory's last entry (inside D)`, func(tb testing.TB) []byte {
		b := tensorFile(CompressionNone)(tb)
		d := dirStart(b)
		dir := append(slices.Clone(b[d:len(b)-8]), 0)
		return assemble(string(b[fixedHeader:fixedHeader+binary.LittleEndian.Uint32(b[8:])]), b[HeaderSize:d], dir)
	}, outcome{parse: errcode.ErrFormat}},
	{"entry_count_huge.mmx", `empty.mmx whose directory declares 2^64-1 entries`, mutate(emptyFile, func(b []byte) []byte {
		binary.LittleEndian.PutUint64(b[HeaderSize:], ^uint64(0))
		return b
	}), outcome{parse: errcode.ErrFormat}},
}

// readChunks verifies and decodes every chunk of f, in directory order,
// returning the decoded values by key.
func readChunks(f *File, data []byte, lim *Limits) (map[string]any, error) {
	l := lim.orDefault()
	out := map[string]any{}
	for i := range f.Entries {
		e := &f.Entries[i]
		off, n := e.StoredRange()
		stored := data[off : off+n]
		if err := e.VerifyChecksum(stored); err != nil {
			return out, err
		}
		p, err := decompress(e.Compression, stored, l.MaxPayloadBytes)
		if err != nil {
			return out, errcode.Wrap(pkg, errcode.ErrFormat, err, "chunk %q", e.Key)
		}
		v, err := decodeAny(e.Type, p, lim)
		if err != nil {
			return out, err
		}
		out[e.Key] = v
	}
	return out, nil
}

type tensorValue struct {
	Shape []uint64
	Data  []float32
}

func decodeAny(t ChunkType, p []byte, lim *Limits) (any, error) {
	switch t {
	case ChunkTensor:
		s, d, err := DecodeTensor(p, lim)
		return tensorValue{s, d}, err
	case ChunkText:
		return DecodeText(p, lim)
	case ChunkSequence:
		return DecodeSequence(p, lim)
	case ChunkMesh:
		return DecodeMesh(p, lim)
	case ChunkEmbedding:
		return DecodeEmbedding(p, lim)
	case ChunkMeta:
		return DecodeMetaRecord(p, lim)
	}
	return nil, errcode.New(pkg, errcode.ErrUnsupported, "chunk type %v", t)
}

func loadVector(tb testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join(vectorDir, name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func codeName(err error) string { return errcode.Of(err).Name() }

// TestGolden checks (or with -update rewrites) every vector and README.md:
// each must be exactly what its recipe writes, and read as listed.
func TestGolden(t *testing.T) {
	if *update {
		if err := os.MkdirAll(vectorDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range vectors {
		want := v.make(t)
		p := filepath.Join(vectorDir, v.file)
		if *update {
			if err := os.WriteFile(p, want, 0o644); err != nil {
				t.Fatal(err)
			}
		} else if got, err := os.ReadFile(p); err != nil || string(got) != string(want) {
			t.Errorf("%s differs from what its recipe writes (run go test -run Golden -update): %v", v.file, err)
		}
	}
	readme := renderREADME(t)
	p := filepath.Join(vectorDir, "README.md")
	if *update {
		if err := os.WriteFile(p, readme, 0o644); err != nil {
			t.Fatal(err)
		}
	} else if got, err := os.ReadFile(p); err != nil || string(got) != string(readme) {
		t.Errorf("README.md differs from the vector table (run go test -run Golden -update): %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(vectorDir, "*.mmx"))
	if len(files) != len(vectors) {
		t.Errorf("%d .mmx files in %s, %d in the table", len(files), vectorDir, len(vectors))
	}
}

// TestVectorOutcomes reads every vector and checks the outcome the table
// (and README.md) promises.
func TestVectorOutcomes(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.file, func(t *testing.T) {
			b := loadVector(t, v.file)
			p, c := readVector(b)
			if !sameKind(p, v.want.parse) || !sameKind(c, v.want.chunks) {
				t.Fatalf("parse %v, chunks %v; want kinds %v, %v", p, c, v.want.parse, v.want.chunks)
			}
		})
	}
}

func readVector(b []byte) (parseErr, chunkErr error) {
	f, err := ParseBytes(b, nil)
	if err != nil {
		return err, nil
	}
	_, err = readChunks(f, b, nil)
	return nil, err
}

func sameKind(err, kind error) bool {
	if kind == nil {
		return err == nil
	}
	return errors.Is(err, kind)
}

func renderREADME(tb testing.TB) []byte {
	var s strings.Builder
	s.WriteString(`# MMX files as MorphNet writes them

Test vectors for ` + "`core/mmx/morphnet`" + `, the reader for files written by MorphNet
(crate morphnet-gtl 0.1, src/mmx/). They are generated, byte for byte, by the test-only
writer in ` + "`core/mmx/morphnet/encoder_test.go`" + `; regenerate with
` + "`go test ./core/mmx/morphnet -run Golden -update`" + ` (this README too). Layout: header
(magic ` + "`MMX\\0`" + `, u32 version 1, u32 json_len, compact header JSON, zeros to 4096),
chunk bytes from 4096, bincode directory, u64 directory length. Every chunk's checksum is
SHA-256 of its stored (compressed) bytes unless said otherwise. Map entries inside payloads
are in sorted key order (MorphNet's are in hash order).

"parse" is what ` + "`Parse`" + ` returns; "chunks" is the first error met while verifying
each chunk's checksum, decompressing it and decoding its payload, in directory order.

| file | bytes | sha256 (first 16 hex) | parse | chunks | contents |
| --- | ---: | --- | --- | --- | --- |
`)
	for _, v := range vectors {
		b := v.make(tb)
		sum := sha256.Sum256(b)
		chunks := codeName(v.want.chunks)
		if v.want.parse != nil {
			chunks = "—"
		}
		fmt.Fprintf(&s, "| `%s` | %d | `%s` | %s | %s | %s |\n", v.file, len(b), hex.EncodeToString(sum[:8]),
			codeName(v.want.parse), chunks, strings.ReplaceAll(v.desc, "|", "\\|"))
	}
	return []byte(s.String())
}
