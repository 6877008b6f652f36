package mmx

import (
	"fmt"
	"strings"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// VerifyError names the chunk (or "" for the file) that failed Verify.
type VerifyError struct {
	Chunk  string
	Reason string
	Err    error
}

func (e *VerifyError) Error() string {
	return "mmx: verify: " + e.Reason // the reason names the chunk
}

func (e *VerifyError) Unwrap() error { return e.Err }

// Verify checks what open does not: that open needed no recovery, and for
// every committed chunk its SHA-256, its decompression and its payload
// decoding. It reads every chunk in full.
func (f *File) Verify() error {
	f.mu.RLock()
	rec, closed := f.rec, f.checkOpen()
	f.mu.RUnlock()
	if closed != nil {
		return closed
	}
	if !rec.Clean() && !rec.Repaired {
		return &VerifyError{Reason: "open needed recovery: " + rec.Reason, Err: errcode.ErrFormat}
	}
	return f.verifyChunks()
}

func (f *File) verifyChunks() error {
	f.mu.RLock()
	names := sortedNames(f.committed)
	f.mu.RUnlock()
	for _, name := range names {
		if err := f.verifyChunk(name); err != nil {
			var kind error = errcode.ErrFormat
			switch errcode.Of(err) {
			case errcode.Checksum:
				kind = errcode.ErrChecksum
			case errcode.Unsupported:
				kind = errcode.ErrUnsupported
			case errcode.Limit:
				kind = errcode.ErrLimit
			}
			reason := err.Error()
			if !strings.Contains(reason, fmt.Sprintf("%q", name)) {
				reason = fmt.Sprintf("chunk %q: %s", name, reason)
			}
			return &VerifyError{Chunk: name, Reason: reason, Err: kind}
		}
	}
	return nil
}

func (f *File) verifyChunk(name string) error {
	f.mu.RLock()
	e := f.committed[name]
	f.mu.RUnlock()
	st, _, err := f.stored(e, 0, e.Size)
	if err != nil {
		return err
	}
	f.verified.Delete(e)
	if e.Checksum != "" { // MorphNet entries may carry none
		if err := f.check(e, st); err != nil {
			return err
		}
	}
	var derr error
	switch e.ChunkType {
	case TypeTensor:
		_, derr = f.ReadTensor(name)
	case TypeEmbedding:
		_, derr = f.ReadEmbedding(name)
	case TypeMesh:
		_, derr = f.ReadMesh(name)
	case TypeSequence:
		_, derr = f.ReadSequence(name)
	case TypeText:
		_, derr = f.ReadText(name)
	case TypeMeta:
		_, derr = f.ReadMeta(name)
	}
	return derr
}
