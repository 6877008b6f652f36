package morphnet

// Limits bounds what the parser and the payload decoders accept from
// untrusted input. A nil *Limits means DefaultLimits; a zero or negative
// field takes its default.
type Limits struct {
	// MaxEntries is the most directory entries Parse accepts. Default 1<<20.
	MaxEntries int
	// MaxNameLen bounds, in bytes, directory keys, entry names, dtype and
	// logical_region strings, and a sequence's frame names. Default 4096.
	MaxNameLen int
	// MaxDims is the most dimensions a shape (entry, tensor, embedding)
	// may have. Default 32.
	MaxDims int
	// MaxDirectoryBytes bounds D, the directory's length; Parse reads the
	// whole directory into memory. Default 256 MiB.
	MaxDirectoryBytes int64
	// MaxPayloadBytes bounds the decompressed payload a decoder accepts.
	// Parse does not apply it: a caller should check Entry.Size (and, for
	// Lz4, the declared uncompressed length) against it before reading or
	// inflating a chunk. Default 4 GiB.
	MaxPayloadBytes int64
}

// DefaultLimits are the limits used when none are given.
var DefaultLimits = Limits{
	MaxEntries:        1 << 20,
	MaxNameLen:        4096,
	MaxDims:           32,
	MaxDirectoryBytes: 256 << 20,
	MaxPayloadBytes:   4 << 30,
}

func (l *Limits) orDefault() Limits {
	d := DefaultLimits
	if l == nil {
		return d
	}
	if l.MaxEntries > 0 {
		d.MaxEntries = l.MaxEntries
	}
	if l.MaxNameLen > 0 {
		d.MaxNameLen = l.MaxNameLen
	}
	if l.MaxDims > 0 {
		d.MaxDims = l.MaxDims
	}
	if l.MaxDirectoryBytes > 0 {
		d.MaxDirectoryBytes = l.MaxDirectoryBytes
	}
	if l.MaxPayloadBytes > 0 {
		d.MaxPayloadBytes = l.MaxPayloadBytes
	}
	return d
}
