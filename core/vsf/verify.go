package vsf

import (
	"slices"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// Check is one thing Verify checked.
type Check struct {
	// Section is the section checked, "" for the whole file.
	Section string `json:"section"`
	// What is "structure", "hash", "signature" or "file hash".
	What string `json:"what"`
	// Alg names the algorithm of a hash or signature.
	Alg string `json:"alg,omitempty"`
	// Status is "ok", "failed", or "unverified": a signature with no key
	// to check it against (not an error), or, when a key was given, a file
	// with no signature at all (an error: Err and Code are set).
	Status string `json:"status"`
	Err    string `json:"error,omitempty"`
	// Code is a failed check's status code by name ("PF_ECHECKSUM"), so
	// that the bindings raise what pf_verify would without reading Err.
	Code string `json:"code,omitempty"`
	err  error
}

// Report is every check Verify made.
type Report struct {
	Checks []Check `json:"checks"`
}

// Err is the first failed check's error, or nil.
func (r *Report) Err() error {
	for _, c := range r.Checks {
		if c.err != nil {
			return c.err
		}
	}
	return nil
}

// Failed lists the failed checks.
func (r *Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Status == "failed" {
			out = append(out, c)
		}
	}
	return out
}

func (r *Report) add(section, what, alg string, err error) {
	c := Check{Section: section, What: what, Alg: alg, Status: "ok", err: err}
	if err != nil {
		c.Status, c.Err, c.Code = "failed", err.Error(), errcode.Of(err).Name()
	}
	r.Checks = append(r.Checks, c)
}

// Verify decodes every section and checks every hash and every signature
// that has a key in the file (in its label, or the trailer's). A signature
// without a key is reported unverified by VerifyReport, not failed here.
func (f *File) Verify() error { return f.VerifyWith(nil) }

// VerifyWith is Verify where every signature must also verify against key
// (nil: only the keys the file holds): a file signed by another key fails,
// and so does a file with no signature at all (ErrChecksum).
func (f *File) VerifyWith(key *Key) error {
	r, err := f.VerifyReport(key)
	if err != nil {
		return err
	}
	return r.Err()
}

// VerifyReport checks what Verify checks and reports each check.
func (f *File) VerifyReport(key *Key) (Report, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.store.CheckOpen(); err != nil {
		return Report{}, err
	}
	return f.report(key, true), nil
}

// checkIntegrity checks every hash and signature but decodes nothing: for
// a caller that decodes every section itself (Convert).
func (f *File) checkIntegrity() error {
	r := f.report(nil, false)
	return r.Err()
}

func algName(alg byte) string {
	if n, ok := HashAlgs[alg]; ok {
		return n
	}
	if alg == AlgEd25519 {
		return "ed25519"
	}
	return string(rune(alg))
}

// report makes every check (with structure false, all but decoding the
// sections). The caller holds f.mu.
func (f *File) report(key *Key, structure bool) Report {
	var r Report
	var trailerKeys []Key
	for _, fl := range f.trailer {
		if k, ok := fl.Value.(Key); ok {
			trailerKeys = append(trailerKeys, k)
		}
	}
	for i := range f.hdr.Labels {
		l := &f.hdr.Labels[i]
		stored := f.data[l.Offset:l.End():l.End()]
		if structure {
			var err error
			if l.Unboxed() {
				_, err = f.raw(l)
			} else {
				_, err = f.section(l)
			}
			r.add(l.Name, "structure", "", err)
		}
		for _, h := range l.Hashes {
			r.add(l.Name, "hash", algName(h.Alg), h.Check(stored))
		}
		for _, s := range l.Sigs {
			r.addSig(l.Name, s, stored, signKeys(l.Keys, key), key != nil)
		}
	}
	switch {
	case f.hdr.FileHash != nil:
		r.add("", "file hash", algName(f.hdr.FileHash.Alg), f.checkFileHash())
	case len(f.trailer) > 0:
		covered := f.data[:f.trailAt]
		for _, fl := range f.trailer {
			switch v := fl.Value.(type) {
			case Hash:
				r.add("", "file hash", algName(v.Alg), v.Check(covered))
			case Signature:
				r.addSig("", v, covered, signKeys(trailerKeys, key), key != nil)
			}
		}
	}
	if key != nil && !slices.ContainsFunc(r.Checks, func(c Check) bool { return c.What == "signature" }) {
		// A file with no signature proves nothing about key: were it to
		// pass, stripping the signatures would pass too.
		// It is reported unverified (nothing could be checked against the
		// key), and it is an error: VerifyWith fails.
		err := errcode.New("vsf", errcode.ErrChecksum, "the file has no signature to check against the key")
		r.Checks = append(r.Checks, Check{What: "signature", Alg: algName(key.Alg), Status: "unverified",
			Err: err.Error(), Code: errcode.Of(err).Name(), err: err})
	}
	return r
}

// addSig checks s over msg: against key alone when the caller gave one
// (strict), else against the file's keys; with none it is unverified.
func (r *Report) addSig(section string, s Signature, msg []byte, keys []Key, strict bool) {
	if strict {
		r.add(section, "signature", algName(s.Alg), s.Verify(keys[len(keys)-1], msg))
		return
	}
	if len(keys) == 0 {
		r.Checks = append(r.Checks, Check{Section: section, What: "signature", Alg: algName(s.Alg), Status: "unverified"})
		return
	}
	var err error
	for _, k := range keys {
		if err = s.Verify(k, msg); err == nil {
			break
		}
	}
	r.add(section, "signature", algName(s.Alg), err)
}

// checkFileHash checks the crate's file hash: the whole file with the
// digest's own bytes zeroed, hashed in place.
func (f *File) checkFileHash() error {
	fh := f.hdr.FileHash
	h, err := NewHasher(fh.Alg, len(fh.Sum))
	if err != nil {
		return err
	}
	at := f.hdr.FileHashAt
	h.Write(f.data[:at])
	h.Write(make([]byte, len(fh.Sum)))
	h.Write(f.data[at+uint64(len(fh.Sum)):])
	if string(h.Sum(nil)) != string(fh.Sum) {
		return errcode.New("vsf", errcode.ErrChecksum, "the file hash (%s) does not match", algName(fh.Alg))
	}
	return nil
}
