package ffi

import (
	"crypto/ed25519"
	"crypto/rand"
	"unsafe"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/format"
	"github.com/polyfmt/polyfmt/core/vsf"
)

func onVSF(a *ABI, h uint32, outs []unsafe.Pointer, fn func(*vsf.File) error) int32 {
	return onHandle(a, h, "vsf", outs, func(fh *fileHandle) error {
		if f, ok := fh.f.(*vsf.File); ok {
			return fn(f)
		}
		return notKind(h, "vsf", fh)
	})
}

// text2 reads two borrowed UTF-8 arguments (a section and a field name,
// a name and its options).
func text2(p1 unsafe.Pointer, n1 uint64, p2 unsafe.Pointer, n2 uint64) (string, string, error) {
	a, err := in(p1, n1)
	if err != nil {
		return "", "", err
	}
	b, err := in(p2, n2)
	return string(a), string(b), err
}

// VSFSection is pf_vsf_section: a structured section's fields as JSON.
func VSFSection(a *ABI, h uint32, name unsafe.Pointer, nameLen uint64, out, outLen unsafe.Pointer) int32 {
	return onVSF(a, h, []unsafe.Pointer{out, outLen}, func(f *vsf.File) error {
		nm, err := in(name, nameLen)
		if err != nil {
			return err
		}
		s, err := f.Section(string(nm))
		if err != nil {
			return err
		}
		b, err := vsf.MarshalSection(s)
		return a.reply(out, outLen, b, err)
	})
}

// VSFGet is pf_vsf_get: the value at a dotted path as JSON.
func VSFGet(a *ABI, h uint32, path unsafe.Pointer, pathLen uint64, out, outLen unsafe.Pointer) int32 {
	return onVSF(a, h, []unsafe.Pointer{out, outLen}, func(f *vsf.File) error {
		p, err := in(path, pathLen)
		if err != nil {
			return err
		}
		v, err := f.Lookup(string(p))
		if err != nil {
			return err
		}
		b, err := vsf.MarshalValue(v)
		return a.reply(out, outLen, b, err)
	})
}

// tensorDesc is what pf_vsf_tensor returns beside the data, and what
// pf_vsf_add_tensor takes.
type tensorDesc struct {
	Type    string   `json:"type"`  // the VSF element type: "u4", "f6", "s64", "bool"
	DType   string   `json:"dtype"` // numpy's name of the native form, "" if none
	Shape   []uint64 `json:"shape"`
	Strides []uint64 `json:"strides,omitempty"`
	Bits    int      `json:"bits,omitempty"` // bit-packed: bits per sample
	NBytes  uint64   `json:"nbytes,omitempty"`
}

// VSFTensor is pf_vsf_tensor: the tensor or bit-packed tensor at a path,
// its elements converted to native little-endian (bit-packed samples
// unpacked to the smallest unsigned width), in a buffer to free.
func VSFTensor(a *ABI, h uint32, path unsafe.Pointer, pathLen uint64, out, outLen, data, dataLen unsafe.Pointer) int32 {
	return onVSF(a, h, []unsafe.Pointer{out, outLen, data, dataLen}, func(f *vsf.File) error {
		p, err := in(path, pathLen)
		if err != nil {
			return err
		}
		v, err := f.Lookup(string(p))
		if err != nil {
			return err
		}
		var d tensorDesc
		var n uint64
		var fill func([]byte) error
		switch t := v.(type) {
		case *vsf.Tensor:
			var ok bool
			if n, ok = t.NativeLen(); !ok {
				return errcode.New("ffi", errcode.ErrLimit, "tensor %q does not fit in memory", p)
			}
			d = tensorDesc{Type: t.Elem.String(), DType: t.Elem.NumpyDescr(), Shape: t.Shape, Strides: t.Strides}
			fill = t.NativeInto
		case *vsf.BitPacked:
			nt := t.NativeType()
			var ok bool
			if n, ok = t.NativeLen(); !ok {
				return errcode.New("ffi", errcode.ErrLimit, "tensor %q does not fit in memory", p)
			}
			d = tensorDesc{Type: nt.String(), DType: nt.NumpyDescr(), Shape: t.Shape, Bits: t.Bits}
			fill = t.UnpackInto
		default:
			return errcode.New("ffi", errcode.ErrBadArg, "%q is a %v, not a tensor", p, v.Kind())
		}
		if d.Shape == nil {
			d.Shape = []uint64{}
		}
		d.NBytes = n
		if n > 1<<40 {
			return errcode.New("ffi", errcode.ErrLimit, "tensor %q of %d bytes", p, n)
		}
		js, err := marshal(d)
		if err != nil {
			return err
		}
		bp, buf, err := a.buffer(int(n))
		if err != nil {
			return err
		}
		if err := fill(buf[:n]); err != nil {
			a.release(bp)
			return err
		}
		if _, err := a.putBuf(out, outLen, js); err != nil {
			a.release(bp)
			return err
		}
		if n == 0 {
			a.release(bp)
			bp = nil
		}
		a.putSize(data, uint64(uintptr(bp)))
		a.putSize(dataLen, n)
		return nil
	})
}

// VSFRaw is pf_vsf_raw: a section's bytes (an unboxed blob, or a
// structured section's encoded fields), decompressed if wrapped; lent as a
// view of the file when it is read-only and the section stored plain.
func VSFRaw(a *ABI, h uint32, name unsafe.Pointer, nameLen uint64, data, dataLen, borrowed unsafe.Pointer) int32 {
	return onVSF(a, h, []unsafe.Pointer{data, dataLen, borrowed}, func(f *vsf.File) error {
		nm, err := in(name, nameLen)
		if err != nil {
			return err
		}
		b, view, err := f.RawView(string(nm))
		if err != nil {
			return err
		}
		if view && len(b) > 0 {
			a.lend(data, dataLen, borrowed, b)
			return nil
		}
		putI32(borrowed, 0)
		_, err = a.putBuf(data, dataLen, b)
		return err
	})
}

// VSFVerifyReport is pf_vsf_verify_report: every check Verify makes, as
// JSON, against the file's keys and, if given, key.
func VSFVerifyReport(a *ABI, h uint32, key unsafe.Pointer, keyLen uint64, out, outLen unsafe.Pointer) int32 {
	return onVSF(a, h, []unsafe.Pointer{out, outLen}, func(f *vsf.File) error {
		k, err := in(key, keyLen)
		if err != nil {
			return err
		}
		var kp *vsf.Key
		if len(k) > 0 {
			pub, err := publicKeyArg(k)
			if err != nil {
				return err
			}
			kp = &pub
		}
		r, err := f.VerifyReport(kp)
		if err != nil {
			return err
		}
		b, err := marshal(r)
		return a.reply(out, outLen, b, err)
	})
}

// publicKeyArg takes an Ed25519 public key (32 bytes) or private key (64:
// its public half).
func publicKeyArg(k []byte) (vsf.Key, error) {
	switch len(k) {
	case ed25519.PublicKeySize:
		return vsf.Key{Alg: vsf.AlgEd25519, Key: append([]byte(nil), k...)}, nil
	case ed25519.PrivateKeySize:
		return vsf.PublicKey(ed25519.PrivateKey(k))
	}
	return vsf.Key{}, errcode.New("ffi", errcode.ErrBadArg, "an Ed25519 key is 32 bytes (public) or 64 (private), not %d", len(k))
}

// VSFAdd is pf_vsf_add: a field from its JSON form, appended to a
// structured section (made if missing).
func VSFAdd(a *ABI, h uint32, section unsafe.Pointer, sectionLen uint64, field unsafe.Pointer, fieldLen uint64, value unsafe.Pointer, valueLen uint64) int32 {
	return onVSF(a, h, nil, func(f *vsf.File) error {
		sec, fld, err := text2(section, sectionLen, field, fieldLen)
		if err != nil {
			return err
		}
		js, err := in(value, valueLen)
		if err != nil {
			return err
		}
		v, err := vsf.UnmarshalValue(js)
		if err != nil {
			return err
		}
		return addField(f, sec, fld, v)
	})
}

func addField(f *vsf.File, section, field string, v vsf.Value) error {
	b, err := f.Builder()
	if err != nil {
		return err
	}
	sb, err := b.Section(section)
	if err != nil {
		return err
	}
	return sb.Add(field, v)
}

// VSFAddTensor is pf_vsf_add_tensor: a tensor from native little-endian
// elements, described by {"type" or "dtype", "shape", "strides", "bits"}.
func VSFAddTensor(a *ABI, h uint32, section unsafe.Pointer, sectionLen uint64, field unsafe.Pointer, fieldLen uint64, desc unsafe.Pointer, descLen uint64, data unsafe.Pointer, dataLen uint64) int32 {
	return onVSF(a, h, nil, func(f *vsf.File) error {
		sec, fld, err := text2(section, sectionLen, field, fieldLen)
		if err != nil {
			return err
		}
		raw, err := in(desc, descLen)
		if err != nil {
			return err
		}
		blob, err := in(data, dataLen)
		if err != nil {
			return err
		}
		var d tensorDesc
		if err := format.DecodeStrict("ffi", "vsf tensor description", raw, &d); err != nil {
			return err
		}
		v, err := tensorFromDesc(d, blob)
		if err != nil {
			return err
		}
		return addField(f, sec, fld, v)
	})
}

// tensorFromDesc builds a tensor (or, with bits, a bit-packed tensor) from
// native little-endian data; the data is copied.
func tensorFromDesc(d tensorDesc, le []byte) (vsf.Value, error) {
	t, err := elemType(d)
	if err != nil {
		return nil, err
	}
	if d.Shape == nil {
		return nil, errcode.New("ffi", errcode.ErrBadArg, `a tensor needs "shape"`)
	}
	if d.Bits != 0 {
		if t.Kind != vsf.KindUint {
			return nil, errcode.New("ffi", errcode.ErrBadArg, "bit-packed samples are given as unsigned integers, not %v", t)
		}
		return vsf.PackLE(le, t.Size(), d.Bits, d.Shape)
	}
	return vsf.FromNative(t, d.Shape, d.Strides, le)
}

func elemType(d tensorDesc) (vsf.Type, error) {
	if d.Type != "" {
		t, ok := vsf.ParseType(d.Type)
		if !ok {
			return t, errcode.New("ffi", errcode.ErrBadArg, "unknown element type %q", d.Type)
		}
		return t, nil
	}
	for _, t := range vsf.ElementTypes() {
		if d.DType != "" && t.NumpyDescr() == d.DType {
			return t, nil
		}
	}
	return vsf.Type{}, errcode.New("ffi", errcode.ErrBadArg, "no VSF element type for dtype %q (give \"type\")", d.DType)
}

// VSFPutUnboxed is pf_vsf_put_unboxed: an unboxed section (n[0]) holding a
// copy of data, made or replaced.
func VSFPutUnboxed(a *ABI, h uint32, name unsafe.Pointer, nameLen uint64, data unsafe.Pointer, dataLen uint64) int32 {
	return onVSF(a, h, nil, func(f *vsf.File) error {
		nm, err := in(name, nameLen)
		if err != nil {
			return err
		}
		blob, err := in(data, dataLen)
		if err != nil {
			return err
		}
		b, err := f.Builder()
		if err != nil {
			return err
		}
		_, err = b.Unboxed(string(nm), append([]byte(nil), blob...))
		return err
	})
}

// sectionOptions is what pf_vsf_section_options takes.
type sectionOptions struct {
	Compress   *bool    `json:"compress"`
	Hash       []string `json:"hash"`
	NoFileHash bool     `json:"no_file_hash"`
}

// VSFSectionOptions is pf_vsf_section_options: compression and hashes of a
// section, or (name "") of the whole file.
func VSFSectionOptions(a *ABI, h uint32, name unsafe.Pointer, nameLen uint64, opts unsafe.Pointer, optsLen uint64) int32 {
	return onVSF(a, h, nil, func(f *vsf.File) error {
		nm, js, err := text2(name, nameLen, opts, optsLen)
		if err != nil {
			return err
		}
		var o sectionOptions
		if err := format.DecodeStrict("ffi", "vsf section options", []byte(js), &o); err != nil {
			return err
		}
		b, err := f.Builder()
		if err != nil {
			return err
		}
		// The hashes to add: to the file's trailer, or to the section's label.
		addHash := b.HashFile
		switch {
		case nm == "" && o.Compress != nil:
			return errcode.New("ffi", errcode.ErrBadArg, "compress applies to a section, not the file")
		case nm == "" && o.NoFileHash:
			b.NoFileHash()
		case nm != "" && o.NoFileHash:
			return errcode.New("ffi", errcode.ErrBadArg, "no_file_hash applies to the file (name \"\")")
		case nm != "":
			sb := b.Find(nm)
			if sb == nil {
				return errcode.New("ffi", errcode.ErrNotFound, "no section %q", nm)
			}
			if o.Compress != nil {
				if err := sb.Compress(*o.Compress); err != nil {
					return err
				}
			}
			addHash = sb.Hash
		}
		for _, hn := range o.Hash {
			alg, size, ok := vsf.HashAlgByName(hn)
			if !ok {
				return errcode.New("ffi", errcode.ErrBadArg, "unknown hash %q", hn)
			}
			if err := addHash(alg, size); err != nil {
				return err
			}
		}
		return nil
	})
}

// VSFSign is pf_vsf_sign: sign a section (or, name "", the whole file)
// with a 64-byte Ed25519 private key; with_key also stores its public key.
func VSFSign(a *ABI, h uint32, name unsafe.Pointer, nameLen uint64, key unsafe.Pointer, keyLen uint64, withKey int32) int32 {
	return onVSF(a, h, nil, func(f *vsf.File) error {
		nm, err := in(name, nameLen)
		if err != nil {
			return err
		}
		k, err := in(key, keyLen)
		if err != nil {
			return err
		}
		w, err := writableArg(withKey)
		if err != nil {
			return err
		}
		if len(k) != ed25519.PrivateKeySize {
			return errcode.New("ffi", errcode.ErrBadArg, "an Ed25519 private key is 64 bytes (seed and public key), not %d", len(k))
		}
		priv := ed25519.PrivateKey(append([]byte(nil), k...))
		b, err := f.Builder()
		if err != nil {
			return err
		}
		if len(nm) == 0 {
			return b.SignFile(priv, w)
		}
		sb := b.Find(string(nm))
		if sb == nil {
			return errcode.New("ffi", errcode.ErrNotFound, "no section %q", nm)
		}
		return sb.Sign(priv, w)
	})
}

// VSFRemove is pf_vsf_remove: drops a section at the next commit.
func VSFRemove(a *ABI, h uint32, name unsafe.Pointer, nameLen uint64) int32 {
	return onVSF(a, h, nil, func(f *vsf.File) error {
		nm, err := in(name, nameLen)
		if err != nil {
			return err
		}
		b, err := f.Builder()
		if err != nil {
			return err
		}
		if !b.Remove(string(nm)) {
			return errcode.New("ffi", errcode.ErrNotFound, "no section %q", nm)
		}
		return nil
	})
}

// VSFCommit is pf_vsf_commit.
func VSFCommit(a *ABI, h uint32) int32 {
	return onVSF(a, h, nil, func(f *vsf.File) error { return f.Commit() })
}

// VSFKeygen is pf_vsf_keygen: an Ed25519 private key (64 bytes: the seed,
// then the public key) from a 32-byte seed, or a random one.
func VSFKeygen(a *ABI, seed unsafe.Pointer, seedLen uint64, out, outLen unsafe.Pointer) int32 {
	return call(a, 0, func() error {
		if err := needOut(out, outLen); err != nil {
			return err
		}
		s, err := in(seed, seedLen)
		if err != nil {
			return err
		}
		var priv ed25519.PrivateKey
		switch len(s) {
		case 0:
			if _, priv, err = ed25519.GenerateKey(rand.Reader); err != nil {
				return err
			}
		case ed25519.SeedSize:
			priv = ed25519.NewKeyFromSeed(s)
		default:
			return errcode.New("ffi", errcode.ErrBadArg, "an Ed25519 seed is 32 bytes, not %d", len(s))
		}
		_, err = a.putBuf(out, outLen, priv)
		return err
	})
}

// VSFConvert is pf_vsf_convert: a file image rewritten in form 0 (the
// seed's) or 1 (the crate's).
func VSFConvert(a *ABI, data unsafe.Pointer, dataLen uint64, form int32, dropSignatures int32, out, outLen unsafe.Pointer) int32 {
	return call(a, 0, func() error {
		if err := needOut(out, outLen); err != nil {
			return err
		}
		b, err := in(data, dataLen)
		if err != nil {
			return err
		}
		drop, err := writableArg(dropSignatures)
		if err != nil {
			return err
		}
		if form != 0 && form != 1 {
			return errcode.New("ffi", errcode.ErrBadArg, "form is 0 (seed) or 1 (crate), not %d", form)
		}
		img, err := vsf.Convert(b, vsf.Form(form), nil, drop)
		return a.reply(out, outLen, img, err)
	})
}

// VSFEncodeValue is pf_vsf_encode_value: a value's wire bytes from its JSON form.
func VSFEncodeValue(a *ABI, value unsafe.Pointer, valueLen uint64, out, outLen unsafe.Pointer) int32 {
	return call(a, 0, func() error {
		if err := needOut(out, outLen); err != nil {
			return err
		}
		js, err := in(value, valueLen)
		if err != nil {
			return err
		}
		v, err := vsf.UnmarshalValue(js)
		if err != nil {
			return err
		}
		b, err := vsf.AppendValue(nil, v)
		return a.reply(out, outLen, b, err)
	})
}

// VSFDecodeValue is pf_vsf_decode_value: the JSON form of the one value
// data holds (all of it: trailing bytes are PF_EFORMAT).
func VSFDecodeValue(a *ABI, data unsafe.Pointer, dataLen uint64, out, outLen unsafe.Pointer) int32 {
	return call(a, 0, func() error {
		if err := needOut(out, outLen); err != nil {
			return err
		}
		b, err := in(data, dataLen)
		if err != nil {
			return err
		}
		v, n, err := vsf.DecodeValue(b, nil)
		if err != nil {
			return err
		}
		if n != len(b) {
			return errcode.At("ffi", errcode.ErrFormat, int64(n), "%d bytes follow the value", len(b)-n)
		}
		js, err := vsf.MarshalValue(v)
		return a.reply(out, outLen, js, err)
	})
}
