package vsf

import (
	"math/bits"
	"slices"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// Form tells the two wire forms of a VSF v2 file apart.
type Form uint8

const (
	// FormSeed is the seed's form, which polyfmt writes by default: the
	// header length in bits, no file hash in the header, bit-packed
	// tensors as b p, Eagle Time as T/t6, UTF-8 text as x, and a whole-file
	// hash or signature in a trailer after the last section.
	FormSeed Form = iota
	// FormCrate is the public crate's V2 form: the header length in bytes,
	// a BLAKE3 file hash after y, bit-packed tensors as p, Eagle Time as e.
	FormCrate
)

func (f Form) String() string {
	if f == FormCrate {
		return "crate"
	}
	return "seed"
}

// Label is one label definition of the header: a section's name, where
// its bytes are, how many fields it has (0: an unboxed blob), and the
// hashes, signatures and keys that cover its stored bytes.
type Label struct {
	Name   string
	Offset uint64 // absolute, from the file's first byte
	Size   uint64 // stored bytes
	Count  uint64 // fields; 0 for an unboxed section
	Hashes []Hash
	Sigs   []Signature
	Keys   []Key
	// Wrap, when set, says the stored bytes are compressed (v z: zstd)
	// and what they expand to.
	Wrap *Wrap
}

// Unboxed reports whether the section is a raw blob (n[0]).
func (l *Label) Unboxed() bool { return l.Count == 0 }

// End is Offset + Size (checked at open not to overflow).
func (l *Label) End() uint64 { return l.Offset + l.Size }

// Wrap says how a section's stored bytes are encoded: Alg 'z' is zstd, and
// RawSize is the size of the section's bytes once decompressed.
type Wrap struct {
	Alg     byte
	RawSize uint64
}

// WrapZstd is the wrap algorithm letter of zstd (v z), the crate's.
const WrapZstd = 'z'

// Header is a file's decoded header.
type Header struct {
	Form Form
	// Len is the header's size in bytes, from the magic through '>'.
	Len uint64
	// LenInBits reports how the file stated Len: in bits (the seed) or in
	// bytes (the crate).
	LenInBits bool
	Version   uint64 // z
	Backward  uint64 // y: the oldest version that reads the file
	// FileHash is the crate form's BLAKE3 of the whole file with its own
	// 32 digest bytes zeroed; FileHashAt is where those bytes are.
	FileHash   *Hash
	FileHashAt uint64
	Labels     []Label
}

// Label returns the label called name, or nil.
func (h *Header) Label(name string) *Label {
	for i := range h.Labels {
		if h.Labels[i].Name == name {
			return &h.Labels[i]
		}
	}
	return nil
}

// minLabelLen is the fewest bytes a label definition takes:
// ( d 3 1 x o 3 0 b 3 0 n 3 0 ).
const minLabelLen = 1 + 4 + 3*3 + 1

// parseHeader reads and checks the header at the start of b, a file of
// len(b) bytes: its fields, then every label against the file's size and
// the other labels (no overlap), and the version.
func parseHeader(b []byte, lim Limits) (Header, error) {
	var h Header
	if len(b) < len(Magic) || string(b[:len(Magic)]) != Magic {
		return h, errcode.At("vsf", errcode.ErrFormat, 0, "not a VSF file: the magic is not RÅ< (52 C3 85 3C)")
	}
	d := &decoder{b: b, off: len(Magic), lim: lim}
	if err := d.expect(markHeaderLen, "the header length (b)"); err != nil {
		return h, err
	}
	stated, err := d.uint("the header length")
	if err != nil {
		return h, err
	}
	if err := d.expect(markVersion, "the version (z)"); err != nil {
		return h, err
	}
	if h.Version, err = d.uint("the version"); err != nil {
		return h, err
	}
	if err := d.expect(markBackward, "the backward version (y)"); err != nil {
		return h, err
	}
	if h.Backward, err = d.uint("the backward version"); err != nil {
		return h, err
	}
	if h.Backward > ReadVersion {
		return h, errcode.At("vsf", errcode.ErrUnsupported, int64(d.off), "the file needs a reader of VSF version %d or later (it was written as version %d); polyfmt reads up to version %d", h.Backward, h.Version, ReadVersion)
	}
	if h.Version < h.Backward {
		return h, d.errf(errcode.ErrFormat, "version %d is older than its own backward version %d", h.Version, h.Backward)
	}
	if d.remaining() > 0 && d.b[d.off] == markHash {
		h.Form = FormCrate
		d.off++
		v, err := d.blob(markHash)
		if err != nil {
			return h, err
		}
		fh := v.(Hash)
		h.FileHash, h.FileHashAt = &fh, uint64(d.off-len(fh.Sum))
	}
	if err := d.expect(markCount, "the label count (n)"); err != nil {
		return h, err
	}
	n, err := d.uint("the label count")
	if err != nil {
		return h, err
	}
	if n > uint64(lim.MaxLabels) {
		return h, d.errf(errcode.ErrLimit, "%d labels exceed Limits.MaxLabels (%d)", n, lim.MaxLabels)
	}
	if n > uint64(d.remaining()/minLabelLen) {
		return h, d.errf(errcode.ErrFormat, "%d labels cannot fit in the %d bytes that remain", n, d.remaining())
	}
	h.Labels = make([]Label, 0, n)
	for range n {
		l, err := d.label()
		if err != nil {
			return h, err
		}
		h.Labels = append(h.Labels, l)
	}
	if err := d.expect(markHeaderEnd, "the end of the header (>)"); err != nil {
		return h, err
	}
	h.Len = uint64(d.off)
	switch {
	case stated == h.Len*seedBitsPerByte:
		h.LenInBits = true
	case stated == h.Len:
	default:
		return h, errcode.At("vsf", errcode.ErrFormat, int64(len(Magic)), "the header states a length of %d, but it is %d bytes (%d bits)", stated, h.Len, h.Len*8)
	}
	return h, checkLabels(&h, uint64(len(b)))
}

// label reads one label definition: ( d name [h…][g…][k…][v…] o b n ).
func (d *decoder) label() (Label, error) {
	var l Label
	if err := d.expect(markLabelOpen, "a label definition"); err != nil {
		return l, err
	}
	var err error
	if l.Name, err = d.name("a label's name"); err != nil {
		return l, err
	}
	for d.remaining() > 0 {
		m := d.b[d.off]
		if m != markHash && m != markSig && m != markKey && m != markWrap {
			break
		}
		d.off++
		if m == markWrap {
			if l.Wrap != nil {
				return l, d.errf(errcode.ErrFormat, "label %q is wrapped twice", l.Name)
			}
			alg, err := d.byte1("a wrap")
			if err != nil {
				return l, err
			}
			bitLen, err := d.uint("a wrap's size")
			if err != nil {
				return l, err
			}
			if alg != WrapZstd {
				return l, d.errf(errcode.ErrUnsupported, "label %q is wrapped with %q; polyfmt reads zstd (z)", l.Name, alg)
			}
			if bitLen%8 != 0 {
				return l, d.errf(errcode.ErrFormat, "label %q: a wrapped size of %d bits is not whole bytes", l.Name, bitLen)
			}
			l.Wrap = &Wrap{Alg: alg, RawSize: bitLen / 8}
			continue
		}
		v, err := d.blob(m)
		if err != nil {
			return l, err
		}
		switch x := v.(type) {
		case Hash:
			l.Hashes = append(l.Hashes, x)
		case Signature:
			l.Sigs = append(l.Sigs, x)
		case Key:
			l.Keys = append(l.Keys, x)
		}
	}
	for _, f := range []struct {
		mark byte
		dst  *uint64
		what string
	}{{markOffset, &l.Offset, "offset (o)"}, {markHeaderLen, &l.Size, "size (b)"}, {markCount, &l.Count, "count (n)"}} {
		if err := d.expect(f.mark, "label "+l.Name+"'s "+f.what); err != nil {
			return l, err
		}
		if *f.dst, err = d.uint("label " + l.Name + "'s " + f.what); err != nil {
			return l, err
		}
	}
	if err := d.expect(markLabelEnd, "the end of label "+l.Name); err != nil {
		return l, err
	}
	return l, nil
}

// checkLabels checks every label against the file: after the header,
// within the file, no two overlapping, names unique, counts and wraps
// within the limits.
func checkLabels(h *Header, size uint64) error {
	order := make([]int, len(h.Labels))
	seen := make(map[string]bool, len(h.Labels))
	for i := range h.Labels {
		l := &h.Labels[i]
		order[i] = i
		if seen[l.Name] {
			return errcode.New("vsf", errcode.ErrFormat, "two labels are called %q", l.Name)
		}
		seen[l.Name] = true
		end, carry := bits.Add64(l.Offset, l.Size, 0)
		if carry != 0 || l.Offset < h.Len || end > size {
			return errcode.New("vsf", errcode.ErrFormat, "section %q at [%d, %d+%d) is not within the file's sections [%d, %d)", l.Name, l.Offset, l.Offset, l.Size, h.Len, size)
		}
		if l.Count > l.Size/4 && l.Wrap == nil || l.Wrap != nil && l.Count > l.Wrap.RawSize/4 {
			// A field takes at least ( d 3 1 x : v ) bytes: a count beyond
			// a quarter of the bytes is a lie.
			return errcode.New("vsf", errcode.ErrFormat, "section %q claims %d fields in %d bytes", l.Name, l.Count, l.Size)
		}
	}
	slices.SortFunc(order, func(a, b int) int {
		la, lb := &h.Labels[a], &h.Labels[b]
		if la.Offset != lb.Offset {
			if la.Offset < lb.Offset {
				return -1
			}
			return 1
		}
		return 0
	})
	for i := 1; i < len(order); i++ {
		prev, cur := &h.Labels[order[i-1]], &h.Labels[order[i]]
		if cur.Offset < prev.End() {
			return errcode.New("vsf", errcode.ErrFormat, "sections %q and %q overlap", prev.Name, cur.Name)
		}
	}
	return nil
}

// sectionsEnd is where the last section ends (the header's end if none).
func (h *Header) sectionsEnd() uint64 {
	end := h.Len
	for i := range h.Labels {
		end = max(end, h.Labels[i].End())
	}
	return end
}

// appendLabel writes one label definition.
func appendLabel(dst []byte, l *Label) []byte {
	dst = append(dst, markLabelOpen)
	dst = appendValue(dst, Name(l.Name))
	for _, x := range l.Hashes {
		dst = appendValue(dst, x)
	}
	for _, x := range l.Sigs {
		dst = appendValue(dst, x)
	}
	for _, x := range l.Keys {
		dst = appendValue(dst, x)
	}
	if l.Wrap != nil {
		dst = AppendUint(append(dst, markWrap, l.Wrap.Alg), l.Wrap.RawSize*8)
	}
	dst = AppendUint(append(dst, markOffset), l.Offset)
	dst = AppendUint(append(dst, markHeaderLen), l.Size)
	dst = AppendUint(append(dst, markCount), l.Count)
	return append(dst, markLabelEnd)
}

// appendHeader writes the header of form with labels whose offsets are
// relative to the sections' start: it finds the header's length (which its
// own length field and the absolute offsets change) and makes the offsets
// absolute in labels. The sections start at the header's end rounded up to
// align (1: right after it); the returned base is that start, and the
// bytes between the header's end and base are the caller's to zero. For
// the crate form the file hash is written as 32 zero bytes, at the
// returned position.
func appendHeader(dst []byte, form Form, labels []Label, align uint64) (out []byte, hashAt, base uint64) {
	rel := make([]uint64, len(labels))
	for i := range labels {
		rel[i] = labels[i].Offset
	}
	// The header grows with the offsets it states, and the offsets with
	// the header: start from nothing and grow until the header fits.
	guess := uint64(0)
	for {
		base = roundUp(guess, align)
		for i := range labels {
			labels[i].Offset = rel[i] + base
		}
		stated := guess
		if form == FormSeed {
			stated = guess * seedBitsPerByte
		}
		out = append(dst[:len(dst):len(dst)], Magic...)
		out = AppendUint(append(out, markHeaderLen), stated)
		backward := uint64(WriteBackward)
		if form == FormCrate {
			backward = crateBackward
		}
		out = AppendUint(append(out, markVersion), WriteVersion)
		out = AppendUint(append(out, markBackward), backward)
		hashAt = 0
		if form == FormCrate {
			out = append(out, markHash, AlgBLAKE3, '3', 31)
			hashAt = uint64(len(out) - len(dst))
			out = append(out, make([]byte, 32)...)
		}
		out = AppendUint(append(out, markCount), uint64(len(labels)))
		for i := range labels {
			out = appendLabel(out, &labels[i])
		}
		out = append(out, markHeaderEnd)
		if n := uint64(len(out) - len(dst)); n == guess {
			return out, hashAt, base
		} else {
			guess = n
		}
	}
}

// roundUp rounds n up to a multiple of align (≥ 1).
func roundUp(n, align uint64) uint64 { return (n + align - 1) / align * align }

// UnboxedAlign is where a Builder places an unboxed section that is stored
// plain: at a file offset that is a multiple of 64 bytes, so that a view
// of it (of the mapping) is aligned for any element type and SIMD loads.
// The zero bytes before it belong to no section (the format allows gaps).
const UnboxedAlign = 64
