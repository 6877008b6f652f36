package vsf

import (
	"bytes"
	"encoding/hex"
	"slices"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// Known answers on "abc": FIPS 180-2 (SHA-256, SHA-512), RFC 7693
// (BLAKE2b-512), the BLAKE2 reference (BLAKE2b-256) and the BLAKE3
// reference vectors. The SHA and BLAKE2b digests were checked against
// Python's hashlib.
func TestHashKnownAnswers(t *testing.T) {
	for _, c := range []struct {
		name string
		want string
	}{
		{"blake3", "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"},
		{"sha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"sha512", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
		{"blake2b-256", "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"},
		{"blake2b-512", "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"},
	} {
		alg, size, ok := HashAlgByName(c.name)
		if !ok {
			t.Fatalf("no algorithm %q", c.name)
		}
		h, err := SumHash(alg, size, []byte("abc"))
		if err != nil || hex.EncodeToString(h.Sum) != c.want {
			t.Errorf("%s(abc) = %x, %v; want %s", c.name, h.Sum, err, c.want)
		}
		if err := h.Check([]byte("abc")); err != nil {
			t.Errorf("%s: Check: %v", c.name, err)
		}
		isErr(t, c.name+": Check of other bytes", h.Check([]byte("abd")), errcode.ErrChecksum)
	}
	if _, err := NewHasher(AlgSHA256, 64); err == nil {
		t.Fatal("SHA-256 of 64 bytes")
	}
}

// Every hash algorithm on one section: each is written in the label with
// its own length, each verifies, and each fails on a changed byte.
func TestSectionHashAlgorithms(t *testing.T) {
	algs := []string{"blake3", "sha256", "sha512", "blake2b-256", "blake2b-512"}
	b := NewBuilder(FormSeed)
	s, _ := b.Section("hashed")
	s.Add("grid", u16Tensor(7, 4, 3))
	for _, n := range algs {
		alg, size, _ := HashAlgByName(n)
		if err := s.Hash(alg, size); err != nil {
			t.Fatal(err)
		}
	}
	data, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	f, err := OpenBytes(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := f.Labels()[0]
	if len(l.Hashes) != 5 {
		t.Fatalf("%d hashes", len(l.Hashes))
	}
	for i, h := range l.Hashes {
		alg, size, _ := HashAlgByName(algs[i])
		if h.Alg != alg || len(h.Sum) != size {
			t.Fatalf("hash %d: %c of %d bytes", i, h.Alg, len(h.Sum))
		}
	}
	if err := f.Verify(); err != nil {
		t.Fatal(err)
	}
	// The tensor's last data byte (before ")]"): the structure still decodes, every hash fails.
	bad := bytes.Clone(data)
	bad[l.End()-3] ^= 0x01
	g, err := OpenBytes(bad, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := g.VerifyReport(nil)
	var failed []string
	for _, c := range r.Failed() {
		failed = append(failed, c.Section+"/"+c.What+"/"+c.Alg)
		isErr(t, "a failed hash", c.err, errcode.ErrChecksum)
	}
	want := []string{"hashed/hash/blake3", "hashed/hash/sha256", "hashed/hash/sha512", "hashed/hash/blake2b", "hashed/hash/blake2b", "/file hash/blake3"}
	if !slices.Equal(failed, want) {
		t.Fatalf("failed checks %v, want %v", failed, want)
	}
	isErr(t, "Verify", g.Verify(), errcode.ErrChecksum)
}

// signedFile is a small file with a section signed (its key in the label
// when withKey) and the whole file signed (the key in the trailer when
// withKey).
func signedFile(t testing.TB, withKey bool) []byte {
	t.Helper()
	b := NewBuilder(FormSeed)
	s, _ := b.Section("signed")
	s.Add("n", U('4', 0x1234))
	s.Add("who", Name("polyfmt"))
	if err := s.Sign(testKey(1), withKey); err != nil {
		t.Fatal(err)
	}
	p, _ := b.Section("plain")
	p.Add("t", Time{W: '5', Sec: I64(1)})
	if err := b.SignFile(testKey(1), withKey); err != nil {
		t.Fatal(err)
	}
	data, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestSignedEveryByte changes every byte of a signed file, one at a time:
// the file must fail to open or fail to verify, never pass. With the keys
// embedded, Verify alone decides; without them, VerifyWith the signer's key.
func TestSignedEveryByte(t *testing.T) {
	right, _ := PublicKey(testKey(1))
	other, _ := PublicKey(testKey(2))
	for _, withKey := range []bool{true, false} {
		data := signedFile(t, withKey)
		verify := func(f *File) error {
			if withKey {
				return f.Verify()
			}
			return f.VerifyWith(&right)
		}
		f, err := OpenBytes(data, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := verify(f); err != nil {
			t.Fatalf("withKey %v: the unchanged file: %v", withKey, err)
		}
		if err := f.VerifyWith(&right); err != nil {
			t.Fatalf("withKey %v: VerifyWith the signer's key: %v", withKey, err)
		}
		isErr(t, "VerifyWith another key", f.VerifyWith(&other), errcode.ErrChecksum)
		r, _ := f.VerifyReport(nil)
		var sigs []string
		for _, c := range r.Checks {
			if c.What == "signature" {
				sigs = append(sigs, c.Section+":"+c.Status)
			}
		}
		want := []string{"signed:ok", ":ok"}
		if !withKey {
			want = []string{"signed:unverified", ":unverified"}
		}
		if !slices.Equal(sigs, want) || r.Err() != nil {
			t.Fatalf("withKey %v: signature checks %v, want %v (%v)", withKey, sigs, want, r.Err())
		}
		opened := 0
		for i := range data {
			bad := bytes.Clone(data)
			bad[i] ^= 0x01
			g, err := OpenBytes(bad, nil)
			if err != nil {
				continue
			}
			opened++
			if err := verify(g); err == nil {
				t.Fatalf("withKey %v: byte %d of %d changed and the file still verifies", withKey, i, len(data))
			}
		}
		if opened < len(data)/2 {
			t.Fatalf("only %d of %d changed files opened: the sweep proves little", opened, len(data))
		}
	}
}

// Regression: VerifyWith(key) passed a file with no signature at all, so a
// file whose signatures were stripped "verified" against the signer's key.
func TestVerifyWithUnsignedFile(t *testing.T) {
	data := sampleBytes(t, FormSeed)
	f, _ := OpenBytes(data, nil)
	if err := f.Verify(); err != nil {
		t.Fatal(err)
	}
	pub, _ := PublicKey(testKey(1))
	isErr(t, "VerifyWith of an unsigned file", f.VerifyWith(&pub), errcode.ErrChecksum)
}

func TestSignatureRules(t *testing.T) {
	key := testKey(9)
	pub, _ := PublicKey(key)
	sig, err := Sign(key, []byte("msg"))
	if err != nil || len(sig.Sig) != 64 || len(pub.Key) != 32 {
		t.Fatalf("%v %d %d", err, len(sig.Sig), len(pub.Key))
	}
	if err := sig.Verify(pub, []byte("msg")); err != nil {
		t.Fatal(err)
	}
	isErr(t, "other message", sig.Verify(pub, []byte("msh")), errcode.ErrChecksum)
	isErr(t, "unknown algorithm", Signature{Alg: 'x', Sig: sig.Sig}.Verify(pub, nil), errcode.ErrUnsupported)
	isErr(t, "short key", sig.Verify(Key{Alg: AlgEd25519, Key: pub.Key[:31]}, nil), errcode.ErrFormat)
	// Signatures are deterministic (RFC 8032): the same key and bytes, the same signature.
	again, _ := Sign(key, []byte("msg"))
	if !bytes.Equal(sig.Sig, again.Sig) {
		t.Fatal("Ed25519 signatures differ")
	}
}
