package symtab

import (
	"strconv"
	"sync"
	"testing"
)

const benchSymbols = 1_000_000

var (
	benchOnce  sync.Once
	benchTable *Table
	benchZip   = map[Layout][]byte{}
)

// benchSetup builds a table of a million symbols like a knowledge base's
// (short names, numbered entities, a few long strings) and both archives.
func benchSetup(b *testing.B) {
	benchOnce.Do(func() {
		benchTable = New()
		var buf []byte
		for i := range benchSymbols {
			buf = buf[:0]
			switch i % 4 {
			case 0:
				buf = strconv.AppendInt(buf, int64(i), 10)
			case 1:
				buf = strconv.AppendInt(append(buf, "entity-"...), int64(i), 36)
			case 2:
				buf = strconv.AppendInt(append(buf, "http://example.org/ontology/concept#"...), int64(i), 10)
			default:
				buf = strconv.AppendInt(append(buf, "p"...), int64(i), 16)
			}
			if _, err := benchTable.Intern(buf); err != nil {
				panic(err)
			}
		}
		for _, l := range []Layout{LayoutSeed, LayoutMORK} {
			z, err := benchTable.AppendZip(nil, l)
			if err != nil {
				panic(err)
			}
			benchZip[l] = z
		}
	})
	b.ResetTimer()
}

func benchWrite(b *testing.B, l Layout) {
	benchSetup(b)
	b.SetBytes(int64(len(benchZip[l])))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := benchTable.AppendZip(nil, l); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchSymbols, "ns/symbol")
}

func benchRead(b *testing.B, l Layout) {
	benchSetup(b)
	z := benchZip[l]
	b.SetBytes(int64(len(z)))
	b.ReportAllocs()
	for b.Loop() {
		tb, _, err := ReadBytes(z, nil)
		if err != nil || tb.Len() != benchSymbols {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchSymbols, "ns/symbol")
}

func BenchmarkWriteSeed1M(b *testing.B) { benchWrite(b, LayoutSeed) }
func BenchmarkWriteMORK1M(b *testing.B) { benchWrite(b, LayoutMORK) }
func BenchmarkReadSeed1M(b *testing.B)  { benchRead(b, LayoutSeed) }
func BenchmarkReadMORK1M(b *testing.B)  { benchRead(b, LayoutMORK) }

// BenchmarkIntern1M interns a million new symbols into an empty table.
func BenchmarkIntern1M(b *testing.B) {
	syms := make([][]byte, benchSymbols)
	for i := range syms {
		syms[i] = strconv.AppendInt([]byte("sym-"), int64(i), 10)
	}
	b.ReportAllocs()
	for b.Loop() {
		tb := New()
		for _, s := range syms {
			tb.Intern(s)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchSymbols, "ns/symbol")
}

// BenchmarkLookup resolves ids to symbols and back in a million-symbol table.
func BenchmarkLookup(b *testing.B) {
	benchSetup(b)
	var dst []byte
	i := uint64(0)
	for b.Loop() {
		i = i%benchSymbols + 1
		dst, _ = benchTable.AppendSymbol(dst[:0], i)
		if id, _ := benchTable.ID(dst); id != i {
			b.Fatal(id, i)
		}
	}
}
