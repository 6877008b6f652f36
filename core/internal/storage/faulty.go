package storage

import "errors"

// ErrCrash is what a Faulty file returns once it has "crashed".
var ErrCrash = errors.New("storage: injected crash")

// Faulty is an in-memory file for crash tests. It accepts WriteBudget more
// bytes (a write that crosses the budget is cut there, as a crash mid-write
// leaves it) and SyncBudget more syncs, then fails every call. Durable holds
// the contents as of the last successful sync: the power-loss model, where
// unsynced writes are lost. Snapshot is the process-crash model, where every
// write that happened stays.
type Faulty struct {
	Mem
	WriteBudget int
	SyncBudget  int
	Crashed     bool
	Durable     []byte
}

// NewFaulty returns a Faulty holding a copy of b, with unlimited budgets.
func NewFaulty(b []byte) *Faulty {
	return &Faulty{Mem: Mem{b: append([]byte(nil), b...)}, WriteBudget: 1 << 62, SyncBudget: 1 << 62, Durable: append([]byte(nil), b...)}
}

func (f *Faulty) WriteAt(p []byte, off int64) (int, error) {
	if f.Crashed {
		return 0, ErrCrash
	}
	if len(p) > f.WriteBudget {
		n, _ := f.Mem.WriteAt(p[:f.WriteBudget], off)
		f.WriteBudget, f.Crashed = 0, true
		return n, ErrCrash
	}
	f.WriteBudget -= len(p)
	return f.Mem.WriteAt(p, off)
}

func (f *Faulty) Sync() error {
	if f.Crashed || f.SyncBudget == 0 {
		f.Crashed = true
		return ErrCrash
	}
	f.SyncBudget--
	f.Durable = f.Snapshot()
	return nil
}

func (f *Faulty) Truncate(n int64) error {
	if f.Crashed {
		return ErrCrash
	}
	return f.Mem.Truncate(n)
}
