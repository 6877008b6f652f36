package jsonx

import (
	"encoding/json"
	"sync"
	"testing"
)

// benchDir is a 1 MiB directory of 10,000 objects.
var benchDir = sync.OnceValue(func() []byte { return directory(10000) })

func BenchmarkValid(b *testing.B) {
	d := benchDir()
	b.Run("jsonx.Valid", func(b *testing.B) {
		b.SetBytes(int64(len(d)))
		for b.Loop() {
			if err := Valid(d, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Valid", func(b *testing.B) { // grammar only, no duplicate check
		b.SetBytes(int64(len(d)))
		for b.Loop() {
			if !json.Valid(d) {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("Decoder.Token", func(b *testing.B) { // the same checks on encoding/json's tokenizer
		b.SetBytes(int64(len(d)))
		for b.Loop() {
			if err := tokenValid(d, DefaultMaxDepth); err != nil {
				b.Fatal(err)
			}
		}
	})
}

type benchDirectory struct {
	Format string `json:"format"`
	Chunks []struct {
		Name   string `json:"name"`
		DType  string `json:"dtype"`
		Shape  []int  `json:"shape"`
		Offset int64  `json:"offset"`
		Size   int64  `json:"size"`
		Codec  string `json:"codec"`
	} `json:"chunks"`
}

func BenchmarkUnmarshal(b *testing.B) {
	d := benchDir()
	b.Run("jsonx", func(b *testing.B) {
		b.SetBytes(int64(len(d)))
		for b.Loop() {
			var v benchDirectory
			if err := Unmarshal(d, &v, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		b.SetBytes(int64(len(d)))
		for b.Loop() {
			var v benchDirectory
			if err := json.Unmarshal(d, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkMarshal(b *testing.B) {
	var v benchDirectory
	if err := json.Unmarshal(benchDir(), &v); err != nil {
		b.Fatal(err)
	}
	out, _ := Marshal(v)
	b.SetBytes(int64(len(out)))
	for b.Loop() {
		if _, err := Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}
