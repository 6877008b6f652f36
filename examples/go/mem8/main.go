// Command mem8 writes a small .m8 file with the Go API and reads it back.
//
//	go run ./examples/go/mem8 OUT.m8
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/polyfmt/polyfmt/core/mem8"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: mem8 OUT.m8")
	}
	if err := run(os.Args[1]); err != nil {
		log.Fatal(err)
	}
}

func run(path string) error {
	f, err := mem8.Create(path, &mem8.Options{IdentityFreq: 432})
	if err != nil {
		return err
	}
	records := []mem8.Record{
		{Content: []byte("Written by Go: the first memory"), Importance: 0.8, Token: ".rs", Timestamp: 1757894400000000},
		{Content: []byte("A routine note about the build"), Importance: 0.3, Token: "build", Timestamp: 1757894400000001},
		{Content: []byte("Important: the demo crossed every boundary"), Importance: 1.0, Token: "demo", Timestamp: 1757894400000002},
		{Content: []byte(`{"kind":"json","score":0.6}`), Importance: 0.6, Token: "demo", Timestamp: 1757894400000003},
	}
	for _, r := range records {
		if _, err := f.AppendRecord(r); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}

	r, err := mem8.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := r.Verify(); err != nil {
		return err
	}
	fmt.Printf("go: wrote %s: %d blocks, identity %g Hz, verified\n", path, r.Count(), r.Header().IdentityFreq)
	top, err := r.ByImportance("Important")
	if err != nil {
		return err
	}
	fmt.Printf("go: most important: %q (%.2f, token %q)\n", top[0].Content, top[0].ImportanceValue(), top[0].Token)
	return nil
}
