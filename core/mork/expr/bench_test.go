package expr

import (
	"bytes"
	"io"
	"strconv"
	"sync"
	"testing"
)

const benchFacts = 1_000_000

// benchText is a million facts, half (edge nA nB), half
// (person (name "xN") (age N)), one per line.
var benchText = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	for i := range benchFacts {
		if i%2 == 0 {
			b.WriteString("(edge n")
			b.WriteString(strconv.Itoa(i % 9973))
			b.WriteString(" n")
			b.WriteString(strconv.Itoa(i % 7919))
			b.WriteString(")\n")
		} else {
			b.WriteString(`(person (name "x`)
			b.WriteString(strconv.Itoa(i))
			b.WriteString(`") (age `)
			b.WriteString(strconv.Itoa(i % 97))
			b.WriteString("))\n")
		}
	}
	return b.Bytes()
})

var benchPaths = sync.OnceValue(func() [][]byte {
	es, err := Parse(benchText(), nil)
	if err != nil || len(es) != benchFacts {
		panic(err)
	}
	return es
})

func reportFacts(b *testing.B, n int) {
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "facts/s")
}

// BenchmarkParseText: Parse over text in memory (a million facts a run).
func BenchmarkParseText(b *testing.B) {
	text := benchText()
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for range b.N {
		p := newTextParser(text, nil)
		n := 0
		for {
			_, err := p.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != benchFacts {
			b.Fatal(n)
		}
	}
	reportFacts(b, benchFacts)
}

// BenchmarkParseStream: the streaming parser reading an io.Reader.
func BenchmarkParseStream(b *testing.B) {
	text := benchText()
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for range b.N {
		p := NewParser(bytes.NewReader(text), nil)
		for {
			if _, err := p.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
	reportFacts(b, benchFacts)
}

// BenchmarkParseInterned: the same with every symbol interned (a map).
func BenchmarkParseInterned(b *testing.B) {
	text := benchText()
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for range b.N {
		p := NewParser(bytes.NewReader(text), &Options{Interner: newMapInterner()})
		for {
			if _, err := p.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
	reportFacts(b, benchFacts)
}

// BenchmarkPrint: AppendText of a million paths (bytes are text out).
func BenchmarkPrint(b *testing.B) {
	paths := benchPaths()
	b.SetBytes(int64(len(benchText())))
	b.ResetTimer()
	var out []byte
	for range b.N {
		for _, p := range paths {
			var err error
			if out, err = AppendText(out[:0], p, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportFacts(b, benchFacts)
}

// BenchmarkValidate: Check of a million paths (bytes are encoded bytes).
func BenchmarkValidate(b *testing.B) {
	paths := benchPaths()
	n := 0
	for _, p := range paths {
		n += len(p)
	}
	b.SetBytes(int64(n))
	b.ResetTimer()
	for range b.N {
		for _, p := range paths {
			if err := Check(p); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportFacts(b, benchFacts)
}

// BenchmarkMatch: MatchBindings of (person (name $n) (age $a)) against a
// million paths (half match).
func BenchmarkMatch(b *testing.B) {
	paths := benchPaths()
	pat, _ := ParseOne("(person (name $n) (age $a))", nil)
	b.ResetTimer()
	for range b.N {
		hits := 0
		for _, p := range paths {
			if Match(pat, p) {
				hits++
			}
		}
		if hits != benchFacts/2 {
			b.Fatal(hits)
		}
	}
	reportFacts(b, benchFacts)
}

// BenchmarkMatchRepeated: the worst shape, a VarRef per item comparing a
// large binding: (f $x $x … $x) against 63 equal sub-expressions of
// about 1 KiB each.
func BenchmarkMatchRepeated(b *testing.B) {
	big := append([]byte{0x3F}, bytes.Repeat([]byte{0xD0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p'}, 63)...)
	data := append([]byte{0x3F}, bytes.Repeat(big, 63)...)
	pat := append([]byte{0x3F, NewVar}, bytes.Repeat([]byte{0x80}, 62)...)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		if !Match(pat, data) {
			b.Fatal("no match")
		}
	}
}
