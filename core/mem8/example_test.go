package mem8_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/polyfmt/polyfmt/core/mem8"
)

func Example() {
	dir, _ := os.MkdirTemp("", "mem8-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "memories.m8")

	f, err := mem8.Create(path, nil)
	if err != nil {
		panic(err)
	}
	f.Append([]byte("First memory"), 0.8)
	f.Append([]byte("Second memory"), 0.5)
	f.AppendRecord(mem8.Record{Content: []byte("Important memory"), Importance: 1.0, Token: "notes"})
	f.Close()

	r, err := mem8.Open(path)
	if err != nil {
		panic(err)
	}
	defer r.Close()
	for b, err := range r.Backward() {
		if err != nil {
			panic(err)
		}
		fmt.Printf("%d %s %.4f %q\n", b.Index, b.Content, b.ImportanceValue(), b.Token)
	}
	fmt.Println("verify:", r.Verify())
	// Output:
	// 2 Important memory 1.0000 "notes"
	// 1 Second memory 0.5000 ""
	// 0 First memory 0.8000 ""
	// verify: <nil>
}

func ExampleFile_ByImportance() {
	f, _ := mem8.NewMem(nil, nil)
	f.Append([]byte("low"), 0.1)
	f.Append([]byte("high"), 0.9)
	f.Append([]byte("middle"), 0.5)
	blocks, _ := f.ByImportance("middle")
	for _, b := range blocks {
		fmt.Println(string(b.Content))
	}
	// Output:
	// high
	// middle
	// low
}

func ExampleImportJSON() {
	f, _ := mem8.NewMem(nil, nil)
	n, err := mem8.ImportJSON(f, []byte(`{"contexts": [{"text": "hello", "score": 0.9}]}`), nil, nil)
	b, _ := f.Block(0)
	fmt.Println(n, err, string(b.Content), b.Importance)
	// Output:
	// 1 <nil> {"score":0.9,"text":"hello"} 58981
}
