package codec

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/polyfmt/polyfmt/core/errcode"
)

func TestZstdWire(t *testing.T) {
	for _, n := range []int{0, 1, 255, 256, 1023, 1024, 1025, 4095, 4096, 65791, 65792, 1 << 20, 8 << 20, 8<<20 + 1, 20 << 20} {
		src := floatData(n)
		z := mustCompress(t, Zstd, src)
		if out, err := Decompress(Zstd, nil, z, int64(n)); err != nil || !bytes.Equal(out, src) {
			t.Fatalf("%d bytes: round trip: %v", n, err)
		}
		if !bytes.HasPrefix(z, []byte{0x28, 0xb5, 0x2f, 0xfd}) {
			t.Fatalf("%d bytes: magic %x", n, z[:4])
		}
		var h zstd.Header
		if err := h.Decode(z); err != nil {
			t.Fatal(err)
		}
		if !h.HasFCS || h.FrameContentSize != uint64(n) || h.HasCheckSum != (n > 0) || h.DictionaryID != 0 {
			t.Fatalf("%d bytes: header %+v", n, h)
		}
		// Single segment (window = content size) up to 8 MiB, then an
		// 8 MiB window.
		if n <= 8<<20 && !h.SingleSegment || n > 8<<20 && (h.SingleSegment || h.WindowSize != 8<<20) {
			t.Fatalf("%d bytes: single segment %v, window %d", n, h.SingleSegment, h.WindowSize)
		}
		if err := checkZstdFrame(z, n); err != nil {
			t.Fatalf("%d bytes: not exactly one frame: %v", n, err)
		}
	}
}

// TestZstdOtherEncoders reads frames as other writers make them: the
// encoder's defaults (multi-segment, no content size below 256 bytes), a
// streaming encoder (no content size at all), and no checksum.
func TestZstdOtherEncoders(t *testing.T) {
	src := cat(floatData(300<<10), textData(5000))
	for _, n := range []int{0, 1, 100, 255, 256, 5000, len(src)} {
		for name, opts := range map[string][]zstd.EOption{
			"defaults":    {zstd.WithEncoderConcurrency(1), zstd.WithZeroFrames(true)},
			"no checksum": {zstd.WithEncoderConcurrency(1), zstd.WithZeroFrames(true), zstd.WithEncoderCRC(false)},
			"fastest":     {zstd.WithEncoderConcurrency(1), zstd.WithZeroFrames(true), zstd.WithEncoderLevel(zstd.SpeedFastest)},
		} {
			e, err := zstd.NewWriter(nil, opts...)
			if err != nil {
				t.Fatal(err)
			}
			z := e.EncodeAll(src[:n], nil)
			out, err := Decompress(Zstd, nil, z, int64(n))
			if err != nil || !bytes.Equal(out, src[:n]) {
				t.Fatalf("%s, %d bytes: %v", name, n, err)
			}
			var b bytes.Buffer
			e.Reset(&b)
			e.Write(src[:n])
			e.Close()
			out, err = Decompress(Zstd, nil, b.Bytes(), int64(n))
			if err != nil || !bytes.Equal(out, src[:n]) {
				t.Fatalf("%s, streamed, %d bytes: %v", name, n, err)
			}
		}
	}
}

// TestZstdCLI checks both directions against the reference implementation
// when its command-line tool is installed.
func TestZstdCLI(t *testing.T) {
	bin, err := exec.LookPath("zstd")
	if err != nil {
		t.Skip("zstd not installed")
	}
	dir := t.TempDir()
	for _, n := range []int{0, 1, 300, 1 << 20, 9 << 20} {
		src := cat(floatData(n/2), textData(n-n/2))
		ours := filepath.Join(dir, "ours.zst")
		os.WriteFile(ours, mustCompress(t, Zstd, src), 0o644)
		out, err := exec.Command(bin, "-q", "-d", "-c", ours).Output()
		if err != nil || !bytes.Equal(out, src) {
			t.Fatalf("%d bytes: zstd -d: %v", n, err)
		}
		raw := filepath.Join(dir, "raw")
		os.WriteFile(raw, src, 0o644)
		for _, args := range [][]string{{"-3"}, {"-19"}, {"--no-check"}, {"--no-content-size"}, {"-1", "--single-thread"}} {
			if args[0] == "-19" && n > 1<<20 {
				continue // slow
			}
			z, err := exec.Command(bin, append(args, "-q", "-c", raw)...).Output()
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decompress(Zstd, nil, z, int64(n))
			if err != nil || !bytes.Equal(got, src) {
				t.Fatalf("%d bytes, zstd %v: %v", n, args, err)
			}
		}
	}
}

// frame builds a zstd frame by hand: descriptor fhd, window descriptor wd (if
// not single-segment), content size fcs (its width from fhd), then blocks.
func frame(fhd byte, wd int, fcs []byte, blocks ...[]byte) []byte {
	z := []byte{0x28, 0xb5, 0x2f, 0xfd, fhd}
	if wd >= 0 {
		z = append(z, byte(wd))
	}
	return cat(z, fcs, cat(blocks...))
}

// block builds a block header and body: typ 0 raw, 1 RLE, 2 compressed.
func block(last bool, typ, size int, body []byte) []byte {
	bh := uint32(typ)<<1 | uint32(size)<<3
	if last {
		bh |= 1
	}
	return append([]byte{byte(bh), byte(bh >> 8), byte(bh >> 16)}, body...)
}

func TestZstdCorrupt(t *testing.T) {
	src := textData(5000)
	z := mustCompress(t, Zstd, src)
	set := func(i int, b ...byte) []byte {
		m := bytes.Clone(z)
		copy(m[i:], b)
		return m
	}
	skippable := []byte{0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 'a', 'b', 'c'}
	raw10 := frame(0x20, -1, []byte{10}, block(true, 0, 10, []byte("0123456789")))
	cases := map[string]struct {
		in   []byte
		size int64
		kind error
	}{
		"empty":             {nil, 0, errcode.ErrFormat},
		"magic only":        {z[:4], 5000, errcode.ErrFormat},
		"legacy magic":      {set(0, 0x27), 5000, errcode.ErrFormat},
		"content size":      {raw10, 11, errcode.ErrFormat},
		"no content size":   {frame(0x00, 0, nil, block(true, 0, 10, []byte("0123456789"))), 11, errcode.ErrFormat},
		"reserved fhd bit":  {set(4, z[4]|0x08), 5000, errcode.ErrFormat},
		"dictionary":        {frame(0x21, -1, []byte{7, 10}, block(true, 0, 10, []byte("0123456789"))), 10, errcode.ErrUnsupported},
		"skippable":         {skippable, 0, errcode.ErrFormat},
		"skippable after":   {cat(z, skippable), 5000, errcode.ErrFormat},
		"skippable before":  {cat(skippable, z), 5000, errcode.ErrFormat},
		"two frames":        {cat(raw10, raw10), 20, errcode.ErrFormat},
		"empty frame after": {cat(z, mustCompress(t, Zstd, nil)), 5000, errcode.ErrFormat},
		"reserved block":    {frame(0x20, -1, []byte{10}, block(true, 3, 10, []byte("0123456789"))), 10, errcode.ErrFormat},
		"block too big":     {frame(0x00, 0x40, nil, block(true, 1, 128<<10+1, []byte{0})), 128<<10 + 1, errcode.ErrFormat},
		"block over window": {frame(0x00, 0x00, nil, block(true, 1, 2048, []byte{0})), 2048, errcode.ErrFormat},
		"no last block":     {frame(0x20, -1, []byte{10}, block(false, 0, 10, []byte("0123456789"))), 10, errcode.ErrFormat},
		"raw body short":    {frame(0x20, -1, []byte{10}, block(true, 0, 10, []byte("012345678"))), 10, errcode.ErrFormat},
		"rle past fcs":      {frame(0x20, -1, []byte{10}, block(true, 1, 11, []byte{0})), 10, errcode.ErrFormat},
		"short of size":     {frame(0x00, 0, nil, block(true, 0, 10, []byte("0123456789"))), 11, errcode.ErrFormat},
		"bad checksum":      {set(len(z)-1, z[len(z)-1]^1), 5000, errcode.ErrFormat},
		"no checksum":       {z[:len(z)-4], 5000, errcode.ErrFormat},
		"bad literals":      {frame(0x20, -1, []byte{10}, block(true, 2, 3, []byte{0xff, 0xff, 0xff})), 10, errcode.ErrFormat},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Decompress(Zstd, nil, tc.in, tc.size)
			wantKind(t, err, tc.kind)
		})
	}
	// The hand-built frames are valid where the table says they are not.
	if out, err := Decompress(Zstd, nil, raw10, 10); err != nil || string(out) != "0123456789" {
		t.Fatalf("raw10: %q %v", out, err)
	}
}

// zstdBomb builds a frame of 1 GiB of zeros as a compressor writes it: 8192
// RLE blocks of 128 KiB, with or without the content size.
func zstdBomb(withSize bool) []byte {
	const n = 1 << 30
	var z []byte
	if withSize {
		z = frame(0xc0, 0x38, binary.LittleEndian.AppendUint64(nil, n)) // 8-byte FCS, window 128 KiB
	} else {
		z = frame(0x00, 0x38, nil)
	}
	for i := 0; i < n/zstdMaxBlock; i++ {
		z = append(z, block(i == n/zstdMaxBlock-1, 1, zstdMaxBlock, []byte{0})...)
	}
	return z
}

// TestZstdHugeWindow: a frame may declare a huge window; DecodeAll decodes
// into the output buffer and allocates no window. (Above the decoder's
// 64 GiB maximum output the frame is refused.)
func TestZstdHugeWindow(t *testing.T) {
	z := frame(0x00, 0xc8, nil, block(true, 0, 10, []byte("0123456789"))) // window 2^35
	Decompress(Zstd, nil, mustCompress(t, Zstd, []byte("warm")), 4)
	var out []byte
	var err error
	n := allocated(func() { out, err = Decompress(Zstd, nil, z, 10) })
	if err != nil || string(out) != "0123456789" {
		t.Fatalf("%q %v", out, err)
	}
	if n > 64<<10 {
		t.Errorf("allocated %d bytes", n)
	}
	_, err = Decompress(Zstd, nil, frame(0x00, 0xf8, nil, block(true, 0, 10, []byte("0123456789"))), 10) // 2^41
	wantKind(t, err, errcode.ErrFormat)
}

func TestZstdBomb(t *testing.T) {
	Decompress(Zstd, nil, mustCompress(t, Zstd, []byte("warm")), 4) // pool a decoder
	// The real encoder makes the same kind of frame from 1 GiB of zeros.
	if !testing.Short() && !raceEnabled {
		var b bytes.Buffer
		e, _ := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
		e.ResetContentSize(&b, 1<<30)
		if err := zeroStream(e, 1<<30); err != nil {
			t.Fatal(err)
		}
		e.Close()
		t.Logf("1 GiB of zeros: %d zstd bytes from the encoder", b.Len())
		cases := map[string][]byte{"encoder": b.Bytes()}
		testZstdBombs(t, cases)
	}
	testZstdBombs(t, map[string][]byte{"with size": zstdBomb(true), "without size": zstdBomb(false)})
}

func testZstdBombs(t *testing.T, bombs map[string][]byte) {
	for name, bomb := range bombs {
		var err error
		var took time.Duration
		dst := make([]byte, 0, 1024)
		n := allocated(func() {
			start := time.Now()
			_, err = Decompress(Zstd, dst, bomb, 1024)
			took = time.Since(start)
		})
		wantKind(t, err, errcode.ErrFormat)
		t.Logf("%s (%d bytes): failed in %v after allocating %d bytes: %v", name, len(bomb), took, n, err)
		// Without a content size the decoder runs one 128 KiB block past
		// the declared size before it stops.
		if n > 512<<10 {
			t.Errorf("%s: allocated %d bytes", name, n)
		}
		if took > time.Second {
			t.Errorf("%s: took %v", name, took)
		}
	}
}
