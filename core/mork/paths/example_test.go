package paths_test

import (
	"bytes"
	"fmt"

	"github.com/polyfmt/polyfmt/core/mork/paths"
)

// Two MORK expressions, encoded: (foo $x (bar $x)) and (a $x $y $x $y).
var (
	fooBar = []byte{0x03, 0xC3, 'f', 'o', 'o', 0xC0, 0x02, 0xC3, 'b', 'a', 'r', 0x80}
	aVars  = []byte{0x05, 0xC1, 'a', 0xC0, 0xC0, 0x80, 0x81}
)

func ExampleSet() {
	s := paths.NewSet()
	s.Add(aVars, 1)
	s.Add(fooBar, 2)
	s.Add(aVars, 3) // the last Add of a path wins
	for p, v := range s.All() {
		fmt.Printf("% x = %d\n", p, v)
	}
	lo, hi := s.Range([]byte{0x03}) // expressions of arity 3
	fmt.Println(s.Len(), "paths,", hi-lo, "of arity 3")
	// Output:
	// 03 c3 66 6f 6f c0 02 c3 62 61 72 80 = 2
	// 05 c1 61 c0 c0 80 81 = 3
	// 2 paths, 1 of arity 3
}

func ExampleWritePaths() {
	var buf bytes.Buffer
	if err := paths.WritePaths(&buf, paths.NewSet()); err != nil {
		panic(err)
	}
	fmt.Printf("% X\n", buf.Bytes())
	// Output: 78 DA 03 00 00 00 00 01
}

func ExampleReadPathMap1() {
	s := paths.NewSet()
	s.Add(fooBar, 0)
	var buf bytes.Buffer
	if err := paths.WritePathMap1(&buf, s, paths.Zstd); err != nil {
		panic(err)
	}
	got, h, err := paths.ReadPathMap1(buf.Bytes(), nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("PATHMAP1 %d.%d, %s, %d path\n", h.Major, h.Minor, h.Compression, got.Len())
	// Output: PATHMAP1 1.0, zstd, 1 path
}

func ExampleReadRecords() {
	s := paths.NewSet()
	s.Add(fooBar, 0)
	s.Add(aVars, 0)
	section := paths.AppendRecords(nil, s)
	n, err := paths.ReadRecords(bytes.NewReader(section), nil, func(p []byte) error {
		fmt.Printf("%d bytes\n", len(p))
		return nil
	})
	fmt.Println(n, err)
	// Output:
	// 12 bytes
	// 7 bytes
	// 2 <nil>
}
