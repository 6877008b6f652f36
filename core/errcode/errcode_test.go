package errcode

import (
	"errors"
	"fmt"
	"os"
	"testing"
)

func TestPinnedNumbers(t *testing.T) {
	// These numbers are the ABI: this table must never change, only grow.
	want := map[string]int32{
		"PF_OK": 0, "PF_EFORMAT": 10, "PF_ECHECKSUM": 11, "PF_EUNSUPPORTED": 12, "PF_ELIMIT": 13,
		"PF_ENOTFOUND": 20, "PF_EBADARG": 21, "PF_EBADHANDLE": 22, "PF_ELOCKED": 23,
		"PF_EIO": 30, "PF_ENOMEM": 31, "PF_EINTERNAL": 99,
	}
	if len(All) != len(want) {
		t.Fatalf("All has %d codes, want %d", len(All), len(want))
	}
	for _, c := range All {
		if want[c.Name()] != int32(c) {
			t.Errorf("%s = %d, want %d", c.Name(), c, want[c.Name()])
		}
		if c.String() == "unknown error" {
			t.Errorf("%s has no text", c.Name())
		}
	}
	if Code(55).Name() != "PF_E55" || Code(55).String() != "unknown error" {
		t.Errorf("unknown code: %q %q", Code(55).Name(), Code(55).String())
	}
}

func TestOf(t *testing.T) {
	_, statErr := os.Stat("/nonexistent/polyfmt")
	cases := []struct {
		err  error
		want Code
	}{
		{nil, OK},
		{At("mem8", ErrFormat, 30, "bad block"), Format},
		{fmt.Errorf("outer: %w", New("mem8", ErrChecksum, "x")), Checksum},
		{Wrap("mem8", ErrLimit, errors.New("cause"), "too big"), Limit},
		{ErrClosed, BadHandle},
		{statErr, NotFound},
		{&os.PathError{Op: "write", Path: "x", Err: errors.New("disk full")}, IO},
		{errors.New("plain"), Internal},
	}
	for _, c := range cases {
		if got := Of(c.err); got != c.want {
			t.Errorf("Of(%v) = %s, want %s", c.err, got.Name(), c.want.Name())
		}
	}
}

func TestErrorText(t *testing.T) {
	e := At("mem8", ErrFormat, 4126, "block 1: content_len %d", 5000)
	if got, want := e.Error(), "mem8: block 1: content_len 5000 (at byte 4126)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !errors.Is(e, ErrFormat) || errors.Is(e, ErrChecksum) {
		t.Error("errors.Is does not see the kind")
	}
	cause := errors.New("boom")
	w := Wrap("mem8", ErrFormat, cause, "inflate")
	if !errors.Is(w, cause) || w.Error() != "mem8: inflate: boom" {
		t.Errorf("wrap: %q", w.Error())
	}
	// Wrapping an error of the same package says the package once.
	inner := New("mmx", ErrFormat, "shape [0]: dimension too large")
	if got, want := Wrap("mmx", ErrFormat, inner, "directory entry %q", "t").Error(), `mmx: directory entry "t": shape [0]: dimension too large`; got != want {
		t.Errorf("same-package wrap: %q, want %q", got, want)
	}
	if got := Wrap("ffi", ErrFormat, inner, "open").Error(); got != "ffi: open: mmx: shape [0]: dimension too large" {
		t.Errorf("cross-package wrap: %q", got)
	}
}
