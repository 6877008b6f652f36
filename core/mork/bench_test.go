package mork

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/polyfmt/polyfmt/core/mork/expr"
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
		noErr(b, f.Query(p, func([]byte, uint64, []expr.Span) error { n++; return nil }))
		if n != 1 {
			b.Fatal(n)
		}
	}
}
