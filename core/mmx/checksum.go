package mmx

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"hash/crc32"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"

	"lukechampine.com/blake3/guts"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// ChecksumAlgorithm names the per-chunk checksum a writer computes over a
// chunk's stored bytes. The directory entry names it in
// "checksum_algorithm"; an entry without the field is SHA-256 (every file
// written before the field existed, and MorphNet's).
type ChecksumAlgorithm string

// The chunk checksums.
const (
	// ChecksumBLAKE3 is BLAKE3-256 (64 hex digits): a cryptographic
	// hash whose tree lets one chunk be hashed on every core.
	ChecksumBLAKE3 ChecksumAlgorithm = "blake3"
	// ChecksumSHA256 is SHA-256, the seed's (64 hex digits); written
	// without the field.
	ChecksumSHA256 ChecksumAlgorithm = "sha256"
	// ChecksumCRC32C is CRC-32C (Castagnoli; 8 hex digits, the value
	// big-endian), the default for new chunks: not a cryptographic hash,
	// an error-detecting code that the CPU computes about ten times faster
	// than BLAKE3 on one core (docs/spec/mmx.md §1.3 says why it is the
	// default).
	ChecksumCRC32C ChecksumAlgorithm = "crc32c"
)

// DefaultChecksum is what a writer uses when Options.Checksum is "".
const DefaultChecksum = ChecksumCRC32C

// checksumSize is each algorithm's digest length in bytes: the table the
// directory's "checksum" field is checked against.
var checksumSize = map[ChecksumAlgorithm]int{ChecksumSHA256: sha256.Size, ChecksumBLAKE3: 32, ChecksumCRC32C: 4}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// parseChecksum returns the algorithm an entry's "checksum_algorithm"
// names ("" is SHA-256); another name is ErrUnsupported.
func parseChecksum(name string) (ChecksumAlgorithm, error) {
	a := ChecksumAlgorithm(name)
	if name == "" {
		return ChecksumSHA256, nil
	}
	if _, ok := checksumSize[a]; !ok {
		return "", errcode.New("mmx", errcode.ErrUnsupported, "checksum_algorithm %q (known: \"blake3\", \"sha256\", \"crc32c\")", name)
	}
	return a, nil
}

// writerChecksum resolves Options.Checksum: "" is DefaultChecksum; an
// unknown name is ErrBadArg.
func writerChecksum(a ChecksumAlgorithm) (ChecksumAlgorithm, error) {
	if a == "" {
		return DefaultChecksum, nil
	}
	if _, ok := checksumSize[a]; !ok {
		return "", errcode.New("mmx", errcode.ErrBadArg, "checksum %q: want \"blake3\", \"sha256\" or \"crc32c\"", a)
	}
	return a, nil
}

// entryField is what the entry records for a: nothing for SHA-256, so a
// file written with it is byte-identical to one written before the field.
func (a ChecksumAlgorithm) entryField() string {
	if a == ChecksumSHA256 {
		return ""
	}
	return string(a)
}

// label is the algorithm's name in messages.
func (a ChecksumAlgorithm) label() string {
	switch a {
	case ChecksumBLAKE3:
		return "BLAKE3"
	case ChecksumCRC32C:
		return "CRC-32C"
	}
	return "SHA-256"
}

// sum is the checksum of b in the first checksumSize[a] bytes (the rest
// zero): BLAKE3 on every core for a large b, SHA-256 and CRC-32C on the
// caller's.
func (a ChecksumAlgorithm) sum(b []byte) (out [32]byte) {
	switch a {
	case ChecksumBLAKE3:
		var h b3
		h.Write(b)
		return h.sum32()
	case ChecksumCRC32C:
		binary.BigEndian.PutUint32(out[:], crc32.Checksum(b, castagnoli))
		return out
	}
	return sha256.Sum256(b)
}

// stream is the algorithm's streaming form (Verify's windows).
func (a ChecksumAlgorithm) stream() sum32Hash {
	switch a {
	case ChecksumBLAKE3:
		return &b3{}
	case ChecksumCRC32C:
		return stdStream{crc32.New(castagnoli)}
	}
	return stdStream{sha256.New()}
}

// sum32Hash is a streaming checksum whose result is as sum's.
type sum32Hash interface {
	Write(p []byte) (int, error)
	sum32() [32]byte
}

// stdStream is a hash.Hash whose Sum is the digest (big-endian for CRC-32C).
type stdStream struct{ hash.Hash }

func (s stdStream) sum32() (out [32]byte) {
	s.Sum(out[:0])
	return out
}

// alg is the entry's checksum algorithm (checked at open: unknown names
// never get this far; "" is SHA-256).
func (e *Entry) alg() ChecksumAlgorithm {
	if e.ChecksumAlgorithm == "" {
		return ChecksumSHA256
	}
	return e.ChecksumAlgorithm
}

// sum decodes the entry's checksum, as sum returns it: twice its
// algorithm's digest length in hex digits.
func (e *Entry) sum() ([32]byte, bool) {
	var s [32]byte
	if hex.DecodedLen(len(e.Checksum)) != checksumSize[e.alg()] {
		return s, false
	}
	if _, err := hex.Decode(s[:], []byte(e.Checksum)); err != nil {
		return s, false
	}
	return s, true
}

// verifySum checks got, the checksum of n stored bytes, against e's.
func verifySum(e *Entry, got [32]byte, n uint64) error {
	if want, ok := e.sum(); !ok || got != want {
		return errcode.New("mmx", errcode.ErrChecksum, "chunk %q: %s of its %d stored bytes does not match the directory", e.Name, e.alg().label(), n)
	}
	return nil
}

// ---- BLAKE3 on every core --------------------------------------------------------
//
// BLAKE3 hashes 1 KiB chunks into a binary tree whose shape depends only on
// the length: every aligned power-of-two run of chunks is a subtree whose
// chaining value can be computed alone, and so is the tail of at most 16
// chunks after the last multiple of 16 (the tree splits at powers of two).
// b3 is lukechampine.com/blake3's Hasher reorganised around that: whole
// 16-chunk groups only (one AVX-512/AVX2 pass each), the input split into
// aligned subtrees of at most b3TaskChunks chunks that GOMAXPROCS goroutines
// compress, and the last group (up to 16 KiB) kept back for the end, where
// it is compressed in one pass as the rightmost subtree. The library's own
// Write starts a goroutine per 16 KiB and keeps back one chunk, which its
// Sum then compresses alone, block by block; on this project's 2-core
// machine it hashed 8 MiB slower than one core alone does (bench/README.md).
// Small writes stay on the caller's goroutine.

const (
	b3Group        = guts.MaxSIMD * guts.ChunkSize // 16 chunks: one SIMD pass
	b3TaskChunks   = 128                           // chunks (KiB) per parallel task: a 128 KiB subtree
	b3ParallelFrom = 256 << 10                     // bytes in one Write before it goes parallel
)

// b3Workers is how many goroutines a large Write uses (tests set it).
var b3Workers = func() int {
	if runtime.GOARCH == "wasm" { // goroutines do not run in parallel there
		return 1
	}
	return runtime.GOMAXPROCS(0)
}

// b3 is an unkeyed BLAKE3 hasher with a 32-byte output.
type b3 struct {
	stack   [64][8]uint32 // subtree chaining values, one per height at most
	counter uint64        // chunks pushed so far (a multiple of 16); its bits say which stack slots are full
	buf     [b3Group]byte // the last group, kept back: it may end the input
	buflen  int
}

// push adds the chaining value of the subtree of 2^height chunks that
// starts at chunk counter, merging equal-height subtrees as it goes.
func (h *b3) push(cv [8]uint32, height int) {
	i := height
	for h.counter&(1<<i) != 0 {
		cv = guts.ChainingValue(guts.ParentNode(h.stack[i], cv, &guts.IV, 0))
		i++
	}
	h.stack[i] = cv
	h.counter += 1 << height
}

// Write hashes p. The last group (1 to 16 KiB) is always kept back.
func (h *b3) Write(p []byte) (int, error) { return h.write(p, false) }

func (h *b3) write(p []byte, serial bool) (int, error) {
	n := len(p)
	if h.buflen > 0 {
		c := copy(h.buf[h.buflen:], p)
		h.buflen += c
		p = p[c:]
	}
	if h.buflen == len(h.buf) && len(p) > 0 {
		h.push(guts.ChainingValue(guts.CompressBuffer(&h.buf, b3Group, &guts.IV, h.counter, 0)), 4)
		h.buflen = 0
	}
	if len(p) > b3Group {
		rem := len(p) % b3Group
		if rem == 0 {
			rem = b3Group
		}
		h.groups(p[:len(p)-rem], serial)
		p = p[len(p)-rem:]
	}
	h.buflen += copy(h.buf[h.buflen:], p)
	return n, nil
}

// b3task is one subtree: its bytes' offset in the body, its height.
type b3task struct {
	off    int
	height int
	cv     [8]uint32
}

// b3height is the height of the largest aligned subtree that starts at
// chunk counter and fits in left chunks, at most maxHeight.
func b3height(counter, left uint64, maxHeight int) int {
	return min(bits.TrailingZeros64(counter), bits.Len64(left)-1, maxHeight)
}

// groups hashes body (whole groups, starting at chunk h.counter, a
// multiple of 16) as aligned subtrees, on several goroutines when it is
// large, and pushes them in order.
func (h *b3) groups(body []byte, serial bool) {
	chunks := uint64(len(body) / guts.ChunkSize)
	workers := b3Workers()
	if serial || len(body) < b3ParallelFrom || workers < 2 {
		for off, left := 0, chunks; left > 0; {
			height := b3height(h.counter, left, bits.TrailingZeros64(b3TaskChunks))
			size := (1 << height) * guts.ChunkSize
			h.push(b3subtree(body[off:off+size], h.counter), height)
			off += size
			left -= 1 << height
		}
		return
	}
	tasks := make([]b3task, 0, chunks/b3TaskChunks+64)
	for c, off, left := h.counter, 0, chunks; left > 0; {
		height := b3height(c, left, bits.TrailingZeros64(b3TaskChunks))
		tasks = append(tasks, b3task{off: off, height: height})
		c += 1 << height
		left -= 1 << height
		off += (1 << height) * guts.ChunkSize
	}
	base := h.counter
	var next atomic.Int64
	var wg sync.WaitGroup
	work := func() {
		for i := next.Add(1) - 1; i < int64(len(tasks)); i = next.Add(1) - 1 {
			t := &tasks[i]
			t.cv = b3subtree(body[t.off:t.off+(1<<t.height)*guts.ChunkSize], base+uint64(t.off/guts.ChunkSize))
		}
	}
	for range min(workers, len(tasks)) - 1 {
		wg.Add(1)
		go func() { defer wg.Done(); work() }()
	}
	work()
	wg.Wait()
	for _, t := range tasks {
		h.push(t.cv, t.height)
	}
}

// b3subtree is the chaining value of a subtree of a power of two of whole
// groups (16 to b3TaskChunks chunks) starting at chunk counter, on the
// caller's goroutine.
func b3subtree(b []byte, counter uint64) [8]uint32 {
	var cvs [b3TaskChunks / guts.MaxSIMD][8]uint32
	n := len(b) / b3Group
	for i := range n {
		cvs[i] = guts.ChainingValue(guts.CompressBuffer((*[b3Group]byte)(b[i*b3Group:]), b3Group, &guts.IV, counter+uint64(i*guts.MaxSIMD), 0))
	}
	for ; n > 1; n /= 2 {
		for i := range n / 2 {
			cvs[i] = guts.ChainingValue(guts.ParentNode(cvs[2*i], cvs[2*i+1], &guts.IV, 0))
		}
	}
	return cvs[0]
}

// sum32 is the hash of everything written (the hasher stays usable): the
// kept-back group compressed in one pass, then merged with the subtrees on
// the stack from the lowest up, the last merge flagged as the root.
func (h *b3) sum32() (out [32]byte) {
	n := guts.CompressBuffer(&h.buf, h.buflen, &guts.IV, h.counter, 0)
	for i := bits.TrailingZeros64(h.counter); i < bits.Len64(h.counter); i++ {
		if h.counter&(1<<i) != 0 {
			n = guts.ParentNode(h.stack[i], guts.ChainingValue(n), &guts.IV, 0)
		}
	}
	n.Flags |= guts.FlagRoot
	w := guts.WordsToBytes(guts.CompressNode(n))
	copy(out[:], w[:32])
	return out
}
