package storage

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/jsonx"
)

// The writer lock every surface honours (docs/spec/mmx.md §5.1):
//
//  1. Native writers (Go, C, Python) take flock on the data file first; it
//     keeps native writers apart even after a crash (the kernel drops it).
//  2. Every writer, native or WebAssembly, then creates the sidecar
//     <path>.lock with O_CREAT|O_EXCL, holding its owner as one JSON line:
//
//	{"pid":1234,"host":"box","flock":true}
//
//     pid and host name the writing process (pid 0: unknown); flock says
//     whether that writer also holds flock on the data file.
//  3. A sidecar that already exists is refused with ErrLocked, unless it is
//     stale: on this host, and either its writer held flock (which this
//     writer now holds, so that writer is gone) or its pid is not alive.
//     A stale sidecar is replaced in one rename.
//  4. Close removes the sidecar, before the flock goes.
//
// A WebAssembly guest cannot see processes: it takes its owner from the
// host's environment (POLYFMT_PID, POLYFMT_HOST) and never calls a sidecar
// stale; its host reclaims stale ones before opening (bindings/js).

// SidecarSuffix is appended to a data file's path to name its lock file.
const SidecarSuffix = ".lock"

// Owner is what a sidecar records about the writer holding it.
type Owner struct {
	PID   int    `json:"pid"`   // the writing process; 0 when unknown
	Host  string `json:"host"`  // its host name, as uname reports it
	Flock bool   `json:"flock"` // it also holds flock on the data file
}

func (o Owner) String() string {
	pid := "an unknown process"
	if o.PID > 0 {
		pid = "pid " + strconv.Itoa(o.PID)
	}
	if o.Host == "" {
		return pid
	}
	return pid + " on " + o.Host
}

// Sidecar is a held lock file. Its zero value (and nil) holds nothing.
type Sidecar struct {
	Path  string
	owner []byte // what this writer wrote, to recognise its own file
}

// readOwner reads the owner recorded in the sidecar at path.
func readOwner(path string) (Owner, []byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Owner{}, nil, err
	}
	var o Owner
	if len(b) > 4096 {
		return o, b, fmt.Errorf("storage: %s: %d bytes, not an owner record", path, len(b))
	}
	if err := jsonx.Unmarshal(bytes.TrimSpace(b), &o, 2); err != nil {
		return o, b, err
	}
	return o, b, nil
}

// stale reports whether the sidecar's writer is gone, given that this writer
// holds flock on the data file (flocked) or not.
func stale(o Owner, flocked bool) bool {
	me := self(flocked)
	if o.Host == "" || o.Host != me.Host || me.Host == "" {
		return false // another host (or an unknown one): its processes are not ours to see
	}
	if o.Flock && flocked {
		return true // its writer would still hold the flock this writer took
	}
	return o.PID > 0 && !alive(o.PID)
}

// acquireSidecar takes the sidecar of the data file at path (step 2 and 3
// above). flocked says whether this writer holds flock on the data file.
func acquireSidecar(path string, flocked bool) (*Sidecar, error) {
	lock := path + SidecarSuffix
	me := self(flocked)
	rec, err := jsonx.Marshal(me)
	if err != nil {
		return nil, err
	}
	rec = append(rec, '\n')
	for range 3 { // a sidecar removed between create and read: try again
		f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			_, werr := f.Write(rec)
			if cerr := f.Close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				os.Remove(lock)
				return nil, werr
			}
			return &Sidecar{Path: lock, owner: rec}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		o, _, rerr := readOwner(lock)
		if errors.Is(rerr, fs.ErrNotExist) {
			continue
		}
		if rerr != nil {
			return nil, errcode.New("storage", errcode.ErrLocked,
				"%s: locked by a writer whose lock file %s is unreadable (%v); remove it if no writer is running", path, lock, rerr)
		}
		if !stale(o, flocked) {
			return nil, errcode.New("storage", errcode.ErrLocked,
				"%s: another writer holds the file: %s (lock file %s)", path, o, lock)
		}
		// Its writer is gone: replace the file in one step, so there is no
		// moment without a sidecar.
		tmp := fmt.Sprintf("%s.%d.tmp", lock, me.PID)
		if err := os.WriteFile(tmp, rec, 0o644); err != nil {
			return nil, err
		}
		if err := os.Rename(tmp, lock); err != nil {
			os.Remove(tmp)
			return nil, err
		}
		return &Sidecar{Path: lock, owner: rec}, nil
	}
	return nil, errcode.New("storage", errcode.ErrLocked, "%s: the lock file %s keeps changing", path, lock)
}

// Release removes the sidecar if it is still this writer's.
func (s *Sidecar) Release() error {
	if s == nil || s.Path == "" {
		return nil
	}
	_, b, err := readOwner(s.Path)
	if err == nil && !bytes.Equal(b, s.owner) {
		err = fmt.Errorf("storage: %s was taken over by another writer", s.Path)
	} else if err == nil {
		err = os.Remove(s.Path)
	}
	s.Path = ""
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
