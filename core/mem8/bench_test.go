package mem8

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/polyfmt/polyfmt/internal/benchratio"
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

// polyBenchAppend creates path with opt and appends n blocks of
// seedBenchContent with importance (i%100)/100, as the seed harness's
// bench-append does. It returns the seconds from the first AppendRecord to
// the end of the last (create and close excluded, as on the seed's side).
func polyBenchAppend(tb testing.TB, path string, n int, opt *Options) float64 {
	tb.Helper()
	f, err := Create(path, opt)
	if err != nil {
		tb.Fatal(err)
	}
	buf := make([]byte, 0, 128)
	start := time.Now()
	for i := range n {
		buf = seedBenchContent(buf[:0], i)
		if _, err := f.AppendRecord(Record{Content: buf, Importance: float32(i%100) / 100}); err != nil {
			tb.Fatal(err)
		}
	}
	secs := time.Since(start).Seconds()
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return secs
}

// BenchmarkSeedAppend appends the same n blocks (100,000 of about 100
// bytes; POLYFMT_SEED_BENCH_N overrides) with the seed's append_block
// (mem8_binary.rs built in release mode by cargo, no fsync ever, no chain,
// no CRC) and with polyfmt's AppendRecord (NoSync, hash chain + header CRC
// + tokens), in 5 alternating rounds of the same run, and reports the best
// rate of each and their ratio (issue 10: ours ÷ seed ≥ 1.0), and the
// median of the rounds' own ratios beside it. Each side is
// timed from its first append to the end of its last; the seed's process
// start and both creates and closes are outside the timing. Every file is
// checked after its round: the seed's size, and ours reopened with every
// block. Run it with -benchtime 1x: one iteration is all the rounds.
func BenchmarkSeedAppend(b *testing.B) {
	if raceEnabled() {
		b.Skip("the race detector slows Go code several times over: the rates would not be comparable")
	}
	n := 100_000
	if s := os.Getenv("POLYFMT_SEED_BENCH_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			b.Fatalf("POLYFMT_SEED_BENCH_N=%q", s)
		}
		n = v
	}
	const rounds = 5
	seedHarnessBin(b) // build (or find) it before any timing
	dir := b.TempDir()
	var best struct{ seed, ours float64 } // blocks/s
	var ratios []float64                  // each round's ours ÷ seed
	for it := 0; it < b.N; it++ {
		for r := range rounds {
			var rate struct{ seed, ours float64 }
			for k := range 2 {
				if (k == 0) == ((it*rounds+r)%2 == 0) {
					path := filepath.Join(dir, "seed.m8")
					rate.seed = float64(n) / seedBenchAppend(b, path, n)
					if fi, err := os.Stat(path); err != nil || fi.Size() != blockOffset(uint64(n)) {
						b.Fatalf("seed file: %v, size %v", err, fi)
					}
					os.Remove(path)
				} else {
					path := filepath.Join(dir, "polyfmt.m8")
					rate.ours = float64(n) / polyBenchAppend(b, path, n, &Options{NoSync: true})
					f, err := Open(path)
					if err != nil {
						b.Fatal(err)
					}
					if f.Count() != uint64(n) || !f.Recovery().Clean() {
						b.Fatalf("polyfmt file: %d blocks, recovery %+v", f.Count(), f.Recovery())
					}
					f.Close()
					os.Remove(path)
				}
			}
			b.Logf("round %d: seed %.0f blocks/s, polyfmt %.0f blocks/s, ratio %.2f", it*rounds+r, rate.seed, rate.ours, rate.ours/rate.seed)
			best.seed, best.ours = max(best.seed, rate.seed), max(best.ours, rate.ours)
			ratios = append(ratios, rate.ours/rate.seed)
		}
	}
	slices.Sort(ratios)
	b.ReportMetric(best.ours, "ours_blocks/s")
	b.ReportMetric(best.seed, "seed_blocks/s")
	b.ReportMetric(best.ours/best.seed, "ratio")
	b.ReportMetric(ratios[len(ratios)/2], "median_round_ratio")
	if err := benchratio.Report(benchratio.Line{
		Measure:  fmt.Sprintf("MEM8 append, %d blocks of ~100 B, no fsync: AppendRecord (chain+CRC+tokens) vs seed append_block, best of %d alternating rounds", n, rounds*b.N),
		Ours:     best.ours,
		Peer:     best.seed,
		PeerName: "seed mem8_binary.rs append_block (cargo --release)",
		Unit:     "blocks/s",
		Goal:     ">= 1.0",
		Source:   "core/mem8 BenchmarkSeedAppend",
	}); err != nil {
		b.Fatal(err)
	}
}

// discardStore is a storage.File that keeps only the header and drops
// every other write, so BenchmarkAppendCPU times an append's own work.
type discardStore struct{ hdr [HeaderSize]byte }

func (d *discardStore) ReadAt(p []byte, off int64) (int, error) {
	if off == 0 && len(p) <= HeaderSize {
		return copy(p, d.hdr[:]), nil
	}
	return 0, io.EOF
}
func (d *discardStore) WriteAt(p []byte, off int64) (int, error) { return len(p), nil }
func (d *discardStore) Truncate(int64) error                     { return nil }
func (d *discardStore) Sync() error                              { return nil }

// BenchmarkAppendCPU: AppendRecord (NoSync, hash chain + CRC + tokens) of
// the seed benchmark's blocks with the writes discarded: the signature,
// chain digest, CRC and block building, without the system calls.
func BenchmarkAppendCPU(b *testing.B) {
	img, err := NewMem(nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	d := &discardStore{}
	copy(d.hdr[:], img.Bytes())
	f, err := openStorage(d, HeaderSize, Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	contents := make([][]byte, 1000)
	for i := range contents {
		contents[i] = seedBenchContent(nil, i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.AppendRecord(Record{Content: contents[i%len(contents)], Importance: 0.5}); err != nil {
			b.Fatal(err)
		}
	}
}
