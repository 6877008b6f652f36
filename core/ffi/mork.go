package ffi

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"unsafe"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/format"
	"github.com/polyfmt/polyfmt/core/mork"
	"github.com/polyfmt/polyfmt/core/mork/expr"
)

func onMORK(a *ABI, h uint32, outs []unsafe.Pointer, fn func(*mork.File) error) int32 {
	return onHandle(a, h, "mork", outs, func(fh *fileHandle) error {
		if f, ok := fh.f.(*mork.File); ok {
			return fn(f)
		}
		return notKind(h, "mork", fh)
	})
}

// u64Text reads a u64 given as a JSON string (decimal) or number.
type u64Text uint64

func (u *u64Text) UnmarshalJSON(b []byte) error {
	s := string(b)
	if q, err := strconv.Unquote(s); err == nil {
		s = q
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return errcode.New("ffi", errcode.ErrBadArg, "%s is not a u64", b)
	}
	*u = u64Text(v)
	return nil
}

// MORKImport is pf_mork_import: MeTTa text parsed into a writable file.
func MORKImport(a *ABI, h uint32, text unsafe.Pointer, textLen uint64, opts unsafe.Pointer, optsLen uint64, outCount unsafe.Pointer) int32 {
	return onMORK(a, h, nil, func(f *mork.File) error {
		t, err := in(text, textLen)
		if err != nil {
			return err
		}
		o, err := in(opts, optsLen)
		if err != nil {
			return err
		}
		var oj struct {
			Intern bool    `json:"intern"`
			Value  u64Text `json:"value"`
		}
		if err := format.DecodeStrict("ffi", "mork import options", o, &oj); err != nil {
			return err
		}
		n, err := f.ImportText(bytes.NewReader(t), &mork.ImportOptions{Intern: oj.Intern, Value: uint64(oj.Value)})
		if outCount != nil {
			putU64(outCount, n)
		}
		return err
	})
}

// MORKAdd is pf_mork_add.
func MORKAdd(a *ABI, h uint32, path unsafe.Pointer, pathLen uint64, value uint64) int32 {
	return onMORK(a, h, nil, func(f *mork.File) error {
		p, err := in(path, pathLen)
		if err != nil {
			return err
		}
		return f.Add(p, value)
	})
}

// MORKRemove is pf_mork_remove.
func MORKRemove(a *ABI, h uint32, path unsafe.Pointer, pathLen uint64, outFound unsafe.Pointer) int32 {
	return onMORK(a, h, nil, func(f *mork.File) error {
		p, err := in(path, pathLen)
		if err != nil {
			return err
		}
		ok, err := f.Remove(p)
		if outFound != nil {
			putI32(outFound, flag(ok))
		}
		return err
	})
}

// MORKGet is pf_mork_get.
func MORKGet(a *ABI, h uint32, path unsafe.Pointer, pathLen uint64, outValue, outFound unsafe.Pointer) int32 {
	return onMORK(a, h, []unsafe.Pointer{outValue, outFound}, func(f *mork.File) error {
		p, err := in(path, pathLen)
		if err != nil {
			return err
		}
		v, ok, err := f.Get(p)
		if err != nil {
			return err
		}
		putU64(outValue, v)
		putI32(outFound, flag(ok))
		return nil
	})
}

// MORKLen is pf_mork_len.
func MORKLen(a *ABI, h uint32, outCount unsafe.Pointer) int32 {
	return onMORK(a, h, []unsafe.Pointer{outCount}, func(f *mork.File) error {
		n, err := f.Len()
		if err == nil {
			putU64(outCount, n)
		}
		return err
	})
}

// MORKPaths is pf_mork_paths: paths under a prefix as records.
func MORKPaths(a *ABI, h uint32, prefix unsafe.Pointer, prefixLen uint64, limit uint64, out, outLen unsafe.Pointer) int32 {
	return onMORK(a, h, []unsafe.Pointer{out, outLen}, func(f *mork.File) error {
		pre, err := in(prefix, prefixLen)
		if err != nil {
			return err
		}
		var buf []byte
		var n uint64
		err = f.Walk(pre, func(p []byte, v uint64) error {
			if limit != 0 && n == limit {
				return mork.Stop
			}
			n++
			buf = binary.LittleEndian.AppendUint32(buf, uint32(len(p)))
			buf = append(buf, p...)
			buf = binary.LittleEndian.AppendUint64(buf, v)
			return nil
		})
		return a.reply(out, outLen, buf, err)
	})
}

// MORKQuery is pf_mork_query: the paths matching a MeTTa pattern, as JSON.
func MORKQuery(a *ABI, h uint32, pattern unsafe.Pointer, patternLen uint64, limit uint64, out, outLen unsafe.Pointer) int32 {
	return onMORK(a, h, []unsafe.Pointer{out, outLen}, func(f *mork.File) error {
		pat, err := in(pattern, patternLen)
		if err != nil {
			return err
		}
		res := mork.QueryResult{Matches: []mork.PrintedMatch{}}
		err = f.QueryText(string(pat), func(m *mork.Match) error {
			if limit != 0 && uint64(len(res.Matches)) == limit {
				res.Truncated = true
				return mork.Stop
			}
			pm, err := m.Printed()
			res.Matches = append(res.Matches, pm)
			return err
		})
		if err != nil {
			return err
		}
		b, err := marshal(res)
		return a.reply(out, outLen, b, err)
	})
}

// MORKExport is pf_mork_export: the content as another container.
func MORKExport(a *ABI, h uint32, kind unsafe.Pointer, kindLen uint64, opts unsafe.Pointer, optsLen uint64, out, outLen unsafe.Pointer) int32 {
	return onMORK(a, h, []unsafe.Pointer{out, outLen}, func(f *mork.File) error {
		ks, os, err := text2(kind, kindLen, opts, optsLen)
		if err != nil {
			return err
		}
		k, eo, err := mork.ParseExport(ks, []byte(os))
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := f.Export(&buf, k, eo); err != nil {
			return err
		}
		return a.reply(out, outLen, buf.Bytes(), nil)
	})
}

// morkFile is the file behind h, or nil for handle 0.
func morkFile(a *ABI, h uint32, outs []unsafe.Pointer, fn func(*mork.File) error) int32 {
	if h == 0 {
		return call(a, 0, func() error {
			if err := needOut(outs...); err != nil {
				return err
			}
			return fn(nil)
		})
	}
	return onMORK(a, h, outs, fn)
}

// MORKEncode is pf_mork_encode.
func MORKEncode(a *ABI, h uint32, text unsafe.Pointer, textLen uint64, out, outLen unsafe.Pointer) int32 {
	return morkFile(a, h, []unsafe.Pointer{out, outLen}, func(f *mork.File) error {
		t, err := in(text, textLen)
		if err != nil {
			return err
		}
		var b []byte
		if f == nil {
			b, err = expr.ParseOne(string(t), nil)
		} else {
			b, err = f.EncodeText(string(t))
		}
		return a.reply(out, outLen, b, err)
	})
}

// MORKPrint is pf_mork_print.
func MORKPrint(a *ABI, h uint32, path unsafe.Pointer, pathLen uint64, out, outLen unsafe.Pointer) int32 {
	return morkFile(a, h, []unsafe.Pointer{out, outLen}, func(f *mork.File) error {
		p, err := in(path, pathLen)
		if err != nil {
			return err
		}
		var b []byte
		if f == nil {
			b, err = expr.AppendText(nil, p, nil)
		} else {
			b, err = f.AppendText(nil, p)
		}
		return a.reply(out, outLen, b, err)
	})
}

// MORKSymbols is pf_mork_symbols: the symbol table as JSON.
func MORKSymbols(a *ABI, h uint32, out, outLen unsafe.Pointer) int32 {
	return onMORK(a, h, []unsafe.Pointer{out, outLen}, func(f *mork.File) error {
		type sym struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		}
		res := struct {
			Symbols []sym `json:"symbols"`
		}{Symbols: []sym{}}
		f.Symbols().All(func(id uint64, s []byte) bool {
			res.Symbols = append(res.Symbols, sym{strconv.FormatUint(id, 10), string(s)})
			return true
		})
		b, err := marshal(res)
		return a.reply(out, outLen, b, err)
	})
}

// MORKIntern is pf_mork_intern.
func MORKIntern(a *ABI, h uint32, symbol unsafe.Pointer, symbolLen uint64, outID unsafe.Pointer) int32 {
	return onMORK(a, h, []unsafe.Pointer{outID}, func(f *mork.File) error {
		s, err := in(symbol, symbolLen)
		if err != nil {
			return err
		}
		id, err := f.Intern(s)
		if err == nil {
			putU64(outID, id)
		}
		return err
	})
}

// MORKCommit is pf_mork_commit.
func MORKCommit(a *ABI, h uint32) int32 {
	return onMORK(a, h, nil, func(f *mork.File) error { return f.Commit() })
}

// MORKMigrate is pf_mork_migrate: a space file in the current version.
func MORKMigrate(a *ABI, data unsafe.Pointer, n uint64, ts uint64, out, outLen unsafe.Pointer) int32 {
	return call(a, 0, func() error {
		if err := needOut(out, outLen); err != nil {
			return err
		}
		d, err := in(data, n)
		if err != nil {
			return err
		}
		b, err := mork.Migrate(d, ts, nil)
		return a.reply(out, outLen, b, err)
	})
}
