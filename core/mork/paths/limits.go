package paths

import "github.com/polyfmt/polyfmt/core/errcode"

// Limits bounds what a reader accepts from untrusted input. A nil *Limits
// means DefaultLimits; a zero field takes its default; a negative field is
// [errcode.ErrBadArg].
//
// A Set costs about 16 bytes a path besides the path bytes, so the
// defaults bound what one read builds to about 2 GiB of index (MaxPaths)
// and 4 GiB of paths (MaxDecompressed) — up to as much again in spare
// capacity while it grows — and what a small compressed input can make it
// build to MaxRatio times its size.
type Limits struct {
	// MaxPaths is the most records a section may hold: a PATHMAP1 count
	// or a record section's count above it is refused before anything is
	// read, and a .paths stream fails at the record past it.
	// Default 1<<27 (134,217,728).
	MaxPaths int64
	// MaxPathLen is the longest path accepted, in bytes. Default 1<<24
	// (16 MiB). A length up to it is still checked against the bytes
	// that can follow before its buffer is allocated.
	MaxPathLen int64
	// MaxDecompressed bounds the record bytes (counts, lengths and paths)
	// one read produces after decompression, for stored sections too.
	// Default 1<<32 (4 GiB).
	MaxDecompressed int64
	// MaxRatio bounds decompression by ratio: a compressed payload of n
	// bytes may produce at most MaxRatio·n bytes, or 1 MiB when that is
	// more, so small files never trip it. For a PATHMAP1 payload n is the
	// whole payload; for a streamed .paths file, the compressed bytes read
	// so far. A million sorted MORK paths of about 20 bytes compress 9×
	// with zlib, 4× with LZ4 and 38× with zstd; deflate reaches at most
	// 1032×, LZ4 255×, zstd 32768×. Default 256.
	MaxRatio int64
}

// DefaultLimits are the limits used when none are given.
var DefaultLimits = Limits{MaxPaths: 1 << 27, MaxPathLen: 1 << 24, MaxDecompressed: 1 << 32, MaxRatio: 256}

// ratioFloor is what any compressed input may produce whatever its ratio.
const ratioFloor = 1 << 20

// validate rejects negative fields, which no input could meet.
func (l *Limits) validate() error {
	if l == nil {
		return nil
	}
	if l.MaxPaths < 0 || l.MaxPathLen < 0 || l.MaxDecompressed < 0 || l.MaxRatio < 0 {
		return errcode.New(pkg, errcode.ErrBadArg, "negative limit in %+v; limits are positive (0 means the default)", *l)
	}
	return nil
}

// orDefault returns the limits to apply: l's non-zero fields over DefaultLimits.
func (l *Limits) orDefault() (Limits, error) {
	if err := l.validate(); err != nil {
		return Limits{}, err
	}
	d := DefaultLimits
	if l == nil {
		return d, nil
	}
	if l.MaxPaths != 0 {
		d.MaxPaths = l.MaxPaths
	}
	if l.MaxPathLen != 0 {
		d.MaxPathLen = l.MaxPathLen
	}
	if l.MaxDecompressed != 0 {
		d.MaxDecompressed = l.MaxDecompressed
	}
	if l.MaxRatio != 0 {
		d.MaxRatio = l.MaxRatio
	}
	return d, nil
}

// ratioBudget is the most a compressed input of n bytes may produce: the
// smaller of MaxDecompressed and max(MaxRatio·n, ratioFloor), without
// overflow.
func (l *Limits) ratioBudget(n int64) (int64, string) {
	b := l.MaxDecompressed
	if n <= (b-1)/l.MaxRatio { // MaxRatio·n < b, so no overflow
		if r := max(n*l.MaxRatio, ratioFloor); r < b {
			return r, "Limits.MaxRatio"
		}
	}
	return b, "Limits.MaxDecompressed"
}
