package mem8

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"slices"
	"unicode/utf8"

	"github.com/polyfmt/polyfmt/core/errcode"
)

func formatErr(off int64, format string, args ...any) error {
	return errcode.At("mem8", errcode.ErrFormat, off, format, args...)
}

// open validates the header, decides how many blocks are committed, builds
// the importance index and token map in one pass, and (writable) repairs a
// torn tail.
func (f *File) open(size int64, writable bool) error {
	f.tokens = NewTokenMap()
	if size < HeaderSize {
		return formatErr(0, "file is %d bytes, shorter than the %d-byte header", size, HeaderSize)
	}
	if _, err := f.store.R.ReadAt(f.hdr[:], 0); err != nil {
		return errcode.Wrap("mem8", errcode.ErrFormat, err, "read header")
	}
	h := &f.hdr
	if h.magic() != Magic {
		return formatErr(0, "bad magic %q", h.magic())
	}
	if h.version() != Version {
		return errcode.At("mem8", errcode.ErrUnsupported, 4, "version %d (this library reads %d)", h.version(), Version)
	}
	if unknown := h.flags() &^ knownFlags; unknown != 0 {
		return errcode.At("mem8", errcode.ErrUnsupported, 5, "unknown flags %#02x", uint8(unknown))
	}
	if err := checkHeaderFloats(h.identityFreq(), h.temporalPhase()); err != nil {
		return err
	}

	full := uint64(size-HeaderSize) / BlockSize
	hc := uint64(h.blockCount())
	crcOK := h.flags()&FlagHeaderCRC == 0 || h.crc() == h.computeCRC()
	count, trusted, reason := hc, true, ""
	switch {
	case !crcOK:
		// Only block_count and crc change after create, so a failed CRC is a
		// header write cut short: the blocks say how many there are.
		count, trusted, reason = full, false, "header checksum mismatch (header write cut short)"
	case hc > full:
		count, trusted, reason = full, false, fmt.Sprintf("header says %d blocks, file holds %d", hc, full)
	case hc+1 < full && h.flags()&FlagHeaderCRC == 0:
		// An append leaves at most one block past the header's count; more
		// means a seed-format header that was cut short.
		count, trusted, reason = full, false, fmt.Sprintf("header says %d blocks, file holds %d", hc, full)
	}
	if count > f.lim.MaxBlocks {
		return errcode.New("mem8", errcode.ErrLimit, "%d blocks exceed the limit of %d", count, f.lim.MaxBlocks)
	}

	n, err := f.scan(count, trusted)
	if err != nil {
		return err
	}
	if n < count && reason == "" {
		reason = fmt.Sprintf("block %d is not intact", n)
	}
	if n > 0 && f.hdr.flags()&FlagHashChain != 0 {
		b, err := f.rawBlock(n-1, nil)
		if err != nil {
			return err
		}
		f.lastHash = ChainDigest(b)
	}
	if trusted && n == hc && hc < full {
		// Whole blocks past the header's count: a NoSync writer rewrites
		// the header only now and then (or an append stopped before its
		// header rewrite). Each one that is intact is kept.
		if n, err = f.extend(n, full); err != nil {
			return err
		}
	}
	f.count.Store(n)
	end := blockOffset(n)
	if end < size && reason == "" {
		reason = fmt.Sprintf("%d bytes past block %d (an append cut short)", size-end, n)
	}
	f.rec = Recovery{HeaderBlocks: hc, Blocks: n, DroppedBytes: size - end, Reason: reason}
	f.tornAppend = trusted && end < size
	if writable {
		f.buf = make([]byte, BlockSize)
		if !f.rec.Clean() || hc != n {
			if err := f.repair(end); err != nil {
				return err
			}
		}
	}
	return nil
}

// scan validates blocks [0,count) and indexes them. When the count is not
// trusted (recovery), it stops at the first block that is not intact;
// otherwise such a block is an error.
func (f *File) scan(count uint64, trusted bool) (uint64, error) {
	f.imp = make([]uint16, 0, count)
	const batch = 64
	var buf []byte
	if f.store.Data == nil {
		buf = make([]byte, batch*BlockSize)
	}
	for i := uint64(0); i < count; {
		var chunk []byte
		k := min(uint64(batch), count-i)
		if f.store.Data != nil {
			chunk = f.store.Data[blockOffset(i):blockOffset(i+k)]
		} else {
			chunk = buf[:k*BlockSize]
			if _, err := f.store.R.ReadAt(chunk, blockOffset(i)); err != nil && !(errors.Is(err, io.EOF) && len(chunk) == int(k*BlockSize)) {
				return 0, errcode.Wrap("mem8", errcode.ErrFormat, err, "read block %d", i)
			}
		}
		for j := uint64(0); j < k; j, i = j+1, i+1 {
			b := chunk[j*BlockSize : (j+1)*BlockSize]
			if err := f.checkBlock(i, b, f.tokens); err != nil {
				if !trusted {
					return i, nil
				}
				return 0, err
			}
			f.imp = append(f.imp, blockHdr(b).importance())
		}
	}
	return count, nil
}

// extend checks the whole blocks [n, full) that follow the header's count
// and keeps them while each is intact: its structure (checkBlock), zero
// padding, wave signature and (FlagHashChain) its link to the block before,
// so every byte of it is vouched for by a hash or a check, as Verify would.
// f.lastHash is the digest of block n-1 on entry and of the last kept block
// on return. It returns the new count; a block that is not intact ends the
// kept blocks (open reports the bytes from it on as a torn tail). More intact
// blocks than Limits.MaxBlocks is ErrLimit, as for any count open derives.
func (f *File) extend(n, full uint64) (uint64, error) {
	var buf []byte
	if f.store.Data == nil {
		buf = make([]byte, BlockSize)
	}
	for ; n < full; n++ {
		b, err := f.rawBlock(n, buf)
		if err != nil {
			return 0, errcode.Wrap("mem8", errcode.ErrFormat, err, "read block %d", n)
		}
		if f.checkIntact(n, b, f.tokens, &f.lastHash) != nil {
			break
		}
		if n >= f.lim.MaxBlocks {
			return 0, errcode.New("mem8", errcode.ErrLimit, "at least %d blocks (intact past the header's count) exceed the limit of %d", n+1, f.lim.MaxBlocks)
		}
		f.imp = append(f.imp, blockHdr(b).importance())
		if f.hdr.flags()&FlagHashChain != 0 {
			f.lastHash = ChainDigest(b)
		}
	}
	return n, nil
}

// checkHeaderFloats refuses a NaN or infinite identity_freq or
// temporal_phase: the seed only ever writes 440.0 and 0.0, neither means
// anything as a frequency or phase, and JSON (info, export) cannot carry
// them. Such a header is malformed, whatever its CRC says.
func checkHeaderFloats(freq, phase float64) error {
	if math.IsNaN(freq) || math.IsInf(freq, 0) {
		return formatErr(10, "identity_freq is %v, not a finite number", freq)
	}
	if math.IsNaN(phase) || math.IsInf(phase, 0) {
		return formatErr(18, "temporal_phase is %v, not a finite number", phase)
	}
	return nil
}

// checkBlock is the structural check of block i, done once at open: index,
// content length, and (FlagTokens) token ids and definitions, which it adds
// to tm.
func (f *File) checkBlock(i uint64, b []byte, tm *TokenMap) error {
	id, s, defines, err := f.blockToken(i, b, tm)
	if defines {
		tm.define(id, s)
	}
	return err
}

// blockToken is checkBlock without adding to tm: defines says that block
// i defines token id as s (nil err only).
func (f *File) blockToken(i uint64, b []byte, tm *TokenMap) (id uint16, s string, defines bool, err error) {
	bh := blockHdr(b)
	off := blockOffset(i)
	if bh.index() != i {
		return 0, "", false, formatErr(off, "block %d: index field is %d", i, bh.index())
	}
	cl := bh.contentLen()
	if cl > MaxContent {
		return 0, "", false, formatErr(off+68, "block %d: content_len %d exceeds %d", i, cl, MaxContent)
	}
	if f.hdr.flags()&FlagTokens == 0 {
		return 0, "", false, nil
	}
	id = bh.tokenID()
	if id == NoToken {
		return 0, "", false, nil
	}
	if _, ok := tm.Decode(id); ok {
		return 0, "", false, nil
	}
	if id < FirstDynamicID || id > lastDynamicID {
		return 0, "", false, formatErr(off+34, "block %d: token id %#x is not a reserved id", i, id)
	}
	s, err = parseTrailer(b, cl)
	if err != nil {
		return 0, "", false, formatErr(off+BlockSize-1, "block %d: token %#x: %v", i, id, err)
	}
	next, ok := tm.peekNext()
	if !ok || id != next {
		return 0, "", false, formatErr(off+34, "block %d: token id %#x defined out of order (next is %#x)", i, id, next)
	}
	if _, dup := tm.Lookup(s); dup {
		return 0, "", false, formatErr(off+34, "block %d: token %q defined twice", i, s)
	}
	return id, s, true, nil
}

// checkIntact checks block i (b) as Verify does, given tm, the tokens the
// blocks before it define, and prev, the chain digest of block i-1: its
// structure (blockToken), zero padding, wave signature and (FlagHashChain)
// its link to the block before. Only when all hold does a definition in b
// join tm. Open's extend and Verify both use it.
func (f *File) checkIntact(i uint64, b []byte, tm *TokenMap, prev *[32]byte) *VerifyError {
	id, s, defines, err := f.blockToken(i, b, tm)
	if err != nil {
		return &VerifyError{Block: int64(i), Reason: err.Error(), Err: errcode.ErrFormat}
	}
	end := blockHead + int(blockHdr(b).contentLen())
	padEnd := BlockSize
	if defines {
		padEnd -= trailerSize(int(b[BlockSize-1]))
	}
	if !allZero(b[end:padEnd]) {
		return &VerifyError{Block: int64(i), Reason: "padding after the content is not zero", Err: errcode.ErrChecksum}
	}
	if sig := WaveSignature(b[blockHead:end], f.hdr.identityFreq()); !bytes.Equal(sig[:], b[8:24]) {
		return &VerifyError{Block: int64(i), Reason: fmt.Sprintf("wave signature %x does not match content (want %x)", b[8:24], sig), Err: errcode.ErrChecksum}
	}
	if f.hdr.flags()&FlagHashChain != 0 && !bytes.Equal(prev[:], b[36:68]) {
		return &VerifyError{Block: int64(i), Reason: "prev_hash does not match the previous block", Err: errcode.ErrChecksum}
	}
	if defines {
		tm.define(id, s)
	}
	return nil
}

// parseTrailer reads a token definition from the tail of block b.
func parseTrailer(b []byte, contentLen uint32) (string, error) {
	l := int(b[BlockSize-1])
	if l == 0 {
		return "", errors.New("no definition in the block tail")
	}
	start := BlockSize - trailerSize(l)
	if blockHead+int(contentLen) > start {
		return "", errors.New("definition overlaps the content")
	}
	id := blockHdr(b).tokenID()
	if got := uint16(b[BlockSize-3]) | uint16(b[BlockSize-2])<<8; got != id {
		return "", fmt.Errorf("definition is for id %#x", got)
	}
	s := b[start : BlockSize-3]
	if !utf8.Valid(s) {
		return "", errors.New("token is not UTF-8")
	}
	return string(s), nil
}

// rawBlock returns block i's 4096 bytes: a view of the mapping when there is
// one, else read into buf (allocated if nil). The caller holds f.mu.
func (f *File) rawBlock(i uint64, buf []byte) ([]byte, error) {
	off := blockOffset(i)
	if f.store.Data != nil {
		return f.store.Data[off : off+BlockSize], nil
	}
	if buf == nil {
		buf = make([]byte, BlockSize)
	}
	if _, err := f.store.R.ReadAt(buf[:BlockSize], off); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:BlockSize], nil
}

func (f *File) decode(b []byte) Block {
	bh := blockHdr(b)
	blk := Block{Index: bh.index(), Timestamp: bh.timestamp(), Importance: bh.importance(), TokenID: bh.tokenID()}
	copy(blk.WaveSignature[:], b[8:24])
	copy(blk.PrevHash[:], b[36:68])
	blk.Content = slices.Clone(b[blockHead : blockHead+int(bh.contentLen())])
	if blk.TokenID != NoToken {
		blk.Token, _ = f.tokens.Decode(blk.TokenID)
	}
	return blk
}

// Block returns block i (0 is the oldest).
func (f *File) Block(i uint64) (Block, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.checkOpen(); err != nil {
		return Block{}, err
	}
	if n := f.count.Load(); i >= n {
		return Block{}, errcode.New("mem8", errcode.ErrNotFound, "block %d of %d", i, n)
	}
	b, err := f.rawBlock(i, nil)
	if err != nil {
		return Block{}, err
	}
	return f.decode(b), nil
}

// Backward yields the blocks newest first, as the seed's read_backwards
// does. It sees the blocks that existed when it started.
func (f *File) Backward() iter.Seq2[Block, error] {
	return func(yield func(Block, error) bool) {
		for i := f.Count(); i > 0; i-- {
			b, err := f.Block(i - 1)
			if !yield(b, err) || err != nil {
				return
			}
		}
	}
}

// Forward yields the blocks oldest first.
func (f *File) Forward() iter.Seq2[Block, error] {
	return func(yield func(Block, error) bool) {
		n := f.Count()
		for i := uint64(0); i < n; i++ {
			b, err := f.Block(i)
			if !yield(b, err) || err != nil {
				return
			}
		}
	}
}

// Query is the seed's read_by_importance: blocks in descending importance
// (ties: older first), keeping a block if its content contains any keyword
// or fewer than Fill blocks are kept, and stopping at Max.
type Query struct {
	Keywords []string
	Fill     int // default (0) 10; negative: none, keep keyword matches only
	Max      int // default (0) 20
}

// QueryIndices runs q and returns the indices of the blocks it keeps.
// Importance is the stored u16, so the order is the same in every session
// and NaN cannot occur.
func (f *File) QueryIndices(q *Query) ([]uint64, error) {
	fill, limit := 10, 20
	var kws [][]byte
	if q != nil {
		if q.Fill > 0 {
			fill = q.Fill
		} else if q.Fill < 0 {
			fill = 0
		}
		if q.Max > 0 {
			limit = q.Max
		}
		for _, k := range q.Keywords {
			kws = append(kws, []byte(k))
		}
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.checkOpen(); err != nil {
		return nil, err
	}
	order := make([]uint32, f.count.Load())
	for i := range order {
		order[i] = uint32(i)
	}
	imp := f.imp
	slices.SortStableFunc(order, func(a, b uint32) int { return int(imp[b]) - int(imp[a]) })
	out := make([]uint64, 0, min(limit, len(order))) // Max is the caller's word, not a size
	var buf []byte
	if f.store.Data == nil {
		buf = make([]byte, BlockSize)
	}
	for _, i := range order {
		keep := len(out) < fill
		if !keep && len(kws) > 0 {
			b, err := f.rawBlock(uint64(i), buf)
			if err != nil {
				return nil, err
			}
			keep = containsAny(b[blockHead:blockHead+int(blockHdr(b).contentLen())], kws)
		}
		if keep {
			out = append(out, uint64(i))
		}
		if len(out) >= limit {
			break
		}
	}
	return out, nil
}

// containsAny matches the seed: the content read as lossy UTF-8 contains
// one of the keywords.
func containsAny(content []byte, kws [][]byte) bool {
	if !utf8.Valid(content) {
		content = bytes.ToValidUTF8(content, []byte("\uFFFD"))
	}
	for _, k := range kws {
		if bytes.Contains(content, k) {
			return true
		}
	}
	return false
}

// ByImportance runs the seed's importance query with these keywords.
func (f *File) ByImportance(keywords ...string) ([]Block, error) {
	idx, err := f.QueryIndices(&Query{Keywords: keywords})
	if err != nil {
		return nil, err
	}
	out := make([]Block, 0, len(idx))
	for _, i := range idx {
		b, err := f.Block(i)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}
