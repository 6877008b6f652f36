package morphnet

import (
	"encoding/binary"
	"math"
	"unicode/utf8"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// dec reads bincode 1.x values (fixed-width little-endian integers, u64
// lengths, u8 option tags) from an in-memory buffer. Every length is
// checked against the bytes that remain before anything is allocated.
// Errors carry base+pos as their byte offset.
type dec struct {
	b    []byte
	pos  int
	base int64  // offset of b[0] in the input the caller reports against
	what string // "directory", "tensor payload", …
}

func (d *dec) rem() int { return len(d.b) - d.pos }

func (d *dec) errf(kind error, format string, args ...any) error {
	e := errcode.At(pkg, kind, d.base+int64(d.pos), format, args...)
	e.Msg = d.what + ": " + e.Msg
	return e
}

func (d *dec) need(n int, field string) error {
	if d.rem() < n {
		return d.errf(errcode.ErrFormat, "%s: need %d bytes, %d remain", field, n, d.rem())
	}
	return nil
}

func (d *dec) u8(field string) (uint8, error) {
	if err := d.need(1, field); err != nil {
		return 0, err
	}
	v := d.b[d.pos]
	d.pos++
	return v, nil
}

func (d *dec) u32(field string) (uint32, error) {
	if err := d.need(4, field); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint32(d.b[d.pos:])
	d.pos += 4
	return v, nil
}

func (d *dec) u64(field string) (uint64, error) {
	if err := d.need(8, field); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint64(d.b[d.pos:])
	d.pos += 8
	return v, nil
}

func (d *dec) f32(field string) (float32, error) {
	v, err := d.u32(field)
	return math.Float32frombits(v), err
}

// count reads a u64 element count and checks it against the room left for
// elements of at least minSize bytes each (ErrFormat) and against max when
// max > 0 (ErrLimit). The result is safe to allocate.
func (d *dec) count(field string, minSize, max int) (int, error) {
	at := d.pos
	n, err := d.u64(field + " length")
	if err != nil {
		return 0, err
	}
	if n > uint64(d.rem()/minSize) {
		d.pos = at
		return 0, d.errf(errcode.ErrFormat, "%s: %d elements declared, only %d bytes remain", field, n, d.rem()-8)
	}
	if max > 0 && n > uint64(max) {
		d.pos = at
		return 0, d.errf(errcode.ErrLimit, "%s: %d elements exceed the limit of %d", field, n, max)
	}
	return int(n), nil
}

// str reads a bincode string: u64 length, then that many bytes of valid
// UTF-8. max > 0 bounds the length (ErrLimit).
func (d *dec) str(field string, max int) (string, error) {
	n, err := d.count(field, 1, max)
	if err != nil {
		return "", err
	}
	s := d.b[d.pos : d.pos+n]
	if !utf8.Valid(s) {
		return "", d.errf(errcode.ErrFormat, "%s: not valid UTF-8", field)
	}
	d.pos += n
	return string(s), nil
}

// option reads an Option tag: 0 is None, 1 is Some.
func (d *dec) option(field string) (bool, error) {
	at := d.pos
	t, err := d.u8(field + " option tag")
	if err != nil {
		return false, err
	}
	switch t {
	case 0:
		return false, nil
	case 1:
		return true, nil
	}
	d.pos = at
	return false, d.errf(errcode.ErrFormat, "%s: option tag %d (want 0 or 1)", field, t)
}

func (d *dec) optString(field string, max int) (*string, error) {
	some, err := d.option(field)
	if err != nil || !some {
		return nil, err
	}
	s, err := d.str(field, max)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

func (d *dec) optF32(field string) (*float32, error) {
	some, err := d.option(field)
	if err != nil || !some {
		return nil, err
	}
	v, err := d.f32(field)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

func (d *dec) u32s(field string) ([]uint32, error) {
	n, err := d.count(field, 4, 0)
	if err != nil {
		return nil, err
	}
	v := make([]uint32, n)
	for i := range v {
		v[i] = binary.LittleEndian.Uint32(d.b[d.pos:])
		d.pos += 4
	}
	return v, nil
}

func (d *dec) u64s(field string, max int) ([]uint64, error) {
	n, err := d.count(field, 8, max)
	if err != nil {
		return nil, err
	}
	v := make([]uint64, n)
	for i := range v {
		v[i] = binary.LittleEndian.Uint64(d.b[d.pos:])
		d.pos += 8
	}
	return v, nil
}

func (d *dec) f32s(field string) ([]float32, error) {
	n, err := d.count(field, 4, 0)
	if err != nil {
		return nil, err
	}
	return d.f32n(n), nil
}

// f32n reads n floats whose bytes the caller has already checked are there.
func (d *dec) f32n(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(d.b[d.pos:]))
		d.pos += 4
	}
	return v
}

func (d *dec) strs(field string, max int) ([]string, error) {
	n, err := d.count(field, 8, 0)
	if err != nil {
		return nil, err
	}
	v := make([]string, n)
	for i := range v {
		if v[i], err = d.str(field, max); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// strMap reads a bincode map<String,String>: u64 pair count, then key,
// value pairs. A repeated key is ErrFormat (serde would keep the last one;
// MorphNet never writes one).
func (d *dec) strMap(field string) (map[string]string, error) {
	n, err := d.count(field, 16, 0)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, n)
	for range n {
		at := d.pos
		k, err := d.str(field+" key", 0)
		if err != nil {
			return nil, err
		}
		v, err := d.str(field+" value", 0)
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			d.pos = at
			return nil, d.errf(errcode.ErrFormat, "%s: duplicate key %q", field, k)
		}
		m[k] = v
	}
	return m, nil
}

// vec3s reads Vec<[3]T> of 4-byte scalars: u64 count, then 12 bytes per
// element with no inner length prefix.
func (d *dec) vec3s(field string) ([][3]uint32, error) {
	n, err := d.count(field, 12, 0)
	if err != nil {
		return nil, err
	}
	v := make([][3]uint32, n)
	for i := range v {
		for j := range 3 {
			v[i][j] = binary.LittleEndian.Uint32(d.b[d.pos:])
			d.pos += 4
		}
	}
	return v, nil
}

func (d *dec) vec3f(field string) ([][3]float32, error) {
	n, err := d.count(field, 12, 0)
	if err != nil {
		return nil, err
	}
	v := make([][3]float32, n)
	for i := range v {
		for j := range 3 {
			v[i][j] = math.Float32frombits(binary.LittleEndian.Uint32(d.b[d.pos:]))
			d.pos += 4
		}
	}
	return v, nil
}

func (d *dec) vec2f(field string) ([][2]float32, error) {
	n, err := d.count(field, 8, 0)
	if err != nil {
		return nil, err
	}
	v := make([][2]float32, n)
	for i := range v {
		for j := range 2 {
			v[i][j] = math.Float32frombits(binary.LittleEndian.Uint32(d.b[d.pos:]))
			d.pos += 4
		}
	}
	return v, nil
}

// end reports trailing bytes after the value. bincode 1.x's deserialize
// would ignore them; MorphNet never writes any, so they mean corruption.
func (d *dec) end() error {
	if d.rem() != 0 {
		return d.errf(errcode.ErrFormat, "%d trailing bytes after the value", d.rem())
	}
	return nil
}
