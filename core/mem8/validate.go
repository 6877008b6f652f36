package mem8

import (
	"encoding/binary"
	"fmt"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// VerifyError names the first block that failed verification. Block is -1
// when the header itself failed.
type VerifyError struct {
	Block  int64
	Reason string
	Err    error // wraps errcode.ErrChecksum or errcode.ErrFormat
}

func (e *VerifyError) Error() string {
	if e.Block < 0 {
		return "mem8: verify: header: " + e.Reason
	}
	return fmt.Sprintf("mem8: verify: block %d: %s", e.Block, e.Reason)
}

func (e *VerifyError) Unwrap() error { return e.Err }

// Verify reads every block and checks what open does not: each wave
// signature against its content, the hash chain (FlagHashChain), the header
// CRC (FlagHeaderCRC), and that open needed no recovery. It returns nil or a
// *VerifyError naming the first broken or tampered block. It hashes the
// whole file, so it costs a full read.
func (f *File) Verify() error { return f.verify(false) }

// VerifyCommitted checks the committed blocks as Verify does, but does not
// fail because a torn append follows them: when open trusted the header's
// count (and kept only intact blocks past it), the bytes after the blocks
// it kept (Recovery.DroppedBytes) are an append cut short, which a writable
// open drops. Any other recovery (a header claiming blocks that are not
// there) still fails. It is what
// "polyfmt verify" reports after a crash.
func (f *File) VerifyCommitted() error { return f.verify(true) }

func (f *File) verify(committed bool) error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.checkOpen(); err != nil {
		return err
	}
	flags := f.hdr.flags()
	if flags&FlagHeaderCRC != 0 && f.hdr.crc() != f.hdr.computeCRC() {
		return &VerifyError{Block: -1, Reason: fmt.Sprintf("crc32 is %08x, header bytes give %08x", f.hdr.crc(), f.hdr.computeCRC()), Err: errcode.ErrChecksum}
	}
	if !f.rec.Clean() && !f.rec.Repaired && !(committed && f.tornAppend) {
		return &VerifyError{Block: int64(f.rec.Blocks), Reason: "torn tail: " + f.rec.Reason, Err: errcode.ErrFormat}
	}
	tm := NewTokenMap()
	var prev [32]byte
	buf := make([]byte, BlockSize)
	for i, n := uint64(0), f.count.Load(); i < n; i++ {
		b, err := f.rawBlock(i, buf)
		if err != nil {
			return &VerifyError{Block: int64(i), Reason: err.Error(), Err: errcode.ErrFormat}
		}
		if verr := f.checkIntact(i, b, tm, &prev); verr != nil {
			return verr
		}
		if flags&FlagHashChain != 0 {
			prev = ChainDigest(b)
		}
	}
	return nil
}

func allZero(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b) != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
