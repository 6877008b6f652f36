package mem8

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/polyfmt/polyfmt/core/errcode"
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
	// NoSync skips fsync after each append (like bbolt's NoSync). A process
	// crash still loses nothing committed; an OS crash may lose recent
	// appends, and open then recovers the longest intact prefix.
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
	r          io.ReaderAt    // reads; the same as st when writable
	st         storage.File   // nil when read-only
	mem        *storage.Mem   // non-nil for in-memory files
	data       []byte         // whole-file view (mmap) for read-only path files, else nil
	h          storage.OSFile // the file, lock and mapping, when opened from a path
	hdr        header
	count      uint64
	imp        []uint16 // importance per block, built at open
	tokens     *TokenMap
	lastHash   [32]byte // SHA-256 of the last block, for the chain
	rec        Recovery
	lim        Limits
	noSync     bool
	broken     error // set when an append failed part-way: no more appends
	closed     bool
	buf        []byte // append scratch, BlockSize, zero past bufUsed except a trailer
	bufUsed    int
	reserved   int64 // disk space preallocated up to here (files on disk)
	bufTrailer bool
	name       string
}

// Create makes a new empty .m8 file at path (truncating any file there),
// locked for writing.
func Create(path string, opt *Options) (*File, error) {
	o := optOrZero(opt)
	h, err := storage.CreatePath(path)
	if err != nil {
		return nil, err
	}
	f, err := create(h.File, o)
	if err != nil {
		h.Release()
		return nil, err
	}
	f.h, f.name = h, path
	return f, nil
}

// NewMem returns a writable in-memory file. With data nil or empty it is a
// new file made from opt; otherwise it opens (and if needed repairs) a copy
// of data. Bytes returns the image.
func NewMem(data []byte, opt *Options) (*File, error) {
	o := optOrZero(opt)
	m := storage.NewMem(data)
	if len(data) == 0 {
		f, err := create(m, o)
		if err == nil {
			f.mem, f.name = m, "memory"
		}
		return f, err
	}
	f, err := openStorage(m, m.Size(), o)
	if err != nil {
		return nil, err
	}
	f.mem, f.name = m, "memory"
	return f, nil
}

// openStorage opens st (size bytes) for appending.
func openStorage(st storage.File, size int64, o Options) (*File, error) {
	f := &File{r: st, st: st, noSync: o.NoSync, lim: o.Limits.orDefault()}
	if err := f.open(size, true); err != nil {
		return nil, err
	}
	return f, nil
}

func optOrZero(opt *Options) Options {
	if opt == nil {
		return Options{}
	}
	return *opt
}

func create(st storage.File, o Options) (*File, error) {
	freq := o.IdentityFreq
	if freq == 0 {
		freq = 440.0
	}
	if err := checkHeaderFloats(freq, o.TemporalPhase); err != nil {
		return nil, errcode.New("mem8", errcode.ErrBadArg, "options: %v", err)
	}
	flags := DefaultFlags
	if o.Plain {
		flags = 0
	}
	f := &File{r: st, st: st, hdr: newHeader(flags, freq, o.TemporalPhase), tokens: NewTokenMap(),
		lim: o.Limits.orDefault(), noSync: o.NoSync, buf: make([]byte, BlockSize)}
	if _, err := st.WriteAt(f.hdr[:], 0); err != nil {
		return nil, err
	}
	if err := f.sync(); err != nil {
		return nil, err
	}
	return f, nil
}

// Open opens path read-only, memory-mapped where the platform allows.
// A torn tail (an append cut short) is reported by Recovery and ignored.
func Open(path string) (*File, error) { return OpenFile(path, os.O_RDONLY, nil) }

// OpenFile opens path read-only (os.O_RDONLY) or for appending (os.O_RDWR).
// A read-write open takes the writer lock and repairs a torn tail.
func OpenFile(path string, flag int, opt *Options) (*File, error) {
	o := optOrZero(opt)
	h, size, data, err := storage.OpenPath(path, flag)
	if err != nil {
		return nil, err
	}
	f := &File{h: h, name: path, noSync: o.NoSync, lim: o.Limits.orDefault()}
	fail := func(err error) (*File, error) {
		f.release()
		return nil, err
	}
	writable := flag&(os.O_RDWR|os.O_WRONLY) != 0
	if writable {
		f.r, f.st = h.File, h.File
	} else {
		f.data, f.r = data, storage.Bytes(data)
	}
	if err := f.open(size, writable); err != nil {
		return fail(err)
	}
	return f, nil
}

// NewReader opens a read-only File over r, which holds size bytes.
func NewReader(r io.ReaderAt, size int64, lim *Limits) (*File, error) {
	f := &File{r: r, name: "reader", lim: lim.orDefault()}
	if err := f.open(size, false); err != nil {
		return nil, err
	}
	return f, nil
}

// OpenBytes opens a read-only File over data, without copying it. data must
// not change while the File is in use.
func OpenBytes(data []byte, lim *Limits) (*File, error) {
	f := &File{r: storage.Bytes(data), data: data, name: "bytes", lim: lim.orDefault()}
	if err := f.open(int64(len(data)), false); err != nil {
		return nil, err
	}
	return f, nil
}

// Close releases the file. Closing twice returns ErrClosed.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return errcode.New("mem8", errcode.ErrClosed, "file already closed")
	}
	f.closed = true
	var err error
	if f.reserved > 0 && f.broken == nil {
		// Give back the space preallocated past the last block.
		err = f.h.File.Truncate(blockOffset(f.count))
	}
	if rerr := f.release(); err == nil {
		err = rerr
	}
	return err
}

func (f *File) release() error {
	f.data = nil
	return f.h.Release()
}

// Name is the path the file was opened with ("memory", "bytes" or "reader"
// for the other forms).
func (f *File) Name() string { return f.name }

// Writable reports whether Append is allowed.
func (f *File) Writable() bool { return f.st != nil }

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
func (f *File) Count() uint64 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.count
}

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
	var data []byte
	if f.h.File == nil {
		data = f.data
	}
	return storage.ImageInto(f.mem, data, alloc)
}

func (f *File) checkOpen() error {
	if f.closed {
		return errcode.New("mem8", errcode.ErrClosed, "file is closed")
	}
	return nil
}

func (f *File) String() string { return fmt.Sprintf("mem8.File(%s, %d blocks)", f.name, f.count) }

// Refresh makes a read-only file opened from a path see the blocks another
// process appended since it was opened, and returns the new count. Other
// files (writable, bytes, readers) are already current or fixed; for them it
// only returns Count.
func (f *File) Refresh() (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.checkOpen(); err != nil {
		return 0, err
	}
	if f.st != nil || f.h.File == nil {
		return f.count, nil
	}
	fi, err := f.h.File.Stat()
	if err != nil {
		return 0, err
	}
	// Map the grown file beside the old mapping; swap only if it opens.
	next := storage.OSFile{File: f.h.File}
	data, err := next.Map(fi.Size())
	if err != nil {
		return 0, err
	}
	g := &File{r: storage.Bytes(data), data: data, lim: f.lim}
	if err := g.open(fi.Size(), false); err != nil {
		next.Region.Close()
		return 0, err
	}
	f.h.Region.Close()
	f.h.Region, f.data, f.r = next.Region, data, g.r
	f.hdr, f.count, f.imp, f.tokens, f.lastHash, f.rec = g.hdr, g.count, g.imp, g.tokens, g.lastHash, g.rec
	return f.count, nil
}
