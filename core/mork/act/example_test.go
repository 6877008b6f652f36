package act_test

import (
	"bytes"
	"fmt"

	"github.com/polyfmt/polyfmt/core/mork/act"
)

// Write three MORK expressions in pathmap's layout, then read them in place.
func Example() {
	var buf bytes.Buffer
	w := act.NewWriter(&buf, act.LayoutPathMap)
	for _, p := range []struct {
		path  string
		value uint64
	}{
		{"\x03\xC4edge\xC1a\xC1b", 1}, // (edge a b)
		{"\x03\xC4edge\xC1b\xC1c", 2}, // (edge b c)
		{"\x03\xC6parent\xC3Sam\xC3Tom", 0},
	} {
		if err := w.Add([]byte(p.path), p.value); err != nil {
			panic(err)
		}
	}
	if err := w.Close(); err != nil {
		panic(err)
	}

	tree, err := act.NewTree(buf.Bytes(), nil)
	if err != nil {
		panic(err)
	}
	v, ok, _ := tree.Get([]byte("\x03\xC4edge\xC1b\xC1c"))
	fmt.Println(tree.Layout(), v, ok)
	tree.Walk([]byte("\x03\xC4edge"), func(path []byte, value uint64) error {
		fmt.Printf("%q = %d\n", path, value)
		return nil
	})
	// Output:
	// pathmap 2 true
	// "\x03\xc4edge\xc1a\xc1b" = 1
	// "\x03\xc4edge\xc1b\xc1c" = 2
}
