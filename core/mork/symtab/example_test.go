package symtab_test

import (
	"bytes"
	"fmt"

	"github.com/polyfmt/polyfmt/core/mork/symtab"
)

// Intern symbols, write the table in MORK's layout, and read it back.
func Example() {
	t := symtab.New()
	for _, s := range []string{"foo", "bar", "foo"} {
		id, _ := t.Intern([]byte(s))
		fmt.Printf("%s → %d\n", s, id)
	}
	var zip bytes.Buffer
	if err := t.Write(&zip, symtab.LayoutMORK); err != nil {
		panic(err)
	}
	back, layout, err := symtab.ReadBytes(zip.Bytes(), nil)
	if err != nil {
		panic(err)
	}
	sym, _ := back.Symbol(2)
	fmt.Println(layout, back.Len(), string(sym))
	// Output:
	// foo → 1
	// bar → 2
	// foo → 1
	// mork 2 bar
}

// Convert a table from the seed document's layout to MORK's.
func ExampleTable_AppendZip() {
	t := symtab.New()
	t.Add(1<<40, []byte("from writer slot 1"))
	t.Intern([]byte("a"))
	seed, _ := t.AppendZip(nil, symtab.LayoutSeed)

	read, layout, err := symtab.ReadBytes(seed, nil)
	if err != nil {
		panic(err)
	}
	mork, _ := read.AppendZip(nil, symtab.LayoutMORK)
	again, _, _ := symtab.ReadBytes(mork, nil)
	fmt.Println(layout, again.Equal(t))
	again.All(func(id uint64, sym []byte) bool {
		fmt.Printf("%#x %s\n", id, sym)
		return true
	})
	// Output:
	// seed true
	// 0x1 a
	// 0x10000000000 from writer slot 1
}
