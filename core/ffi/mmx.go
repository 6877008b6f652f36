package ffi

import (
	"encoding/json"
	"errors"
	"unsafe"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/format"
	"github.com/polyfmt/polyfmt/core/internal/codec"
	"github.com/polyfmt/polyfmt/core/mmx"
)

func onMMX(a *ABI, h uint32, outs []unsafe.Pointer, fn func(*mmx.File) error) int32 {
	return onHandle(a, h, "mmx", outs, func(fh *fileHandle) error {
		if f, ok := fh.f.(*mmx.File); ok {
			return fn(f)
		}
		return notKind(h, "mmx", fh)
	})
}

// writeDesc is the description pf_mmx_write takes.
type writeDesc struct {
	ChunkType     mmx.ChunkType            `json:"chunk_type"`
	DType         mmx.DType                `json:"dtype"`
	Shape         []uint64                 `json:"shape"`
	Compression   string                   `json:"compression"`
	Level         int                      `json:"level"`
	LogicalRegion string                   `json:"logical_region"`
	Alignment     uint64                   `json:"alignment"`
	Value         json.RawMessage          `json:"value"`
	Arrays        map[string]mmx.FlatArray `json:"arrays"`
}

// MMXWrite is pf_mmx_write: one chunk described by desc, with data holding
// the array bytes (Tensor, Embedding) or the arrays named in desc.arrays
// (Mesh); Text, Sequence and Meta are all in desc.value.
func MMXWrite(a *ABI, h uint32, name unsafe.Pointer, nameLen uint64, desc unsafe.Pointer, descLen uint64, data unsafe.Pointer, dataLen uint64) int32 {
	return onMMX(a, h, nil, func(f *mmx.File) error {
		nm, err := in(name, nameLen)
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
		var d writeDesc
		if err := format.DecodeStrict("ffi", "mmx write description", raw, &d); err != nil {
			return err
		}
		c := codec.None
		if d.Compression != "" {
			if c, err = codec.Parse(d.Compression); err != nil {
				return errcode.Wrap("ffi", errcode.ErrBadArg, err, "compression")
			}
		}
		arrays := d.Arrays
		if d.ChunkType == mmx.TypeTensor || d.ChunkType == mmx.TypeEmbedding {
			arrays = map[string]mmx.FlatArray{"data": {DType: d.DType, Shape: d.Shape, Offset: 0, NBytes: uint64(len(blob))}}
		}
		return f.WriteFlat(string(nm), &mmx.Flat{Entry: mmx.Entry{ChunkType: d.ChunkType}, Value: d.Value, Arrays: arrays, Data: blob},
			&mmx.WriteOptions{Compression: c, Level: d.Level, LogicalRegion: d.LogicalRegion, Alignment: d.Alignment})
	})
}

// readResult is the JSON pf_mmx_read returns beside the data bytes.
type readResult struct {
	Entry  mmx.Entry                `json:"entry"`
	Value  json.RawMessage          `json:"value"`
	Arrays map[string]mmx.FlatArray `json:"arrays"`
}

// putFlat hands a read's description and bytes to the host. Bytes that are
// a view of the mapping are lent (borrowed 1: valid until the handle is
// closed, not to be freed). Others are a buffer to free: owned, when the
// read already placed them in host memory (owned is then fl.Data's
// buffer), else a copy. putFlat takes owned over: on failure it is freed.
func (a *ABI) putFlat(fl *mmx.Flat, owned unsafe.Pointer, out, outLen, data, dataLen, borrowed unsafe.Pointer) error {
	lend := fl.View && len(fl.Data) > 0
	if owned != nil && (lend || len(fl.Data) == 0) {
		a.release(owned)
		owned = nil
	}
	js, err := marshal(readResult{Entry: fl.Entry, Value: fl.Value, Arrays: fl.Arrays})
	if err != nil {
		if owned != nil {
			a.release(owned)
		}
		return err
	}
	jsBuf, err := a.putBuf(out, outLen, js)
	if err != nil {
		if owned != nil {
			a.release(owned)
		}
		return err
	}
	switch {
	case lend:
		a.lend(data, dataLen, borrowed, fl.Data)
		return nil
	case owned != nil:
		a.putSize(data, uint64(uintptr(owned)))
		a.putSize(dataLen, uint64(len(fl.Data)))
	default:
		if _, err := a.putBuf(data, dataLen, fl.Data); err != nil {
			if jsBuf != nil {
				a.release(jsBuf)
				a.putSize(out, 0)
				a.putSize(outLen, 0)
			}
			return err
		}
	}
	putI32(borrowed, 0)
	return nil
}

// MMXRead is pf_mmx_read: name's entry, value and array placements as JSON,
// and its data bytes (borrowed when they are the mapping itself). Data that
// is not borrowed is decompressed (or read) straight into the buffer handed
// out, allocated once at its checked size: a large chunk is never held
// twice.
func MMXRead(a *ABI, h uint32, name unsafe.Pointer, nameLen uint64, out, outLen, data, dataLen, borrowed unsafe.Pointer) int32 {
	return onMMX(a, h, []unsafe.Pointer{out, outLen, data, dataLen, borrowed}, func(f *mmx.File) error {
		nm, err := in(name, nameLen)
		if err != nil {
			return err
		}
		hb := &hostBuffer{a: a}
		fl, err := f.ReadFlatInto(string(nm), hb.alloc)
		if err != nil {
			hb.discard()
			return err
		}
		return a.putFlat(fl, hb.p, out, outLen, data, dataLen, borrowed)
	})
}

// MMXReadInto is pf_mmx_read_into: a Tensor or Embedding's elements
// decompressed (or copied) straight into dst, memory the host lends for
// the call; *outWritten the bytes written, or on PF_ELIMIT the bytes
// needed.
func MMXReadInto(a *ABI, h uint32, name unsafe.Pointer, nameLen uint64, dst unsafe.Pointer, dstLen uint64, outWritten unsafe.Pointer) int32 {
	return onMMX(a, h, []unsafe.Pointer{outWritten}, func(f *mmx.File) error {
		putU64(outWritten, 0)
		nm, err := in(name, nameLen)
		if err != nil {
			return err
		}
		buf, err := in(dst, dstLen)
		if err != nil {
			return err
		}
		t, err := f.ReadTensorTo(string(nm), buf)
		var short *mmx.ShortBufferError
		if errors.As(err, &short) {
			putU64(outWritten, uint64(short.Need))
		}
		if err != nil {
			return err
		}
		putU64(outWritten, uint64(len(t.Data)))
		return nil
	})
}

// MMXReadRows is pf_mmx_read_rows: rows [start, end) of a Tensor or
// Embedding along its first axis, reading only those rows of a raw chunk.
func MMXReadRows(a *ABI, h uint32, name unsafe.Pointer, nameLen uint64, start, end uint64, out, outLen, data, dataLen, borrowed unsafe.Pointer) int32 {
	return onMMX(a, h, []unsafe.Pointer{out, outLen, data, dataLen, borrowed}, func(f *mmx.File) error {
		nm, err := in(name, nameLen)
		if err != nil {
			return err
		}
		fl, err := f.ReadRowsFlat(string(nm), start, end)
		if err != nil {
			return err
		}
		return a.putFlat(fl, nil, out, outLen, data, dataLen, borrowed)
	})
}

// MMXList is pf_mmx_list: the entries under prefix, sorted by name, as a JSON array.
func MMXList(a *ABI, h uint32, prefix unsafe.Pointer, prefixLen uint64, out, outLen unsafe.Pointer) int32 {
	return onMMX(a, h, []unsafe.Pointer{out, outLen}, func(f *mmx.File) error {
		p, err := in(prefix, prefixLen)
		if err != nil {
			return err
		}
		l, err := f.List(string(p))
		if err != nil {
			return err
		}
		if l == nil {
			l = []mmx.Entry{}
		}
		b, err := marshal(l)
		return a.reply(out, outLen, b, err)
	})
}

// MMXEntry is pf_mmx_entry: name's directory entry as JSON.
func MMXEntry(a *ABI, h uint32, name unsafe.Pointer, nameLen uint64, out, outLen unsafe.Pointer) int32 {
	return onMMX(a, h, []unsafe.Pointer{out, outLen}, func(f *mmx.File) error {
		nm, err := in(name, nameLen)
		if err != nil {
			return err
		}
		e, err := f.Entry(string(nm))
		if err != nil {
			return err
		}
		b, err := marshal(e)
		return a.reply(out, outLen, b, err)
	})
}

// MMXInfoJSON is what pf_mmx_info returns.
type MMXInfoJSON = mmx.Info

// MMXInfo builds the info document.
func MMXInfo(f *mmx.File) MMXInfoJSON { return f.Summary() }

// MMXDelete is pf_mmx_delete.
func MMXDelete(a *ABI, h uint32, name unsafe.Pointer, nameLen uint64) int32 {
	return onMMX(a, h, nil, func(f *mmx.File) error {
		nm, err := in(name, nameLen)
		if err != nil {
			return err
		}
		return f.Delete(string(nm))
	})
}

// MMXCommit is pf_mmx_commit.
func MMXCommit(a *ABI, h uint32) int32 {
	return onMMX(a, h, nil, func(f *mmx.File) error { return f.Commit() })
}

// MMXRollback is pf_mmx_rollback.
func MMXRollback(a *ABI, h uint32) int32 {
	return onMMX(a, h, nil, func(f *mmx.File) error { return f.Rollback() })
}

// MMXCompact is pf_mmx_compact.
func MMXCompact(a *ABI, h uint32) int32 {
	return onMMX(a, h, nil, func(f *mmx.File) error { return f.Compact() })
}
