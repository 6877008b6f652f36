package ffi

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/format"
	"github.com/polyfmt/polyfmt/core/mem8"
)

func onMem8(a *ABI, h uint32, outs []unsafe.Pointer, fn func(*mem8.File) error) int32 {
	return onHandle(a, h, "mem8", outs, func(fh *fileHandle) error {
		if f, ok := fh.f.(*mem8.File); ok { // a static assertion: the per-call path
			return fn(f)
		}
		return notKind(h, "mem8", fh)
	})
}

// Mem8Append is pf_mem8_append. timestampUs 0 means now.
func Mem8Append(a *ABI, h uint32, content unsafe.Pointer, n uint64, importance float32, token unsafe.Pointer, tokenLen uint64, timestampUs uint64, outIndex unsafe.Pointer) int32 {
	return onMem8(a, h, nil, func(f *mem8.File) error {
		c, err := in(content, n)
		if err != nil {
			return err
		}
		t, err := in(token, tokenLen)
		if err != nil {
			return err
		}
		i, err := f.AppendRecord(mem8.Record{Content: c, Importance: importance, Token: string(t), Timestamp: timestampUs})
		if err == nil && outIndex != nil {
			putU64(outIndex, i)
		}
		return err
	})
}

// Mem8CountFast is pf_mem8_count's fast path, which its shim tries first
// (Export.Fast): a MEM8 handle in its hot slot and a non-NULL out. It
// counts the call in and records the entry in held before it looks at
// closingBit, so that the shim's guard releases it on every path; false
// sends the call to Mem8Count. Small enough to inline: no closure, no
// defer, no Go call (see Running).
func Mem8CountFast(held *Held, h uint32, out unsafe.Pointer) bool {
	if e := hot[h%hotSlots].Load(); e != nil && e.h == h && e.m8 != nil && out != nil {
		held.e = e
		if e.inUse.Add(1)&closingBit == 0 {
			putU64(out, e.m8.Count())
			return true
		}
	}
	return false
}

// Mem8Count is pf_mem8_count, after Mem8CountFast: for a handle that is
// not a MEM8 handle in its hot slot, or is being closed, or a NULL out.
func Mem8Count(a *ABI, held *Held, h uint32, out unsafe.Pointer) int32 {
	if held.e != nil { // counted in by Mem8CountFast, which found closingBit
		return status(a, h, notOpen(h))
	}
	fh, e, err := hold[*fileHandle](h, "mem8", out)
	held.e = e
	if err == nil {
		if f, ok := fh.f.(*mem8.File); ok {
			putU64(out, f.Count())
			return 0
		}
		err = notKind(h, "mem8", fh)
	}
	return status(a, h, err)
}

// Mem8InfoJSON is the document pf_mem8_info returns.
type Mem8InfoJSON = mem8.Info

// Mem8Info builds the info document for f.
func Mem8Info(f *mem8.File) Mem8InfoJSON { return f.Summary() }

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Mem8BlockJSON is the block record pf_mem8_block returns (content apart).
type Mem8BlockJSON struct {
	Index         uint64  `json:"index"`
	Timestamp     uint64  `json:"timestamp"`
	Importance    float32 `json:"importance"`
	ImportanceRaw uint16  `json:"importance_raw"`
	TokenID       uint16  `json:"token_id"`
	Token         string  `json:"token"`
	WaveSignature string  `json:"wave_signature"`
	PrevHash      string  `json:"prev_hash"`
	ContentLen    int     `json:"content_len"`
}

// Mem8BlockRecord converts a block to its JSON record.
func Mem8BlockRecord(b *mem8.Block) Mem8BlockJSON {
	return Mem8BlockJSON{Index: b.Index, Timestamp: b.Timestamp, Importance: b.ImportanceValue(),
		ImportanceRaw: b.Importance, TokenID: b.TokenID, Token: b.Token,
		WaveSignature: hex.EncodeToString(b.WaveSignature[:]), PrevHash: hex.EncodeToString(b.PrevHash[:]),
		ContentLen: len(b.Content)}
}

// Mem8Block is pf_mem8_block: block index's record as JSON, and its content.
// Either pair of out-parameters may be NULL to skip it.
func Mem8Block(a *ABI, h uint32, index uint64, info, infoLen, content, contentLen unsafe.Pointer) int32 {
	return onMem8(a, h, nil, func(f *mem8.File) error {
		if (info == nil) != (infoLen == nil) || (content == nil) != (contentLen == nil) {
			return errcode.New("ffi", errcode.ErrBadArg, "pointer and length out-parameters must both be given or both NULL")
		}
		b, err := f.Block(index)
		if err != nil {
			return err
		}
		var infoBuf unsafe.Pointer
		if info != nil {
			j := appendBlockJSON(make([]byte, 0, 320), &b)
			if infoBuf, err = a.putBuf(info, infoLen, j); err != nil {
				return err
			}
		}
		if content != nil {
			if _, err := a.putBuf(content, contentLen, b.Content); err != nil {
				if infoBuf != nil { // hand back nothing rather than a freed pointer
					a.release(infoBuf)
					a.putSize(info, 0)
					a.putSize(infoLen, 0)
				}
				return err
			}
		}
		return nil
	})
}

// Mem8Query is pf_mem8_query: query is {"keywords": [...], "fill": 10,
// "max": 20} (all optional); the result is a JSON array of block indices.
func Mem8Query(a *ABI, h uint32, query unsafe.Pointer, queryLen uint64, out, outLen unsafe.Pointer) int32 {
	return onMem8(a, h, []unsafe.Pointer{out, outLen}, func(f *mem8.File) error {
		raw, err := in(query, queryLen)
		if err != nil {
			return err
		}
		var q struct {
			Keywords []string `json:"keywords"`
			Fill     *int     `json:"fill"`
			Max      *int     `json:"max"`
		}
		if err := format.DecodeStrict("ffi", "mem8 query", raw, &q); err != nil {
			return err
		}
		mq := mem8.Query{Keywords: q.Keywords}
		if q.Fill != nil {
			if *q.Fill < 0 {
				return errcode.New("ffi", errcode.ErrBadArg, "fill must be ≥ 0, got %d", *q.Fill)
			}
			mq.Fill = *q.Fill
			if mq.Fill == 0 {
				mq.Fill = -1 // explicitly none
			}
		}
		if q.Max != nil {
			if *q.Max <= 0 {
				return errcode.New("ffi", errcode.ErrBadArg, "max must be ≥ 1, got %d", *q.Max)
			}
			mq.Max = *q.Max
		}
		idx, err := f.QueryIndices(&mq)
		if err != nil {
			return err
		}
		b, err := marshal(idx)
		return a.reply(out, outLen, b, err)
	})
}

// Mem8Verify is pf_mem8_verify. On failure the status says what (format
// or checksum), errmsg says why, and badBlock (if not NULL) names the first
// bad block, -1 for the header; on success badBlock is -1.
func Mem8Verify(a *ABI, h uint32, badBlock unsafe.Pointer) int32 {
	return onMem8(a, h, nil, func(f *mem8.File) error {
		err := f.Verify()
		if badBlock != nil {
			bad := int64(-1)
			var ve *mem8.VerifyError
			if errors.As(err, &ve) {
				bad = ve.Block
			}
			putI64(badBlock, bad)
		}
		return err
	})
}

// Mem8ImportJSON is pf_mem8_import_json: appends the blocks of a JSON
// document (the seed's "contexts", plain or zlib, or an export).
func Mem8ImportJSON(a *ABI, h uint32, data unsafe.Pointer, n uint64, outCount unsafe.Pointer) int32 {
	return onMem8(a, h, nil, func(f *mem8.File) error {
		b, err := in(data, n)
		if err != nil {
			return err
		}
		k, err := mem8.ImportJSON(f, b, nil, nil)
		if outCount != nil {
			putU64(outCount, uint64(k))
		}
		return err
	})
}

// Mem8ExportJSON is pf_mem8_export_json.
func Mem8ExportJSON(a *ABI, h uint32, out, outLen unsafe.Pointer) int32 {
	return onMem8(a, h, []unsafe.Pointer{out, outLen}, func(f *mem8.File) error {
		b, err := mem8.ExportJSON(f)
		return a.reply(out, outLen, b, err)
	})
}

// Mem8Sync is pf_mem8_sync.
func Mem8Sync(a *ABI, h uint32) int32 {
	return onMem8(a, h, nil, func(f *mem8.File) error { return f.Sync() })
}

// appendBlockJSON encodes Mem8BlockRecord(b) exactly as encoding/json does,
// without reflection: reading blocks one by one across the ABI is a hot path
// (in wasm, reflection made the encoding most of a call's cost).
func appendBlockJSON(dst []byte, b *mem8.Block) []byte {
	dst = append(dst, `{"index":`...)
	dst = strconv.AppendUint(dst, b.Index, 10)
	dst = append(dst, `,"timestamp":`...)
	dst = strconv.AppendUint(dst, b.Timestamp, 10)
	dst = append(dst, `,"importance":`...)
	dst = strconv.AppendFloat(dst, float64(b.ImportanceValue()), 'f', -1, 32)
	dst = append(dst, `,"importance_raw":`...)
	dst = strconv.AppendUint(dst, uint64(b.Importance), 10)
	dst = append(dst, `,"token_id":`...)
	dst = strconv.AppendUint(dst, uint64(b.TokenID), 10)
	dst = append(dst, `,"token":`...)
	dst = appendJSONString(dst, b.Token)
	dst = append(dst, `,"wave_signature":"`...)
	dst = hex.AppendEncode(dst, b.WaveSignature[:])
	dst = append(dst, `","prev_hash":"`...)
	dst = hex.AppendEncode(dst, b.PrevHash[:])
	dst = append(dst, `","content_len":`...)
	dst = strconv.AppendInt(dst, int64(len(b.Content)), 10)
	return append(dst, '}')
}

// appendJSONString quotes s as encoding/json does with HTML escaping off.
func appendJSONString(dst []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
