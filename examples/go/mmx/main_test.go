package main

import (
	"path/filepath"
	"testing"

	"github.com/polyfmt/polyfmt/core/mmx"
)

func TestExample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.mmx")
	if err := run(path); err != nil {
		t.Fatal(err)
	}
	f, err := mmx.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := f.Header()
	if h.TotalChunks != 11 || h.ModalitySummary["Tensor"] != 6 || h.Creator != "polyfmt example" {
		t.Fatalf("header %+v", h)
	}
	s, err := f.ReadSequence("sequences/video")
	if err != nil || len(s.Frames) != 6 {
		t.Fatalf("sequence %+v %v", s, err)
	}
}
