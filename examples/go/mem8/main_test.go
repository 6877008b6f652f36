package main

import (
	"path/filepath"
	"testing"

	"github.com/polyfmt/polyfmt/core/mem8"
)

func TestExample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.m8")
	if err := run(path); err != nil {
		t.Fatal(err)
	}
	f, err := mem8.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Count() != 4 || f.Tokens().Dynamic()[0] != "demo" {
		t.Fatalf("%d blocks, tokens %q", f.Count(), f.Tokens().Dynamic())
	}
}
