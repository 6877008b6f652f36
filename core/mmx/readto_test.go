package mmx

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/codec"
)

// readToFile writes one 3 MiB float32 tensor per codec (large enough that
// the checksum runs beside the decompression or copy), a small one, an
// empty one, an embedding and a text chunk, and returns the path and the
// large tensor's bytes.
func readToFile(t *testing.T) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "into.mmx")
	f, err := Create(path, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	big := benchFloats(3<<20, func(i int) float32 { return float32(i%4096) / 8 })
	for _, c := range []codec.Codec{codec.None, codec.LZ4, codec.Zlib, codec.Zstd} {
		o := &WriteOptions{Compression: c}
		if err := f.WriteTensor("big/"+c.String(), &Tensor{DType: Float32, Shape: []uint64{3 << 18}, Data: big}, o); err != nil {
			t.Fatal(err)
		}
		if err := f.WriteTensor("small/"+c.String(), Float32Tensor([]uint64{2, 3}, ramp(6)), o); err != nil {
			t.Fatal(err)
		}
		if err := f.WriteTensor("empty/"+c.String(), &Tensor{DType: Float32, Shape: []uint64{0, 3}}, o); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.WriteEmbedding("emb", &Embedding{Tensor: *Float32Tensor([]uint64{2, 2}, ramp(4)), Method: "PCA"}, &WriteOptions{Compression: codec.LZ4}); err != nil {
		t.Fatal(err)
	}
	if err := f.WriteText("text", &Text{Content: "hello"}, &WriteOptions{Compression: codec.Zstd}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, big
}

func TestReadTo(t *testing.T) {
	path, big := readToFile(t)
	small := Float32Tensor([]uint64{2, 3}, ramp(6)).Data
	opens := map[string]func() (*File, error){
		"mapped":   func() (*File, error) { return Open(path) },
		"writable": func() (*File, error) { return OpenFile(path, os.O_RDWR, &Options{NoSync: true}) }, // pread
		"never":    func() (*File, error) { return OpenFile(path, os.O_RDONLY, &Options{Verify: VerifyNever}) },
	}
	for how, open := range opens {
		f, err := open()
		if err != nil {
			t.Fatal(how, err)
		}
		dst := make([]byte, 4<<20) // reused for every read
		for _, c := range []codec.Codec{codec.None, codec.LZ4, codec.Zlib, codec.Zstd} {
			for _, r := range []struct {
				name string
				want []byte
			}{{"big/", big}, {"small/", small}, {"empty/", nil}} {
				name := r.name + c.String()
				clear(dst)
				e, n, err := f.ReadChunkTo(name, dst)
				if err != nil || n != len(r.want) || !bytes.Equal(dst[:n], r.want) || e.Name != name {
					t.Fatalf("%s %s: ReadChunkTo n=%d err=%v", how, name, n, err)
				}
				clear(dst)
				tn, err := f.ReadTensorTo(name, dst)
				if err != nil || !bytes.Equal(tn.Data, r.want) || tn.DType != Float32 {
					t.Fatalf("%s %s: ReadTensorTo: %v", how, name, err)
				}
				if len(r.want) > 0 && &tn.Data[0] != &dst[0] {
					t.Fatalf("%s %s: ReadTensorTo's data is not the caller's buffer", how, name)
				}
				// One byte short: ErrLimit naming the size, nothing read.
				if len(r.want) > 0 {
					_, _, err := f.ReadChunkTo(name, dst[:len(r.want)-1])
					var se *ShortBufferError
					if !errors.Is(err, errcode.ErrLimit) || !errors.As(err, &se) || se.Need != len(r.want) || se.Have != len(r.want)-1 ||
						!strings.Contains(err.Error(), "buffer of "+strconv.Itoa(len(r.want))+" bytes") {
						t.Fatalf("%s %s: short buffer: %v", how, name, err)
					}
				}
			}
		}
		em, err := f.ReadTensorTo("emb", dst)
		if err != nil || !bytes.Equal(em.Data, Float32Tensor([]uint64{2, 2}, ramp(4)).Data) {
			t.Fatalf("%s: embedding: %v", how, err)
		}
		if _, err := f.ReadTensorTo("text", dst); errcode.Of(err) != errcode.BadArg {
			t.Fatalf("%s: a Text chunk as a tensor: %v", how, err)
		}
		if _, n, err := f.ReadChunkTo("text", dst); err != nil || !strings.Contains(string(dst[:n]), `"hello"`) {
			t.Fatalf("%s: text payload: %v %q", how, err, dst[:n])
		}
		if _, _, err := f.ReadChunkTo("nope", dst); !errors.Is(err, errcode.ErrNotFound) {
			t.Fatalf("%s: missing chunk: %v", how, err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.ReadChunkTo("big/Lz4", dst); errcode.Of(err) != errcode.BadHandle {
			t.Fatalf("%s: after Close: %v", how, err)
		}
	}
}

// A flipped bit in a stored chunk fails ReadChunkTo with ErrChecksum, raw
// or compressed, large (hashed beside the decompression or the copy) or small.
func TestReadToChecksum(t *testing.T) {
	path, _ := readToFile(t)
	img, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g, err := OpenBytes(img, nil)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, c := range []codec.Codec{codec.None, codec.LZ4, codec.Zlib, codec.Zstd} {
		names = append(names, "big/"+c.String(), "small/"+c.String())
	}
	for _, name := range names {
		e, err := g.Entry(name)
		if err != nil {
			t.Fatal(err)
		}
		bad := bytes.Clone(img)
		bad[e.Offset+e.Size-1] ^= 0x01 // the last stored byte
		r, err := OpenBytes(bad, nil)
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]byte, e.UncompressedSize)
		_, _, err = r.ReadChunkTo(name, dst)
		// The hash's failure wins over the decoder's (the zstd and zlib
		// trailers are their own checksums).
		if !errors.Is(err, errcode.ErrChecksum) {
			t.Fatalf("%s: corrupt chunk read: %v", name, err)
		}
		r.Close()
	}
	g.Close()
}

// unzeroed hands out exactly n bytes that a read may fill, within one
// allocation; empty for n ≤ 0.
func TestUnzeroed(t *testing.T) {
	for _, n := range []int{-1, 0, 1, 7, 4096, 3<<20 + 5} {
		b := unzeroed(n)
		if len(b) != max(n, 0) || cap(b) != max(n, 0) {
			t.Fatalf("unzeroed(%d): len %d cap %d", n, len(b), cap(b))
		}
		for i := range b {
			b[i] = byte(i)
		}
		for i := range b {
			if b[i] != byte(i) {
				t.Fatalf("unzeroed(%d): byte %d", n, i)
			}
		}
	}
}
