package mork

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/polyfmt/polyfmt/core/mork/internal/pathmap"
	"github.com/polyfmt/polyfmt/core/mork/paths"
	"github.com/polyfmt/polyfmt/internal/benchratio"
)

// A million generated facts, as MeTTa text (about 30 MB).
var million = sync.OnceValue(func() string { return interopText(1_000_000) })

// millionSpace is the space of those facts, imported once.
var millionSpace = sync.OnceValue(func() *File {
	f := must(Create("", nil))
	must(f.ImportText(strings.NewReader(million()), nil))
	return f
})

// BenchmarkImportMillion parses a million facts from MeTTa text into a
// space (encoding, sorting and deduplicating them).
func BenchmarkImportMillion(b *testing.B) {
	text := million()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		f := must(Create("", nil))
		if n := must(f.ImportText(strings.NewReader(text), nil)); n != 1_000_000 {
			b.Fatal(n)
		}
		must(f.Len())
	}
}

func benchExport(b *testing.B, k Kind, o *ExportOptions) {
	f := millionSpace()
	var buf bytes.Buffer
	noErr(b, f.Export(&buf, k, o))
	b.SetBytes(f.set.Bytes())
	b.ReportMetric(float64(buf.Len()), "file-bytes")
	for b.Loop() {
		buf.Reset()
		noErr(b, f.Export(&buf, k, o))
	}
}

func BenchmarkWritePathsMillion(b *testing.B) { benchExport(b, KindPaths, nil) }
func BenchmarkWriteACTMillion(b *testing.B)   { benchExport(b, KindACT, nil) }
func BenchmarkWriteSeedACTMillion(b *testing.B) {
	benchExport(b, KindACT, &ExportOptions{ACTLayout: "seed"})
}
func BenchmarkWriteSpaceMillion(b *testing.B)        { benchExport(b, KindSpace, nil) }
func BenchmarkWritePathMap1ZstdMillion(b *testing.B) { benchExport(b, KindPathMap1, nil) }

// BenchmarkReadPathsMillion opens a .paths of a million facts (inflate,
// sort check, dedup).
func BenchmarkReadPathsMillion(b *testing.B) {
	f := millionSpace()
	var buf bytes.Buffer
	noErr(b, f.Export(&buf, KindPaths, nil))
	b.SetBytes(f.set.Bytes())
	for b.Loop() {
		g := must(OpenBytes(buf.Bytes(), nil))
		g.Close()
	}
}

// BenchmarkReadSpaceMillion opens a space file of a million facts.
func BenchmarkReadSpaceMillion(b *testing.B) {
	f := millionSpace()
	var buf bytes.Buffer
	noErr(b, f.Export(&buf, KindSpace, nil))
	b.SetBytes(f.set.Bytes())
	for b.Loop() {
		g := must(OpenBytes(buf.Bytes(), nil))
		g.Close()
	}
}

// BenchmarkQueryMillion runs a pattern with a fixed head over a million
// facts: the prefix narrows the scan, the matcher checks the rest.
func BenchmarkQueryMillion(b *testing.B) {
	f := millionSpace()
	p := must(f.EncodeText("(edge n10 $x)"))
	for b.Loop() {
		n := 0
		noErr(b, f.Query(p, func(*Match) error { n++; return nil }))
		if n != 1 {
			b.Fatal(n)
		}
	}
}

// peerRecords writes the million-fact space as the harness's record file.
func peerRecords(b *testing.B) string {
	f := millionSpace()
	var buf []byte
	for i := 0; i < f.set.Len(); i++ {
		buf = pathmap.AppendRecord(buf, f.set.Path(i), 0)
	}
	path := filepath.Join(b.TempDir(), "million.rec")
	noErr(b, os.WriteFile(path, buf, 0o644))
	return path
}

func peerJSON(b *testing.B, args ...string) map[string]float64 {
	var m map[string]float64
	if err := json.Unmarshal(pathmap.Run(b, args...), &m); err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkPathMapPeer reports PathMap's own figures on the same million
// facts, in the same run, beside the benchmarks above: serialize_paths
// and its reading (.paths write and read), building a PathMap from the
// encoded paths, and ArenaCompactTree::from_zipper (the ACT write).
//
// polyfmt's side of each is timed here too, best of three, right after
// PathMap's, and the ratios go to make bench's table (benchratio).
func BenchmarkPathMapPeer(b *testing.B) {
	rec := peerRecords(b)
	p := peerJSON(b, "bench-paths", rec)
	w := peerJSON(b, "bench-write", rec)
	for b.Loop() {
	}
	b.ReportMetric(p["serialize_ns"]/1e6, "pathmap-paths-write-ms")
	b.ReportMetric(p["deserialize_ns"]/1e6, "pathmap-paths-read-ms")
	b.ReportMetric(w["build_map_ns"]/1e6, "pathmap-build-map-ms")
	b.ReportMetric(w["from_zipper_ns"]/1e6, "pathmap-act-write-ms")

	f := millionSpace()
	var pathsFile bytes.Buffer
	noErr(b, f.Export(&pathsFile, KindPaths, nil))
	export := func(k Kind) func() {
		return func() {
			var buf bytes.Buffer
			noErr(b, f.Export(&buf, k, nil))
		}
	}
	each := func() {
		noErr(b, paths.EachPath(bytes.NewReader(pathsFile.Bytes()), nil, func([]byte) error { return nil }))
	}
	for _, c := range []struct {
		measure, peerName string
		ours              func()
		peerNs            float64
	}{
		{"MORK: write a million facts as .paths", "pathmap serialize_paths", export(KindPaths), p["serialize_ns"]},
		{"MORK: read a .paths of a million facts, visit each path", "pathmap for_each_deserialized_path", each, p["deserialize_ns"]},
		{"MORK: write a million facts as an ACT (PathMap layout)", "pathmap from_zipper", export(KindACT), w["from_zipper_ns"]},
	} {
		ours := bestOf(3, c.ours)
		noErr(b, benchratio.Report(benchratio.Line{Measure: c.measure, Ours: ours.Seconds() * 1e3,
			Peer: c.peerNs / 1e6, PeerName: c.peerName, Unit: "ms", Source: "core/mork BenchmarkPathMapPeer"}))
	}
}

// bestOf runs fn n times and returns the shortest run.
func bestOf(n int, fn func()) time.Duration {
	best := time.Duration(math.MaxInt64)
	for range n {
		start := time.Now()
		fn()
		best = min(best, time.Since(start))
	}
	return best
}

// BenchmarkEachPathMillion reads a .paths of a million facts as PathMap's
// for_each_deserialized_path does: inflate and visit each path, no set.
func BenchmarkEachPathMillion(b *testing.B) {
	f := millionSpace()
	var buf bytes.Buffer
	noErr(b, f.Export(&buf, KindPaths, nil))
	b.SetBytes(f.set.Bytes())
	for b.Loop() {
		n := 0
		noErr(b, paths.EachPath(bytes.NewReader(buf.Bytes()), nil, func([]byte) error { n++; return nil }))
		if n != f.set.Len() {
			b.Fatal(n)
		}
	}
}
