package vsf

import (
	"bytes"
	"crypto/ed25519"
	"slices"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/codec"
)

// Builder assembles a VSF file: its sections in order (structured fields
// or unboxed blobs), what compresses them, and what hashes and signs them
// and the whole file. The zero value is not usable: call NewBuilder. A
// Builder is not safe for concurrent use.
type Builder struct {
	form     Form
	secs     []*SectionBuilder
	fileHash []hashSpec
	fileSign ed25519.PrivateKey
	fileKey  bool
	// keep is an opened file's trailer signature and key, written again
	// only if the bytes they cover (keepFor) come out unchanged.
	keep    []Field
	keepFor []byte
}

type hashSpec struct {
	alg  byte
	size int
}

// SectionBuilder is one section of a Builder.
type SectionBuilder struct {
	name    string
	fields  []Field
	blob    []byte
	unboxed bool
	zstd    bool
	hashes  []hashSpec
	sign    ed25519.PrivateKey
	signKey bool
	// A section carried over unchanged from an opened file keeps its
	// stored bytes and label (hashes, signatures, keys, wrap) verbatim.
	verbatim *Label
	stored   []byte
	form     Form // the form verbatim bytes are in
}

// NewBuilder returns an empty Builder that writes form. Both forms hash
// the whole file with BLAKE3 by default: the crate form in its header, the
// seed form in its trailer (NoFileHash removes it).
func NewBuilder(form Form) *Builder {
	return &Builder{form: form, fileHash: []hashSpec{{AlgBLAKE3, 32}}}
}

// NoFileHash removes the seed form's whole-file hashes (the crate form's
// cannot be removed).
func (b *Builder) NoFileHash() { b.fileHash = nil }

// Form is the wire form the Builder writes.
func (b *Builder) Form() Form { return b.form }

// SetForm changes the form written: sections carried over from a file of
// the other form are re-encoded.
func (b *Builder) SetForm(f Form) { b.form = f }

// Names lists the sections, in order.
func (b *Builder) Names() []string {
	out := make([]string, len(b.secs))
	for i, s := range b.secs {
		out[i] = s.name
	}
	return out
}

// Find returns the section called name, or nil.
func (b *Builder) Find(name string) *SectionBuilder { return b.find(name) }

func (b *Builder) find(name string) *SectionBuilder {
	for _, s := range b.secs {
		if s.name == name {
			return s
		}
	}
	return nil
}

// Section returns the structured section called name, added at the end if
// there is none. An unboxed section of that name is ErrBadArg.
func (b *Builder) Section(name string) (*SectionBuilder, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if s := b.find(name); s != nil {
		if s.unboxed {
			return nil, badArg("section %q is unboxed", name)
		}
		return s, nil
	}
	s := &SectionBuilder{name: name}
	b.secs = append(b.secs, s)
	return s, nil
}

// Unboxed sets the unboxed section called name to data (added at the end
// if there is none; a structured section of that name is ErrBadArg). data
// is not copied: it must not change until the Builder is written.
func (b *Builder) Unboxed(name string, data []byte) (*SectionBuilder, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	s := b.find(name)
	if s == nil {
		s = &SectionBuilder{name: name, unboxed: true}
		b.secs = append(b.secs, s)
	} else if !s.unboxed {
		return nil, badArg("section %q is structured", name)
	}
	s.blob, s.verbatim, s.stored = data, nil, nil
	return s, nil
}

// Remove drops the section called name and reports whether there was one.
func (b *Builder) Remove(name string) bool {
	for i, s := range b.secs {
		if s.name == name {
			b.secs = slices.Delete(b.secs, i, i+1)
			return true
		}
	}
	return false
}

// HashFile adds a whole-file hash (the seed form's trailer) of algorithm
// alg (AlgBLAKE3, AlgSHA256, AlgSHA512, AlgBLAKE2b) and digest size (0:
// the default). The crate form always has its BLAKE3 file hash instead.
func (b *Builder) HashFile(alg byte, size int) error {
	if _, err := NewHasher(alg, size); err != nil {
		return err
	}
	b.fileHash = append(b.fileHash, hashSpec{alg, size})
	return nil
}

// SignFile signs the whole file with an Ed25519 key (the seed form's
// trailer); withKey also writes the public key, so the file verifies
// without being given it (which proves integrity, not authorship).
func (b *Builder) SignFile(priv ed25519.PrivateKey, withKey bool) error {
	if len(priv) != ed25519.PrivateKeySize {
		return badArg("an Ed25519 private key is %d bytes", ed25519.PrivateKeySize)
	}
	b.fileSign, b.fileKey = priv, withKey
	return nil
}

// Name is the section's name.
func (s *SectionBuilder) Name() string { return s.name }

// Unboxed reports whether the section is a blob.
func (s *SectionBuilder) IsUnboxed() bool { return s.unboxed }

// materialize turns a verbatim section into fields (or a blob) to change.
func (s *SectionBuilder) materialize() error {
	if s.verbatim == nil {
		return nil
	}
	l := s.verbatim
	raw := s.stored
	if l.Wrap != nil {
		var err error
		if raw, err = codec.Decompress(codec.Zstd, nil, s.stored, int64(l.Wrap.RawSize)); err != nil {
			return err
		}
		s.zstd = true
	}
	if l.Unboxed() {
		s.blob = raw
	} else {
		lim, _ := (*Limits)(nil).resolve()
		sec, err := decodeSection(raw, int64(l.Offset), l, lim, s.form)
		if err != nil {
			return err
		}
		s.fields = sec.Fields
	}
	for _, h := range l.Hashes {
		s.hashes = append(s.hashes, hashSpec{h.Alg, len(h.Sum)})
	}
	s.verbatim, s.stored = nil, nil
	return nil
}

// Fields returns the section's fields (nil for an unboxed one).
func (s *SectionBuilder) Fields() ([]Field, error) {
	if err := s.materialize(); err != nil {
		return nil, err
	}
	return slices.Clone(s.fields), nil
}

// Add appends a field. The value is checked as AppendValue checks it.
func (s *SectionBuilder) Add(name string, v Value) error {
	if s.unboxed {
		return badArg("section %q is unboxed: it has no fields", s.name)
	}
	if err := checkName(name); err != nil {
		return err
	}
	if err := checkValue(v, 1); err != nil {
		return err
	}
	if err := s.materialize(); err != nil {
		return err
	}
	s.fields = append(s.fields, Field{Name: name, Value: v})
	return nil
}

// Set replaces the first field called name, or adds it.
func (s *SectionBuilder) Set(name string, v Value) error {
	if err := s.materialize(); err != nil {
		return err
	}
	for i := range s.fields {
		if s.fields[i].Name == name {
			if err := checkValue(v, 1); err != nil {
				return err
			}
			s.fields[i].Value = v
			return nil
		}
	}
	return s.Add(name, v)
}

// Compress stores the section zstd-compressed (v z in its label).
func (s *SectionBuilder) Compress(on bool) error {
	if err := s.materialize(); err != nil {
		return err
	}
	s.zstd = on
	return nil
}

// Hash adds a hash of the section's stored bytes to its label.
func (s *SectionBuilder) Hash(alg byte, size int) error {
	if _, err := NewHasher(alg, size); err != nil {
		return err
	}
	if err := s.materialize(); err != nil {
		return err
	}
	s.hashes = append(s.hashes, hashSpec{alg, size})
	return nil
}

// Sign signs the section's stored bytes with an Ed25519 key (a g in its
// label); withKey also writes the public key (a k).
func (s *SectionBuilder) Sign(priv ed25519.PrivateKey, withKey bool) error {
	if len(priv) != ed25519.PrivateKeySize {
		return badArg("an Ed25519 private key is %d bytes", ed25519.PrivateKeySize)
	}
	if err := s.materialize(); err != nil {
		return err
	}
	s.sign, s.signKey = priv, withKey
	return nil
}

// encode returns the section's stored bytes and its label (offset 0).
func (s *SectionBuilder) encode(form Form) ([]byte, Label, error) {
	if s.verbatim != nil && s.form == form {
		l := *s.verbatim
		l.Offset = 0
		return s.stored, l, nil
	}
	if err := s.materialize(); err != nil {
		return nil, Label{}, err
	}
	l := Label{Name: s.name}
	var raw []byte
	if s.unboxed {
		raw = s.blob
	} else {
		raw = append(raw, markSecOpen)
		raw = appendValue(raw, Name(s.name))
		fs, err := convertFields(s.fields, form)
		if err != nil {
			return nil, l, err
		}
		raw = appendFields(raw, fs)
		raw = append(raw, markSecEnd)
		l.Count = uint64(len(s.fields))
	}
	stored := raw
	if s.zstd {
		var err error
		if stored, err = codec.Compress(codec.Zstd, nil, raw, 0); err != nil {
			return nil, l, err
		}
		l.Wrap = &Wrap{Alg: WrapZstd, RawSize: uint64(len(raw))}
	}
	l.Size = uint64(len(stored))
	for _, h := range s.hashes {
		sum, err := SumHash(h.alg, h.size, stored)
		if err != nil {
			return nil, l, err
		}
		l.Hashes = append(l.Hashes, sum)
	}
	if s.sign != nil {
		sig, _ := Sign(s.sign, stored)
		l.Sigs = append(l.Sigs, sig)
		if s.signKey {
			k, _ := PublicKey(s.sign)
			l.Keys = append(l.Keys, k)
		}
	}
	return stored, l, nil
}

// AppendTo appends the file to dst.
func (b *Builder) AppendTo(dst []byte) ([]byte, error) {
	if b.form == FormCrate && (b.fileSign != nil || len(b.fileHash) > 1 || len(b.fileHash) == 1 && b.fileHash[0] != (hashSpec{AlgBLAKE3, 32})) {
		return dst, errcode.New("vsf", errcode.ErrUnsupported, "the crate form has only its BLAKE3 file hash: sign or hash its sections instead")
	}
	stored := make([][]byte, len(b.secs))
	labels := make([]Label, len(b.secs))
	var off uint64
	align := uint64(1)
	for i, s := range b.secs {
		var err error
		if stored[i], labels[i], err = s.encode(b.form); err != nil {
			return dst, err
		}
		if labels[i].Unboxed() && labels[i].Wrap == nil {
			// Relative to a base that is itself aligned (appendHeader).
			align = UnboxedAlign
			off = roundUp(off, UnboxedAlign)
		}
		labels[i].Offset = off
		off += labels[i].Size
	}
	if need := off + uint64(len(labels))*256 + 1024 + UnboxedAlign; uint64(cap(dst)-len(dst)) < need {
		// One allocation for the whole image: appending 100 MB sections
		// to a slice that grows would copy them again each time it did.
		grown := make([]byte, len(dst), uint64(len(dst))+need)
		copy(grown, dst)
		dst = grown
	}
	start := len(dst)
	out, hashAt, _ := appendHeader(dst, b.form, labels, align)
	for i, st := range stored {
		if gap := labels[i].Offset - uint64(len(out)-start); gap > 0 {
			out = append(out, make([]byte, gap)...)
		}
		out = append(out, st...)
	}
	img := out[start:]
	if b.form == FormCrate {
		sum, _ := SumHash(AlgBLAKE3, 32, img) // the digest bytes are still zero
		copy(img[hashAt:], sum.Sum)
		return out, nil
	}
	var trailer []Field
	for _, h := range b.fileHash {
		sum, err := SumHash(h.alg, h.size, img)
		if err != nil {
			return dst, err
		}
		trailer = append(trailer, Field{Name: "hash", Value: sum})
	}
	if b.fileSign != nil {
		if b.fileKey {
			k, _ := PublicKey(b.fileSign)
			trailer = append(trailer, Field{Name: "key", Value: k})
		}
		sig, _ := Sign(b.fileSign, img)
		trailer = append(trailer, Field{Name: "signature", Value: sig})
	} else if len(b.keep) > 0 && bytes.Equal(img, b.keepFor) {
		trailer = append(trailer, b.keep...)
	}
	return appendFields(out, trailer), nil
}

// Bytes returns the file.
func (b *Builder) Bytes() ([]byte, error) { return b.AppendTo(nil) }

// builderFrom carries an opened file's sections into a Builder, verbatim,
// and its trailer's hash algorithms (a trailer signature cannot be made
// again without its key: a commit that changes the file drops it, one
// that does not keeps it).
func builderFrom(f *File) *Builder {
	b := NewBuilder(f.hdr.Form)
	if f.hdr.Form == FormSeed {
		b.fileHash = nil
	}
	for i := range f.hdr.Labels {
		l := f.hdr.Labels[i]
		b.secs = append(b.secs, &SectionBuilder{name: l.Name, unboxed: l.Unboxed(), verbatim: &l,
			stored: f.data[l.Offset:l.End():l.End()], form: f.hdr.Form})
	}
	for _, fl := range f.trailer {
		if h, ok := fl.Value.(Hash); ok {
			b.fileHash = append(b.fileHash, hashSpec{h.Alg, len(h.Sum)})
		} else {
			b.keep = append(b.keep, fl)
		}
	}
	b.keepFor = f.data[:f.trailAt:f.trailAt]
	return b
}
