package mem8

import (
	"encoding/binary"
	"time"
	"unicode/utf8"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/storage"
)

// Record is one block to append.
type Record struct {
	Content    []byte
	Importance float32 // in [0,1]; quantized as the seed does
	Token      string  // "" for none; a reserved string gets its reserved id
	Timestamp  uint64  // microseconds since the Unix epoch; 0 means now
}

// Append adds a block with this content and importance and returns its index.
func (f *File) Append(content []byte, importance float32) (uint64, error) {
	return f.AppendRecord(Record{Content: content, Importance: importance})
}

// headerEvery: with Options.NoSync, a file on disk gets its header
// rewritten every headerEvery appends (and at Sync and Close), not after
// each one; open keeps the intact blocks past the header's count, checking
// each as Verify does, so the lag bounds that work (docs/spec/mem8.md §2).
const headerEvery = 256

// AppendRecord adds one block and returns its index. The block is written
// first, then the header; with fsync after each unless Options.NoSync. With
// NoSync on a file on disk the header is rewritten every headerEvery
// appends, at Sync and at Close: one pwrite per append instead of two; open
// keeps every intact block past a stale header's count. A crash at any
// point leaves the file with every earlier block intact (with NoSync, a
// power loss only guarantees what Sync made durable), and this one either
// whole or absent.
func (f *File) AppendRecord(r Record) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.checkOpen(); err != nil {
		return 0, err
	}
	if f.store.W == nil {
		return 0, errcode.New("mem8", errcode.ErrBadArg, "%s is open read-only", f.store.Name)
	}
	if f.broken != nil {
		return 0, errcode.Wrap("mem8", errcode.ErrBadArg, f.broken, "an earlier append failed; reopen the file to recover it")
	}
	n := f.count.Load()
	if n >= uint64(^uint32(0)) || n >= f.lim.MaxBlocks {
		return 0, errcode.New("mem8", errcode.ErrLimit, "file holds %d blocks, the most it can", n)
	}
	flags := f.hdr.flags()
	tokenID, define, err := planRecord(r, flags, f.tokens)
	if err != nil {
		return 0, err
	}

	ts := r.Timestamp
	if ts == 0 {
		ts = uint64(time.Now().UnixMicro())
	}
	b := f.buf
	clear(b[:f.bufUsed]) // the rest of the scratch block is still zero
	if f.bufTrailer {
		clear(b[BlockSize-trailerSize(maxTokenLen):])
		f.bufTrailer = false
	}
	f.bufUsed = blockHead + len(r.Content)
	le := binary.LittleEndian
	le.PutUint64(b[0:8], n)
	sig := f.sig.sum(r.Content, f.hdr.identityFreq())
	copy(b[8:24], sig[:])
	le.PutUint64(b[24:32], ts)
	le.PutUint16(b[32:34], Quantize(r.Importance))
	le.PutUint16(b[34:36], tokenID)
	if flags&FlagHashChain != 0 {
		copy(b[36:68], f.lastHash[:])
	}
	le.PutUint32(b[68:72], uint32(len(r.Content)))
	copy(b[blockHead:], r.Content)
	if define != "" {
		start := BlockSize - trailerSize(len(define))
		copy(b[start:], define)
		le.PutUint16(b[BlockSize-3:], tokenID)
		b[BlockSize-1] = byte(len(define))
		f.bufTrailer = true
	}

	if end := blockOffset(n + 1); f.store.OS.File != nil && end > f.reserved {
		// Reserve space ahead in steps that grow with the file (1 MiB to 64 MiB).
		f.reserved = end + min(max(end/8, 1<<20), 64<<20)
		storage.Preallocate(f.store.OS.File, f.reserved)
	}
	if _, err := f.store.W.WriteAt(b, blockOffset(n)); err != nil {
		f.broken = err
		return 0, err
	}
	hdr := &f.nextHdr // a field, not a local: WriteAt would move a local to the heap
	*hdr = f.hdr
	hdr.setBlockCount(uint32(n + 1))
	hdr.seal()
	if !f.lazyHeader || (n+1)%headerEvery == 0 {
		if err := f.sync(); err != nil {
			f.broken = err
			return 0, err
		}
		if _, err := f.store.W.WriteAt(hdr[:], 0); err != nil {
			f.broken = err
			return 0, err
		}
		if err := f.sync(); err != nil {
			f.broken = err
			return 0, err
		}
		f.hdrStale = false
	} else {
		f.hdrStale = true
	}

	f.hdr = *hdr
	f.count.Store(n + 1)
	f.imp = append(f.imp, Quantize(r.Importance))
	if flags&FlagHashChain != 0 {
		end := f.bufUsed
		if define != "" {
			end = BlockSize
		}
		f.lastHash = chainDigestTo(b, end)
	}
	if define != "" {
		f.tokens.define(tokenID, define)
	}
	return n, nil
}

// repair truncates everything past the accepted blocks and rewrites the
// header to match them. It runs on a read-write open of a torn file.
func (f *File) repair(end int64) error {
	if err := f.store.W.Truncate(end); err != nil {
		return err
	}
	if err := f.sync(); err != nil {
		return err
	}
	f.hdr.setBlockCount(uint32(f.count.Load()))
	f.hdr.seal()
	if _, err := f.store.W.WriteAt(f.hdr[:], 0); err != nil {
		return err
	}
	if err := f.sync(); err != nil {
		return err
	}
	f.rec.Repaired = true
	return nil
}

func (f *File) sync() error {
	if f.noSync {
		return nil
	}
	return f.store.W.Sync()
}

// Sync flushes the file to stable storage (useful with Options.NoSync).
// A header left behind by NoSync appends is rewritten between two fsyncs,
// so it never claims blocks that are not on disk.
func (f *File) Sync() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.checkOpen(); err != nil {
		return err
	}
	if f.store.W == nil {
		return nil
	}
	if err := f.store.W.Sync(); err != nil {
		return err
	}
	if !f.hdrStale || f.broken != nil {
		return nil
	}
	if err := f.writeHeader(); err != nil {
		return err
	}
	return f.store.W.Sync()
}

// writeHeader writes the header as it is in memory (a stale one catching
// up), without fsync.
func (f *File) writeHeader() error {
	if _, err := f.store.W.WriteAt(f.hdr[:], 0); err != nil {
		f.broken = err
		return err
	}
	f.hdrStale = false
	return nil
}

// planRecord checks r for a file with these flags and token map and returns
// the token id its block stores and the token it defines ("" for none). It
// changes nothing, so ImportJSON can check a whole document before writing.
func planRecord(r Record, flags Flags, tm *TokenMap) (tokenID uint16, define string, err error) {
	// Token: reserved or known ids need nothing; a new one is defined in this block.
	if r.Token != "" {
		if flags&FlagTokens == 0 {
			return 0, "", errcode.New("mem8", errcode.ErrUnsupported, "file was created without token support (flags %#02x)", uint8(flags))
		}
		if id, ok := tm.Lookup(r.Token); ok {
			tokenID = id
		} else {
			if len(r.Token) > maxTokenLen || !utf8.ValidString(r.Token) {
				return 0, "", errcode.New("mem8", errcode.ErrBadArg, "token must be UTF-8 of 1 to %d bytes, got %d bytes", maxTokenLen, len(r.Token))
			}
			id, ok := tm.peekNext()
			if !ok {
				return 0, "", errcode.New("mem8", errcode.ErrLimit, "all %d dynamic token ids are used", lastDynamicID-FirstDynamicID+1)
			}
			tokenID, define = id, r.Token
		}
	}
	room := MaxContent
	if define != "" {
		room -= trailerSize(len(define))
	}
	if len(r.Content) > room {
		if define != "" {
			return 0, "", errcode.New("mem8", errcode.ErrLimit, "content is %d bytes; a block that defines token %q holds at most %d", len(r.Content), define, room)
		}
		return 0, "", errcode.New("mem8", errcode.ErrLimit, "content is %d bytes; a block holds at most %d", len(r.Content), MaxContent)
	}
	return tokenID, define, nil
}
