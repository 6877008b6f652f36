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

// Errors a FaultReplacement injects.
var (
	ErrInjectedSync    = errors.New("storage: injected sync failure")
	ErrInjectedInstall = errors.New("storage: injected install failure")
)

// FaultReplacement is a PathReplacement with faults, for the crash tests
// of every format that commits by replacing its file: the image accepts
// Budget bytes and then fails every write (a full disk, a crash in the
// write); FailSync fails its Sync; FailInstall fails Install before the
// rename; KeepTemp makes Discard leave the temporary file behind, as a
// process that dies after a failed write would.
type FaultReplacement struct {
	PathReplacement
	Budget                          int
	FailSync, FailInstall, KeepTemp bool
}

// faultImage is a FaultReplacement's image: a temporary file that fails.
type faultImage struct {
	File
	budget   int
	failSync bool
}

func (c *faultImage) WriteAt(p []byte, off int64) (int, error) {
	if len(p) > c.budget {
		n, _ := c.File.WriteAt(p[:c.budget], off)
		c.budget = 0
		return n, ErrCrash
	}
	c.budget -= len(p)
	return c.File.WriteAt(p, off)
}

func (c *faultImage) Sync() error {
	if c.failSync {
		return ErrInjectedSync
	}
	return c.File.Sync()
}

// Create makes the temporary file, wrapped to fail as r says.
func (r FaultReplacement) Create() (File, error) {
	img, err := r.PathReplacement.Create()
	if err != nil {
		return nil, err
	}
	return &faultImage{File: img, budget: r.Budget, failSync: r.FailSync}, nil
}

// Install renames the image over the file, unless r fails it.
func (r FaultReplacement) Install(img File) (File, error) {
	if r.FailInstall {
		return nil, ErrInjectedInstall
	}
	return r.PathReplacement.Install(img.(*faultImage).File)
}

// Discard removes the image, or with KeepTemp only closes it.
func (r FaultReplacement) Discard(img File) {
	f := img.(*faultImage).File
	if r.KeepTemp {
		if c, ok := f.(interface{ Close() error }); ok {
			c.Close()
		}
		return
	}
	r.PathReplacement.Discard(f)
}

// FaultyMemReplacement replaces a file held in memory with a Faulty image
// that accepts Budget bytes.
type FaultyMemReplacement struct {
	Replacement
	Budget int
}

// Create makes a Faulty image.
func (r FaultyMemReplacement) Create() (File, error) {
	f := NewFaulty(nil)
	f.WriteBudget = r.Budget
	return f, nil
}

// Install installs the Faulty image's contents.
func (r FaultyMemReplacement) Install(img File) (File, error) {
	return r.Replacement.Install(&img.(*Faulty).Mem)
}
