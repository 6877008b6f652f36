package expr_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/polyfmt/polyfmt/core/mork/expr"
)

func Example() {
	path, err := expr.ParseOne(`(foo $x (bar $x "a b"))`, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("% X\n", path)
	text, _ := expr.Text(path)
	fmt.Println(text)
	// Output:
	// 03 C3 66 6F 6F C0 03 C3 62 61 72 80 C5 22 61 20 62 22
	// (foo $a (bar $a "a b"))
}

func ExampleParser() {
	text := "; a small space\n(edge a b)\n(edge b c)\n(person (name \"x\"))\n"
	p := expr.NewParser(strings.NewReader(text), nil)
	for {
		path, err := p.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			panic(err)
		}
		fmt.Printf("line %d: % X\n", p.Line(), path)
	}
	// Output:
	// line 2: 03 C4 65 64 67 65 C1 61 C1 62
	// line 3: 03 C4 65 64 67 65 C1 62 C1 63
	// line 4: 02 C6 70 65 72 73 6F 6E 02 C4 6E 61 6D 65 C3 22 78 22
}

func ExampleMatchBindings() {
	pattern, _ := expr.ParseOne("(edge $from $to)", nil)
	prefix := expr.Prefix(pattern)
	for _, fact := range []string{"(edge a b)", "(edge c (d e))", "(node a)"} {
		path, _ := expr.ParseOne(fact, nil)
		b, ok := expr.MatchBindings(pattern, path)
		if !ok {
			fmt.Printf("%s: no match\n", fact)
			continue
		}
		from, _ := expr.Text(b[0])
		to, _ := expr.Text(b[1])
		fmt.Printf("%s: from=%s to=%s (starts with % X)\n", fact, from, to, prefix)
	}
	// Output:
	// (edge a b): from=a to=b (starts with 03 C4 65 64 67 65)
	// (edge c (d e)): from=c to=(d e) (starts with 03 C4 65 64 67 65)
	// (node a): no match
}

func ExampleSyntaxError() {
	_, err := expr.Parse([]byte("(a b)\n(c "+strings.Repeat("x", 64)+")"), nil)
	fmt.Println(err)
	// Output:
	// mork: line 2, column 4: symbol longer than 63 bytes
}
