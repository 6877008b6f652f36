package mem8

// Limits bounds what a reader will accept from untrusted input. A nil
// *Limits means DefaultLimits. Zero fields take the default.
type Limits struct {
	// MaxBlocks is the most blocks a file may hold. The open pass keeps
	// 2 bytes per block in memory. Default 1<<26 (a 256 GiB file).
	MaxBlocks uint64
	// MaxJSONBytes bounds JSON input to conversion, after zlib inflation.
	// Default 256 MiB.
	MaxJSONBytes int64
}

// DefaultLimits are the limits used when none are given.
var DefaultLimits = Limits{MaxBlocks: 1 << 26, MaxJSONBytes: 256 << 20}

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
	return d
}
