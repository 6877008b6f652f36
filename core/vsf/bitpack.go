package vsf

import (
	"encoding/binary"
	"math/bits"
)

// Bit-packed samples, and their native form.
//
// A bit-packed tensor stores count samples of Bits bits each as one bit
// stream: sample 0 first, each sample most significant bit first, with no
// padding between samples; the last byte is padded with zero bits. Its
// packed length is ceil(count × Bits / 8).
//
//	12-bit samples ABC, 123:  AB C1 23
//	                          ^^ ^     sample 0 (ABC)
//	                              ^ ^^ sample 1 (123)
//
// The native form of a sample is the smallest unsigned integer that holds
// it (NativeType), little-endian, one after another: what a camera
// pipeline, numpy or a GPU upload wants.

// NativeType is the smallest unsigned type that holds one sample: U8 for
// up to 8 bits, U16 up to 16, U32 up to 32, U64T up to 64 and U128T up to
// 128. A bit depth outside 1…128 has no native type (the zero Type).
func (p *BitPacked) NativeType() Type {
	switch b := p.Bits; {
	case b < 1 || b > 128:
		return Type{}
	case b <= 8:
		return U8
	case b <= 16:
		return U16
	case b <= 32:
		return U32
	case b <= 64:
		return U64T
	}
	return U128T
}

// samples checks p for unpacking and returns its sample count.
func (p *BitPacked) samples() (uint64, error) {
	if p.Bits < 1 || p.Bits > 128 {
		return 0, badArg("bit-packed samples are 1…128 bits, not %d", p.Bits)
	}
	n, ok := elements(p.Shape)
	if !ok {
		return 0, badArg("bit-packed shape %v overflows", p.Shape)
	}
	want, ok := packedLen(p.Shape, p.Bits)
	if !ok || uint64(len(p.Data)) != want {
		return 0, badArg("bit-packed %d-bit %v has %d bytes, its shape needs %d", p.Bits, p.Shape, len(p.Data), want)
	}
	return n, nil
}

// NativeLen is the bytes UnpackInto writes: count × NativeType().Size().
// It is false when p's bit depth or shape is invalid or the length
// overflows.
func (p *BitPacked) NativeLen() (uint64, bool) {
	n, err := p.samples()
	if err != nil {
		return 0, false
	}
	hi, lo := bits.Mul64(n, uint64(p.NativeType().Size()))
	return lo, hi == 0
}

// UnpackInto writes every sample into dst as a little-endian unsigned
// integer of NativeType().Size() bytes (12-bit samples become uint16s).
// len(dst) must be exactly count × size; a different length, or a p whose
// data does not match its shape, is ErrBadArg. Depths 8, 10, 12, 14 and 16
// have dedicated loops; every other depth takes a general one.
func (p *BitPacked) UnpackInto(dst []byte) error {
	n, err := p.samples()
	if err != nil {
		return err
	}
	size := p.NativeType().Size()
	hi, want := bits.Mul64(n, uint64(size))
	if hi != 0 || uint64(len(dst)) != want {
		return badArg("unpacking %d %d-bit samples needs %d bytes of %d each, dst has %d", n, p.Bits, n, size, len(dst))
	}
	src := p.Data
	var done int // samples written by a dedicated loop
	switch p.Bits {
	case 8:
		copy(dst, src)
		return nil
	case 16:
		swap16(dst, src)
		return nil
	case 10:
		done = unpack10(dst, src)
	case 12:
		done = unpack12(dst, src)
	case 14:
		done = unpack14(dst, src)
	}
	if p.Bits > 64 {
		unpackWide(dst, src, p.Bits, int(n))
		return nil
	}
	unpackGeneric(dst, src, p.Bits, done, int(n), size)
	return nil
}

// unpack12 unpacks 12-bit samples while whole 8-byte loads fit: each
// iteration reads 24 bytes as three big-endian words (16 samples) and
// writes 32. It returns the samples written.
func unpack12(dst, src []byte) int {
	i, o := 0, 0
	for ; i+24 <= len(src) && o+32 <= len(dst); i, o = i+24, o+32 {
		s := src[i : i+24 : i+24]
		d := dst[o : o+32 : o+32]
		a := binary.BigEndian.Uint64(s[0:8])
		b := binary.BigEndian.Uint64(s[8:16])
		c := binary.BigEndian.Uint64(s[16:24])
		const m = 0xFFF
		binary.LittleEndian.PutUint64(d[0:8], a>>52|(a>>40&m)<<16|(a>>28&m)<<32|(a>>16&m)<<48)
		binary.LittleEndian.PutUint64(d[8:16], a>>4&m|((a&0xF)<<8|b>>56)<<16|(b>>44&m)<<32|(b>>32&m)<<48)
		binary.LittleEndian.PutUint64(d[16:24], b>>20&m|(b>>8&m)<<16|((b&0xFF)<<4|c>>60)<<32|(c>>48&m)<<48)
		binary.LittleEndian.PutUint64(d[24:32], c>>36&m|(c>>24&m)<<16|(c>>12&m)<<32|(c&m)<<48)
	}
	return o / 2
}

// unpack10 unpacks 10-bit samples four at a time (5 bytes, read as one
// 8-byte big-endian load) while the load fits. It returns the samples
// written.
func unpack10(dst, src []byte) int {
	i, o := 0, 0
	for ; i+8 <= len(src) && o+8 <= len(dst); i, o = i+5, o+8 {
		x := binary.BigEndian.Uint64(src[i : i+8])
		const m = 0x3FF
		binary.LittleEndian.PutUint64(dst[o:o+8], x>>54|(x>>44&m)<<16|(x>>34&m)<<32|(x>>24&m)<<48)
	}
	return o / 2
}

// unpack14 unpacks 14-bit samples four at a time (7 bytes, one 8-byte
// load) while the load fits. It returns the samples written.
func unpack14(dst, src []byte) int {
	i, o := 0, 0
	for ; i+8 <= len(src) && o+8 <= len(dst); i, o = i+7, o+8 {
		x := binary.BigEndian.Uint64(src[i : i+8])
		const m = 0x3FFF
		binary.LittleEndian.PutUint64(dst[o:o+8], x>>50|(x>>36&m)<<16|(x>>22&m)<<32|(x>>8&m)<<48)
	}
	return o / 2
}

// swap16 writes the big-endian uint16s of src little-endian into dst
// (same length), 8 bytes at a time.
func swap16(dst, src []byte) {
	n := min(len(dst), len(src)) &^ 1
	i := 0
	for ; i+8 <= n; i += 8 {
		x := binary.LittleEndian.Uint64(src[i : i+8])
		binary.LittleEndian.PutUint64(dst[i:i+8], x>>8&0x00FF00FF00FF00FF|x&0x00FF00FF00FF00FF<<8)
	}
	for ; i+2 <= n; i += 2 {
		dst[i], dst[i+1] = src[i+1], src[i]
	}
}

// bitsAt returns the nb bits (1…64) of src starting at bit offset off,
// most significant first; bits past the end of src read as zero.
func bitsAt(src []byte, off uint64, nb int) uint64 {
	byteOff := off >> 3
	shift := uint(off & 7)
	// The sample lies in the 9 bytes from byteOff: a 64-bit word and one
	// more byte for the bits that spill over.
	var w uint64
	var extra byte
	if byteOff+9 <= uint64(len(src)) {
		s := src[byteOff : byteOff+9]
		w = binary.BigEndian.Uint64(s)
		extra = s[8]
	} else {
		var buf [9]byte
		if byteOff < uint64(len(src)) {
			copy(buf[:], src[byteOff:])
		}
		w = binary.BigEndian.Uint64(buf[:8])
		extra = buf[8]
	}
	// Left-align the sample: the top bits of w after the shift, then the
	// bits of extra that follow.
	top := w<<shift | uint64(extra)>>(8-shift)
	return top >> (64 - uint(nb))
}

// unpackGeneric unpacks samples [from, n) of nb bits (1…64) into dst as
// little-endian integers of size bytes.
func unpackGeneric(dst, src []byte, nb, from, n, size int) {
	off := uint64(from) * uint64(nb)
	// Fast loop: while a 9-byte window fits, bitsAt never copies.
	for i := from; i < n; i++ {
		v := bitsAt(src, off, nb)
		off += uint64(nb)
		o := i * size
		switch size {
		case 1:
			dst[o] = byte(v)
		case 2:
			binary.LittleEndian.PutUint16(dst[o:o+2], uint16(v))
		case 4:
			binary.LittleEndian.PutUint32(dst[o:o+4], uint32(v))
		default:
			binary.LittleEndian.PutUint64(dst[o:o+8], v)
		}
	}
}

// unpackWide unpacks n samples of nb bits (65…128) into dst as 16-byte
// little-endian integers.
func unpackWide(dst, src []byte, nb, n int) {
	off := uint64(0)
	for i := 0; i < n; i++ {
		hi := bitsAt(src, off, nb-64)
		lo := bitsAt(src, off+uint64(nb-64), 64)
		off += uint64(nb)
		d := dst[i*16 : i*16+16]
		binary.LittleEndian.PutUint64(d[0:8], lo)
		binary.LittleEndian.PutUint64(d[8:16], hi)
	}
}

// packer appends samples to a bit stream, most significant bit first.
type packer struct {
	out  []byte
	acc  uint64 // the low nacc bits are pending; higher bits are stale
	nacc uint
}

// put appends the low nb bits (1…32) of v.
func (k *packer) put(v uint64, nb uint) {
	k.acc = k.acc<<nb | v
	k.nacc += nb
	for k.nacc >= 8 {
		k.nacc -= 8
		k.out = append(k.out, byte(k.acc>>k.nacc))
	}
}

// add appends the low nb bits (1…64) of v.
func (k *packer) add(v uint64, nb uint) {
	if nb > 32 {
		k.put(v>>32, nb-32)
		k.put(v&0xFFFFFFFF, 32)
		return
	}
	k.put(v, nb)
}

// flush pads the last byte with zero bits.
func (k *packer) flush() []byte {
	if k.nacc > 0 {
		k.out = append(k.out, byte(k.acc<<(8-k.nacc)))
		k.nacc = 0
	}
	return k.out
}

// newPacker checks bits and shape and sizes the output for count samples.
func newPacker(bitsPer int, shape []uint64, have uint64, elemSize int) (*packer, uint64, error) {
	if bitsPer < 1 || bitsPer > 64 {
		return nil, 0, badArg("bit-packed samples are 1…64 bits, not %d", bitsPer)
	}
	n, ok := elements(shape)
	if !ok {
		return nil, 0, badArg("bit-packed shape %v overflows", shape)
	}
	hi, lo := bits.Mul64(n, uint64(elemSize))
	if hi != 0 || lo != have {
		return nil, 0, badArg("shape %v needs %d samples of %d bytes, the source has %d bytes", shape, n, elemSize, have)
	}
	plen, ok := packedLen(shape, bitsPer)
	if !ok {
		return nil, 0, badArg("bit-packed shape %v overflows", shape)
	}
	// plen ≤ 8 × have (a sample takes at most 64 bits and at least one
	// source byte): bounded by the caller's own memory.
	return &packer{out: make([]byte, 0, plen)}, n, nil
}

// PackLE packs count little-endian unsigned samples of elemSize bytes (1,
// 2, 4, 8 or 16) from src into a bit-packed tensor of bits bits (1…64) and
// the given shape; len(src) must be count × elemSize. A sample that does
// not fit in bits bits is ErrBadArg naming its index and value. The result
// is in the seed's form (Crate false) and owns its data.
func PackLE(src []byte, elemSize int, bitsPer int, shape []uint64) (*BitPacked, error) {
	switch elemSize {
	case 1, 2, 4, 8, 16:
	default:
		return nil, badArg("a sample is 1, 2, 4, 8 or 16 bytes, not %d", elemSize)
	}
	k, n, err := newPacker(bitsPer, shape, uint64(len(src)), elemSize)
	if err != nil {
		return nil, err
	}
	nb := uint(bitsPer)
	var limit uint64 = 1<<nb - 1 // nb = 64 wraps to all ones
	for i := 0; i < int(n); i++ {
		var v, hi uint64
		switch elemSize {
		case 1:
			v = uint64(src[i])
		case 2:
			v = uint64(binary.LittleEndian.Uint16(src[2*i:]))
		case 4:
			v = uint64(binary.LittleEndian.Uint32(src[4*i:]))
		case 8:
			v = binary.LittleEndian.Uint64(src[8*i:])
		case 16:
			v = binary.LittleEndian.Uint64(src[16*i:])
			hi = binary.LittleEndian.Uint64(src[16*i+8:])
		}
		if v > limit || hi != 0 {
			return nil, badArg("sample %d is %s, which does not fit in %d bits", i, U128{Hi: hi, Lo: v}, bitsPer)
		}
		k.add(v, nb)
	}
	return &BitPacked{Bits: bitsPer, Shape: append([]uint64(nil), shape...), Data: k.flush()}, nil
}

// PackU16 packs samples of at most bits bits (1…16) into a bit-packed
// tensor of the given shape, as PackLE does.
func PackU16(samples []uint16, bitsPer int, shape []uint64) (*BitPacked, error) {
	if bitsPer > 16 {
		return nil, badArg("PackU16 packs 1…16 bits, not %d", bitsPer)
	}
	k, n, err := newPacker(bitsPer, shape, uint64(len(samples)), 1)
	if err != nil {
		return nil, err
	}
	nb := uint(bitsPer)
	limit := uint16(1<<nb - 1)
	for i, v := range samples[:n] {
		if v > limit {
			return nil, badArg("sample %d is %d, which does not fit in %d bits", i, v, bitsPer)
		}
		k.put(uint64(v), nb)
	}
	return &BitPacked{Bits: bitsPer, Shape: append([]uint64(nil), shape...), Data: k.flush()}, nil
}

// UnpackU16 returns the samples as uint16s. A depth above 16 bits is
// ErrBadArg.
func (p *BitPacked) UnpackU16() ([]uint16, error) {
	if p.Bits > 16 {
		return nil, badArg("UnpackU16 unpacks 1…16 bits, not %d", p.Bits)
	}
	n, err := p.samples()
	if err != nil {
		return nil, err
	}
	size := p.NativeType().Size()
	buf := make([]byte, n*uint64(size)) // n ≤ 8 × len(Data): bounded by p's own memory
	if err := p.UnpackInto(buf); err != nil {
		return nil, err
	}
	out := make([]uint16, n)
	if size == 1 {
		for i, b := range buf {
			out[i] = uint16(b)
		}
		return out, nil
	}
	for i := range out {
		out[i] = binary.LittleEndian.Uint16(buf[2*i:])
	}
	return out, nil
}
