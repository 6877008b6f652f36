package mem8

import "github.com/polyfmt/polyfmt/core/errcode"

// Limits bounds what a reader will accept from untrusted input. A nil
// *Limits means DefaultLimits. Zero fields take the default; a negative
// field is [errcode.ErrBadArg] at open or create.
type Limits struct {
	// MaxBlocks is the most blocks a file may hold. The open pass keeps
	// 2 bytes per block in memory. Default 1<<26 (a 256 GiB file).
	MaxBlocks uint64
	// MaxJSONBytes bounds JSON input to conversion, after zlib inflation.
	// Default 256 MiB.
	MaxJSONBytes int64
	// MaxJSONRatio bounds zlib inflation by ratio: a zlib input of n bytes
	// may inflate to at most MaxJSONRatio·n bytes, or 64 KiB when that is
	// more (so small documents never trip it). Real JSON compresses 3–20×;
	// the largest zlib can reach is about 1032×. Default 100.
	MaxJSONRatio int64
	// MaxImportBlocks is the most blocks one ImportJSON may append. It is
	// checked against the whole document before the first block is
	// written. Every element becomes a 4096-byte block however short it is,
	// so this bounds the output: the default 1<<20 is 4 GiB of .m8.
	MaxImportBlocks uint64
}

// DefaultLimits are the limits used when none are given.
var DefaultLimits = Limits{MaxBlocks: 1 << 26, MaxJSONBytes: 256 << 20, MaxJSONRatio: 100, MaxImportBlocks: 1 << 20}

// minJSONRatioBytes is what any zlib input may inflate to whatever its ratio.
const minJSONRatioBytes = 64 << 10

// validate rejects negative fields, which would otherwise be taken as limits
// no input can meet.
func (l *Limits) validate() error {
	if l == nil {
		return nil
	}
	if l.MaxJSONBytes < 0 || l.MaxJSONRatio < 0 {
		return errcode.New("mem8", errcode.ErrBadArg, "Limits.MaxJSONBytes and MaxJSONRatio are %d and %d; limits are positive (0 means the default)", l.MaxJSONBytes, l.MaxJSONRatio)
	}
	return nil
}

func (l *Limits) orDefault() Limits {
	d := DefaultLimits
	if l == nil {
		return d
	}
	if l.MaxBlocks != 0 {
		d.MaxBlocks = l.MaxBlocks
	}
	if l.MaxJSONBytes != 0 {
		d.MaxJSONBytes = l.MaxJSONBytes
	}
	if l.MaxJSONRatio != 0 {
		d.MaxJSONRatio = l.MaxJSONRatio
	}
	if l.MaxImportBlocks != 0 {
		d.MaxImportBlocks = l.MaxImportBlocks
	}
	return d
}
