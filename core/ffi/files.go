package ffi

import (
	"errors"
	"unsafe"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/format"
)

// The lifecycle exports, one set for every format (see core/format and
// "One lifecycle" in core/RATIONALE.md). Each takes want, the format the
// call requires: 0 accepts any (pf_open, pf_info, …), a format's ID is what
// the per-format aliases pass (pf_mmx_open, pf_mem8_info, …), so a handle or
// file of another format is refused. The exported functions the shims call
// (Open, Mem8Open, MMXInfoExport, …) are generated from the export spec
// into lifecycle_gen.go.

// fileHandle is what a handle holds for an open file of any format: the
// file, its format, and the host memory it reads when it was opened
// read-only from bytes (freed after the file is closed, since views of it
// live until then).
type fileHandle struct {
	f       format.File
	fm      *format.Format
	release func()
}

func (h *fileHandle) Close() error {
	err := h.f.Close()
	if h.release != nil {
		h.release()
	}
	return err
}

// wantFormat is the registered format with ID want; nil for want 0 (any).
func wantFormat(want int32) (*format.Format, error) {
	if want == 0 {
		return nil, nil
	}
	if fm := format.ByID(want); fm != nil {
		return fm, nil
	}
	return nil, errcode.New("ffi", errcode.ErrBadArg, "format %d is not one this library knows", want)
}

// onFile runs fn on the file behind h, which must be of format want (0: any).
func onFile(a *ABI, want int32, h uint32, outs []unsafe.Pointer, fn func(*fileHandle) error) int32 {
	return onHandle(a, h, "file", outs, func(fh *fileHandle) error {
		if want != 0 && fh.fm.ID != want {
			name := "another format's"
			if fm := format.ByID(want); fm != nil {
				name = "a " + fm.Name
			}
			return errcode.New("ffi", errcode.ErrClosed, "handle %d is not %s handle (it is a %s file)", h, name, fh.fm.Name)
		}
		return fn(fh)
	})
}

// notKind is the error for handle h, of fh's format, used as a kind file.
func notKind(h uint32, kind string, fh *fileHandle) error {
	return errcode.New("ffi", errcode.ErrClosed, "handle %d is not a %s handle (it is a %s file)", h, kind, fh.fm.Name)
}

// putFormat writes fm's ID to out, which may be NULL.
func putFormat(out unsafe.Pointer, fm *format.Format) {
	if out != nil {
		putI32(out, fm.ID)
	}
}

// create is pf_create: a new file of format want at path, or in memory when
// path is empty.
func create(a *ABI, want int32, path unsafe.Pointer, pathLen uint64, opts unsafe.Pointer, optsLen uint64, outH unsafe.Pointer) int32 {
	return newHandle(a, outH, func() (*fileHandle, error) {
		fm, err := wantFormat(want)
		if err == nil && fm == nil {
			err = errcode.New("ffi", errcode.ErrBadArg, "pf_create needs a format (PF_FORMAT_*), got 0")
		}
		if err != nil {
			return nil, err
		}
		p, err := in(path, pathLen)
		if err != nil {
			return nil, err
		}
		o, err := in(opts, optsLen)
		if err != nil {
			return nil, err
		}
		f, err := fm.Create(string(p), o)
		if err != nil {
			return nil, err
		}
		return &fileHandle{f: f, fm: fm}, nil
	})
}

// formatAndOptions reads the options argument and settles the format: want
// if it is set, else what detect finds (nil detect: none yet).
func formatAndOptions(want int32, opts unsafe.Pointer, optsLen uint64, detect func() (*format.Format, error)) (*format.Format, []byte, error) {
	o, err := in(opts, optsLen)
	if err != nil {
		return nil, nil, err
	}
	fm, err := wantFormat(want)
	if err == nil && fm == nil && detect != nil {
		fm, err = detect()
	}
	return fm, o, err
}

// opened is the handle object of a file just opened as fm, whose format it
// reports through outFormat (may be NULL).
func opened(f format.File, fm *format.Format, outFormat unsafe.Pointer, release func()) *fileHandle {
	putFormat(outFormat, fm)
	return &fileHandle{f: f, fm: fm, release: release}
}

// open is pf_open: path read-only (writable 0, memory-mapped) or for
// writing (1: writer lock, torn tail repaired), opened as format want, or
// (want 0) as the format its first bytes say.
func open(a *ABI, want int32, path unsafe.Pointer, pathLen uint64, writable int32, opts unsafe.Pointer, optsLen uint64, outH, outFormat unsafe.Pointer) int32 {
	return newHandle(a, outH, func() (*fileHandle, error) {
		p, w, err := openArgs(path, pathLen, writable)
		if err != nil {
			return nil, err
		}
		fm, o, err := formatAndOptions(want, opts, optsLen, func() (*format.Format, error) { return format.DetectFile(p) })
		if err != nil {
			return nil, err
		}
		f, err := fm.Open(p, w, o)
		if err != nil && want != 0 && errors.Is(err, errcode.ErrFormat) {
			// Opened as the format asked for, a file of another one fails
			// its checks (before any repair); say what it is instead. The
			// file's head is read only on this path, not on every open.
			if is, derr := format.DetectFile(p); derr == nil && is != fm {
				err = format.Mismatch(p, is, fm)
			}
		}
		if err != nil {
			return nil, err
		}
		return opened(f, fm, outFormat, nil), nil
	})
}

// openBytes is pf_open_bytes: a file over a copy of data, read-only or
// (writable 1) changeable in memory, as format want or (want 0) the format
// its first bytes say; writable with no data is a new file of format want. The read-only copy is in host memory, allocated before
// anything else, so an image the host cannot hold is PF_ENOMEM before the
// Go heap has grown by it.
func openBytes(a *ABI, want int32, data unsafe.Pointer, n uint64, writable int32, opts unsafe.Pointer, optsLen uint64, outH, outFormat unsafe.Pointer) int32 {
	return newHandle(a, outH, func() (*fileHandle, error) {
		b, err := in(data, n)
		if err != nil {
			return nil, err
		}
		w, err := writableArg(writable)
		if err != nil {
			return nil, err
		}
		fm, o, err := formatAndOptions(want, opts, optsLen, nil)
		if err == nil {
			fm, err = format.Resolve(fm, "the bytes", b, w)
		}
		if err != nil {
			return nil, err
		}
		if w {
			f, err := fm.OpenBytes(b, true, o)
			if err != nil {
				return nil, err
			}
			return opened(f, fm, outFormat, nil), nil
		}
		p, buf, err := a.buffer(len(b))
		if err != nil {
			return nil, err
		}
		copy(buf, b)
		f, err := fm.OpenBytes(buf[:len(b)], false, o)
		if err != nil {
			a.release(p)
			return nil, err
		}
		return opened(f, fm, outFormat, func() { a.release(p) }), nil
	})
}

// Detect is pf_detect: the format data starts with, PF_EFORMAT if none.
func Detect(a *ABI, data unsafe.Pointer, n uint64, outFormat unsafe.Pointer) int32 {
	return call(a, 0, func() error {
		if err := needOut(outFormat); err != nil {
			return err
		}
		b, err := in(data, n)
		if err != nil {
			return err
		}
		fm := format.Detect(b)
		if fm == nil {
			return format.Unknown("the bytes", b)
		}
		putFormat(outFormat, fm)
		return nil
	})
}

// FormatOf is pf_format: the format of the file behind h.
func FormatOf(a *ABI, h uint32, outFormat unsafe.Pointer) int32 {
	return onFile(a, 0, h, []unsafe.Pointer{outFormat}, func(fh *fileHandle) error {
		putFormat(outFormat, fh.fm)
		return nil
	})
}

// info is pf_info: the file's Info document as JSON.
func info(a *ABI, want int32, h uint32, out, outLen unsafe.Pointer) int32 {
	return onFile(a, want, h, []unsafe.Pointer{out, outLen}, func(fh *fileHandle) error {
		b, err := marshal(fh.f.Info())
		return a.reply(out, outLen, b, err)
	})
}

// verify is pf_verify: every checksum and rule of the committed state.
func verify(a *ABI, want int32, h uint32) int32 {
	return onFile(a, want, h, nil, func(fh *fileHandle) error { return fh.f.Verify() })
}

// refresh is pf_refresh: a read-only file moves to the newest commit.
func refresh(a *ABI, want int32, h uint32, outGen unsafe.Pointer) int32 {
	return onFile(a, want, h, nil, func(fh *fileHandle) error {
		g, err := fh.f.Refresh()
		if err == nil && outGen != nil {
			putU64(outGen, g)
		}
		return err
	})
}

// image is pf_bytes: a copy of the image of a file held in memory.
func image(a *ABI, want int32, h uint32, out, outLen unsafe.Pointer) int32 {
	return onFile(a, want, h, []unsafe.Pointer{out, outLen}, func(fh *fileHandle) error {
		return a.replyImage(out, outLen, fh.f.Name(), fh.f.BytesInto)
	})
}
