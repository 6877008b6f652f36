package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/polyfmt/polyfmt/core/mem8"
	"github.com/polyfmt/polyfmt/core/mmx"
)

// Format is what the first bytes of a file say it is.
type Format int

const (
	Unknown Format = iota
	MEM8
	JSON // plain JSON text
	Zlib // zlib stream (compressed JSON, as the seed's converter reads)
	MMX  // MMX container, polyfmt's or MorphNet's (magic "MMX\0")
)

func (f Format) String() string {
	return [...]string{"unknown", "MEM8", "JSON", "zlib", "MMX"}[f]
}

// Detect reads the first bytes of r.
func Detect(head []byte) Format {
	switch {
	case bytes.HasPrefix(head, []byte(mem8.Magic)):
		return MEM8
	case bytes.HasPrefix(head, []byte(mmx.Magic)):
		return MMX
	case len(head) >= 2 && head[0] == 0x78 && (head[1] == 0x9C || head[1] == 0xDA):
		return Zlib
	}
	t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return JSON
	}
	return Unknown
}

func detectFile(path string) (Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return Unknown, err
	}
	defer f.Close()
	head := make([]byte, 64)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return Unknown, err
	}
	fm := Detect(head[:n])
	if fm == Unknown {
		return Unknown, fmt.Errorf("%s: not a file polyfmt knows (first bytes % x)", path, head[:min(n, 8)])
	}
	return fm, nil
}
