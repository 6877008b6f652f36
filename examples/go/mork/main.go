// Command mork writes a MeTTa space with the Go API — sample MeTTa text
// imported into a space file (MTTS), its symbols interned, and one
// expression more added as its encoded path — then opens it, prints what it
// holds, queries it with a pattern, exports it as an ACT and verifies it.
// It writes what examples/c/mork.c and examples/cpp/mork.cpp write: their
// read modes check its file.
//
//	go run ./examples/go/mork OUT.mtts
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/polyfmt/polyfmt/core/mork"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: mork OUT.mtts")
	}
	if err := run(os.Args[1]); err != nil {
		log.Fatal(err)
	}
}

// facts is the example's space: a family, an age, a string symbol and a
// rule with variables, as MeTTa text.
const facts = `; a small family
(parent Tom Bob)
(parent Bob Ann)
(parent Bob Pat)
(age Ann 7)
(name Ann "Ann Smith")
(rule (grandparent $x $z) (, (parent $x $y) (parent $y $z)))
`

func run(path string) error {
	f, err := mork.Create(path, nil) // a space file, written at Close
	if err != nil {
		return err
	}
	n, err := f.ImportText(strings.NewReader(facts), &mork.ImportOptions{Intern: true})
	if err == nil {
		err = addMore(f)
	}
	if err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil { // commits: written whole, then renamed into place
		return err
	}
	fmt.Printf("go: wrote %s: %d expressions imported, symbols interned, one more added\n", path, n)
	// A syntax error names its line and column (the expressions before it
	// are added: here, to a separate in-memory space that is discarded).
	if _, err := importBad(); err != nil {
		fmt.Printf("go: a syntax error, as the parser reports it: %v\n", err)
	}
	return read(path)
}

// addMore adds one expression as its encoded path, as the C and C++
// examples do (so that each reads the others' files): "4" is a new symbol,
// interned first, since an interned space encodes a symbol as its id. A
// path added and removed again leaves no trace.
func addMore(f *mork.File) error {
	if _, err := f.Intern([]byte("4")); err != nil {
		return err
	}
	p, err := f.EncodeText("(age Pat 4)")
	if err == nil {
		err = f.Add(p, 0)
	}
	if err != nil {
		return err
	}
	gone, err := f.EncodeText("(parent Ann Bob)")
	if err == nil {
		err = f.Add(gone, 0)
	}
	if err == nil {
		_, err = f.Remove(gone)
	}
	return err
}

// importBad imports text with an unclosed parenthesis into an in-memory space.
func importBad() (uint64, error) {
	g, err := mork.NewMem(nil, nil)
	if err != nil {
		return 0, err
	}
	defer g.Close()
	return g.ImportText(strings.NewReader("(parent Tom Bob)\n(parent Bob\n"), nil)
}

// read opens path read-only, prints what it holds, queries and verifies it.
func read(path string) error {
	f, err := mork.Open(path) // memory-mapped
	if err != nil {
		return err
	}
	defer f.Close()
	in := f.Summary()
	fmt.Printf("go: %s: MORK %s version %s, %d paths, %d symbols, interned %v\n", path, in.Kind, in.Version, in.Paths, in.Symbols, in.Interned)
	// Every expression: the pattern $x matches each whole.
	err = f.QueryText("$x", func(m *mork.Match) error {
		t, err := m.AppendText(nil)
		fmt.Printf("go:   %s\n", t)
		return err
	})
	if err != nil {
		return err
	}
	// A pattern: $c matches any sub-expression; bindings come in order of
	// the variables' first appearance.
	err = f.QueryText("(parent Bob $c)", func(m *mork.Match) error {
		c, err := m.AppendBinding(nil, 0)
		fmt.Printf("go: query (parent Bob $c): $c = %s\n", c)
		return err
	})
	if err != nil {
		return err
	}
	// The same paths as another container: an ACT, read back from memory.
	var act bytes.Buffer
	if err := f.Export(&act, mork.KindACT, nil); err != nil {
		return err
	}
	a, err := mork.OpenBytes(act.Bytes(), nil)
	if err != nil {
		return err
	}
	defer a.Close()
	na, err := a.Len()
	if err != nil {
		return err
	}
	fmt.Printf("go: exported as an ACT (%s layout): %d bytes, %d paths\n", a.Summary().ACTLayout, act.Len(), na)
	if err := f.Verify(); err != nil {
		return err
	}
	fmt.Println("go: verified: the Blake2b-256 checksum, every path an expression, every interned symbol resolves")
	return nil
}
