package mmx

import (
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/jsonx"
	"github.com/polyfmt/polyfmt/core/internal/storage"
)

// VerifyMode says when chunk checksums are checked.
type VerifyMode int

const (
	// VerifyOnRead checks a chunk's checksum the first time it is read in
	// full (the default). Partial reads of raw chunks skip it. A file
	// opened read-only from a path does not hash a chunk again that an
	// earlier open in this process verified, while the file is unchanged
	// (device, inode, size, modification and change time) and the chunk's
	// pages are in memory (docs/spec/mmx.md §1.3).
	VerifyOnRead VerifyMode = iota
	// VerifyOnOpen checks every chunk when the file is opened, hashing
	// each one whatever an earlier open verified.
	VerifyOnOpen
	// VerifyNever trusts the stored bytes (Verify still checks everything).
	VerifyNever
)

// Options configures Create, OpenFile and the in-memory forms. A nil
// *Options means the zero value.
type Options struct {
	Creator   string // Create: the header's "creator" (≤ 1024 bytes)
	ModelUUID string // Create: the header's "model_uuid" ("" → null)
	// NoSync skips fsync at commit. A process crash still loses nothing
	// committed; an OS crash may lose recent commits (open then finds the
	// last intact directory).
	NoSync bool
	Verify VerifyMode
	// Checksum is the algorithm new chunks are checksummed with: "" is
	// DefaultChecksum (CRC-32C, an error-detecting code, not a hash),
	// ChecksumSHA256 the seed's SHA-256, ChecksumBLAKE3 a faster
	// cryptographic hash. Reads
	// check each chunk by the algorithm its entry names, whatever this says.
	Checksum ChecksumAlgorithm
	Limits   *Limits
	// AutoCompactMinDead and AutoCompactRatio bound the dead space every
	// commit leaves (old directories above all: each commit appends the
	// whole directory). When a commit leaves more than AutoCompactMinDead
	// dead bytes and more than AutoCompactRatio × the live bytes, Commit
	// compacts the file (as Compact does: a file on disk is rewritten beside
	// itself and renamed over it). Zero values take the defaults, 64 MiB
	// and 1.0 (a ratio ≤ 0 too), so a file is at most about twice its live
	// size, or live + 64 MiB. A negative AutoCompactMinDead turns it off.
	// Live bytes are the file's size minus DeadBytes.
	AutoCompactMinDead int64
	AutoCompactRatio   float64
}

// Defaults of Options.AutoCompactMinDead and AutoCompactRatio.
const (
	DefaultAutoCompactMinDead = 64 << 20
	DefaultAutoCompactRatio   = 1.0
)

// Header is the decoded header JSON. Every field is kept true at each commit.
type Header struct {
	Version         uint32         `json:"version"`
	FileID          string         `json:"file_id"`
	Created         string         `json:"created"`
	Creator         string         `json:"creator"`
	ModelUUID       *string        `json:"model_uuid"`
	ModalitySummary map[string]int `json:"modality_summary"` // live chunks per type
	TotalChunks     int            `json:"total_chunks"`     // live chunks
	FileSize        int64          `json:"file_size"`        // bytes, as of the last commit
	Directory       *DirectoryRef  `json:"directory,omitempty"`
}

// DirectoryRef locates the current directory record (polyfmt's addition:
// after Compact it is the copy right after the header).
type DirectoryRef struct {
	Offset     uint64 `json:"offset"`
	Length     uint64 `json:"length"`
	Generation uint64 `json:"generation"`
}

// Recovery reports what open found past the last valid directory, and
// whether the header had to be rebuilt from it.
type Recovery struct {
	Reason       string // "" when the file was clean
	DroppedBytes int64  // bytes after the last valid directory (a commit cut short)
	Repaired     bool   // a read-write open truncated them and rewrote the header
}

// Clean reports whether open needed no recovery.
func (r Recovery) Clean() bool { return r.Reason == "" }

// File is an open MMX file. It is safe for concurrent use: any number of
// goroutines read while one writes; reads never wait for a chunk write.
type File struct {
	mu             sync.RWMutex     // guards the directory views and header below
	wmu            sync.Mutex       // serializes writers: the append region
	store          *storage.Backing // its bytes: path, memory, bytes or reader (guarded by mu)
	lim            Limits
	opt            Options
	id             identity
	hdr            Header
	gen            uint64
	committed      map[string]*Entry
	pending        map[string]*Entry // nil value: deleted in this transaction
	end            uint64            // where the next chunk may start
	commitEnd      uint64            // file length after the last commit
	recOff         uint64            // where the last directory record starts
	rec            Recovery
	recoveryRead   uint64   // bytes open read or hashed to find the directory (tests: linear in the tail)
	verified       sync.Map // *Entry → true once its checksum held
	broken         error
	reads          sync.WaitGroup      // reads using the file's bytes outside mu (pin); Close waits for them
	readOnlyReason string              // why writes are refused (imports)
	repl           storage.Replacement // how Compact puts a new image in place (nil: it cannot)
	moved          map[*Entry]*Entry   // entries the last compactions moved → their new copies
	compactAt      uint64              // after a failed automatic compaction: dead bytes before the next try
	alg            ChecksumAlgorithm   // new chunks' checksum (Options.Checksum resolved)
}

func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// fixedIdentity, when set (by the golden tests), replaces the random file_id
// and the clock so vectors are reproducible.
var fixedIdentity *identity

func newIdentity(o Options) identity {
	if fixedIdentity != nil {
		id := *fixedIdentity
		id.Creator = o.Creator
		return id
	}
	id := identity{FileID: newUUID(), Created: time.Now().UTC().Format(time.RFC3339Nano), Creator: o.Creator}
	if o.ModelUUID != "" {
		m := o.ModelUUID
		id.ModelUUID = &m
	}
	return id
}

// Create makes a new, empty MMX file at path (truncating any file there),
// locked for writing; path "" makes it in memory, as NewMem(nil, opt). The
// empty directory is committed at once, so the file is valid from the start.
func Create(path string, opt *Options) (*File, error) { return build(opt, storage.Create(path)) }

// NewMem returns a writable in-memory file: a new one when data is empty,
// else a copy of data opened (and if needed repaired). Bytes returns the image.
func NewMem(data []byte, opt *Options) (*File, error) {
	return build(opt, storage.OpenBytes(data, true))
}

// Open opens path read-only, memory-mapped where the platform allows.
func Open(path string) (*File, error) { return OpenFile(path, os.O_RDONLY, nil) }

// OpenFile opens path read-only (os.O_RDONLY) or for writing (os.O_RDWR:
// takes the writer lock, repairs a torn tail).
func OpenFile(path string, flag int, opt *Options) (*File, error) {
	return build(opt, storage.Open(path, flag&(os.O_RDWR|os.O_WRONLY) != 0))
}

// OpenBytes opens a read-only File over data without copying it; data must
// not change while the File is in use.
func OpenBytes(data []byte, opt *Options) (*File, error) {
	return build(opt, storage.OpenBytes(data, false))
}

// NewReader opens a read-only File over r, which holds size bytes.
func NewReader(r io.ReaderAt, size int64, opt *Options) (*File, error) {
	return build(opt, storage.OpenReader(r, size))
}

// openStorage opens st (size bytes) for writing (the crash tests' Faulty);
// such a file cannot compact until the test gives it a replacement.
func openStorage(st storage.File, size uint64, o Options) (*File, error) {
	return build(&o, storage.OpenWritable(st, int64(size)))
}

// build is every constructor: it checks the options, then makes the
// backing and writes a new file on it or opens the one it holds.
func build(opt *Options, open storage.Opener) (*File, error) {
	var o Options
	if opt != nil {
		o = *opt
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	return storage.Attach("mmx", open, func(b *storage.Backing) (*File, error) {
		f := &File{store: b, opt: o, lim: o.Limits.orDefault()}
		f.alg, _ = writerChecksum(o.Checksum) // checked above
		f.repl = storage.ReplacementFor(b, "compact")
		b.KeepMaps = true // views of the mapping are lent until Close
		if b.New {
			return f, f.create(o)
		}
		return f, f.open(uint64(b.Size), b.W != nil)
	})
}

// check is ErrBadArg for options no file can take: a negative limit, a
// creator or model_uuid too long for the header.
func (o *Options) check() error {
	if len(o.Creator) > 1024 {
		return errcode.New("mmx", errcode.ErrBadArg, "creator is %d bytes, at most 1024", len(o.Creator))
	}
	if _, err := writerChecksum(o.Checksum); err != nil {
		return err
	}
	if len(o.ModelUUID) > 64 {
		return errcode.New("mmx", errcode.ErrBadArg, "model_uuid is %d bytes, at most 64", len(o.ModelUUID))
	}
	return o.Limits.validate()
}

// create commits the empty directory of a new file.
func (f *File) create(o Options) error {
	f.id = newIdentity(o)
	f.committed, f.pending = map[string]*Entry{}, map[string]*Entry{}
	f.end = HeaderSize
	f.commitEnd = HeaderSize
	if err := f.commit(true); err != nil {
		return err
	}
	if !o.NoSync && f.store.OnDisk() {
		storage.SyncParent(f.store.Path()) // the new file's name, durable like its first commit
	}
	return nil
}

// Close commits pending writes (call Rollback first to discard them) and
// releases the file. Closing twice returns ErrClosed.
func (f *File) Close() error {
	var err error
	if f.store.W != nil && f.broken == nil {
		err = f.Commit()
	}
	f.wmu.Lock()
	defer f.wmu.Unlock()
	f.mu.Lock()
	if cerr := f.store.MarkClosed(); cerr != nil {
		f.mu.Unlock()
		return cerr
	}
	f.mu.Unlock()
	// No read can pin the file now; wait for those under way (a
	// decompression from the mapping, a checksum) before unmapping.
	f.reads.Wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	if rerr := f.store.Release(); err == nil {
		err = rerr
	}
	return err
}

// pin marks a read that uses the file's bytes (a view of the mapping)
// outside mu, so Close waits for it before unmapping; unpin ends it. It
// fails once the file is closed. Views handed to the caller are another
// matter: they are valid until Close, as documented.
func (f *File) pin() error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.checkOpen(); err != nil {
		return err
	}
	f.reads.Add(1)
	return nil
}

func (f *File) unpin() { f.reads.Done() }

func (f *File) checkOpen() error { return f.store.CheckOpen() }

// Name is the path the file was opened with ("memory", "bytes", "reader").
func (f *File) Name() string { return f.store.Name }

// FromMorphNet reports whether the file was written by MorphNet (the public
// implementation) and so opened through the import path, read-only.
func (f *File) FromMorphNet() bool { return f.readOnlyReason != "" }

// Writable reports whether writes are allowed (false once closed).
func (f *File) Writable() bool { return f.store.Writable() }

// Header returns the header as of the last commit.
func (f *File) Header() Header {
	f.mu.RLock()
	defer f.mu.RUnlock()
	h := f.hdr
	h.ModalitySummary = make(map[string]int, len(f.hdr.ModalitySummary))
	for k, v := range f.hdr.ModalitySummary {
		h.ModalitySummary[k] = v
	}
	return h
}

// Recovery reports what open found.
func (f *File) Recovery() Recovery {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.rec
}

// VerifyCommitted checks the committed state as Verify does, every chunk's
// checksum and payload, but does not fail because open had to recover (a
// commit cut short after the last directory, a stale or torn header):
// Recovery says what a writable open drops or rewrites. It is what
// "polyfmt verify" reports after a crash.
func (f *File) VerifyCommitted() error {
	f.mu.RLock()
	err := f.checkOpen()
	f.mu.RUnlock()
	if err != nil {
		return err
	}
	return f.verifyChunks()
}

// Generation is the number of the last commit.
func (f *File) Generation() uint64 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.gen
}

// Bytes returns a copy of the image of a file held in memory (NewMem,
// OpenBytes); nil for files on disk.
func (f *File) Bytes() []byte {
	b, _, _ := f.BytesInto(heapAlloc)
	return b
}

// BytesInto is Bytes into memory from alloc (called once, with the image's
// size); inMemory is false for a file on disk.
func (f *File) BytesInto(alloc func(n int) ([]byte, error)) (b []byte, inMemory bool, err error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.store.ImageInto(alloc)
}

// headerFor builds the header that describes the committed state.
func (f *File) headerFor(entries map[string]*Entry, size uint64, ref *DirectoryRef) Header {
	h := Header{Version: Version, FileID: f.id.FileID, Created: f.id.Created, Creator: f.id.Creator,
		ModelUUID: f.id.ModelUUID, ModalitySummary: map[string]int{}, TotalChunks: len(entries),
		FileSize: int64(size), Directory: ref}
	for _, e := range entries {
		h.ModalitySummary[string(e.ChunkType)]++
	}
	return h
}

func encodeHeader(h *Header) (*header, error) {
	js, err := jsonx.Marshal(h)
	if err != nil {
		return nil, err
	}
	if len(js) > maxHeaderJSON {
		return nil, errcode.New("mmx", errcode.ErrLimit, "header JSON is %d bytes, at most %d", len(js), maxHeaderJSON)
	}
	var hb header
	hb.set(js)
	return &hb, nil
}

func (f *File) String() string { return fmt.Sprintf("mmx.File(%s)", f.store.Name) }
