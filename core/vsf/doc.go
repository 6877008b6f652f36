// Package vsf reads and writes VSF v2 (Versatile Storage Format) files: a
// self-describing, typed, big-endian binary format of labelled sections
// holding typed values, tensors, bit-packed tensors, Eagle Times, hashes,
// signatures and nested structures, or unboxed blobs read zero-copy.
//
// The format is the seed's (shared/seeds/002): polyfmt writes it, and
// reads the public crate's V2 form too (the crate fills the seed's gaps;
// where both describe a thing the bytes are identical). The normative
// text, with every decision on the seed's gaps, is docs/spec/vsf.md; this
// comment is its summary.
//
// # Integers
//
// Every count, length, offset, size and version is an exponential-width
// integer: a size digit, then that many big-endian bytes, the smallest
// that holds the value (4096 is 34 10 00).
//
//	'3' (33)  1 byte    '4' (34)  2 bytes   '5' (35)  4 bytes
//	'6' (36)  8 bytes   '7' (37) 16 bytes (128-bit: U128)
//
// # Values
//
// A value is a marker letter, then its body. Typed integers keep their
// declared width; signed ones are two's complement.
//
//	u W bytes          u3…u7 (u4(5) = 75 34 00 05)
//	u FF / u 00        true / false
//	i W bytes          i3…i7 (i3(-42) = 69 33 D6)
//	f 5|6 bytes        float32 / float64
//	j 5|6 re im        complex64 / complex128
//	s F E frac exp     Spirix scalar: signed 2^F-bit fraction, 2^E-bit exponent
//	c F E re im exp    Spirix circle
//	d len ASCII        a name (labels, fields)
//	x len UTF-8        text (the seed form; the crate's x is Huffman-coded: unsupported)
//	t rank elem dims data            tensor, contiguous row-major
//	q rank elem dims strides data    tensor, strided (strides in elements)
//	b p bits rank dims data          bit-packed (seed form; 1…64 bits)
//	p rank bits(1 byte) dims data    bit-packed (crate form; 1…128 bits)
//	T 5|6|7 seconds    Eagle Time, integer seconds (seed form)
//	t 6 f64            Eagle Time, float seconds (seed form; t followed by '6' is never a tensor)
//	e i|u W seconds    Eagle Time, integer (crate form)
//	e f [5|6] float    Eagle Time, float (crate form)
//	h alg (len-1) bytes   hash: b BLAKE3, 2 SHA-256, 5 SHA-512, B BLAKE2b
//	g alg (len-1) bytes   signature: e Ed25519
//	k alg (len-1) bytes   public key: e Ed25519
//	[ (d name : value)* ] a nested structure
//
// Tensor element markers are the raw letters: u4, f6, s64, and u0 for
// bool (packed 8 to a byte, most significant bit first). Elements are
// big-endian; NativeInto and FromNative convert. Bit-packed samples are
// packed most significant bit first across bytes, the last byte
// zero-padded: 4096×3072 samples of 12 bits are 18,874,368 bytes.
// Eagle Time counts seconds from 1969-07-20 20:17:40 UTC.
//
// # File
//
//	R Å <                 52 C3 85 3C
//	b len                 header length: in bits (seed), in bytes (crate)
//	z 2  y 1              version, oldest version that reads it (crate: y 2)
//	[h b 33 1F digest]    crate form only: BLAKE3 of the file, these 32 bytes zeroed
//	n count               labels
//	( d name [h…][g…][k…][v z bits] o offset b size n fields )   per label
//	>
//	sections              at their absolute offsets, in label order
//	[trailer]             seed form: ( d hash : h… ) ( d key : k… ) ( d signature : g… )
//
// A structured section is [ d name (d field : value)* ] with the label's n
// fields; an unboxed one (n 0) is raw bytes, read in place (the Builder
// puts each at a multiple of 64 bytes, so views of it are aligned). A label's v z
// says the stored bytes are zstd, expanding to bits/8 bytes. Its hashes
// and signatures cover the section's stored bytes; the trailer's cover the
// file before the trailer. Offsets must lie after the header and within
// the file, sections must not overlap, and label names are unique. A file
// whose y exceeds ReadVersion is ErrUnsupported.
//
// # Use
//
// Open (or OpenBytes) parses the header and the trailer once; Section,
// Raw, Lookup (dotted paths: "imaging.raw.exposure.iso_speed") decode on
// demand with views of the file; Verify checks every structure, hash and
// signature. A Builder (or a writable File, whose Commit writes the whole
// file atomically beside its path and renames it) writes either form;
// Convert rewrites one form as the other. Limits bound everything a file
// declares. The metadata registry (Registry, NormalizeFields) gives
// canonical keys, aliases, types and units in names.
package vsf
