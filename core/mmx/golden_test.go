package mmx

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/codec"
)

var update = flag.Bool("update", false, "rewrite the polyfmt-made MMX vectors and core/testdata/mmx/manifest.json")

const vectorDir = "../testdata/mmx"

// goldenAll is the recipe of all_types.mmx: every chunk type, every dtype,
// every codec, with a fixed identity so the bytes are reproducible. The
// vectors made before checksum_algorithm existed are SHA-256 (byte for
// byte what they were); goldenAllWith(ChecksumBLAKE3) makes blake3.mmx.
func goldenAll(t *testing.T) *File { return goldenAllWith(t, ChecksumSHA256) }

func goldenAllWith(t *testing.T, alg ChecksumAlgorithm) *File {
	fixedIdentity = &identity{FileID: "baf0db68-7ae2-4fd7-8991-01cce14b9d7b", Created: "2025-06-05T12:34:56Z"}
	defer func() { fixedIdentity = nil }()
	f, err := NewMem(nil, &Options{Creator: "polyfmt golden", Checksum: alg})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, f)
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	return f
}

func rewriteDirectory(t *testing.T, img []byte, edit func(js []byte) []byte) []byte {
	t.Helper()
	le := binary.LittleEndian
	off := le.Uint64(img[len(img)-16:])
	n := le.Uint64(img[off+16:])
	js := edit(append([]byte(nil), img[off+dirHeadSize:off+dirHeadSize+n]...))
	rec := append([]byte(nil), img[off:off+dirHeadSize]...)
	le.PutUint64(rec[16:], uint64(len(js)))
	rec = append(rec, js...)
	sum := sha256.Sum256(rec)
	rec = le.AppendUint64(append(rec, sum[:]...), off)
	return append(append(img[:off:off], rec...), tailMagic...)
}

func TestGolden(t *testing.T) {
	all := goldenAll(t)
	img := all.Bytes()
	torn := goldenAll(t)
	torn.WriteTensor("uncommitted", Float32Tensor([]uint64{64}, ramp(64)), nil)
	compacted := goldenAll(t)
	compacted.WriteTensor("frames/None", Float32Tensor([]uint64{4, 3}, ramp(12)), &WriteOptions{LogicalRegion: "region_None"})
	compacted.Commit()
	if err := compacted.Compact(); err != nil {
		t.Fatal(err)
	}
	e, _ := all.Entry("docs/readme")
	badSum := append([]byte(nil), img...)
	badSum[e.Offset+3] ^= 1
	dup := rewriteDirectory(t, img, func(js []byte) []byte {
		// a second "generation" key: strict parsing must refuse it
		return append([]byte(`{"generation":1,`), js[1:]...)
	})
	b3 := goldenAllWith(t, ChecksumBLAKE3).Bytes()
	b3e, _ := all.Entry("frames/Lz4")
	badB3 := append([]byte(nil), b3...)
	badB3[b3e.Offset+b3e.Size/2] ^= 1
	unknownAlg := rewriteDirectory(t, b3, func(js []byte) []byte {
		return bytes.Replace(js, []byte(`"checksum_algorithm":"blake3"`), []byte(`"checksum_algorithm":"blake9"`), 1)
	})
	shortSum := rewriteDirectory(t, b3, func(js []byte) []byte {
		i := bytes.Index(js, []byte(`"checksum":"`)) + len(`"checksum":"`)
		return append(js[:i:i], js[i+2:]...) // 62 hex digits
	})
	vectors := map[string][]byte{
		"blake3.mmx":                     b3,
		"crc32c.mmx":                     goldenAllWith(t, ChecksumCRC32C).Bytes(),
		"bad_checksum_blake3.mmx":        badB3,
		"unknown_checksum_algorithm.mmx": unknownAlg,
		"short_checksum.mmx":             shortSum,
		"all_types.mmx":                  img,
		"torn_commit.mmx":                torn.Bytes(),
		"compacted.mmx":                  compacted.Bytes(),
		"bad_checksum.mmx":               badSum,
		"duplicate_key.mmx":              dup,
		"short.mmx":                      img[:100],
		"bad_version.mmx":                append(append([]byte(nil), img[:4]...), append([]byte{2, 0, 0, 0}, img[8:]...)...),
		"no_directory.mmx":               append(firstCommitHeader(t, img), make([]byte, 100)...),
		"lost_directory.mmx":             append(append([]byte(nil), img[:HeaderSize]...), make([]byte, 100)...),
	}
	names := make([]string, 0, len(vectors))
	for n := range vectors {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(vectorDir, n)
		if *update {
			if err := os.WriteFile(p, vectors[n], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != string(vectors[n]) {
			t.Errorf("%s differs from its recipe (go test -run Golden -update): %v", n, err)
		}
	}
	if *update {
		writeManifest(t)
	}
}

type manifestChunk struct {
	Name          string                 `json:"name"`
	ChunkType     ChunkType              `json:"chunk_type"`
	Compression   string                 `json:"compression"`
	LogicalRegion *string                `json:"logical_region"`
	Arrays        map[string]manifestArr `json:"arrays"`
	Value         json.RawMessage        `json:"value"`
	Error         string                 `json:"error,omitempty"`
}

type manifestArr struct {
	DType  DType    `json:"dtype"`
	Shape  []uint64 `json:"shape"`
	SHA256 string   `json:"sha256"` // of the array's bytes
}

type manifestCase struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	File        string `json:"file"`
	Error       string `json:"error,omitempty"`
	Expect      *struct {
		Generation    uint64          `json:"generation"`
		TotalChunks   int             `json:"total_chunks"`
		FileID        string          `json:"file_id"`
		Creator       string          `json:"creator"`
		RecoveryClean bool            `json:"recovery_clean"`
		Verify        string          `json:"verify"`
		Chunks        []manifestChunk `json:"chunks"`
	} `json:"expect,omitempty"`
}

var vectorDescriptions = map[string]string{
	"all_types.mmx":                  "written by polyfmt: every chunk type, every dtype, every codec (None, Lz4, Zlib, Zstd), one commit",
	"torn_commit.mmx":                "all_types plus the chunk bytes of a transaction that never committed: opens with the last commit, recovery not clean",
	"compacted.mmx":                  "all_types with one chunk overwritten, then compacted: directory right after the header and again at the end",
	"bad_checksum.mmx":               "all_types with one byte of docs/readme flipped: that chunk fails its SHA-256, the rest read",
	"duplicate_key.mmx":              "all_types whose directory JSON repeats a key (record hash recomputed): strict parsing refuses it",
	"short.mmx":                      "100 bytes",
	"blake3.mmx":                     "all_types written with checksum \"blake3\": every entry says \"checksum_algorithm\":\"blake3\"",
	"crc32c.mmx":                     "all_types written with checksum \"crc32c\" (the default): every entry says \"checksum_algorithm\":\"crc32c\", 8 hex digits",
	"bad_checksum_blake3.mmx":        "blake3.mmx with one byte of frames/Lz4 flipped: that chunk fails its BLAKE3, the rest read",
	"unknown_checksum_algorithm.mmx": "blake3.mmx whose first entry names checksum_algorithm \"blake9\" (record hash recomputed): unsupported",
	"short_checksum.mmx":             "blake3.mmx whose first entry's checksum has 62 hex digits (record hash recomputed): malformed",
	"bad_version.mmx":                "header version 2",
	"no_directory.mmx":               "a header that names no directory and 100 zero bytes (a first commit cut short): opens empty, recovery not clean",
	"lost_directory.mmx":             "all_types' header, which names its generation-2 directory, and 100 zero bytes: committed data is missing, so it is damaged (it does not open empty)",
}

// firstCommitHeader is img's header as it is before the first commit of a
// file: no directory named.
func firstCommitHeader(t *testing.T, img []byte) []byte {
	t.Helper()
	var h header
	copy(h[:], img[:HeaderSize])
	var hdr Header
	if err := json.Unmarshal(h.json(), &hdr); err != nil {
		t.Fatal(err)
	}
	hdr.Directory = nil
	hb, err := encodeHeader(&hdr)
	if err != nil {
		t.Fatal(err)
	}
	return hb[:]
}

// expectFor records what reading a file gives, in the flat form every
// surface sees.
func expectFor(t *testing.T, f *File) (chunks []manifestChunk) {
	l, _ := f.List("")
	for _, e := range l {
		c := manifestChunk{Name: e.Name, ChunkType: e.ChunkType, Compression: e.Compression, LogicalRegion: e.LogicalRegion}
		fl, err := f.ReadFlat(e.Name)
		if err != nil {
			c.Error = errcode.Of(err).Name()
			chunks = append(chunks, c)
			continue
		}
		c.Value = fl.Value
		if len(fl.Arrays) > 0 {
			c.Arrays = map[string]manifestArr{}
			for k, a := range fl.Arrays {
				sum := sha256.Sum256(fl.Data[a.Offset : a.Offset+a.NBytes])
				c.Arrays[k] = manifestArr{DType: a.DType, Shape: a.Shape, SHA256: hex.EncodeToString(sum[:])}
			}
		}
		chunks = append(chunks, c)
	}
	return chunks
}

func writeManifest(t *testing.T) {
	var cases []manifestCase
	files, _ := filepath.Glob(filepath.Join(vectorDir, "*.mmx"))
	more, _ := filepath.Glob(filepath.Join(vectorDir, "morphnet", "*.mmx"))
	for _, p := range append(files, more...) {
		rel, _ := filepath.Rel(vectorDir, p)
		c := manifestCase{Name: rel[:len(rel)-4], File: rel, Description: vectorDescriptions[rel]}
		if c.Description == "" {
			c.Description = "written by MorphNet's layout (core/testdata/mmx/morphnet/README.md): opens read-only"
		}
		f, err := Open(p)
		if err != nil {
			c.Error = errcode.Of(err).Name()
			cases = append(cases, c)
			continue
		}
		h := f.Header()
		c.Expect = &struct {
			Generation    uint64          `json:"generation"`
			TotalChunks   int             `json:"total_chunks"`
			FileID        string          `json:"file_id"`
			Creator       string          `json:"creator"`
			RecoveryClean bool            `json:"recovery_clean"`
			Verify        string          `json:"verify"`
			Chunks        []manifestChunk `json:"chunks"`
		}{Generation: f.Generation(), TotalChunks: h.TotalChunks, FileID: h.FileID, Creator: h.Creator,
			RecoveryClean: f.Recovery().Clean(), Verify: errcode.Of(f.Verify()).Name(), Chunks: expectFor(t, f)}
		f.Close()
		cases = append(cases, c)
	}
	doc := map[string]any{"format": "mmx", "cases": cases, "schema": map[string]string{
		"cases[].error":                  "open fails with this code name",
		"cases[].expect.chunks[]":        "every chunk, sorted by name, as pf_mmx_read returns it",
		"cases[].expect.chunks[].arrays": "name → dtype, shape and SHA-256 of the array's bytes inside the returned data",
		"cases[].expect.chunks[].value":  "the returned value JSON (compare as parsed JSON)",
		"cases[].expect.chunks[].error":  "reading this chunk fails with this code name",
		"cases[].expect.verify":          "code name that verify returns",
	}}
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(vectorDir, "manifest.json"), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestVectors runs the manifest (the same one the wazero, Python and JS tests run).
func TestVectors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(vectorDir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Cases []manifestCase }
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Cases) < 20 {
		t.Fatalf("manifest has %d cases", len(m.Cases))
	}
	for _, c := range m.Cases {
		t.Run(c.Name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(vectorDir, c.File))
			if err != nil {
				t.Fatal(err)
			}
			for _, open := range []func() (*File, error){
				func() (*File, error) { return Open(filepath.Join(vectorDir, c.File)) },
				func() (*File, error) { return OpenBytes(data, nil) },
			} {
				f, err := open()
				if c.Error != "" {
					if errcode.Of(err).Name() != c.Error {
						t.Fatalf("open: %v, want %s", err, c.Error)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				h := f.Header()
				e := c.Expect
				if f.Generation() != e.Generation || h.TotalChunks != e.TotalChunks || h.FileID != e.FileID || h.Creator != e.Creator ||
					f.Recovery().Clean() != e.RecoveryClean || errcode.Of(f.Verify()).Name() != e.Verify {
					t.Fatalf("file: gen %d chunks %d id %s clean %v verify %v", f.Generation(), h.TotalChunks, h.FileID, f.Recovery().Clean(), f.Verify())
				}
				got, _ := json.Marshal(expectFor(t, f))
				want, _ := json.Marshal(e.Chunks)
				if string(got) != string(want) {
					t.Fatalf("chunks differ:\n got %s\nwant %s", got, want)
				}
				f.Close()
			}
		})
	}
}

var _ = codec.None
