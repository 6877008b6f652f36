package vsf

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"hash"
	"io"

	"github.com/polyfmt/polyfmt/core/errcode"
	"golang.org/x/crypto/blake2b"
	"lukechampine.com/blake3"
)

// Algorithm letters of hashes (h), signatures (g) and keys (k). Each is one
// byte of the format and must not change. b, 2, 5 and e are the public
// crate's; B (BLAKE2b) is polyfmt's choice, the crate has none.
const (
	AlgBLAKE3  = 'b' // BLAKE3, 32-byte digest (h b 33 1F)
	AlgSHA256  = '2' // SHA-256, 32 bytes (h 2 33 1F)
	AlgSHA512  = '5' // SHA-512, 64 bytes (h 5 33 3F)
	AlgBLAKE2b = 'B' // BLAKE2b-256 or BLAKE2b-512 by the digest's length
	AlgEd25519 = 'e' // Ed25519 signature (g e 33 3F, 64 bytes) and public key (k e 33 1F, 32 bytes)
)

// HashAlgs names the hash algorithms by their letter.
var HashAlgs = map[byte]string{AlgBLAKE3: "blake3", AlgSHA256: "sha256", AlgSHA512: "sha512", AlgBLAKE2b: "blake2b"}

// HashAlgByName is the letter of a hash algorithm named as in HashAlgs
// ("blake2b-512" for the 64-byte BLAKE2b), and its digest size.
func HashAlgByName(name string) (alg byte, size int, ok bool) {
	switch name {
	case "blake3":
		return AlgBLAKE3, 32, true
	case "sha256", "sha-256":
		return AlgSHA256, 32, true
	case "sha512", "sha-512":
		return AlgSHA512, 64, true
	case "blake2b", "blake2b-256":
		return AlgBLAKE2b, 32, true
	case "blake2b-512":
		return AlgBLAKE2b, 64, true
	}
	return 0, 0, false
}

// NewHasher returns a hash.Hash for the algorithm letter and digest size
// (size 0: the algorithm's default). An unknown pair is ErrUnsupported.
func NewHasher(alg byte, size int) (hash.Hash, error) {
	switch {
	case alg == AlgBLAKE3 && (size == 0 || size == 32):
		return blake3.New(32, nil), nil
	case alg == AlgSHA256 && (size == 0 || size == 32):
		return sha256.New(), nil
	case alg == AlgSHA512 && (size == 0 || size == 64):
		return sha512.New(), nil
	case alg == AlgBLAKE2b && (size == 0 || size == 32):
		return blake2b.New256(nil)
	case alg == AlgBLAKE2b && size == 64:
		return blake2b.New512(nil)
	}
	return nil, errcode.New("vsf", errcode.ErrUnsupported, "no hash %q of %d bytes (known: blake3, sha256, sha512, blake2b-256, blake2b-512)", alg, size)
}

// SumHash hashes data.
func SumHash(alg byte, size int, data []byte) (Hash, error) {
	h, err := NewHasher(alg, size)
	if err != nil {
		return Hash{}, err
	}
	h.Write(data)
	return Hash{Alg: alg, Sum: h.Sum(nil)}, nil
}

// HashReader hashes what r yields, in bounded memory.
func HashReader(alg byte, size int, r io.Reader) (Hash, error) {
	h, err := NewHasher(alg, size)
	if err != nil {
		return Hash{}, err
	}
	if _, err := io.Copy(h, r); err != nil {
		return Hash{}, err
	}
	return Hash{Alg: alg, Sum: h.Sum(nil)}, nil
}

// Check recomputes the hash of data: a different digest is ErrChecksum, an
// algorithm this build lacks ErrUnsupported.
func (h Hash) Check(data []byte) error {
	got, err := SumHash(h.Alg, len(h.Sum), data)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare(got.Sum, h.Sum) != 1 {
		return errcode.New("vsf", errcode.ErrChecksum, "%s digest mismatch", HashAlgs[h.Alg])
	}
	return nil
}

// Sign signs msg with an Ed25519 private key (RFC 8032, pure Ed25519).
func Sign(priv ed25519.PrivateKey, msg []byte) (Signature, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return Signature{}, badArg("an Ed25519 private key is %d bytes, not %d", ed25519.PrivateKeySize, len(priv))
	}
	return Signature{Alg: AlgEd25519, Sig: ed25519.Sign(priv, msg)}, nil
}

// PublicKey returns the k-value of an Ed25519 private key's public half.
func PublicKey(priv ed25519.PrivateKey) (Key, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return Key{}, badArg("an Ed25519 private key is %d bytes, not %d", ed25519.PrivateKeySize, len(priv))
	}
	return Key{Alg: AlgEd25519, Key: append([]byte(nil), priv.Public().(ed25519.PublicKey)...)}, nil
}

// Verify checks s over msg with key: a wrong signature, or a signature made
// by another key, is ErrChecksum; an algorithm other than Ed25519
// ErrUnsupported.
func (s Signature) Verify(key Key, msg []byte) error {
	if s.Alg != AlgEd25519 || key.Alg != AlgEd25519 {
		return errcode.New("vsf", errcode.ErrUnsupported, "signature algorithm %q with key %q: only Ed25519 (e) is supported", s.Alg, key.Alg)
	}
	if len(key.Key) != ed25519.PublicKeySize || len(s.Sig) != ed25519.SignatureSize {
		return errcode.New("vsf", errcode.ErrFormat, "an Ed25519 key is 32 bytes and a signature 64, not %d and %d", len(key.Key), len(s.Sig))
	}
	if !ed25519.Verify(ed25519.PublicKey(key.Key), msg, s.Sig) {
		return errcode.New("vsf", errcode.ErrChecksum, "the Ed25519 signature does not match (wrong key, or changed bytes)")
	}
	return nil
}
