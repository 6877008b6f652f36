package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Every command that writes a file writes it whole beside its path and
// renames it into place: a failed or interrupted command leaves no output
// (a killed one may leave its hidden temporary file, never a partial one).

// mustNotExist refuses an output that is there already; how says what to
// do instead ("(convert never overwrites)", "or use -f").
func mustNotExist(path, how string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists; remove it first %s", path, how)
	}
	return nil
}

// outputOf is where a verb that rewrites the file at path writes (MORK's
// migrate, VSF's sign): out, which must not exist unless force says to
// replace it, or path itself, replaced, when out is "".
func outputOf(path, out string, force bool) (dest string, replace bool, err error) {
	if out == "" {
		return path, true, nil
	}
	if !force {
		if err := mustNotExist(out, "or use -f"); err != nil {
			return "", false, err
		}
	}
	return out, force, nil
}

// writeAtomic makes path through a temporary file beside it: fill writes
// the temporary file, named tmp (it exists, empty), and only when fill
// succeeds is it made 0644 and renamed to path. Without replace, a path
// that appears meanwhile is an error. On any error the temporary file is
// removed and path is left as it was.
func writeAtomic(path string, replace bool, fill func(tmp string) error) error {
	return writeAtomicMode(path, replace, 0o644, fill)
}

// writeAtomicMode is writeAtomic making the file mode perm instead of 0644.
// The temporary file is 0600 from its creation, so a file made 0600 (a
// private key) is never readable by others, not even for a moment.
func writeAtomicMode(path string, replace bool, perm os.FileMode, fill func(tmp string) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = f.Close()
	if err == nil {
		err = fill(tmp)
	}
	if err == nil {
		err = os.Chmod(tmp, perm)
	}
	if err == nil && !replace {
		if _, serr := os.Stat(path); serr == nil {
			err = fmt.Errorf("%s appeared meanwhile; remove it first", path)
		}
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// writeAtomicStream is writeAtomic for content written to an io.Writer;
// the temporary file is synced before the rename.
func writeAtomicStream(path string, replace bool, fill func(io.Writer) error) error {
	return writeAtomic(path, replace, func(tmp string) error {
		f, err := os.OpenFile(tmp, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		err = fill(f)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

// writeAtomicBytes is writeAtomicStream for content held whole in data.
func writeAtomicBytes(path string, replace bool, data []byte) error {
	return writeAtomicStream(path, replace, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
