package mork

import (
	"encoding/binary"
	"io"
	"unicode/utf8"

	"golang.org/x/crypto/blake2b"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/mork/paths"
)

// A multiplicities file (MTTM) maps UTF-8 keys to u64 counts:
//
//	header      16 bytes: "MTTM", major 1, minor, flags u16 LE, reserved
//	count       u64 LE
//	per entry   key length u32 LE, key bytes (UTF-8), value u64 LE
//	footer      32 bytes Blake2b-256 of everything before it, when flag bit 0
//
// polyfmt keeps the entries in a paths.Set (the key's bytes as the path,
// the count as the value), so they sort, look up and iterate like paths.
// Duplicate keys in a file are ErrFormat; order on disk is free, and
// polyfmt writes keys sorted by their bytes.

// MultOptions shape a written multiplicities file.
type MultOptions struct {
	// NoChecksum leaves out the Blake2b-256 footer.
	NoChecksum bool
}

// AppendMult appends the multiplicities file of m to dst. Every key must
// be valid UTF-8 and at most 2^32-1 bytes.
func AppendMult(dst []byte, m *paths.Set, o *MultOptions) ([]byte, error) {
	start := len(dst)
	var h header
	copy(h[:], MultMagic)
	h.setVersion(SupportedMajor, 0)
	if o == nil || !o.NoChecksum {
		h.setFlags(FlagChecksum)
	}
	dst = append(dst, h[:]...)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(m.Len()))
	for i := 0; i < m.Len(); i++ {
		k := m.Path(i)
		if !utf8.Valid(k) || uint64(len(k)) > 1<<32-1 {
			return nil, errcode.New("mork", errcode.ErrBadArg, "multiplicity key %d (%q) is not UTF-8 of at most 2^32-1 bytes", i, clip(k))
		}
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(k)))
		dst = append(dst, k...)
		dst = binary.LittleEndian.AppendUint64(dst, m.Value(i))
	}
	if h.flags()&FlagChecksum != 0 {
		sum := blake2b.Sum256(dst[start:])
		dst = append(dst, sum[:]...)
	}
	return dst, nil
}

// WriteMult writes the multiplicities file of m to w.
func WriteMult(w io.Writer, m *paths.Set, o *MultOptions) error {
	b, err := AppendMult(nil, m, o)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// ReadMult reads a multiplicities file held in data (checksum first).
func ReadMult(data []byte, lim *Limits) (*paths.Set, Version, error) {
	return readMult(data, lim, true)
}

// readMult is ReadMult; with sum false it skips the checksum.
func readMult(data []byte, lim *Limits, sum bool) (*paths.Set, Version, error) {
	l, err := lim.resolve()
	if err != nil {
		return nil, Version{}, err
	}
	h, err := checkHeader(data, MultMagic)
	if err != nil {
		return nil, Version{}, err
	}
	body, err := footer(data, h, MultMagic, sum)
	if err != nil {
		return nil, h.version(), err
	}
	off := HeaderSize
	if len(body)-off < 8 {
		return nil, h.version(), errcode.At("mork", errcode.ErrFormat, int64(off), "MTTM file ends before its entry count")
	}
	n := binary.LittleEndian.Uint64(body[off:])
	off += 8
	// Each entry takes at least 12 bytes: a count beyond that is a lie.
	if n > uint64(len(body)-off)/12 || n > uint64(l.Paths.MaxPaths) {
		return nil, h.version(), errcode.At("mork", errcode.ErrFormat, int64(off-8), "MTTM file claims %d entries in %d bytes (limit %d)", n, len(body)-off, l.Paths.MaxPaths)
	}
	set := paths.NewSet()
	for i := uint64(0); i < n; i++ {
		if len(body)-off < 4 {
			return nil, h.version(), errcode.At("mork", errcode.ErrFormat, int64(off), "MTTM entry %d is truncated", i)
		}
		kl := binary.LittleEndian.Uint32(body[off:])
		if uint64(kl)+8 > uint64(len(body)-off-4) {
			return nil, h.version(), errcode.At("mork", errcode.ErrFormat, int64(off), "MTTM entry %d: key of %d bytes overruns the file", i, kl)
		}
		if int64(kl) > l.Paths.MaxPathLen {
			return nil, h.version(), errcode.At("mork", errcode.ErrLimit, int64(off), "MTTM entry %d: key of %d bytes exceeds Limits.Paths.MaxPathLen (%d)", i, kl, l.Paths.MaxPathLen)
		}
		k := body[off+4 : off+4+int(kl)]
		if !utf8.Valid(k) {
			return nil, h.version(), errcode.At("mork", errcode.ErrFormat, int64(off+4), "MTTM entry %d: key is not UTF-8", i)
		}
		set.Add(k, binary.LittleEndian.Uint64(body[off+4+int(kl):]))
		off += 12 + int(kl)
	}
	if off != len(body) {
		return nil, h.version(), errcode.At("mork", errcode.ErrFormat, int64(off), "%d bytes follow the last MTTM entry", len(body)-off)
	}
	set.Sort()
	if uint64(set.Len()) != n {
		return nil, h.version(), errcode.New("mork", errcode.ErrFormat, "MTTM file repeats keys: %d entries, %d distinct keys", n, set.Len())
	}
	return set, h.version(), nil
}
