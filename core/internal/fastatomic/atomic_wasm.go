//go:build wasm

package fastatomic

// Int32 is an int32 read and written whole.
type Int32 struct{ n int32 }

func (c *Int32) Add(d int32) int32 { c.n += d; return c.n }
func (c *Int32) Load() int32       { return c.n }
func (c *Int32) Store(n int32)     { c.n = n }

// Uint64 is a uint64 read and written whole.
type Uint64 struct{ n uint64 }

func (c *Uint64) Add(d uint64) uint64 { c.n += d; return c.n }
func (c *Uint64) Load() uint64        { return c.n }
func (c *Uint64) Store(n uint64)      { c.n = n }

// Pointer is a *T read and written whole.
type Pointer[T any] struct{ p *T }

func (s *Pointer[T]) Load() *T   { return s.p }
func (s *Pointer[T]) Store(p *T) { s.p = p }
func (s *Pointer[T]) CompareAndSwap(old, p *T) bool {
	if s.p != old {
		return false
	}
	s.p = p
	return true
}
