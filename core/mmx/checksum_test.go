package mmx

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lukechampine.com/blake3"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// TestChecksumStreamMatchesSum checks, for every algorithm, that the
// streaming form Verify uses (fed in random pieces) gives what the one-shot
// sum of reads and writes gives, and that BLAKE3's is the library's own
// digest, for lengths around BLAKE3's chunk and SIMD-group boundaries and
// Verify's window.
func TestChecksumStreamMatchesSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 3<<20+12345)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	var lens []int
	for _, base := range []int{0, 1024, 16 << 10, 256 << 10, 1 << 20, 3 << 20} {
		for _, d := range []int{-1025, -1, 0, 1, 1025} {
			if n := base + d; n >= 0 && n <= len(data) {
				lens = append(lens, n)
			}
		}
	}
	lens = append(lens, 64, len(data))
	for _, alg := range []ChecksumAlgorithm{ChecksumBLAKE3, ChecksumSHA256, ChecksumCRC32C} {
		for _, n := range lens {
			want := alg.sum(data[:n])
			if alg == ChecksumBLAKE3 && want != blake3.Sum256(data[:n]) {
				t.Fatalf("blake3, %d bytes: not the library's digest", n)
			}
			h := alg.stream()
			for rest := data[:n]; len(rest) > 0; {
				k := min(len(rest), 1+rng.IntN(1<<20))
				h.Write(rest[:k])
				rest = rest[k:]
			}
			if got := h.sum32(); got != want {
				t.Fatalf("%s, %d bytes in pieces: %x, want %x", alg, n, got, want)
			}
		}
	}
}

// entry says, reads and verifies, then damages a byte and sees each fail.
func TestChecksumAlgorithms(t *testing.T) {
	payload := make([]byte, 3_200_000) // the parallel path; zstd stores about half
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range payload {
		payload[i] = byte(rng.IntN(16))
	}
	for _, c := range []struct {
		opt   ChecksumAlgorithm
		field ChecksumAlgorithm
		sum   [32]byte
	}{
		{"", ChecksumCRC32C, crcSum(payload)},
		{ChecksumBLAKE3, ChecksumBLAKE3, blake3.Sum256(payload)},
		{ChecksumSHA256, "", sha256.Sum256(payload)},
		{ChecksumCRC32C, ChecksumCRC32C, crcSum(payload)},
	} {
		path := filepath.Join(t.TempDir(), "c.mmx")
		f, err := Create(path, &Options{NoSync: true, Checksum: c.opt})
		if err != nil {
			t.Fatal(err)
		}
		tn := &Tensor{DType: Uint8, Shape: []uint64{uint64(len(payload))}, Data: payload}
		if err := f.WriteTensor("raw", tn, nil); err != nil {
			t.Fatal(err)
		}
		if err := f.WriteTensor("z", tn, &WriteOptions{Compression: Zstd}); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		img, _ := os.ReadFile(path)
		if has := bytes.Contains(img, []byte(`"checksum_algorithm"`)); has != (c.field != "") {
			t.Fatalf("option %q: checksum_algorithm in the directory: %v", c.opt, has)
		}
		r, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		e, _ := r.Entry("raw")
		if e.ChecksumAlgorithm != c.field || e.Checksum != hex.EncodeToString(c.sum[:checksumSize[c.field.orSHA()]]) {
			t.Fatalf("option %q: entry %q %s", c.opt, e.ChecksumAlgorithm, e.Checksum)
		}
		if got, err := r.ReadTensor("raw"); err != nil || !bytes.Equal(got.Data, payload) {
			t.Fatalf("option %q: read: %v", c.opt, err)
		}
		if err := r.Verify(); err != nil {
			t.Fatal(err)
		}
		r.Close()
		// One flipped byte in each chunk's stored bytes: read and Verify fail.
		for _, name := range []string{"raw", "z"} {
			bad := bytes.Clone(img)
			r, _ := OpenBytes(img, nil)
			e, _ := r.Entry(name)
			r.Close()
			bad[e.Offset+e.Size/2] ^= 1
			r, err := OpenBytes(bad, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = r.ReadChunk(name)
			if errcode.Of(err) != errcode.Checksum || !strings.Contains(err.Error(), c.field.orSHA().label()) {
				t.Fatalf("option %q, %s damaged: read gave %v", c.opt, name, err)
			}
			if err := r.Verify(); errcode.Of(err) != errcode.Checksum {
				t.Fatalf("option %q, %s damaged: Verify gave %v", c.opt, name, err)
			}
			r.Close()
		}
	}
	if _, err := Create("", &Options{Checksum: "md5"}); errcode.Of(err) != errcode.BadArg {
		t.Fatalf("Checksum md5: %v", err)
	}
	if _, err := ParseOptions([]byte(`{"checksum":"crc32"}`), true); errcode.Of(err) != errcode.BadArg {
		t.Fatalf(`"checksum":"crc32": %v`, err)
	}
	if o, err := ParseOptions([]byte(`{"checksum":"sha256"}`), false); err != nil || o.Checksum != ChecksumSHA256 {
		t.Fatalf(`"checksum":"sha256": %+v %v`, o, err)
	}
}

// crcSum is CRC-32C as sum returns it: big-endian in the first 4 bytes.
func crcSum(b []byte) (out [32]byte) {
	binary.BigEndian.PutUint32(out[:], crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)))
	return out
}

func (a ChecksumAlgorithm) orSHA() ChecksumAlgorithm {
	if a == "" {
		return ChecksumSHA256
	}
	return a
}

// TestChecksumAlgorithmInDirectory: the strict directory check refuses an
// unknown algorithm (unsupported, naming it) and a checksum of the wrong
// length for its algorithm; mixed entries read by their own algorithms.
func TestChecksumAlgorithmInDirectory(t *testing.T) {
	f, _ := NewMem(nil, &Options{Checksum: ChecksumSHA256})
	f.WriteJSON("old", map[string]int{"a": 1}, nil)
	f.Commit()
	f.opt.Checksum, f.alg = ChecksumBLAKE3, ChecksumBLAKE3 // as a reopen with the default would
	f.WriteJSON("new", map[string]int{"b": 2}, nil)
	f.Commit()
	img := f.Bytes()
	f.Close()
	r, err := OpenBytes(img, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Verify(); err != nil {
		t.Fatal(err)
	}
	o, _ := r.Entry("old")
	n, _ := r.Entry("new")
	if o.ChecksumAlgorithm != "" || n.ChecksumAlgorithm != ChecksumBLAKE3 {
		t.Fatalf("old %q new %q", o.ChecksumAlgorithm, n.ChecksumAlgorithm)
	}
	r.Close()
	doc := func() *dirDoc {
		e1, e2 := o, n
		return &dirDoc{Version: Version, Generation: 1, Chunks: map[string]*Entry{"old": &e1, "new": &e2}}
	}
	d := doc()
	d.Chunks["new"].ChecksumAlgorithm = "blake2b"
	if err := checkDirectory(d, uint64(len(img)), DefaultLimits); errcode.Of(err) != errcode.Unsupported || !strings.Contains(err.Error(), "blake2b") {
		t.Fatalf("unknown algorithm: %v", err)
	}
	d = doc()
	d.Chunks["new"].Checksum += "00"
	if err := checkDirectory(d, uint64(len(img)), DefaultLimits); errcode.Of(err) != errcode.Format {
		t.Fatalf("66 hex digits: %v", err)
	}
	d = doc()
	d.Chunks["old"].ChecksumAlgorithm = ChecksumSHA256 // written out: the same as absent
	if err := checkDirectory(d, uint64(len(img)), DefaultLimits); err != nil {
		t.Fatalf("explicit sha256: %v", err)
	}
	// Through the decoder: a non-string algorithm is malformed.
	if _, err := decodeDirectory([]byte(`{"chunks":{"a":{"checksum_algorithm":3}}}`), 64); errcode.Of(err) != errcode.Format {
		t.Fatalf("numeric checksum_algorithm: %v", err)
	}
}

// TestCRC32CKnownValue: the CRC-32C check value of "123456789" is
// e3069283, written big-endian, 8 hex digits; a streamed one matches.
func TestCRC32CKnownValue(t *testing.T) {
	f, _ := NewMem(nil, &Options{Checksum: ChecksumCRC32C})
	if err := f.WriteTensor("s", &Tensor{DType: Uint8, Shape: []uint64{9}, Data: []byte("123456789")}, nil); err != nil {
		t.Fatal(err)
	}
	e, _ := f.Entry("s")
	if e.Checksum != "e3069283" || e.ChecksumAlgorithm != ChecksumCRC32C {
		t.Fatalf("%s %s", e.ChecksumAlgorithm, e.Checksum)
	}
	h := ChecksumCRC32C.stream()
	h.Write([]byte("1234"))
	h.Write([]byte("56789"))
	if got := h.sum32(); got != ChecksumCRC32C.sum([]byte("123456789")) {
		t.Fatalf("stream %x", got)
	}
	f.Commit()
	if err := f.Verify(); err != nil {
		t.Fatal(err)
	}
	// 64 hex digits under crc32c is malformed, as 8 under blake3 is.
	d := &dirDoc{Version: Version, Chunks: map[string]*Entry{"s": &e}}
	e.Checksum = strings.Repeat("ab", 32)
	if err := checkDirectory(d, 1<<20, DefaultLimits); errcode.Of(err) != errcode.Format {
		t.Fatalf("crc32c with 64 digits: %v", err)
	}
	e.Checksum, e.ChecksumAlgorithm = "e3069283", ChecksumBLAKE3
	if err := checkDirectory(d, 1<<20, DefaultLimits); errcode.Of(err) != errcode.Format {
		t.Fatalf("blake3 with 8 digits: %v", err)
	}
}
