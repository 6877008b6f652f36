package mmx

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"hash/crc32"

	"lukechampine.com/blake3"

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
	// hash, faster than SHA-256.
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
// zero). BLAKE3 is lukechampine.com/blake3, as VSF's: it spreads a large b
// over goroutines itself.
func (a ChecksumAlgorithm) sum(b []byte) (out [32]byte) {
	switch a {
	case ChecksumBLAKE3:
		return blake3.Sum256(b)
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
		return stdStream{blake3.New(32, nil)}
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
