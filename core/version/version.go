// Package version is polyfmt's version, written once. The generator
// (core/ffi/gen) copies it into polyfmt.h (PF_VERSION_*), the Python
// package and the npm package; pf_version and `polyfmt version` report it.
package version

import "strconv"

// The version of the library, the bindings and the command-line tool.
const (
	Major = 0
	Minor = 1
	Patch = 0
)

// String is "major.minor.patch".
func String() string {
	return strconv.Itoa(Major) + "." + strconv.Itoa(Minor) + "." + strconv.Itoa(Patch)
}

// Number is major<<16 | minor<<8 | patch, what pf_version writes.
func Number() uint32 { return Major<<16 | Minor<<8 | Patch }
