package codec

import (
	"bytes"
	stdzlib "compress/zlib"
	"encoding/binary"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/flate"

	"github.com/polyfmt/polyfmt/core/errcode"
)

func TestZlibWire(t *testing.T) {
	for _, n := range []int{0, 1, 4095, 4096, 1 << 20} {
		src := floatData(n)
		z := mustCompress(t, Zlib, src)
		if z[0] != 0x78 || z[1] != 0x9c {
			t.Fatalf("%d bytes: header %x, want 789c", n, z[:2])
		}
		// The standard library reads it, checksum included.
		r, err := stdzlib.NewReader(bytes.NewReader(z))
		if err != nil {
			t.Fatal(err)
		}
		out, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(out, src) {
			t.Fatalf("%d bytes: compress/zlib: %v", n, err)
		}
	}
	for level, hdr := range map[int]byte{1: 0x01, 5: 0x5e, 6: 0x9c, 9: 0xda} {
		z, err := Compress(Zlib, nil, textData(100), level)
		if err != nil || z[1] != hdr {
			t.Errorf("level %d: header %x, %v", level, z[:2], err)
		}
	}
}

// TestZlibFromStdlib reads what compress/zlib writes at every level,
// including stored (0) and Huffman-only (-2) streams.
func TestZlibFromStdlib(t *testing.T) {
	src := cat(floatData(100000), textData(50000), randomData(3000, 2))
	for level := -2; level <= 9; level++ {
		var b bytes.Buffer
		w, err := stdzlib.NewWriterLevel(&b, level)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(src)
		w.Close()
		out, err := Decompress(Zlib, nil, b.Bytes(), int64(len(src)))
		if err != nil || !bytes.Equal(out, src) {
			t.Fatalf("level %d: %v", level, err)
		}
	}
}

func TestZlibCorrupt(t *testing.T) {
	src := textData(5000)
	z := mustCompress(t, Zlib, src)
	set := func(i int, b ...byte) []byte {
		m := bytes.Clone(z)
		copy(m[i:], b)
		return m
	}
	var withDict bytes.Buffer
	w, _ := stdzlib.NewWriterLevelDict(&withDict, 6, []byte("dictionary"))
	w.Write(src)
	w.Close()
	adler := len(z) - 4
	cases := map[string][]byte{
		"empty":           {},
		"header only":     z[:2],
		"bad fcheck":      set(1, 0x9d),
		"method 7":        set(0, 0x77),
		"window 64k":      set(0, 0x88, 0x98),
		"bad adler":       set(adler, z[adler]^1),
		"no adler":        z[:adler],
		"half adler":      z[:adler+2],
		"reserved btype":  set(2, 0x07),
		"gzip not zlib":   {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		"raw deflate":     z[2:adler],
		"stored len/nlen": {0x78, 0x01, 0x01, 0x05, 0x00, 0x00, 0x00, 'h', 'e', 'l', 'l', 'o', 0, 0, 0, 0},
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Decompress(Zlib, nil, in, int64(len(src)))
			wantKind(t, err, errcode.ErrFormat)
		})
	}
	_, err := Decompress(Zlib, nil, withDict.Bytes(), int64(len(src)))
	wantKind(t, err, errcode.ErrUnsupported)
}

// zlibBomb is a zlib stream of 1 GiB of zeros (about 1 MB), built without
// compressing the GiB: deflate blocks that end in a sync flush are
// byte-aligned and may be concatenated, and a block compressed with a
// preset dictionary of zeros is valid anywhere after 32 KiB of zeros. So the
// stream is a header, one block of 1 MiB, the same dictionary block 1023
// times, an empty final block, and the Adler-32 of 1 GiB of zeros.
var zlibBomb = sync.OnceValues(func() ([]byte, error) {
	const mib, n = 1 << 20, 1 << 30
	zeros := make([]byte, mib)
	piece := func(dict []byte) ([]byte, error) {
		var b bytes.Buffer
		w, err := flate.NewWriterDict(&b, 9, dict)
		if err != nil {
			return nil, err
		}
		w.Write(zeros)
		err = w.Flush()
		return b.Bytes(), err
	}
	first, err := piece(nil)
	if err != nil {
		return nil, err
	}
	next, err := piece(zeros[:32<<10])
	if err != nil {
		return nil, err
	}
	z := cat([]byte{0x78, 0x9c}, first, bytes.Repeat(next, n/mib-1), []byte{0x03, 0x00})
	// Adler-32 of n zeros: a stays 1, b adds a once per byte.
	return binary.BigEndian.AppendUint32(z, uint32(n%65521)<<16|1), nil
})

// TestZlibBombValid checks the constructed bomb really is 1 GiB of zeros.
func TestZlibBombValid(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("inflates 1 GiB")
	}
	bomb, err := zlibBomb()
	if err != nil {
		t.Fatal(err)
	}
	r, err := stdzlib.NewReader(bytes.NewReader(bomb))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1<<20)
	var total int64
	for {
		n, err := r.Read(buf)
		for _, c := range buf[:n] {
			if c != 0 {
				t.Fatal("non-zero byte")
			}
		}
		total += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if total != 1<<30 {
		t.Fatalf("inflates to %d bytes", total)
	}
}

// TestZlibBomb: 1 GiB of zeros read with a declared size of 1 KiB fails at
// once, having allocated next to nothing.
func TestZlibBomb(t *testing.T) {
	bomb, err := zlibBomb()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("1 GiB of zeros: %d zlib bytes", len(bomb))
	Decompress(Zlib, nil, mustCompress(t, Zlib, []byte("warm")), 4) // pool a reader
	dst := make([]byte, 0, 1024)
	var took time.Duration
	n := allocated(func() {
		start := time.Now()
		_, err = Decompress(Zlib, dst, bomb, 1024)
		took = time.Since(start)
	})
	wantKind(t, err, errcode.ErrFormat)
	t.Logf("failed in %v after allocating %d bytes", took, n)
	if n > 256<<10 {
		t.Errorf("allocated %d bytes", n)
	}
	if took > time.Second {
		t.Errorf("took %v", took)
	}
	// A size the stream cannot reach is refused before any allocation.
	n = allocated(func() { _, err = Decompress(Zlib, nil, bomb[:100], 1<<30) })
	wantKind(t, err, errcode.ErrFormat)
	if n > 4<<10 {
		t.Errorf("ratio check allocated %d bytes", n)
	}
}

// TestZlibStreams round-trips NewZlibWriter and NewZlibReader over every
// level, reusing pooled readers and writers, and checks that a reader
// takes no byte past its stream from an io.ByteReader.
func TestZlibStreams(t *testing.T) {
	src := cat(floatData(70000), textData(30000))
	for level := 0; level <= 9; level++ {
		for range 2 { // the second round takes pooled ones
			var b bytes.Buffer
			zw, release, err := NewZlibWriter(&b, level)
			if err != nil {
				t.Fatal(err)
			}
			zw.Write(src)
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			release()
			if want, _ := Compress(Zlib, nil, src, level); !bytes.Equal(b.Bytes(), want) {
				t.Fatalf("level %d: the stream differs from Compress's", level)
			}
			in := bytes.NewReader(append(b.Bytes(), "after"...))
			r, release, err := NewZlibReader(in)
			if err != nil {
				t.Fatal(err)
			}
			out, err := io.ReadAll(r)
			release()
			if err != nil || !bytes.Equal(out, src) {
				t.Fatalf("level %d: read back %d bytes, %v", level, len(out), err)
			}
			if in.Len() != len("after") {
				t.Fatalf("level %d: the reader left %d bytes after the stream, want 5", level, in.Len())
			}
		}
	}
	for _, level := range []int{-1, 10} {
		_, _, err := NewZlibWriter(io.Discard, level)
		wantKind(t, err, errcode.ErrBadArg)
	}
	if _, _, err := NewZlibReader(bytes.NewReader([]byte{0x78})); err == nil {
		t.Fatal("NewZlibReader of a cut header: no error")
	}
	if _, _, err := NewZlibReader(bytes.NewReader([]byte{0x78, 0x9d})); err == nil {
		t.Fatal("NewZlibReader of a bad header: no error")
	}
}
