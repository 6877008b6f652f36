package codec

import (
	"bytes"
	"io"
	"sync"
	"testing"

	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// benchSize is the benchmark chunk: 16 MiB of float32 samples.
const benchSize = 16 << 20

// benchSets are the benchmark data: "quantized" (floatData, compressible)
// and "sine" (sineData, full precision, nearly incompressible).
var benchSets = sync.OnceValue(func() []benchSet {
	return []benchSet{{"quantized", floatData(benchSize)}, {"sine", sineData(benchSize)}}
})

type benchSet struct {
	name string
	data []byte
}

func reportRatio(b *testing.B, compressed int) {
	b.ReportMetric(float64(compressed)/benchSize, "ratio")
}

// BenchmarkCompress and BenchmarkDecompress measure this package: level 0,
// output appended to a buffer with room, MB/s of uncompressed data.
func BenchmarkCompress(b *testing.B) {
	for _, s := range benchSets() {
		for _, c := range allCodecs {
			b.Run(s.name+"/"+c.String(), func(b *testing.B) {
				dst := make([]byte, 0, Bound(c, benchSize))
				var z []byte
				b.SetBytes(benchSize)
				for b.Loop() {
					var err error
					if z, err = Compress(c, dst[:0], s.data, 0); err != nil {
						b.Fatal(err)
					}
				}
				reportRatio(b, len(z))
			})
		}
	}
}

func BenchmarkDecompress(b *testing.B) {
	for _, s := range benchSets() {
		for _, c := range allCodecs {
			b.Run(s.name+"/"+c.String(), func(b *testing.B) {
				z, err := Compress(c, nil, s.data, 0)
				if err != nil {
					b.Fatal(err)
				}
				dst := make([]byte, 0, benchSize)
				b.SetBytes(benchSize)
				for b.Loop() {
					if _, err := Decompress(c, dst[:0], z, benchSize); err != nil {
						b.Fatal(err)
					}
				}
				reportRatio(b, len(z))
			})
		}
	}
}

// BenchmarkRaw calls the codec libraries directly, with the same settings,
// on the same data and buffers: the baseline the wrappers above should stay
// within 20% of.
func BenchmarkRaw(b *testing.B) {
	for _, s := range benchSets() {
		d := s.data
		b.Run(s.name+"/Lz4/Compress", func(b *testing.B) {
			dst := make([]byte, lz4.CompressBlockBound(benchSize))
			var c lz4.Compressor
			var n int
			b.SetBytes(benchSize)
			for b.Loop() {
				n, _ = c.CompressBlock(d, dst)
			}
			reportRatio(b, 4+n)
		})
		b.Run(s.name+"/Lz4/Decompress", func(b *testing.B) {
			z := make([]byte, lz4.CompressBlockBound(benchSize))
			var c lz4.Compressor
			n, _ := c.CompressBlock(d, z)
			z = z[:n]
			dst := make([]byte, benchSize)
			b.SetBytes(benchSize)
			for b.Loop() {
				if _, err := lz4.UncompressBlock(z, dst); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(s.name+"/Zlib/Compress", func(b *testing.B) {
			buf := bytes.NewBuffer(make([]byte, 0, Bound(Zlib, benchSize)))
			w, _ := zlib.NewWriterLevel(buf, 6)
			b.SetBytes(benchSize)
			for b.Loop() {
				buf.Reset()
				w.Reset(buf)
				w.Write(d)
				w.Close()
			}
			reportRatio(b, buf.Len())
		})
		b.Run(s.name+"/Zlib/Decompress", func(b *testing.B) {
			z, _ := Compress(Zlib, nil, d, 0)
			dst := make([]byte, benchSize)
			br := bytes.NewReader(z)
			r, _ := zlib.NewReader(br)
			b.SetBytes(benchSize)
			for b.Loop() {
				br.Reset(z)
				r.(zlib.Resetter).Reset(br, nil)
				if _, err := io.ReadFull(r, dst); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(s.name+"/Zstd/Compress", func(b *testing.B) {
			// The options Compress uses for inputs above 1 KiB.
			e, _ := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithZeroFrames(true), zstd.WithEncoderCRC(true))
			dst := make([]byte, 0, Bound(Zstd, benchSize))
			var z []byte
			b.SetBytes(benchSize)
			for b.Loop() {
				z = e.EncodeAll(d, dst[:0])
			}
			reportRatio(b, len(z))
		})
		b.Run(s.name+"/Zstd/Decompress", func(b *testing.B) {
			z, _ := Compress(Zstd, nil, d, 0)
			dec, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
			dst := make([]byte, 0, benchSize)
			b.SetBytes(benchSize)
			for b.Loop() {
				if _, err := dec.DecodeAll(z, dst[:0]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
