package act

// Benchmarks on 1,000,000 MORK-like paths, beside pathmap 0.3.5's own
// figures from the same run (the harness times pathmap on the same files
// and keys; they are reported as pathmap-* metrics):
//
//	BenchmarkOpen      Open (mmap + header) and Close of pathmap's ACT of the
//	                   paths, and of the empty tree: the same time
//	BenchmarkGet       one lookup per op over 100,000 random member keys, on
//	                   pathmap's ACT and on polyfmt's seed-layout file
//	BenchmarkWrite     writing all 1M paths to a file, both layouts
//
// go test ./core/mork/act/ -run XXX -bench . -benchtime 3x

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/polyfmt/polyfmt/core/mork/internal/pathmap"
	"github.com/polyfmt/polyfmt/internal/benchratio"
)

const benchPaths = 1_000_000

var benchFix struct {
	once     sync.Once
	dir      string
	recs     []rec
	bytes    int64 // path bytes in all
	recFile  string
	keysFile string
	keys     [][]byte
	pmAct    string // written by pathmap
	seedAct  string // written by polyfmt
	err      error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchFix.dir != "" {
		os.RemoveAll(benchFix.dir)
	}
	os.Exit(code)
}

// benchFixture makes the 1M paths, pathmap's ACT of them (through the
// harness) and polyfmt's seed-layout file, once per process.
func benchFixture(b *testing.B) {
	b.Helper()
	pathmap.Bin(b) // skips here when there is no cargo
	benchFix.once.Do(func() {
		f := &benchFix
		f.dir, f.err = os.MkdirTemp("", "polyfmt-act-bench-")
		if f.err != nil {
			return
		}
		r := rand.New(rand.NewPCG(1, 2))
		m := &mork{r: r}
		seen := map[string]bool{}
		for len(f.recs) < benchPaths {
			p := m.top()
			if seen[string(p)] {
				continue
			}
			seen[string(p)] = true
			f.recs = append(f.recs, rec{Path: p, Value: r.Uint64() >> r.IntN(64)})
		}
		f.recs = sortRecs(f.recs)
		for _, x := range f.recs {
			f.bytes += int64(len(x.Path))
		}
		f.recFile = filepath.Join(f.dir, "paths.rec")
		if f.err = os.WriteFile(f.recFile, encodeRecs(f.recs), 0o644); f.err != nil {
			return
		}
		var kb []byte
		for range 100_000 {
			k := f.recs[r.IntN(len(f.recs))].Path
			f.keys = append(f.keys, k)
			kb = append(kb, encodeRecs([]rec{{Path: k}})...)
		}
		f.keysFile = filepath.Join(f.dir, "keys.rec")
		if f.err = os.WriteFile(f.keysFile, kb, 0o644); f.err != nil {
			return
		}
		f.pmAct = filepath.Join(f.dir, "pathmap.act")
		pathmap.Run(b, "write-act", f.recFile, f.pmAct)
		f.seedAct = filepath.Join(f.dir, "seed.act")
		f.err = writeTree(f.seedAct, LayoutSeed, f.recs)
	})
	if benchFix.err != nil {
		b.Fatal(benchFix.err)
	}
}

func writeTree(path string, layout Layout, rs []rec) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := NewWriter(f, layout)
	for _, r := range rs {
		if err := w.Add(r.Path, r.Value); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// peer runs a harness benchmark and decodes its JSON.
func peer(b *testing.B, args ...string) map[string]float64 {
	b.Helper()
	out := pathmap.Run(b, args...)
	var m map[string]float64
	if err := json.Unmarshal(out, &m); err != nil {
		b.Fatalf("harness %v printed %q: %v", args, out, err)
	}
	return m
}

func BenchmarkOpen(b *testing.B) {
	benchFixture(b)
	empty := filepath.Join(benchFix.dir, "empty.act")
	if err := writeTree(empty, LayoutPathMap, nil); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, file string }{{"pathmap-1M", benchFix.pmAct}, {"empty", empty}, {"seed-1M", benchFix.seedAct}} {
		b.Run(c.name, func(b *testing.B) {
			fi, _ := os.Stat(c.file)
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				t, err := Open(c.file, nil)
				if err != nil {
					b.Fatal(err)
				}
				t.Close()
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Nanoseconds()), "median-ns")
			b.ReportMetric(float64(fi.Size()), "file-bytes")
			if c.name == "pathmap-1M" {
				p := peer(b, "bench", c.file, benchFix.keysFile)
				b.ReportMetric(p["open_mmap_ns"], "pathmap-open_mmap-ns")
				if err := benchratio.Report(benchratio.Line{Measure: "MORK: open an ACT of a million paths (82 MB) by mmap, median",
					Ours: float64(took[len(took)/2].Nanoseconds()) / 1e3, Peer: p["open_mmap_ns"] / 1e3, PeerName: "pathmap open_mmap",
					Unit: "µs", Goal: "<= 2.0", Source: "core/mork/act BenchmarkOpen"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkGet(b *testing.B) {
	benchFixture(b)
	keys := benchFix.keys
	for _, c := range []struct{ name, file string }{{"pathmap", benchFix.pmAct}, {"seed", benchFix.seedAct}} {
		b.Run(c.name, func(b *testing.B) {
			t, err := Open(c.file, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer t.Close()
			// One pass first, as the harness does: page faults on the fresh
			// mapping are not lookups.
			var sum uint64
			for _, k := range keys {
				v, _, _ := t.Get(k)
				sum += v
			}
			i := 0
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				v, ok, err := t.Get(keys[i])
				if err != nil || !ok {
					b.Fatalf("Get(%x) = %v, %v", keys[i], ok, err)
				}
				sum += v
				if i++; i == len(keys) {
					i = 0
				}
			}
			if c.name == "pathmap" {
				p := peer(b, "bench", c.file, benchFix.keysFile)
				if int(p["found"]) != len(keys) {
					b.Fatalf("pathmap found %v of %d keys", p["found"], len(keys))
				}
				b.ReportMetric(p["lookup_ns"], "pathmap-ns/lookup")
				ours := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				if err := benchratio.Report(benchratio.Line{Measure: "MORK: one random lookup in PathMap's ACT of a million paths",
					Ours: ours, Peer: p["lookup_ns"], PeerName: "pathmap get_val_at", Unit: "ns", Goal: "<= 1.0",
					Source: "core/mork/act BenchmarkGet"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWrite(b *testing.B) {
	benchFixture(b)
	for _, layout := range layouts {
		b.Run(layout.String(), func(b *testing.B) {
			out := filepath.Join(benchFix.dir, "w-"+layout.String()+".act")
			b.SetBytes(benchFix.bytes)
			for b.Loop() {
				if err := writeTree(out, layout, benchFix.recs); err != nil {
					b.Fatal(err)
				}
			}
			fi, _ := os.Stat(out)
			b.ReportMetric(float64(fi.Size()), "file-bytes")
			if layout == LayoutPathMap {
				ours, _ := os.ReadFile(out)
				theirs, _ := os.ReadFile(benchFix.pmAct)
				if !bytes.Equal(ours, theirs) {
					b.Errorf("polyfmt's PathMap layout of the 1M paths differs from pathmap's (%d and %d bytes)", len(ours), len(theirs))
				}
				p := peer(b, "bench-write", benchFix.recFile)
				b.ReportMetric(p["from_zipper_ns"], "pathmap-from_zipper-ns")
				b.ReportMetric(p["build_map_ns"], "pathmap-build_map-ns")
			}
		})
	}
}
