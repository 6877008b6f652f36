package vsf

import (
	"crypto/ed25519"
	"testing"
)

// A failed check names its status code, so that a binding raises what
// pf_verify would without reading the message.
func TestVerifyReportCodes(t *testing.T) {
	signer := ed25519.NewKeyFromSeed(make([]byte, 32))
	other := ed25519.NewKeyFromSeed(append(make([]byte, 31), 1))
	b := NewBuilder(FormSeed)
	s, err := b.Section("a")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Add("x", Text("hi")); err != nil {
		t.Fatal(err)
	}
	if err := s.Sign(signer, true); err != nil {
		t.Fatal(err)
	}
	img, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	f, err := OpenBytes(img, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wrong, err := PublicKey(other)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key  *Key
		code string
	}{{nil, ""}, {&wrong, "PF_ECHECKSUM"}} {
		r, err := f.VerifyReport(tc.key)
		if err != nil {
			t.Fatal(err)
		}
		var sig *Check
		for i := range r.Checks {
			if r.Checks[i].What == "signature" {
				sig = &r.Checks[i]
			}
		}
		if sig == nil {
			t.Fatalf("no signature check in %+v", r.Checks)
		}
		if sig.Code != tc.code || (tc.code == "") != (sig.Status == "ok") {
			t.Errorf("key %v: signature check %+v, want code %q", tc.key != nil, *sig, tc.code)
		}
	}
}
