// Package errcode is polyfmt's one error vocabulary: the pinned numeric status
// codes every surface (Go, C, wasm, Python, JS) reports, the sentinel errors
// the format packages wrap, and an error type that carries a byte offset.
//
// The numbers are part of the ABI. They never change and are never reused;
// new codes go into the gaps.
//
//	code  name            meaning
//	   0  PF_OK           success
//	  10  PF_EFORMAT      input is malformed
//	  11  PF_ECHECKSUM    a checksum or hash does not match
//	  12  PF_EUNSUPPORTED well-formed but uses something this build does not support
//	  13  PF_ELIMIT       a configured limit was exceeded
//	  20  PF_ENOTFOUND    the named item does not exist
//	  21  PF_EBADARG      an argument is invalid
//	  22  PF_EBADHANDLE   the handle is unknown or already closed
//	  23  PF_ELOCKED      another writer holds the file
//	  30  PF_EIO          the operating system reported an I/O error
//	  31  PF_ENOMEM       an allocation failed
//	  99  PF_EINTERNAL    a bug in polyfmt (a recovered panic)
package errcode

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// Code is a pinned status code.
type Code int32

// The pinned codes. See the package documentation.
const (
	OK          Code = 0
	Format      Code = 10
	Checksum    Code = 11
	Unsupported Code = 12
	Limit       Code = 13
	NotFound    Code = 20
	BadArg      Code = 21
	BadHandle   Code = 22
	Locked      Code = 23
	IO          Code = 30
	NoMem       Code = 31
	Internal    Code = 99
)

// All lists every code, in numeric order.
var All = []Code{OK, Format, Checksum, Unsupported, Limit, NotFound, BadArg, BadHandle, Locked, IO, NoMem, Internal}

var names = map[Code]string{
	OK: "PF_OK", Format: "PF_EFORMAT", Checksum: "PF_ECHECKSUM", Unsupported: "PF_EUNSUPPORTED",
	Limit: "PF_ELIMIT", NotFound: "PF_ENOTFOUND", BadArg: "PF_EBADARG", BadHandle: "PF_EBADHANDLE",
	Locked: "PF_ELOCKED", IO: "PF_EIO", NoMem: "PF_ENOMEM", Internal: "PF_EINTERNAL",
}

var texts = map[Code]string{
	OK: "ok", Format: "malformed input", Checksum: "checksum mismatch",
	Unsupported: "unsupported feature", Limit: "limit exceeded", NotFound: "not found",
	BadArg: "bad argument", BadHandle: "bad handle", Locked: "locked by another writer",
	IO: "i/o error", NoMem: "out of memory", Internal: "internal error",
}

var meanings = map[Code]string{
	OK: "success", Format: "input is malformed", Checksum: "a checksum or hash does not match",
	Unsupported: "well-formed, but uses what this build does not support", Limit: "a configured limit was exceeded",
	NotFound: "no such file, block or item", BadArg: "an argument is invalid",
	BadHandle: "the handle is unknown or already closed", Locked: "another writer holds the file",
	IO: "the operating system reported an I/O error", NoMem: "an allocation failed",
	Internal: "a bug in polyfmt (a recovered panic)",
}

// Meaning says when the code is returned (what polyfmt.h writes beside it).
func (c Code) Meaning() string { return meanings[c] }

// Name returns the constant's name, such as "PF_EFORMAT", or "PF_E<n>" for an unknown code.
func (c Code) Name() string {
	if n, ok := names[c]; ok {
		return n
	}
	return fmt.Sprintf("PF_E%d", int32(c))
}

// String returns the static description used by pf_errstr.
func (c Code) String() string {
	if s, ok := texts[c]; ok {
		return s
	}
	return "unknown error"
}

// Sentinels. Format packages wrap these so errors.Is and Of work.
var (
	ErrFormat      = &sentinel{Format, "malformed input"}
	ErrChecksum    = &sentinel{Checksum, "checksum mismatch"}
	ErrUnsupported = &sentinel{Unsupported, "unsupported"}
	ErrLimit       = &sentinel{Limit, "limit exceeded"}
	ErrNotFound    = &sentinel{NotFound, "not found"}
	ErrBadArg      = &sentinel{BadArg, "bad argument"}
	ErrClosed      = &sentinel{BadHandle, "closed"}
	ErrLocked      = &sentinel{Locked, "locked by another writer"}
	ErrNoMem       = &sentinel{NoMem, "out of memory"}
	ErrInternal    = &sentinel{Internal, "internal error"}
)

type sentinel struct {
	code Code
	msg  string
}

func (s *sentinel) Error() string { return s.msg }

// Code reports the sentinel's pinned code.
func (s *sentinel) Code() Code { return s.code }

// Error is a structured error: which package, what went wrong, where in the
// input (Offset < 0 when no offset applies), and the sentinel it is.
type Error struct {
	Pkg    string // "mem8", "mmx", …
	Kind   error  // one of the sentinels
	Offset int64  // byte offset in the input, or -1
	Msg    string
	Err    error // optional cause
}

func (e *Error) Error() string {
	s := e.Pkg + ": " + e.Msg
	if e.Offset >= 0 {
		s += fmt.Sprintf(" (at byte %d)", e.Offset)
	}
	if e.Err != nil {
		inner := e.Err.Error()
		if ie, ok := e.Err.(*Error); ok && ie.Pkg == e.Pkg {
			inner = strings.TrimPrefix(inner, ie.Pkg+": ") // "mmx: a: b", not "mmx: a: mmx: b"
		}
		s += ": " + inner
	}
	return s
}

// Unwrap lets errors.Is see both the kind and the cause.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// New builds an *Error with no offset.
func New(pkg string, kind error, format string, args ...any) *Error {
	return &Error{Pkg: pkg, Kind: kind, Offset: -1, Msg: fmt.Sprintf(format, args...)}
}

// At builds an *Error at a byte offset.
func At(pkg string, kind error, off int64, format string, args ...any) *Error {
	return &Error{Pkg: pkg, Kind: kind, Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// Wrap builds an *Error with a cause.
func Wrap(pkg string, kind error, err error, format string, args ...any) *Error {
	return &Error{Pkg: pkg, Kind: kind, Offset: -1, Msg: fmt.Sprintf(format, args...), Err: err}
}

// Of maps any error to its pinned code. This is the only error→code mapping
// in polyfmt: nil is OK, a sentinel (however wrapped) is its code, an
// operating-system error is IO, anything else is Internal.
func Of(err error) Code {
	if err == nil {
		return OK
	}
	var s *sentinel
	if errors.As(err, &s) {
		return s.code
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(err, fs.ErrNotExist) {
			return NotFound
		}
		return IO
	}
	if errors.Is(err, fs.ErrNotExist) {
		return NotFound
	}
	return Internal
}
