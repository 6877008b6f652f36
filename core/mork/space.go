package mork

import (
	"bytes"
	"encoding/binary"
	"io"
	"math/bits"

	"golang.org/x/crypto/blake2b"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/codec"
	"github.com/polyfmt/polyfmt/core/mork/expr"
	"github.com/polyfmt/polyfmt/core/mork/paths"
	"github.com/polyfmt/polyfmt/core/mork/symtab"
)

// Space is the content of a space file: a set of paths (encoded
// expressions; values are kept in memory but a space file does not store
// them) and the symbol table that resolves interned symbols.
type Space struct {
	Paths   *paths.Set
	Symbols *symtab.Table
}

// SpaceHeader is what a space file's header says.
type SpaceHeader struct {
	Version    Version
	Checksum   bool
	Compressed bool
	// Timestamp is version 1.1's creation time, Unix seconds (0 in 1.0).
	Timestamp uint64
	// SymbolLayout is the layout of the symbol table ZIP inside.
	SymbolLayout symtab.Layout
}

// SpaceOptions shape a written space file.
type SpaceOptions struct {
	// NoChecksum leaves out the Blake2b-256 footer (flag bit 0 clear).
	NoChecksum bool
	// Compress writes the paths section as one zstd frame (flag bit 1).
	Compress bool
	// Minor is the minor version written: 1 (the default, 1.1, with
	// Timestamp) or 0 (1.0, reserved bytes zero) for readers of 1.0 only.
	// Use V10 to ask for 1.0.
	V10 bool
	// Timestamp is 1.1's timestamp, Unix seconds; 0 means now.
	Timestamp uint64
	// SymbolLayout is the symbol table's ZIP layout (default the seed's).
	SymbolLayout symtab.Layout
}

// AppendSpace appends the space file of s to dst.
func AppendSpace(dst []byte, s *Space, o *SpaceOptions) ([]byte, error) {
	var opt SpaceOptions
	if o != nil {
		opt = *o
	}
	if opt.SymbolLayout == 0 {
		opt.SymbolLayout = symtab.LayoutSeed
	}
	start := len(dst)
	var h header
	copy(h[:], SpaceMagic)
	var flags uint16
	if !opt.NoChecksum {
		flags |= FlagChecksum
	}
	if opt.Compress {
		flags |= FlagCompressed
	}
	h.setFlags(flags)
	if opt.V10 {
		h.setVersion(SupportedMajor, 0)
	} else {
		h.setVersion(SupportedMajor, WriteMinor)
		ts := opt.Timestamp
		if ts == 0 {
			ts = now()
		}
		h.setTime(ts)
	}
	dst = append(dst, h[:]...)
	syms := s.Symbols
	if syms == nil {
		syms = symtab.New()
	}
	lenAt := len(dst)
	dst = append(dst, make([]byte, 8)...)
	var err error
	if dst, err = syms.AppendZip(dst, opt.SymbolLayout); err != nil {
		return nil, err
	}
	binary.LittleEndian.PutUint64(dst[lenAt:], uint64(len(dst)-lenAt-8))
	set := s.Paths
	if set == nil {
		set = paths.NewSet()
	}
	if opt.Compress {
		raw := paths.AppendRecords(nil, set)
		dst = binary.LittleEndian.AppendUint64(dst, uint64(len(raw)))
		if dst, err = codec.Compress(codec.Zstd, dst, raw, 6); err != nil {
			return nil, err
		}
	} else {
		dst = paths.AppendRecords(dst, set)
	}
	if !opt.NoChecksum {
		sum := blake2b.Sum256(dst[start:])
		dst = append(dst, sum[:]...)
	}
	return dst, nil
}

// WriteSpace writes the space file of s to w.
func WriteSpace(w io.Writer, s *Space, o *SpaceOptions) error {
	b, err := AppendSpace(nil, s, o)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// checkHeader reads a space or multiplicities header: the magic, a known
// major version, known flags.
func checkHeader(data []byte, magic string) (header, error) {
	var h header
	if len(data) < HeaderSize {
		return h, errcode.At("mork", errcode.ErrFormat, int64(len(data)), "%s file of %d bytes is shorter than its %d-byte header", magic, len(data), HeaderSize)
	}
	copy(h[:], data)
	if h.magic() != magic {
		return h, errcode.At("mork", errcode.ErrFormat, 0, "not a %s file: magic %q", magic, h.magic())
	}
	if h.major() != SupportedMajor {
		return h, errcode.At("mork", errcode.ErrUnsupported, 4, "%s version %d.%d is not supported: this reader reads version %d.x", magic, h.major(), h.minor(), SupportedMajor)
	}
	if f := h.flags(); f&^knownFlags != 0 || (magic == MultMagic && f&FlagCompressed != 0) {
		return h, errcode.At("mork", errcode.ErrUnsupported, 6, "%s flags %#04x hold bits this version does not define", magic, f)
	}
	return h, nil
}

// footer returns data without its Blake2b-256 footer, when h says it has
// one, after checking it if sum.
func footer(data []byte, h header, magic string, sum bool) ([]byte, error) {
	if h.flags()&FlagChecksum == 0 {
		return data, nil
	}
	if len(data) < HeaderSize+ChecksumSize {
		return nil, errcode.At("mork", errcode.ErrFormat, int64(len(data)), "%s file of %d bytes is too short for its header and checksum", magic, len(data))
	}
	body := data[:len(data)-ChecksumSize]
	if !sum {
		return body, nil
	}
	if got := blake2b.Sum256(body); !bytes.Equal(got[:], data[len(body):]) {
		return nil, errcode.At("mork", errcode.ErrChecksum, int64(len(body)), "%s Blake2b-256 checksum does not match the file's contents", magic)
	}
	return body, nil
}

func (h header) version() Version { return Version{h.major(), h.minor()} }

// ReadSpace reads a space file held in data: the header, the checksum
// (first, when the file has one), the symbol table and every path. The
// paths are copied; data may change afterwards.
func ReadSpace(data []byte, lim *Limits) (*Space, SpaceHeader, error) {
	return readSpace(data, lim, true)
}

// readSpace is ReadSpace; with sum false it skips the checksum (File's
// open, whose Verify checks it).
func readSpace(data []byte, lim *Limits, sum bool) (*Space, SpaceHeader, error) {
	l, err := lim.resolve()
	if err != nil {
		return nil, SpaceHeader{}, err
	}
	h, err := checkHeader(data, SpaceMagic)
	if err != nil {
		return nil, SpaceHeader{}, err
	}
	sh := SpaceHeader{Version: h.version(), Checksum: h.flags()&FlagChecksum != 0, Compressed: h.flags()&FlagCompressed != 0}
	if sh.Version.Minor >= 1 {
		sh.Timestamp = h.timestamp()
	}
	body, err := footer(data, h, SpaceMagic, sum)
	if err != nil {
		return nil, sh, err
	}
	off := HeaderSize
	if len(body)-off < 8 {
		return nil, sh, errcode.At("mork", errcode.ErrFormat, int64(off), "space file ends before its symbol table length")
	}
	n := binary.LittleEndian.Uint64(body[off:])
	off += 8
	if n > uint64(len(body)-off) {
		return nil, sh, errcode.At("mork", errcode.ErrFormat, int64(off-8), "symbol table of %d bytes overruns the file (%d bytes remain)", n, len(body)-off)
	}
	syms, lay, err := symtab.ReadBytes(body[off:off+int(n)], &l.Symbols)
	if err != nil {
		return nil, sh, errcode.Wrap("mork", partKind(err), err, "space file's symbol table at offset %d", off)
	}
	sh.SymbolLayout = lay
	off += int(n)
	rest := body[off:]
	if sh.Compressed {
		if len(rest) < 8 {
			return nil, sh, errcode.At("mork", errcode.ErrFormat, int64(off), "compressed space file ends before its paths length")
		}
		size := binary.LittleEndian.Uint64(rest)
		if size > uint64(l.Paths.MaxDecompressed) {
			return nil, sh, errcode.At("mork", errcode.ErrLimit, int64(off), "paths section expands to %d bytes, beyond Limits.Paths.MaxDecompressed (%d)", size, l.Paths.MaxDecompressed)
		}
		hi, lo := bits.Mul64(uint64(len(rest)-8), uint64(l.Paths.MaxRatio))
		if bound, carry := bits.Add64(lo, 64<<10, 0); hi == 0 && carry == 0 && size > bound {
			return nil, sh, errcode.At("mork", errcode.ErrLimit, int64(off), "paths section claims %d bytes from %d stored, beyond Limits.Paths.MaxRatio (%d)", size, len(rest)-8, l.Paths.MaxRatio)
		}
		if rest, err = codec.Decompress(codec.Zstd, nil, rest[8:], int64(size)); err != nil {
			return nil, sh, errcode.Wrap("mork", partKind(err), err, "space file's paths section at offset %d", off)
		}
		off = 0 // offsets below are within the decompressed section
	}
	set := paths.NewSet()
	r := bytes.NewReader(rest)
	if _, err := paths.ReadRecords(r, &l.Paths, func(p []byte) error {
		set.Add(p, 0)
		return nil
	}); err != nil {
		return nil, sh, err
	}
	if r.Len() != 0 {
		return nil, sh, errcode.At("mork", errcode.ErrFormat, int64(off)+int64(len(rest)-r.Len()), "%d bytes follow the last path", r.Len())
	}
	set.Sort()
	return &Space{Paths: set, Symbols: syms}, sh, nil
}

// partKind is the kind a space file reports for an error of one of its
// parts (the symbol table, the compressed paths section): the part's own
// when it has one, so that a table's entry over Limits.Symbols stays
// ErrLimit, a bad CRC-32 ErrChecksum and an encrypted entry
// ErrUnsupported, as they are in a table on its own; ErrFormat otherwise.
func partKind(err error) error {
	switch errcode.Of(err) {
	case errcode.Limit:
		return errcode.ErrLimit
	case errcode.Checksum:
		return errcode.ErrChecksum
	case errcode.Unsupported:
		return errcode.ErrUnsupported
	case errcode.BadArg:
		return errcode.ErrBadArg
	}
	return errcode.ErrFormat
}

// CheckPaths checks that every path of set is one valid MORK expression
// whose interned symbols resolve in syms (nil: no symbol is interned, and
// an 8-byte symbol is taken as written).
func CheckPaths(set *paths.Set, syms *symtab.Table) error {
	for i := 0; i < set.Len(); i++ {
		p := set.Path(i)
		if err := expr.Check(p); err != nil {
			return errcode.Wrap("mork", errcode.ErrFormat, err, "path %d (%x)", i, clip(p))
		}
		if syms != nil && syms.Len() > 0 {
			if _, err := expr.AppendText(nil, p, syms); err != nil {
				return errcode.Wrap("mork", errcode.ErrFormat, err, "path %d", i)
			}
		}
	}
	return nil
}

func clip(p []byte) []byte {
	if len(p) > 32 {
		return p[:32]
	}
	return p
}
