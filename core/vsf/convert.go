package vsf

import (
	"math"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// convertFields returns fs with every value in form's spelling: bit-packed
// tensors as b p (seed) or p (crate), Eagle Times as T/t6 (seed) or e
// (crate). Text cannot be written in the crate form (its x is
// Huffman-coded): ErrUnsupported. fs is not changed.
func convertFields(fs []Field, form Form) ([]Field, error) {
	out := make([]Field, len(fs))
	for i, f := range fs {
		v, err := convertValue(f.Value, form)
		if err != nil {
			return nil, errcode.Wrap("vsf", errcode.ErrUnsupported, err, "field %q", f.Name)
		}
		out[i] = Field{Name: f.Name, Value: v}
	}
	return out, nil
}

func convertValue(v Value, form Form) (Value, error) {
	crate := form == FormCrate
	switch x := v.(type) {
	case *BitPacked:
		if x.Crate != crate {
			if !crate && x.Bits > 64 {
				return nil, errcode.New("vsf", errcode.ErrUnsupported, "the seed's form packs 1…64 bits, not %d", x.Bits)
			}
			c := *x
			c.Crate = crate
			return &c, nil
		}
	case Time:
		if x.Crate != crate {
			return convertTime(x, crate)
		}
	case Text:
		if crate {
			return nil, errcode.New("vsf", errcode.ErrUnsupported, "the crate's form has no plain UTF-8 text (its x is Huffman-coded)")
		}
	case *Struct:
		fs, err := convertFields(x.Fields, form)
		if err != nil {
			return nil, err
		}
		return &Struct{Fields: fs}, nil
	}
	return v, nil
}

// convertTime respells an Eagle Time. Integer seconds keep their value:
// seed T5…T7 ↔ crate e i (smallest width); float seconds: t6 ↔ e f 6.
func convertTime(t Time, crate bool) (Time, error) {
	if t.IsFloat {
		switch {
		case !crate && t.W != '6':
			t.W = '6' // the seed's float time is t6; an f32 is exact in f64
		case crate:
			// The crate's 0.1.3 writes e f + f64 with no digit; a value
			// whose first byte would read as a digit keeps it (e f 6).
			t.W = 0
			if b := math.Float64bits(t.F) >> 56; b == '5' || b == '6' {
				t.W = '6'
			}
		}
		t.Crate = crate
		return t, nil
	}
	if crate {
		t.W = IntWidth(t.Sec)
	} else {
		t.W = max(IntWidth(t.Sec), '5')
	}
	t.Crate = crate
	return t, nil
}

// Convert rewrites a VSF file in the other form (or the same one), keeping
// every section, field and value: the header length in bits or bytes, the
// crate's file hash, bit-packed tensors and Eagle Times respelled. Section
// hashes are recomputed with the same algorithms; signatures cannot be
// made again without their keys, so a signed file is ErrUnsupported unless
// keep is set, in which case signatures and keys are dropped. The seed
// form's whole-file hash becomes the crate's BLAKE3 file hash, and back
// (a BLAKE3 trailer hash).
func Convert(src []byte, to Form, lim *Limits, dropSignatures bool) ([]byte, error) {
	f, err := OpenBytes(src, &Options{Limits: lim})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Hashes and signatures first; the sections are decoded (and so
	// checked) once, below, as they are converted.
	if err := f.checkIntegrity(); err != nil {
		return nil, err
	}
	b := NewBuilder(to)
	for _, l := range f.hdr.Labels {
		if (len(l.Sigs) > 0 || len(l.Keys) > 0) && !dropSignatures {
			return nil, errcode.New("vsf", errcode.ErrUnsupported, "section %q is signed; its signature cannot be made again in the other form without the key (drop signatures to convert)", l.Name)
		}
		var s *SectionBuilder
		if l.Unboxed() {
			raw, err := f.raw(&l)
			if err != nil {
				return nil, err
			}
			s, err = b.Unboxed(l.Name, raw)
			if err != nil {
				return nil, err
			}
		} else {
			sec, err := f.section(&l)
			if err != nil {
				return nil, err
			}
			if s, err = b.Section(l.Name); err != nil {
				return nil, err
			}
			s.fields = sec.Fields
		}
		s.zstd = l.Wrap != nil
		for _, h := range l.Hashes {
			s.hashes = append(s.hashes, hashSpec{h.Alg, len(h.Sum)})
		}
	}
	for _, fl := range f.trailer {
		if fl.Name == "signature" && !dropSignatures {
			return nil, errcode.New("vsf", errcode.ErrUnsupported, "the file is signed; its signature cannot be made again without the key (drop signatures to convert)")
		}
	}
	if to == FormSeed && f.hdr.Form == FormSeed {
		b.fileHash = nil
		for _, fl := range f.trailer {
			if h, ok := fl.Value.(Hash); ok {
				b.fileHash = append(b.fileHash, hashSpec{h.Alg, len(h.Sum)})
			}
		}
	}
	return b.Bytes()
}
