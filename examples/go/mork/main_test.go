package main

import (
	"path/filepath"
	"testing"

	"github.com/polyfmt/polyfmt/core/mork"
)

func TestExample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.mtts")
	if err := run(path); err != nil {
		t.Fatal(err)
	}
	f, err := mork.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Verify(); err != nil {
		t.Fatal(err)
	}
	in := f.Summary()
	if in.Kind != "space" || in.Version != "1.1" || in.Paths != 7 || in.Symbols != 13 || !in.Interned {
		t.Fatalf("info %+v", in)
	}
	var kids []string
	err = f.QueryText("(parent Bob $c)", func(m *mork.Match) error {
		t, err := m.AppendBinding(nil, 0)
		kids = append(kids, string(t))
		return err
	})
	if err != nil || len(kids) != 2 || kids[0] != "Ann" || kids[1] != "Pat" {
		t.Fatalf("query: %q %v", kids, err)
	}
	if _, err := importBad(); err == nil {
		t.Fatal("an unclosed parenthesis imported")
	}
}
