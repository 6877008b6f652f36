package paths

import (
	"bytes"
	"sync"
	"testing"
)

// benchN is the number of paths in the benchmarks: a million of about 17 bytes.
const benchN = 1_000_000

var benchData = sync.OnceValues(func() ([][]byte, int64) {
	ps := genPaths(benchN)
	var n int64
	for _, p := range ps {
		n += int64(len(p))
	}
	return ps, n
})

var benchSet = sync.OnceValue(func() *Set {
	ps, _ := benchData()
	s := setOf(ps...)
	s.Sort()
	return s
})

func reportPaths(b *testing.B, n int) {
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "paths/s")
}

// BenchmarkSetBuildSort adds a million paths in random order and sorts them.
func BenchmarkSetBuildSort(b *testing.B) {
	ps, total := benchData()
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		s := NewSet()
		for i, p := range ps {
			s.Add(p, uint64(i))
		}
		s.Sort()
	}
	reportPaths(b, len(ps))
}

// BenchmarkSetBuildSorted adds a million paths already in order: no sort.
func BenchmarkSetBuildSorted(b *testing.B) {
	s0 := benchSet()
	b.SetBytes(s0.Bytes())
	b.ReportAllocs()
	for b.Loop() {
		s := NewSet()
		for p, v := range s0.All() {
			s.Add(p, v)
		}
		s.Sort()
	}
	reportPaths(b, s0.Len())
}

func BenchmarkSetGet(b *testing.B) {
	s := benchSet()
	ps, _ := benchData()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, ok := s.Get(ps[i%len(ps)]); !ok {
			b.Fatal("missing")
		}
		i++
	}
}

func BenchmarkWritePaths(b *testing.B) {
	s := benchSet()
	var buf bytes.Buffer
	WritePaths(&buf, s) // grow buf once, outside the loop
	b.SetBytes(s.Bytes())
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := WritePaths(&buf, s); err != nil {
			b.Fatal(err)
		}
	}
	reportPaths(b, s.Len())
	b.ReportMetric(float64(buf.Len()), "file-bytes")
}

func BenchmarkReadPaths(b *testing.B) {
	s := benchSet()
	var buf bytes.Buffer
	if err := WritePaths(&buf, s); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(s.Bytes())
	b.ReportAllocs()
	for b.Loop() {
		got, err := ReadPaths(bytes.NewReader(data), nil)
		if err != nil || got.Len() != s.Len() {
			b.Fatal(err)
		}
	}
	reportPaths(b, s.Len())
}

func BenchmarkWritePathMap1(b *testing.B) {
	s := benchSet()
	for _, c := range compressions {
		b.Run(c.String(), func(b *testing.B) {
			var buf bytes.Buffer
			WritePathMap1(&buf, s, c) // grow buf once, outside the loop
			b.SetBytes(s.Bytes())
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := WritePathMap1(&buf, s, c); err != nil {
					b.Fatal(err)
				}
			}
			reportPaths(b, s.Len())
			b.ReportMetric(float64(buf.Len()), "file-bytes")
		})
	}
}

func BenchmarkReadPathMap1(b *testing.B) {
	s := benchSet()
	for _, c := range compressions {
		b.Run(c.String(), func(b *testing.B) {
			var buf bytes.Buffer
			if err := WritePathMap1(&buf, s, c); err != nil {
				b.Fatal(err)
			}
			data := buf.Bytes()
			b.SetBytes(s.Bytes())
			b.ReportAllocs()
			for b.Loop() {
				got, _, err := ReadPathMap1(data, nil)
				if err != nil || got.Len() != s.Len() {
					b.Fatal(err)
				}
			}
			reportPaths(b, s.Len())
		})
	}
}
