package paths

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"io"
	"testing"

	"github.com/pierrec/lz4/v4"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/hostile"
)

// lz4RecordsBomb is an LZ4 frame of a record section of count records of
// 4 MiB of zeros each: independent 4 MiB blocks, one stored block per
// record length and one compressed block of zeros (about 16 KiB) per path.
func lz4RecordsBomb(count uint64) []byte {
	const mib4 = 4 << 20
	var buf bytes.Buffer
	w := lz4.NewWriter(&buf)
	w.Apply(lz4.BlockSizeOption(lz4.Block4Mb), lz4.ChecksumOption(false))
	w.Write(make([]byte, mib4))
	w.Close()
	f := buf.Bytes()
	const hdr = 7              // magic, FLG, BD, HC
	zeros := f[hdr : len(f)-4] // the one block (size word and data), without the end mark
	if binary.LittleEndian.Uint32(zeros)&(1<<31) != 0 {
		panic("zeros were stored, not compressed")
	}
	out := bytes.Clone(f[:hdr])
	stored := func(p []byte) {
		out = binary.LittleEndian.AppendUint32(out, uint32(len(p))|1<<31)
		out = append(out, p...)
	}
	head := binary.LittleEndian.AppendUint64(nil, count)
	for range count {
		stored(binary.LittleEndian.AppendUint32(head, mib4))
		head = nil
		out = append(out, zeros...)
	}
	return append(out, 0, 0, 0, 0)
}

// TestZlibZerosBuilder checks the bomb builder itself: it inflates to what it says.
func TestZlibZerosBuilder(t *testing.T) {
	b := hostile.ZlibZeros(3)
	zr, err := flate.NewReader(bytes.NewReader(b[2:])), error(nil)
	n, err := io.Copy(io.Discard, zr)
	if n != 3<<20 || err != nil {
		t.Fatalf("inflates to %d bytes (%v), want 3 MiB", n, err)
	}
	if len(b) > 8<<10 {
		t.Fatalf("3 MiB bomb is %d bytes", len(b))
	}
}

func TestZstdBombBuilder(t *testing.T) {
	s, _, err := ReadPathMap1(pm1(1, 0, Zstd, [4]byte{}, hostile.ZstdZeroRecords(3, 300<<10)), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantPaths(t, s, [][]byte{make([]byte, 300<<10)})
	s, _, err = ReadPathMap1(pm1(1, 0, LZ4, [4]byte{}, lz4RecordsBomb(2)), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantPaths(t, s, [][]byte{make([]byte, 4<<20)})
}

// bounded runs fn, which must fail with kind, and fails if it allocated more than most bytes.
func bounded(t *testing.T, most uint64, kind error, fn func() error) {
	t.Helper()
	var err error
	a := allocated(func() { err = fn() })
	wantKind(t, err, kind)
	if a > most {
		t.Fatalf("allocated %d bytes, want at most %d (error %v)", a, most, err)
	}
	t.Logf("%v; allocated %d KiB", err, a>>10)
}

func TestHostile(t *testing.T) {
	readPM1 := func(data []byte, lim *Limits) func() error {
		return func() error { _, _, err := ReadPathMap1(data, lim); return err }
	}
	readPaths := func(r io.Reader, lim *Limits) func() error {
		return func() error { _, err := ReadPaths(r, lim); return err }
	}
	var zero [4]byte

	t.Run("zlib .paths inflating to 4 GiB, MaxDecompressed 16 MiB", func(t *testing.T) {
		bomb := hostile.ZlibZeros(4096) // about 4 MiB
		for _, r := range []io.Reader{bytes.NewReader(bomb), plain{bytes.NewReader(bomb)}} {
			bounded(t, 4<<20, errcode.ErrLimit, readPaths(r, &Limits{MaxDecompressed: 16 << 20}))
		}
	})
	t.Run("zlib .paths inflating to 64 MiB, default limits (ratio)", func(t *testing.T) {
		bomb := hostile.ZlibZeros(64)
		for _, r := range []io.Reader{bytes.NewReader(bomb), plain{bytes.NewReader(bomb)}} {
			bounded(t, 2<<20, errcode.ErrLimit, readPaths(r, nil))
		}
	})
	t.Run("zlib .paths of empty paths past MaxPaths", func(t *testing.T) {
		bounded(t, 2<<20, errcode.ErrLimit, readPaths(bytes.NewReader(hostile.ZlibZeros(64)), &Limits{MaxPaths: 1000}))
	})
	t.Run("zlib .paths: 4 GiB length then zeros", func(t *testing.T) {
		// The length is allowed; its bytes come from a bomb, and the path
		// buffer grows only with what arrives, until the ratio stops it
		// at 2 MiB (256 times the 8 KiB stream).
		var buf bytes.Buffer
		fw, _ := flate.NewWriter(&buf, flate.BestCompression)
		fw.Write([]byte{0xff, 0xff, 0xff, 0xff})
		fw.Flush()
		lenThenZeros := append([]byte{0x78, 0xDA}, buf.Bytes()...)
		lenThenZeros = append(lenThenZeros, hostile.ZlibZeros(8)[2:]...)
		for _, r := range []io.Reader{bytes.NewReader(lenThenZeros), plain{bytes.NewReader(lenThenZeros)}} {
			bounded(t, 12<<20, errcode.ErrLimit, readPaths(r, &Limits{MaxPathLen: 1 << 33}))
		}
	})
	t.Run("zstd PATHMAP1 of 1 GiB of paths, default limits", func(t *testing.T) {
		bomb := pm1(1, 0, Zstd, zero, hostile.ZstdZeroRecords(1024, 1<<20))
		if len(bomb) > 64<<10 {
			t.Fatalf("bomb of %d bytes", len(bomb))
		}
		bounded(t, 16<<20, errcode.ErrLimit, readPM1(bomb, nil))
	})
	t.Run("zstd PATHMAP1 of 8 GiB, MaxRatio lifted", func(t *testing.T) {
		// Eight 1 GiB paths of zeros; MaxDecompressed stops the first.
		bomb := pm1(1, 0, Zstd, zero, hostile.ZstdZeroRecords(8, 1<<30))
		bounded(t, 8<<20, errcode.ErrLimit, readPM1(bomb, &Limits{MaxRatio: 1 << 40, MaxPathLen: 1 << 31, MaxDecompressed: 16 << 20}))
	})
	t.Run("lz4 PATHMAP1 of 1 GiB of paths, MaxDecompressed 32 MiB", func(t *testing.T) {
		bomb := pm1(1, 0, LZ4, zero, lz4RecordsBomb(256))
		bounded(t, 40<<20, errcode.ErrLimit, readPM1(bomb, &Limits{MaxDecompressed: 32 << 20}))
	})
	t.Run("count of 2^60, stored", func(t *testing.T) {
		bounded(t, 1<<20, errcode.ErrLimit, readPM1(pm1(1, 0, None, zero, rec(1<<60)), nil))
	})
	t.Run("count of 2^60, zstd, MaxPaths lifted", func(t *testing.T) {
		bounded(t, 1<<20, errcode.ErrLimit, readPM1(pm1(1, 0, Zstd, zero, hostile.ZstdFrame(7, hostile.ZstdBlock{Data: rec(1 << 60)})), &Limits{MaxPaths: 1 << 62}))
	})
	t.Run("count of 2^60, stored, MaxPaths lifted", func(t *testing.T) {
		bounded(t, 1<<20, errcode.ErrFormat, readPM1(pm1(1, 0, None, zero, rec(1<<60, symFoo)), &Limits{MaxPaths: 1 << 62}))
	})
	t.Run("4 GiB path length, stored", func(t *testing.T) {
		in := append(rec(1), 0xff, 0xff, 0xff, 0xff, 1, 2, 3)
		bounded(t, 1<<20, errcode.ErrLimit, readPM1(pm1(1, 0, None, zero, in), nil))
		in[11] = 0x7f // 2 GiB−1, which a 32-bit platform can address too
		bounded(t, 1<<20, errcode.ErrFormat, readPM1(pm1(1, 0, None, zero, in), &Limits{MaxPathLen: 1 << 33}))
	})
	t.Run("4 GiB path length, zstd zeros behind it", func(t *testing.T) {
		bomb := pm1(1, 0, Zstd, zero, hostile.ZstdZeroRecords(1, 1<<32-1))
		bounded(t, 1<<20, errcode.ErrLimit, readPM1(bomb, &Limits{MaxPathLen: 1 << 33}))
	})
}
