package mmx

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/polyfmt/polyfmt/core/internal/hostile"
)

// Hand-made hostile files. buildHostile writes chunks whose stored bytes and
// directory fields are given verbatim (the writer neither compresses nor
// checks them), so a test can describe any lie a file may tell: a declared
// size the stream cannot reach, a decompression bomb, a shape that
// overflows, attributes of the wrong type. The result is a complete,
// committed file (header CRC and directory SHA-256 hold), so only the lie
// itself is wrong.
//
// TestWriteHostileFiles writes the named generators below to the directory
// in $MMX_HOSTILE_OUT (a corpus under core/testdata/hostile can be made
// from them); without it the test is skipped.

// hostileChunk is one chunk of a hand-made file.
type hostileChunk struct {
	Name             string
	Type             ChunkType
	Compression      Compression
	Stored           []byte // written as is
	UncompressedSize uint64
	DType            DType // "" for none
	Shape            []uint64
	Attributes       map[string]any
}

// buildHostile returns the bytes of a file holding chunks, committed.
func buildHostile(tb testing.TB, chunks ...hostileChunk) []byte {
	tb.Helper()
	f, err := NewMem(nil, &Options{NoSync: true, Limits: &Limits{MaxChunkBytes: 1 << 62}})
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range chunks {
		// Store the bytes as a raw array, then make the pending entry say
		// what the test wants; its checksum stays that of the bytes.
		if err := f.put(c.Name, Entry{ChunkType: TypeTensor}, c.Stored, nil); err != nil {
			tb.Fatal(err)
		}
		f.mu.Lock()
		e := f.pending[c.Name]
		e.ChunkType, e.Compression, e.UncompressedSize = c.Type, c.Compression.String(), c.UncompressedSize
		e.Shape, e.DType, e.Attributes = c.Shape, nil, c.Attributes
		if c.DType != "" {
			d := c.DType
			e.DType = &d
		}
		f.mu.Unlock()
	}
	if err := f.Commit(); err != nil {
		tb.Fatal(err)
	}
	return bytes.Clone(f.Bytes())
}

// hostileDeclaredSizeText: a Text chunk of a few KB of zstd that declares
// 4 GiB uncompressed (the frame's own content size is the truth). A reader
// that sizes a buffer by the declaration reserves 4 GiB.
func hostileDeclaredSizeText(tb testing.TB) []byte {
	text := bytes.Repeat([]byte("the quick brown fox jumps over the lazy dog "), 300)
	payload, err := encodeText(&Text{Content: string(text)})
	if err != nil {
		tb.Fatal(err)
	}
	// Incompressible bytes keep the file at ~13 KB, like the report's.
	noise := make([]byte, 12<<10)
	for i := range noise {
		noise[i] = byte(i*2654435761>>13) ^ byte(i)
	}
	stored := zstdCompress(tb, append(payload, noise...))
	return buildHostile(tb, hostileChunk{Name: "notes/readme", Type: TypeText, Compression: Zstd,
		Stored: stored, UncompressedSize: 1 << 32})
}

// zstdBombTensor: a uint8 Tensor of n bytes stored as RLE blocks of zeros
// (a ratio of 32768: 2 GiB in 64 KiB).
func zstdBombTensor(tb testing.TB, n uint64) []byte {
	return buildHostile(tb, hostileChunk{Name: "bomb", Type: TypeTensor, Compression: Zstd,
		Stored: hostile.ZstdRLE(n, 0), UncompressedSize: n, DType: Uint8, Shape: []uint64{n}})
}

// zstdBombText: a Text chunk whose zstd frame decodes to n bytes, not JSON.
func zstdBombText(tb testing.TB, n uint64) []byte {
	return buildHostile(tb, hostileChunk{Name: "bomb", Type: TypeText, Compression: Zstd,
		Stored: hostile.ZstdRLE(n, ' '), UncompressedSize: n})
}

func zstdCompress(tb testing.TB, b []byte) []byte {
	tb.Helper()
	f, err := NewMem(nil, &Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	if err := f.put("x", Entry{ChunkType: TypeTensor}, b, &WriteOptions{Compression: Zstd}); err != nil {
		tb.Fatal(err)
	}
	e := f.pending["x"]
	st, _, err := f.stored(e, 0, e.Size)
	if err != nil {
		tb.Fatal(err)
	}
	return bytes.Clone(st)
}

// zstdZerosTensorFile writes a valid file holding n bytes of zeros as a
// zstd uint8 tensor, through the writer, to path.
func zstdZerosTensorFile(tb testing.TB, path string, n int) {
	f, err := Create(path, &Options{NoSync: true, Limits: &Limits{MaxChunkBytes: 1 << 40}})
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := f.WriteTensor("zeros", &Tensor{DType: Uint8, Shape: []uint64{uint64(n)}, Data: make([]byte, n)}, &WriteOptions{Compression: Zstd}); err != nil {
		tb.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// TestWriteHostileFiles writes the repro files to $MMX_HOSTILE_OUT.
func TestWriteHostileFiles(t *testing.T) {
	dir := os.Getenv("MMX_HOSTILE_OUT")
	if dir == "" {
		t.Skip("set MMX_HOSTILE_OUT to a directory to write the hostile MMX files")
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("declared-4gib-text.mmx", hostileDeclaredSizeText(t))
	write("zstd-bomb-2gib-tensor.mmx", zstdBombTensor(t, 2<<30))
	write("zstd-bomb-1gib-text.mmx", zstdBombText(t, 1<<30))
	if os.Getenv("MMX_HOSTILE_BIG") != "" {
		zstdZerosTensorFile(t, filepath.Join(dir, "zstd-zeros-1gib-tensor.mmx"), 1<<30)
	}
}
