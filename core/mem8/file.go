package mem8

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/fastatomic"
	"github.com/polyfmt/polyfmt/core/internal/storage"
)

// Options configures Create, OpenFile and NewMem. A nil *Options means the
// zero value: identity frequency 440, temporal phase 0, DefaultFlags,
// fsync on every append, DefaultLimits.
type Options struct {
	// IdentityFreq is written by Create; 0 means the seed's 440.0 Hz.
	IdentityFreq float64
	// TemporalPhase is written by Create.
	TemporalPhase float64
	// Plain makes Create write flags 0: exactly the seed's file, without
	// hash chain, header CRC or persisted tokens.
	Plain bool
	// NoSync skips fsync after each append (like bbolt's NoSync); on a file
	// on disk the header is then rewritten only every 256 appends, at Sync
	// and at Close (open keeps the intact blocks past it). A process crash
	// still loses no append that returned; an OS crash may lose the appends
	// since the last Sync, and open then recovers the longest intact prefix.
	NoSync bool
	// Limits bounds what open accepts; nil means DefaultLimits.
	Limits *Limits
}

// Header is the decoded file header.
type Header struct {
	Version       uint8
	Flags         Flags
	BlockCount    uint32 // as stored; File.Count is what open accepted
	IdentityFreq  float64
	TemporalPhase float64
	CRC32         uint32
}

// Block is one decoded block. Content is the block's own copy.
type Block struct {
	Index         uint64
	WaveSignature [16]byte
	Timestamp     uint64 // microseconds since the Unix epoch
	Importance    uint16 // quantized; see Dequantize
	TokenID       uint16
	Token         string // TokenID's string, "" if none or unknown
	PrevHash      [32]byte
	Content       []byte
}

// ImportanceValue is Importance read back as the seed does (u16 / 65535).
func (b *Block) ImportanceValue() float32 { return Dequantize(b.Importance) }

// Time is Timestamp as a time.Time.
func (b *Block) Time() time.Time { return time.UnixMicro(int64(b.Timestamp)) }

// Recovery says what open found past the last intact block, and what it did.
type Recovery struct {
	HeaderBlocks uint64 // block_count the header stored
	Blocks       uint64 // blocks open accepted
	DroppedBytes int64  // bytes past the accepted blocks (a torn append)
	Reason       string // why the two differ, "" for a clean file
	Repaired     bool   // a read-write open truncated the tail and rewrote the header
}

// Clean reports whether the file needed no recovery.
func (r Recovery) Clean() bool { return r.Reason == "" }

// File is an open .m8 file. It is safe for concurrent use: any number of
// goroutines may read while one appends; appends are serialized.
type File struct {
	mu         sync.RWMutex
	store      *storage.Backing // its bytes: path, memory, bytes or reader (guarded by mu)
	hdr        header
	nextHdr    header            // an append's new header, until it is written
	count      fastatomic.Uint64 // blocks; stored under mu, after the block is complete; Count loads it without mu
	imp        []uint16          // importance per block, built at open
	tokens     *TokenMap
	lastHash   [32]byte // SHA-256 of the last block, for the chain
	rec        Recovery
	lim        Limits
	noSync     bool
	broken     error  // set when an append failed part-way: no more appends
	buf        []byte // append scratch, BlockSize, zero past bufUsed except a trailer
	bufUsed    int
	sig        sigHasher // append's wave signatures (guarded by mu)
	reserved   int64     // disk space preallocated up to here (files on disk)
	bufTrailer bool
	lazyHeader bool // NoSync on a file not held in memory: the header is rewritten every headerEvery appends
	hdrStale   bool // the header on disk is behind f.hdr (lazyHeader)
	tornAppend bool // open trusted the header and found only a torn append after the blocks it kept
}

// Create makes a new empty .m8 file at path (truncating any file there),
// locked for writing; path "" makes it in memory, as NewMem(nil, opt).
func Create(path string, opt *Options) (*File, error) { return build(opt, storage.Create(path)) }

// NewMem returns a writable in-memory file. With data nil or empty it is a
// new file made from opt; otherwise it opens (and if needed repairs) a copy
// of data. Bytes returns the image.
func NewMem(data []byte, opt *Options) (*File, error) {
	return build(opt, storage.OpenBytes(data, true))
}

// Open opens path read-only, memory-mapped where the platform allows.
// A torn tail (an append cut short) is reported by Recovery and ignored.
func Open(path string) (*File, error) { return OpenFile(path, os.O_RDONLY, nil) }

// OpenFile opens path read-only (os.O_RDONLY) or for appending (os.O_RDWR).
// A read-write open takes the writer lock and repairs a torn tail.
func OpenFile(path string, flag int, opt *Options) (*File, error) {
	return build(opt, storage.Open(path, flag&(os.O_RDWR|os.O_WRONLY) != 0))
}

// OpenBytes opens a read-only File over data, without copying it. data must
// not change while the File is in use.
func OpenBytes(data []byte, opt *Options) (*File, error) {
	return build(opt, storage.OpenBytes(data, false))
}

// NewReader opens a read-only File over r, which holds size bytes.
func NewReader(r io.ReaderAt, size int64, opt *Options) (*File, error) {
	return build(opt, storage.OpenReader(r, size))
}

// openStorage opens st (size bytes) for appending (the crash tests' Faulty).
func openStorage(st storage.File, size int64, o Options) (*File, error) {
	return build(&o, storage.OpenWritable(st, size))
}

// build is every constructor: it checks the options, then makes the
// backing and writes a new file on it or opens the one it holds.
func build(opt *Options, open storage.Opener) (*File, error) {
	o, err := opt.check()
	if err != nil {
		return nil, err
	}
	return storage.Attach("mem8", open, func(b *storage.Backing) (*File, error) {
		f := &File{store: b, lim: o.Limits.orDefault(), noSync: o.NoSync, lazyHeader: o.NoSync && b.W != nil && b.Mem == nil}
		if b.New {
			return f, f.create(o)
		}
		return f, f.open(b.Size, b.W != nil)
	})
}

// check returns the options with their defaults, or ErrBadArg: a negative
// limit, a header float that is not a finite number.
func (opt *Options) check() (Options, error) {
	var o Options
	if opt != nil {
		o = *opt
	}
	if o.IdentityFreq == 0 {
		o.IdentityFreq = 440.0
	}
	if err := checkHeaderFloats(o.IdentityFreq, o.TemporalPhase); err != nil {
		return o, errcode.New("mem8", errcode.ErrBadArg, "options: %v", err)
	}
	return o, o.Limits.validate()
}

// create writes the header of a new file.
func (f *File) create(o Options) error {
	flags := DefaultFlags
	if o.Plain {
		flags = 0
	}
	f.hdr, f.tokens, f.buf = newHeader(flags, o.IdentityFreq, o.TemporalPhase), NewTokenMap(), make([]byte, BlockSize)
	if _, err := f.store.W.WriteAt(f.hdr[:], 0); err != nil {
		return err
	}
	return f.sync()
}

// Close releases the file. Closing twice returns ErrClosed.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.store.CheckOpen(); err != nil {
		return err
	}
	var err error
	if f.hdrStale && f.broken == nil {
		err = f.writeHeader()
	}
	if f.reserved > 0 && f.broken == nil {
		// Give back the space preallocated past the last block.
		err = f.store.OS.File.Truncate(blockOffset(f.count.Load()))
	}
	if cerr := f.store.Close(); err == nil {
		err = cerr
	}
	return err
}

// Name is the path the file was opened with ("memory", "bytes" or "reader"
// for the other forms).
func (f *File) Name() string { return f.store.Name }

// Writable reports whether Append is allowed (false once closed).
func (f *File) Writable() bool { return f.store.Writable() }

// Header returns the decoded header as it is now.
func (f *File) Header() Header {
	f.mu.RLock()
	defer f.mu.RUnlock()
	h := &f.hdr
	return Header{Version: h.version(), Flags: h.flags(), BlockCount: h.blockCount(),
		IdentityFreq: h.identityFreq(), TemporalPhase: h.temporalPhase(), CRC32: h.crc()}
}

// Recovery reports what open found past the last intact block.
func (f *File) Recovery() Recovery {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.rec
}

// Count is the number of blocks.
//
// One atomic load, no lock: it inlines into pf_mem8_count (core/ffi), where
// the RWMutex's two atomic operations were Go calls in polyfmt.wasm. The
// count is stored after the block it counts is complete (under mu), so a
// reader that then asks for block Count()-1 finds it.
func (f *File) Count() uint64 { return f.count.Load() }

// Tokens returns a copy of the file's token map.
func (f *File) Tokens() *TokenMap {
	f.mu.RLock()
	defer f.mu.RUnlock()
	m := NewTokenMap()
	for _, s := range f.tokens.Dynamic() {
		m.Get(s)
	}
	return m
}

// Bytes returns a copy of the image of a file held in memory (NewMem or
// OpenBytes); nil for files on disk and readers.
func (f *File) Bytes() []byte {
	b, _, _ := f.BytesInto(func(n int) ([]byte, error) { return make([]byte, n), nil })
	return b
}

// BytesInto is Bytes into memory from alloc (called once, with the image's
// size); inMemory is false for a file on disk.
func (f *File) BytesInto(alloc func(n int) ([]byte, error)) (b []byte, inMemory bool, err error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.store.ImageInto(alloc)
}

func (f *File) checkOpen() error { return f.store.CheckOpen() }

func (f *File) String() string {
	return fmt.Sprintf("mem8.File(%s, %d blocks)", f.store.Name, f.count.Load())
}

// Refresh makes a read-only file opened from a path see the blocks another
// process appended since it was opened, and returns the new count: every
// append is a commit, so the block count is MEM8's generation (Info's
// block_count). Other files (writable, bytes, readers) are already current
// or fixed; for them it only returns Count.
func (f *File) Refresh() (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.checkOpen(); err != nil {
		return 0, err
	}
	if _, err := f.store.Refresh(func(next *storage.Backing) error {
		g := &File{store: next, lim: f.lim}
		if err := g.open(next.Size, false); err != nil {
			return err
		}
		f.hdr, f.imp, f.tokens, f.lastHash, f.rec, f.tornAppend = g.hdr, g.imp, g.tokens, g.lastHash, g.rec, g.tornAppend
		f.count.Store(g.count.Load())
		return nil
	}); err != nil {
		return 0, err
	}
	return f.count.Load(), nil
}
