package morphnet

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

var fuzzLimits = &Limits{MaxEntries: 256, MaxDirectoryBytes: 1 << 20, MaxPayloadBytes: 1 << 20}

// FuzzParse feeds arbitrary files to Parse: it must never panic; an
// accepted file must satisfy Parse's guarantees, be detected, read back
// the same after its directory is re-encoded, and its chunks must read or
// fail with a classified error.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(vectorDir, "*.mmx"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, err := ParseBytes(data, fuzzLimits)
		if err != nil {
			if errcode.Of(err) == errcode.Internal {
				t.Fatalf("unclassified error: %v", err)
			}
			return
		}
		checkParsed(t, pf, data)
		if !Detect(bytes.NewReader(data), int64(len(data))) {
			t.Fatal("parsed but not detected")
		}
		// Round trip: the same header and chunk bytes with the directory
		// re-encoded by the test writer read back identically.
		d := pf.DirectoryOffset
		re := assemble(string(pf.HeaderJSON), data[HeaderSize:d], encDirectory(pf.Entries))
		copy(re[:HeaderSize], data[:HeaderSize])
		again, err := ParseBytes(re, fuzzLimits)
		if err != nil {
			t.Fatalf("re-encoded directory: %v", err)
		}
		if !reflect.DeepEqual(again, pf) {
			t.Fatalf("round trip differs:\n%+v\n%+v", again, pf)
		}
		if _, err := readChunks(pf, data, fuzzLimits); err != nil && errcode.Of(err) == errcode.Internal {
			t.Fatalf("chunk: unclassified error: %v", err)
		}
	})
}

// FuzzDecodePayloads runs every payload decoder on arbitrary bytes: none
// may panic; a decoded value re-encodes to bytes that decode to the same
// encoding again (maps are re-encoded sorted, so the first re-encoding may
// reorder pairs), and to exactly the input when it holds no map.
func FuzzDecodePayloads(f *testing.F) {
	for _, c := range payloadCases() {
		f.Add(c.b)
	}
	for _, v := range vectors {
		b := v.make(f)
		pf, err := ParseBytes(b, nil)
		if err != nil {
			continue
		}
		for _, e := range pf.Entries {
			off, n := e.StoredRange()
			if p, err := decompress(e.Compression, b[off:off+n], 1<<20); err == nil {
				f.Add(p)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for typ := range ChunkType(numChunkTypes - 1) {
			v, err := decodeAny(typ, data, fuzzLimits)
			if err != nil {
				if errcode.Of(err) == errcode.Internal {
					t.Fatalf("%v: unclassified error: %v", typ, err)
				}
				continue
			}
			re := encodeAny(t, v)
			v2, err := decodeAny(typ, re, fuzzLimits)
			if err != nil {
				t.Fatalf("%v: re-encoding does not decode: %v", typ, err)
			}
			if re2 := encodeAny(t, v2); !slices.Equal(re, re2) {
				t.Fatalf("%v: unstable encoding\n%x\n%x", typ, re, re2)
			}
			if !holdsMap(v) && !slices.Equal(re, data) {
				t.Fatalf("%v: re-encoding differs from input\n%x\n%x", typ, re, data)
			}
		}
	})
}

func holdsMap(v any) bool {
	switch v := v.(type) {
	case Sequence:
		return len(v.Metadata) > 1
	case Mesh:
		return len(v.Materials) > 1
	}
	return false
}
