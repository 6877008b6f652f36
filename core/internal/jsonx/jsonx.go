// Package jsonx is polyfmt's strict JSON, for metadata read from files (the
// MMX directory, option strings) and written to them.
//
// Strict means I-JSON (RFC 7493) on top of RFC 8259: besides the grammar,
// [Valid] rejects
//
//   - duplicate object keys at any depth, compared after unescaping ("a" and
//     "\u0061" are the same key), which different readers resolve
//     differently;
//   - invalid UTF-8 (which encoding/json would silently turn into U+FFFD),
//     including a byte order mark, and escaped lone surrogates ("\ud800");
//   - anything but whitespace after the value;
//   - nesting deeper than a limit.
//
// Unknown object keys are allowed: [Unmarshal] ignores fields its target
// does not have, so newer writers can add them.
//
// All functions are safe for concurrent use.
package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/polyfmt/polyfmt/core/errcode"
)

const pkg = "jsonx"

// DefaultMaxDepth is the nesting limit used when a maxDepth of 0 or less is
// given. A scalar is depth 0, "[]" depth 1, "[{}]" depth 2.
const DefaultMaxDepth = 64

// marshalCheckDepth is the depth Marshal checks its own output with: that of
// encoding/json's decoder.
const marshalCheckDepth = 10000

// Unmarshal checks data with [Valid] and then decodes it into v with
// encoding/json (case-insensitive field matching, unknown keys ignored,
// numbers as float64 in an any). Malformed input, and input that does not
// fit v's types, is [errcode.ErrFormat] with the byte offset where known;
// nesting beyond maxDepth is [errcode.ErrLimit]; a v that is not a non-nil
// pointer is [errcode.ErrBadArg].
func Unmarshal(data []byte, v any, maxDepth int) error {
	if err := Valid(data, maxDepth); err != nil {
		return err
	}
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var (
		inv *json.InvalidUnmarshalError
		ute *json.UnmarshalTypeError
		se  *json.SyntaxError
	)
	switch {
	case errors.As(err, &inv):
		return errcode.Wrap(pkg, errcode.ErrBadArg, err, "unmarshal target")
	case errors.As(err, &ute):
		return &errcode.Error{Pkg: pkg, Kind: errcode.ErrFormat, Offset: ute.Offset, Msg: "decode", Err: err}
	case errors.As(err, &se):
		return &errcode.Error{Pkg: pkg, Kind: errcode.ErrFormat, Offset: se.Offset, Msg: "decode", Err: err}
	}
	return errcode.Wrap(pkg, errcode.ErrFormat, err, "decode")
}

// Marshal encodes v as compact JSON: struct fields in declaration order, map
// keys sorted, no HTML escaping, no trailing newline. The output is
// deterministic for a given v and passes [Valid]: a value encoding/json
// cannot encode, or whose encoding would not be strict JSON (two map keys
// that differ only in invalid UTF-8, which encoding/json turns into the same
// U+FFFD, or a MarshalJSON method that writes a duplicate key), is
// [errcode.ErrBadArg].
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, errcode.Wrap(pkg, errcode.ErrBadArg, err, "marshal")
	}
	out := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	if err := Valid(out, marshalCheckDepth); err != nil {
		return nil, errcode.Wrap(pkg, errcode.ErrBadArg, err, "marshal output is not strict JSON")
	}
	return out, nil
}
