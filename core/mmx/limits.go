package mmx

// Limits bounds what a reader accepts from untrusted input. A nil *Limits
// means DefaultLimits; zero fields take the default.
type Limits struct {
	// MaxDirectoryBytes bounds one directory's JSON. Default 256 MiB.
	MaxDirectoryBytes int64
	// MaxChunks bounds the entries of a directory. Default 1<<22.
	MaxChunks int
	// MaxChunkBytes bounds one chunk's uncompressed size, so a decompression
	// can never allocate more. Default 16 GiB.
	MaxChunkBytes uint64
	// MaxNameLen bounds chunk names, in bytes. Default 4096.
	MaxNameLen int
	// MaxJSONDepth bounds nesting in every JSON document. Default 64.
	MaxJSONDepth int
	// MaxDims bounds a tensor's number of dimensions. Default 32.
	MaxDims int
}

// DefaultLimits are used where no limits are given.
var DefaultLimits = Limits{MaxDirectoryBytes: 256 << 20, MaxChunks: 1 << 22, MaxChunkBytes: 16 << 30,
	MaxNameLen: 4096, MaxJSONDepth: 64, MaxDims: 32}

func (l *Limits) orDefault() Limits {
	d := DefaultLimits
	if l == nil {
		return d
	}
	if l.MaxDirectoryBytes > 0 {
		d.MaxDirectoryBytes = l.MaxDirectoryBytes
	}
	if l.MaxChunks > 0 {
		d.MaxChunks = l.MaxChunks
	}
	if l.MaxChunkBytes > 0 {
		d.MaxChunkBytes = l.MaxChunkBytes
	}
	if l.MaxNameLen > 0 {
		d.MaxNameLen = l.MaxNameLen
	}
	if l.MaxJSONDepth > 0 {
		d.MaxJSONDepth = l.MaxJSONDepth
	}
	if l.MaxDims > 0 {
		d.MaxDims = l.MaxDims
	}
	return d
}
