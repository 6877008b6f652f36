package mmx

// Benchmarks of the MMX container on disk. Figures and what they mean are in
// bench/README.md ("MMX"). Every benchmark builds its files before its timer
// starts; run them all once with
//
//	go test -run '^$' -bench . -benchtime 1x ./core/mmx
//
// (about 20 s here; -short shrinks the 1 GiB row-read tensor to 256 MiB).
// Reads are from the page cache: the files were just written.

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"github.com/polyfmt/polyfmt/core/internal/storage"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"

	"github.com/polyfmt/polyfmt/core/internal/codec"
	"github.com/polyfmt/polyfmt/core/internal/jsonx"
	"github.com/polyfmt/polyfmt/internal/benchratio"
)

const (
	benchMiB         = 1 << 20
	benchRawChunk    = 4 << 20 // one raw tensor: float32 [1024, 1024]
	benchRawChunks   = 64      // 256 MiB per file
	benchZChunk      = 4 << 20 // one compressed tensor
	benchZChunks     = 16      // 64 MiB per file
	benchManyChunks  = 10_000  // the directory benchmark
	benchRowBytes    = 16 << 10
	benchBigTensor   = 1 << 30 // ReadTensorRows: float32 [65536, 4096]
	benchSmallTensor = 256 << 20
)

// benchSink keeps the touched data alive.
var benchSink uint64

// benchTouch reads every byte of b (XOR of its 8-byte words): what "read" means
// for a view, whose pages are otherwise never faulted in.
func benchTouch(b []byte) uint64 {
	var x uint64
	if len(b) >= 8 {
		w := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/8)
		for _, v := range w {
			x ^= v
		}
	}
	for _, c := range b[len(b)&^7:] {
		x ^= uint64(c)
	}
	return x
}

// benchFloats fills n bytes with little-endian float32 values of f(i).
func benchFloats(n int, f func(i int) float32) []byte {
	b := make([]byte, n)
	for i := 0; i+4 <= n; i += 4 {
		binary.LittleEndian.PutUint32(b[i:], math.Float32bits(f(i/4)))
	}
	return b
}

// benchSine is full-precision float32 noise-like data (what raw chunks hold).
func benchSine(n int) []byte {
	return benchFloats(n, func(i int) float32 { return float32(math.Sin(float64(i)*0.001) * 1.7) })
}

// benchQuantized is the codec benchmarks' compressible tensor: a slowly
// modulated sine quantized to 1/4096 steps (LZ4 ~40%, zstd ~25% of it).
var benchQuantized = sync.OnceValue(func() []byte {
	return benchFloats(benchZChunk*benchZChunks, func(i int) float32 {
		x := float64(i)
		v := math.Sin(x*0.001) * (0.6 + 0.4*math.Sin(x*0.0000173+1))
		return float32(math.Round(v*4096) / 4096)
	})
})

var benchRaw = sync.OnceValue(func() []byte { return benchSine(benchRawChunk) })

func benchTensor(data []byte) *Tensor {
	return &Tensor{DType: Float32, Shape: []uint64{uint64(len(data) / 4096), 1024}, Data: data}
}

func benchMust(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

// benchWriteRaw writes n raw 4 MiB tensors t000… to path and commits once.
func benchWriteRaw(b *testing.B, path string, n int, opt *Options) {
	f, err := Create(path, opt)
	benchMust(b, err)
	t := benchTensor(benchRaw())
	for i := range n {
		benchMust(b, f.WriteTensor(fmt.Sprintf("t%03d", i), t, nil))
	}
	benchMust(b, f.Close())
}

// BenchmarkWriteRaw writes 64 × 4 MiB float32 tensors to a new file on disk
// (create, write, commit, close). NoSync: commit without fsync; Sync: the
// default, one commit (three fsyncs) at the end; SyncEach: a commit after
// every tensor. NoSyncReopen is NoSync into an empty MMX file made (and
// closed) before the timer and opened with OpenFile(O_RDWR): the same
// writes without Create's truncate(0), after which ext4 (auto_da_alloc)
// flushes the file when it is closed.
func BenchmarkWriteRaw(b *testing.B) {
	dir := b.TempDir()
	for _, c := range []struct {
		name   string
		noSync bool
		each   bool
		reopen bool
	}{{"NoSync", true, false, false}, {"NoSyncReopen", true, false, true}, {"Sync", false, false, false}, {"SyncEach", false, true, false}} {
		b.Run(c.name, func(b *testing.B) {
			path := filepath.Join(dir, "w.mmx")
			t := benchTensor(benchRaw())
			b.SetBytes(benchRawChunk * benchRawChunks)
			for b.Loop() {
				if c.reopen {
					b.StopTimer()
					f, err := Create(path, &Options{NoSync: true})
					benchMust(b, err)
					benchMust(b, f.Close())
					b.StartTimer()
				}
				var f *File
				var err error
				if c.reopen {
					f, err = OpenFile(path, os.O_RDWR, &Options{NoSync: c.noSync})
				} else {
					f, err = Create(path, &Options{NoSync: c.noSync})
				}
				benchMust(b, err)
				for i := range benchRawChunks {
					benchMust(b, f.WriteTensor(fmt.Sprintf("t%03d", i), t, nil))
					if c.each {
						benchMust(b, f.Commit())
					}
				}
				benchMust(b, f.Close())
				b.StopTimer()
				benchMust(b, os.Remove(path))
				b.StartTimer()
			}
		})
	}
}

// BenchmarkReadRaw opens a 64 × 4 MiB file read-only (memory-mapped) and
// reads every tensor, touching every byte: in place (TensorView) or copied
// (ReadTensor), with the SHA-256 check (the default, VerifyOnRead) or
// without (VerifyNever). Each op opens the file anew, so the check runs
// every time. Baselines: pread of the same bytes into one buffer, and
// SHA-256 of 256 MiB in memory.
func BenchmarkReadRaw(b *testing.B) {
	path := filepath.Join(b.TempDir(), "r.mmx")
	benchWriteRaw(b, path, benchRawChunks, &Options{NoSync: true})
	const total = benchRawChunk * benchRawChunks
	names := make([]string, benchRawChunks)
	for i := range names {
		names[i] = fmt.Sprintf("t%03d", i)
	}
	run := func(name string, verify VerifyMode, copyOut bool) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(total)
			for b.Loop() {
				f, err := OpenFile(path, os.O_RDONLY, &Options{Verify: verify})
				benchMust(b, err)
				for _, n := range names {
					var t *Tensor
					if copyOut {
						t, err = f.ReadTensor(n)
					} else {
						t, _, err = f.TensorView(n)
					}
					benchMust(b, err)
					benchSink ^= benchTouch(t.Data)
				}
				benchMust(b, f.Close())
			}
		})
	}
	run("ViewNever", VerifyNever, false)
	run("View", VerifyOnRead, false)
	run("ReadTensorNever", VerifyNever, true)
	run("ReadTensor", VerifyOnRead, true)
	b.Run("baseline/Pread", func(b *testing.B) {
		buf := make([]byte, benchRawChunk)
		b.SetBytes(total)
		for b.Loop() {
			osf, err := os.Open(path)
			benchMust(b, err)
			for i := range benchRawChunks {
				// The chunks sit back to back at 4096 + i·4 MiB.
				_, err := osf.ReadAt(buf, int64(HeaderSize+i*benchRawChunk))
				benchMust(b, err)
				benchSink ^= benchTouch(buf)
			}
			osf.Close()
		}
	})
	b.Run("baseline/SHA256", func(b *testing.B) {
		d := benchRaw()
		b.SetBytes(total)
		for b.Loop() {
			for range benchRawChunks {
				s := sha256.Sum256(d)
				benchSink ^= uint64(s[0])
			}
		}
	})
}

// BenchmarkOpen10k opens a file of 10,000 small tensors (one commit) and
// takes its open apart: the whole Open (read-only: mmap; read-write: pread
// and the writer lock), then each step of reading the directory on its own.
func BenchmarkOpen10k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "many.mmx")
	f, err := Create(path, &Options{NoSync: true})
	benchMust(b, err)
	small := Float32Tensor([]uint64{4, 4}, ramp(16))
	for i := range benchManyChunks {
		benchMust(b, f.WriteTensor(fmt.Sprintf("layers/%05d/weight", i), small, &WriteOptions{LogicalRegion: "model"}))
	}
	benchMust(b, f.Close())
	data, err := os.ReadFile(path)
	benchMust(b, err)
	g, err := OpenBytes(data, nil)
	benchMust(b, err)
	recOff, size := g.recOff, uint64(len(data))
	benchMust(b, g.Close())
	jsonLen := size - recOff - uint64(dirRecordSize(0))
	js := data[recOff+dirHeadSize : recOff+dirHeadSize+jsonLen]
	b.Logf("directory: %d chunks, %d bytes of JSON (%d bytes per entry)", benchManyChunks, jsonLen, jsonLen/benchManyChunks)

	b.Run("Open", func(b *testing.B) {
		for b.Loop() {
			f, err := Open(path)
			benchMust(b, err)
			benchMust(b, f.Close())
		}
	})
	b.Run("OpenRW", func(b *testing.B) {
		for b.Loop() {
			f, err := OpenFile(path, os.O_RDWR, &Options{NoSync: true})
			benchMust(b, err)
			benchMust(b, f.Close())
		}
	})
	b.Run("OpenBytes", func(b *testing.B) {
		for b.Loop() {
			f, err := OpenBytes(data, nil)
			benchMust(b, err)
			benchMust(b, f.Close())
		}
	})
	// The steps of open, on the bytes in memory.
	b.Run("step/record", func(b *testing.B) { // copy out, SHA-256, decodeDirectory
		fr := &File{store: &storage.Backing{R: storage.Bytes(data)}, lim: DefaultLimits}
		for b.Loop() {
			r, err := fr.record(size)
			if r == nil || err != nil {
				b.Fatal("no record", err)
			}
		}
	})
	b.Run("step/SHA256", func(b *testing.B) {
		b.SetBytes(int64(jsonLen))
		for b.Loop() {
			benchSink ^= uint64(sha256.Sum256(data[recOff : recOff+dirHeadSize+jsonLen])[0])
		}
	})
	b.Run("step/decodeDirectory", func(b *testing.B) {
		b.SetBytes(int64(jsonLen))
		for b.Loop() {
			if _, err := decodeDirectory(js, DefaultLimits.MaxJSONDepth); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("step/checkDirectory", func(b *testing.B) {
		doc, err := decodeDirectory(js, DefaultLimits.MaxJSONDepth)
		benchMust(b, err)
		for b.Loop() {
			benchMust(b, checkDirectory(doc, recOff, DefaultLimits))
		}
	})
	// What decodeDirectory replaced: strict validation, then encoding/json.
	b.Run("ref/jsonx.Unmarshal", func(b *testing.B) {
		b.SetBytes(int64(jsonLen))
		for b.Loop() {
			var doc dirDoc
			benchMust(b, jsonx.Unmarshal(js, &doc, DefaultLimits.MaxJSONDepth))
		}
	})
	b.Run("step/headerFor", func(b *testing.B) {
		doc, err := decodeDirectory(js, DefaultLimits.MaxJSONDepth)
		benchMust(b, err)
		fr := &File{}
		for b.Loop() {
			_ = fr.headerFor(doc.Chunks, size, nil)
		}
	})
}

// BenchmarkCompressed writes and reads 16 × 4 MiB of compressible float32
// tensors with LZ4, zstd and zlib (default levels). Write: create, 16
// WriteTensor, commit (NoSync), close. Read: open (mmap) and 16 ReadTensor
// (a new buffer per tensor), with the checksum check (default: CRC-32C) or
// without (VerifyNever). ReadTo: the same reads with ReadTensorTo into one
// buffer the caller reuses. The checked reads hash on every read: the
// process-wide record of verified chunks (which would let every read after
// the first skip the hash) is off for this benchmark.
//
// Beside each, untimed, the codec library is called directly on the same
// 4 MiB chunks (output into one reused buffer), alternating with the timed
// op so that both see the same machine load: codec-MB/s is its throughput
// and x-codec ours divided by it (the goal is ≥ 0.8), also reported through
// benchratio. cpu-x-codec is the codec's CPU time over ours (process user +
// system time): the work each costs, which a loaded machine does not skew
// (a checked read's hash on a second core counts in full). codec/* are the library alone, timed, and
// codec/DecompressAlloc a new output buffer per chunk, as ReadTensor needs.
func BenchmarkCompressed(b *testing.B) {
	skipRecord.Store(true)
	defer skipRecord.Store(false)
	dir := b.TempDir()
	data := benchQuantized()
	const total = benchZChunk * benchZChunks
	chunk := func(i int) []byte { return data[i*benchZChunk : (i+1)*benchZChunk] }
	names := make([]string, benchZChunks)
	for i := range names {
		names[i] = fmt.Sprintf("z%02d", i)
	}
	for _, c := range []codec.Codec{codec.LZ4, codec.Zstd, codec.Zlib} {
		wo := &WriteOptions{Compression: c}
		// The file the reads use, and its stored chunks for the codec.
		path := filepath.Join(dir, c.String()+".mmx")
		f, err := Create(path, &Options{NoSync: true})
		benchMust(b, err)
		for i, n := range names {
			benchMust(b, f.WriteTensor(n, benchTensor(chunk(i)), wo))
		}
		benchMust(b, f.Close())
		stored := make([][]byte, benchZChunks)
		g, err := Open(path)
		benchMust(b, err)
		var sz uint64
		for i, n := range names {
			e, err := g.Entry(n)
			benchMust(b, err)
			stored[i] = append([]byte(nil), g.store.Data[e.Offset:e.Offset+e.Size]...)
			sz += e.Size
		}
		benchMust(b, g.Close())
		b.Logf("%s: %d MiB stored as %.1f MiB (%.1f%%)", c, total>>20, float64(sz)/benchMiB, 100*float64(sz)/total)
		rawCompress, rawDecompress, rawDecompressAlloc := benchCodecAlone(b, c, chunk, stored)
		const reused = "the codec library alone, same chunks, reused buffer"
		const fresh = "the codec library alone, same chunks, a new buffer per chunk"
		// paired runs op timed and raw untimed, alternately, and reports
		// the ratio of their throughputs.
		paired := func(name, what string, op, raw func(), rawName string) {
			b.Run(c.String()+"/"+name, func(b *testing.B) {
				b.SetBytes(total)
				// Once each, untimed: the first pass over fresh memory pays
				// the VM's first-touch cost (bench/README.md), which would
				// land on whichever op happens to run first.
				b.StopTimer()
				op()
				raw()
				b.StartTimer()
				var rawDur, oursCPU, rawCPU time.Duration
				for b.Loop() {
					c0 := benchCPU()
					op()
					b.StopTimer()
					c1 := benchCPU()
					t0 := time.Now()
					raw()
					rawDur += time.Since(t0)
					c2 := benchCPU()
					oursCPU, rawCPU = oursCPU+c1-c0, rawCPU+c2-c1
					b.StartTimer()
				}
				codecMBs := float64(total) * float64(b.N) / rawDur.Seconds() / 1e6
				oursMBs := float64(total) * float64(b.N) / b.Elapsed().Seconds() / 1e6
				b.ReportMetric(codecMBs, "codec-MB/s")
				b.ReportMetric(oursMBs/codecMBs, "x-codec")
				if oursCPU > 0 {
					// CPU time: the work, however loaded the machine (ours
					// includes the hash on its second goroutine and the GC).
					b.ReportMetric(rawCPU.Seconds()/oursCPU.Seconds(), "cpu-x-codec")
				}
				benchMust(b, benchratio.Report(benchratio.Line{
					Measure: fmt.Sprintf("MMX %s %s, 16×4 MiB float32 (Go)", c, what),
					Ours:    oursMBs, Peer: codecMBs, PeerName: rawName,
					Unit: "MB/s", Goal: ">= 0.8", Source: "core/mmx BenchmarkCompressed/" + c.String() + "/" + name,
				}))
			})
		}
		p := path + ".w"
		paired("Write", "write (create, 16 WriteTensor, commit NoSync)", func() {
			f, err := Create(p, &Options{NoSync: true})
			benchMust(b, err)
			for i, n := range names {
				benchMust(b, f.WriteTensor(n, benchTensor(chunk(i)), wo))
			}
			benchMust(b, f.Close())
			b.StopTimer()
			benchMust(b, os.Remove(p))
			b.StartTimer()
		}, rawCompress, reused)
		dst := make([]byte, benchZChunk)
		read := func(verify VerifyMode, into bool) func() {
			return func() {
				f, err := OpenFile(path, os.O_RDONLY, &Options{Verify: verify})
				benchMust(b, err)
				for _, n := range names {
					var t *Tensor
					if into {
						t, err = f.ReadTensorTo(n, dst)
					} else {
						t, err = f.ReadTensor(n)
					}
					benchMust(b, err)
					benchSink ^= uint64(t.Data[0])
				}
				benchMust(b, f.Close())
			}
		}
		// A read that returns a new buffer is paired with the codec
		// decompressing into a new buffer per chunk: both pay for fresh
		// memory (on this VM ~10 µs a page the first time it is touched).
		paired("Read", "read, checksum (CRC-32C) hashed on every read, ReadTensor (new buffer each)", read(VerifyOnRead, false), rawDecompressAlloc, fresh)
		paired("ReadNever", "read, unchecked, ReadTensor (new buffer each)", read(VerifyNever, false), rawDecompressAlloc, fresh)
		paired("ReadTo", "read, checksum (CRC-32C) hashed on every read, ReadTensorTo (caller's buffer)", read(VerifyOnRead, true), rawDecompress, reused)
		paired("ReadToNever", "read, unchecked, ReadTensorTo (caller's buffer)", read(VerifyNever, true), rawDecompress, reused)
		for _, r := range []struct {
			name string
			fn   func()
		}{{"codec/Compress", rawCompress}, {"codec/Decompress", rawDecompress}, {"codec/DecompressAlloc", rawDecompressAlloc}} {
			b.Run(c.String()+"/"+r.name, func(b *testing.B) {
				b.SetBytes(total)
				for b.Loop() {
					r.fn()
				}
			})
		}
	}
}

// benchCodecAlone returns the codec library itself compressing every chunk
// and decompressing every stored chunk (into one reused buffer, or a new
// buffer per chunk), with the settings the codec package uses.
func benchCodecAlone(b *testing.B, c codec.Codec, chunk func(int) []byte, stored [][]byte) (compress, decompress, decompressAlloc func()) {
	dst := make([]byte, benchZChunk)
	out := func(alloc bool) []byte {
		if alloc {
			return make([]byte, benchZChunk)
		}
		return dst
	}
	var dec func(alloc bool)
	switch c {
	case codec.LZ4:
		var lc lz4.Compressor
		zdst := make([]byte, lz4.CompressBlockBound(benchZChunk))
		compress = func() {
			for i := range benchZChunks {
				n, err := lc.CompressBlock(chunk(i), zdst)
				benchMust(b, err)
				benchSink ^= uint64(n)
			}
		}
		dec = func(alloc bool) {
			for i := range benchZChunks {
				// stored = u32 length prefix + block
				if _, err := lz4.UncompressBlock(stored[i][4:], out(alloc)); err != nil {
					b.Fatal(err)
				}
			}
		}
	case codec.Zstd:
		enc, _ := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithSingleSegment(true))
		zd, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
		zdst := make([]byte, 0, codec.Bound(codec.Zstd, benchZChunk))
		compress = func() {
			for i := range benchZChunks {
				benchSink ^= uint64(len(enc.EncodeAll(chunk(i), zdst[:0])))
			}
		}
		dec = func(alloc bool) {
			for i := range benchZChunks {
				if _, err := zd.DecodeAll(stored[i], out(alloc)[:0]); err != nil {
					b.Fatal(err)
				}
			}
		}
	case codec.Zlib:
		var zbuf bytes.Buffer
		zbuf.Grow(codec.Bound(codec.Zlib, benchZChunk))
		zw, err := zlib.NewWriterLevel(&zbuf, zlib.DefaultCompression)
		benchMust(b, err)
		var src bytes.Reader
		zr, err := zlib.NewReader(bytes.NewReader(stored[0]))
		benchMust(b, err)
		compress = func() {
			for i := range benchZChunks {
				zbuf.Reset()
				zw.Reset(&zbuf)
				_, err := zw.Write(chunk(i))
				benchMust(b, err)
				benchMust(b, zw.Close())
				benchSink ^= uint64(zbuf.Len())
			}
		}
		dec = func(alloc bool) {
			for i := range benchZChunks {
				src.Reset(stored[i])
				benchMust(b, zr.(zlib.Resetter).Reset(&src, nil))
				_, err := io.ReadFull(zr, out(alloc))
				benchMust(b, err)
			}
		}
	}
	return compress, func() { dec(false) }, func() { dec(true) }
}

// BenchmarkRows reads one row (16 KiB) of a 1 GiB float32 [65536, 4096]
// tensor (256 MiB, [16384, 4096], with -short) against reading the whole
// tensor, each op opening the file read-only (mmap) unless it says Opened.
// RowRW reads the row from a file open for writing (pread, not mmap).
func BenchmarkRows(b *testing.B) {
	size := benchBigTensor
	if testing.Short() {
		size = benchSmallTensor
	}
	rows := uint64(size / benchRowBytes)
	path := filepath.Join(b.TempDir(), "big.mmx")
	{
		pat := benchRaw()
		big := make([]byte, size)
		for off := 0; off < size; off += len(pat) {
			copy(big[off:], pat)
		}
		f, err := Create(path, &Options{NoSync: true})
		benchMust(b, err)
		benchMust(b, f.WriteTensor("big", &Tensor{DType: Float32, Shape: []uint64{rows, benchRowBytes / 4}, Data: big}, nil))
		benchMust(b, f.Close())
	}
	b.Logf("tensor: float32 [%d, %d], %d MiB", rows, benchRowBytes/4, size>>20)
	mid := rows / 2
	b.Run("Row", func(b *testing.B) {
		for b.Loop() {
			f, err := Open(path)
			benchMust(b, err)
			t, _, err := f.ReadTensorRows("big", mid, mid+1)
			benchMust(b, err)
			benchSink ^= benchTouch(t.Data)
			benchMust(b, f.Close())
		}
	})
	b.Run("RowOpened", func(b *testing.B) {
		f, err := Open(path)
		benchMust(b, err)
		defer f.Close()
		i := uint64(0)
		for b.Loop() {
			r := (i * 7919) % rows
			i++
			t, _, err := f.ReadTensorRows("big", r, r+1)
			benchMust(b, err)
			benchSink ^= benchTouch(t.Data)
		}
	})
	b.Run("RowRW", func(b *testing.B) {
		f, err := OpenFile(path, os.O_RDWR, &Options{NoSync: true})
		benchMust(b, err)
		defer f.Close()
		for b.Loop() {
			t, _, err := f.ReadTensorRows("big", mid, mid+1)
			benchMust(b, err)
			benchSink ^= benchTouch(t.Data)
		}
	})
	whole := func(name string, verify VerifyMode, copyOut bool) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(size))
			for b.Loop() {
				f, err := OpenFile(path, os.O_RDONLY, &Options{Verify: verify})
				benchMust(b, err)
				var t *Tensor
				if copyOut {
					t, err = f.ReadTensor("big")
				} else {
					t, _, err = f.TensorView("big")
				}
				benchMust(b, err)
				benchSink ^= benchTouch(t.Data)
				benchMust(b, f.Close())
			}
		})
	}
	whole("WholeViewNever", VerifyNever, false)
	whole("WholeView", VerifyOnRead, false)
	whole("WholeReadTensor", VerifyOnRead, true)
}

// benchRatio reports a measured ratio for make bench's closing table.
func benchRatio(b *testing.B, l benchratio.Line) {
	b.Helper()
	l.Source = "core/mmx/bench_test.go"
	if err := benchratio.Report(l); err != nil {
		b.Fatal(err)
	}
}

// benchTimed runs fn and returns how long it took.
func benchTimed(fn func()) time.Duration {
	t0 := time.Now()
	fn()
	return time.Since(t0)
}

// BenchmarkChecksum hashes one chunk in memory with each algorithm in the
// same loop (alternating, so all see the same load): BLAKE3
// (lukechampine.com/blake3, which spreads a large input over goroutines),
// SHA-256 and CRC-32C. MB/s of each is reported as a metric; CRC-32C (the
// default) beside the two others goes to the ratio table, for information.
func BenchmarkChecksum(b *testing.B) {
	for _, size := range []int{64 << 10, 1 << 20, 8 << 20} {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			d := benchSine(size)
			reps := max(1, (64<<20)/size) // about 64 MiB per way per op
			algs := []ChecksumAlgorithm{ChecksumCRC32C, ChecksumBLAKE3, ChecksumSHA256}
			took := make([]time.Duration, len(algs))
			round := 0
			for b.Loop() {
				for k := range algs { // a different way first each round
					w := (k + round) % len(algs)
					took[w] += benchTimed(func() {
						for range reps {
							s := algs[w].sum(d)
							benchSink ^= uint64(s[0])
						}
					})
				}
				round++
			}
			mbs := func(t time.Duration) float64 { return float64(size*reps*b.N) / t.Seconds() / 1e6 }
			for i, a := range algs {
				b.ReportMetric(mbs(took[i]), string(a)+"-MB/s")
			}
			for i, a := range algs[1:] {
				benchRatio(b, benchratio.Line{Measure: fmt.Sprintf("MMX chunk checksum, %d KiB in memory: CRC-32C (default) vs %s", size>>10, a.label()),
					Ours: mbs(took[0]), Peer: mbs(took[i+1]), PeerName: a.label() + " (option)", Unit: "MB/s"})
			}
		})
	}
}

// BenchmarkChecksumFile writes and reads 16 raw float32 tensors of 8 MiB
// (128 MiB, the setup of issue 10) with each checksum, alternating in one
// loop: Write is Create, 16 × WriteTensor, commit without fsync, Close;
// Read is Open (mmap), TensorView of each (the default VerifyOnRead: the
// checksum runs on this first read) touching every byte, Close. Metrics are
// MB/s per algorithm; BLAKE3 ÷ SHA-256 goes to the ratio table for
// information.
func BenchmarkChecksumFile(b *testing.B) {
	const n, size = 16, 8 << 20
	dir := b.TempDir()
	data := benchSine(size)
	t := &Tensor{DType: Float32, Shape: []uint64{size / 4096, 1024}, Data: data}
	algs := []ChecksumAlgorithm{ChecksumBLAKE3, ChecksumSHA256}
	write := make([]time.Duration, len(algs))
	read := make([]time.Duration, len(algs))
	round := 0
	for b.Loop() {
		for k := range algs { // a different algorithm first each round
			i := (k + round) % len(algs)
			alg := algs[i]
			path := filepath.Join(dir, string(alg)+".mmx")
			write[i] += benchTimed(func() {
				f, err := Create(path, &Options{NoSync: true, Checksum: alg})
				benchMust(b, err)
				for k := range n {
					benchMust(b, f.WriteTensor(fmt.Sprintf("t%02d", k), t, nil))
				}
				benchMust(b, f.Close())
			})
			read[i] += benchTimed(func() {
				f, err := Open(path)
				benchMust(b, err)
				for k := range n {
					v, _, err := f.TensorView(fmt.Sprintf("t%02d", k))
					benchMust(b, err)
					benchSink ^= benchTouch(v.Data)
				}
				benchMust(b, f.Close())
			})
		}
		round++
	}
	mbs := func(t time.Duration) float64 { return float64(n*size*b.N) / t.Seconds() / 1e6 }
	for i, alg := range algs {
		b.ReportMetric(mbs(write[i]), string(alg)+"-write-MB/s")
		b.ReportMetric(mbs(read[i]), string(alg)+"-read-MB/s")
	}
	benchRatio(b, benchratio.Line{Measure: "MMX Go write, 16×8 MiB float32, no fsync: BLAKE3 (default) vs SHA-256 (option)",
		Ours: mbs(write[0]), Peer: mbs(write[1]), PeerName: "MMX with SHA-256", Unit: "MB/s"})
	benchRatio(b, benchratio.Line{Measure: "MMX Go checked view read (warm), 16×8 MiB float32: BLAKE3 (default) vs SHA-256 (option)",
		Ours: mbs(read[0]), Peer: mbs(read[1]), PeerName: "MMX with SHA-256", Unit: "MB/s"})
}
