package mem8

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func benchContent(i int) []byte {
	return []byte(fmt.Sprintf(`{"path":"src/module_%d.rs","note":"memory block %d of the benchmark","score":%d}`, i, i, i%100))
}

func benchAppend(b *testing.B, opt *Options) {
	f, err := Create(filepath.Join(b.TempDir(), "b.m8"), opt)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	c := benchContent(1)
	b.SetBytes(BlockSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.Append(c, 0.5); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "blocks/s")
}

// BenchmarkAppendNoSync: appends to a file on disk without fsync (the
// issue's target: ≥ 100,000 blocks/s).
func BenchmarkAppendNoSync(b *testing.B) { benchAppend(b, &Options{NoSync: true}) }

// BenchmarkAppendPlainNoSync: the same without hash chain and CRC (seed layout).
func BenchmarkAppendPlainNoSync(b *testing.B) { benchAppend(b, &Options{NoSync: true, Plain: true}) }

// BenchmarkAppendSync: appends with the default durability (two fsyncs each).
func BenchmarkAppendSync(b *testing.B) { benchAppend(b, nil) }

var big100k struct {
	once sync.Once
	path string
	err  error
}

// file100k writes a 100,000-block file once per run (about 410 MB).
func file100k(b *testing.B) string {
	big100k.once.Do(func() {
		dir, err := os.MkdirTemp("", "polyfmt-bench")
		if err != nil {
			big100k.err = err
			return
		}
		big100k.path = filepath.Join(dir, "100k.m8")
		f, err := Create(big100k.path, &Options{NoSync: true})
		if err != nil {
			big100k.err = err
			return
		}
		for i := 0; i < 100_000; i++ {
			if _, err := f.AppendRecord(Record{Content: benchContent(i), Importance: float32(i%1000) / 1000}); err != nil {
				big100k.err = err
				return
			}
		}
		big100k.err = f.Close()
	})
	if big100k.err != nil {
		b.Fatal(big100k.err)
	}
	return big100k.path
}

// BenchmarkOpenQuery100k: open a 100,000-block file read-only and run an
// importance query whose keyword matches nothing, so every block is
// searched (the target: under 300 ms in all).
func BenchmarkOpenQuery100k(b *testing.B) {
	path := file100k(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		idx, err := f.QueryIndices(&Query{Keywords: []string{"no such keyword"}})
		if err != nil || len(idx) != 10 {
			b.Fatalf("%v %d", err, len(idx))
		}
		f.Close()
	}
}

// BenchmarkOpenRW100k: the same open for appending (read through pread, not mmap).
func BenchmarkOpenRW100k(b *testing.B) {
	path := file100k(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := OpenFile(path, os.O_RDWR, &Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

// BenchmarkVerify100k: full verification (every signature and chain link).
func BenchmarkVerify100k(b *testing.B) {
	path := file100k(b)
	f, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.SetBytes(int64(f.Count()) * BlockSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := f.Verify(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBlockRead(b *testing.B) {
	f, _ := NewMem(nil, &Options{NoSync: true})
	for i := 0; i < 1000; i++ {
		f.Append(benchContent(i), 0.5)
	}
	g, _ := OpenBytes(f.Bytes(), nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := g.Block(uint64(i % 1000)); err != nil {
			b.Fatal(err)
		}
	}
}
