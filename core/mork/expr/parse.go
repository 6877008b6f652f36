package expr

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// Interner maps a symbol's bytes to a 64-bit id (MORK's interning: the
// path then stores the id, big endian, as an 8-byte symbol). sym is the
// parser's buffer, valid during the call only: an interner that keeps it
// copies it. sym may be empty (#"" is the empty symbol when interning).
// An error it returns stops the parse and is wrapped, line and column
// added.
type Interner interface {
	Intern(sym []byte) (uint64, error)
}

// Options configure the parser. A nil *Options means no interning and
// DefaultLimits.
type Options struct {
	// Interner, when set, interns every symbol: each is stored as
	// InternedTag followed by its id. Symbols may then be longer than
	// MaxSymbol bytes (up to Limits.MaxTokenBytes).
	Interner Interner
	// Limits bounds the parse; nil means DefaultLimits.
	Limits *Limits
}

// SyntaxError is the error of the text parser: what went wrong and where.
// It unwraps to Kind ([errcode.ErrFormat] for malformed text,
// [errcode.ErrLimit] for a limit) and to Err, the Interner's error if it
// was one, so errors.Is and errcode.Of see both.
type SyntaxError struct {
	Line   int   // 1-based line
	Col    int   // 1-based column, in bytes from the start of the line
	Offset int64 // bytes from the start of the text
	Msg    string
	Kind   error // errcode.ErrFormat or errcode.ErrLimit; nil when Err is the interner's
	Err    error // the Interner's error, or nil
}

func (e *SyntaxError) Error() string {
	s := fmt.Sprintf("%s: line %d, column %d: %s", pkg, e.Line, e.Col, e.Msg)
	if e.Err != nil {
		s += ": " + strings.TrimPrefix(e.Err.Error(), pkg+": ")
	}
	return s
}

// Unwrap returns Kind and Err (those that are set).
func (e *SyntaxError) Unwrap() []error {
	var out []error
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

// bom is the UTF-8 byte order mark, skipped at the start of a text.
var bom = []byte("\xEF\xBB\xBF")

// bufSize is the parser's read buffer.
const bufSize = 64 << 10

// delim marks the bytes that end a bare token: whitespace and parentheses.
var delim = func() (d [256]bool) {
	for _, c := range []byte(" \t\n\r()") {
		d[c] = true
	}
	return d
}()

// frame is one open parenthesis.
type frame struct {
	at        int   // index of its arity byte in out
	n         int   // items so far
	line, col int   // where it opened, for "never closed"
	off       int64 // and its text offset
}

// Parser reads MeTTa text, one top-level expression at a time. It is not
// safe for concurrent use.
type Parser struct {
	r         io.Reader // nil: buf holds the whole text
	buf       []byte
	pos, end  int   // unread bytes are buf[pos:end]
	base      int64 // text offset of buf[0]
	rerr      error // the reader's error once it has returned one
	line      int
	lineStart int64 // text offset of the current line's first byte
	started   bool  // the byte order mark has been looked for

	lim Limits
	in  Interner
	err error // sticky: a syntax or read error, or io.EOF

	out   []byte
	stack []frame
	names []byte // the variables' names, one after another
	ends  []int  // where each name ends in names
	tok   []byte // a token that crosses a buffer refill
	esc   []byte // a #"…" symbol, decoded
}

// NewParser returns a parser reading text from r. Bad options (a negative
// limit) are reported by the first Next.
func NewParser(r io.Reader, opts *Options) *Parser {
	p := &Parser{r: r, buf: make([]byte, bufSize)}
	p.init(opts)
	return p
}

// newTextParser parses text held in memory, without copying it.
func newTextParser(text []byte, opts *Options) *Parser {
	p := &Parser{buf: text, end: len(text)}
	p.init(opts)
	return p
}

func (p *Parser) init(opts *Options) {
	p.line = 1
	var l *Limits
	if opts != nil {
		l, p.in = opts.Limits, opts.Interner
	}
	p.lim, p.err = l.resolve()
}

// Offset returns how many bytes of text the parser has consumed: after a
// successful Next, the offset just past that expression.
func (p *Parser) Offset() int64 { return p.base + int64(p.pos) }

// Line returns the 1-based line the parser is on.
func (p *Parser) Line() int { return p.line }

// fillAt makes at least k unread bytes available if the text has them,
// moving the unread bytes to the front of the buffer. It reports whether
// k bytes are there.
func (p *Parser) fillAt(k int) bool {
	if p.end-p.pos >= k {
		return true
	}
	if p.r == nil || p.rerr != nil {
		return false
	}
	if p.pos > 0 {
		copy(p.buf, p.buf[p.pos:p.end])
		p.base += int64(p.pos)
		p.end -= p.pos
		p.pos = 0
	}
	for empty := 0; p.end < k && p.rerr == nil; {
		n, err := p.r.Read(p.buf[p.end:])
		p.end += n
		if err != nil {
			p.rerr = err
		} else if n == 0 {
			if empty++; empty == 100 {
				p.rerr = io.ErrNoProgress
			}
		}
	}
	return p.end-p.pos >= k
}

// Next returns the next top-level expression, encoded. The slice is the
// parser's own buffer, valid until the next call. At the end of the text
// it returns io.EOF; after an error every call returns that error.
func (p *Parser) Next() ([]byte, error) {
	if p.err != nil {
		return nil, p.err
	}
	if !p.started {
		p.started = true
		// A UTF-8 byte order mark. More than one byte is waited for only
		// when the first is 0xEF (a pipe may hold a single short line).
		if p.fillAt(1) && p.buf[p.pos] == 0xEF && p.fillAt(3) && bytes.HasPrefix(p.buf[p.pos:p.end], bom) {
			p.pos += 3
			p.lineStart = p.Offset()
		}
	}
	p.out = p.out[:0]
	p.stack = p.stack[:0]
	p.names = p.names[:0]
	p.ends = p.ends[:0]
	for {
		c, ok := p.skipSpace()
		if !ok {
			if p.rerr != nil && p.rerr != io.EOF {
				p.err = p.rerr
				return nil, p.err
			}
			if len(p.stack) == 0 {
				p.err = io.EOF
				return nil, io.EOF
			}
			f := p.stack[len(p.stack)-1]
			return nil, p.fail(&SyntaxError{Line: f.line, Col: f.col, Offset: f.off, Kind: errcode.ErrFormat, Msg: "( is never closed"})
		}
		line, off := p.line, p.Offset()
		col := p.col(off)
		switch c {
		case '(':
			if err := p.item(); err != nil {
				return nil, err
			}
			if len(p.stack) >= p.lim.MaxDepth {
				return nil, p.failHere(errcode.ErrLimit, "parentheses nested deeper than %d (Limits.MaxDepth)", p.lim.MaxDepth)
			}
			p.stack = append(p.stack, frame{at: len(p.out), line: line, col: col, off: off})
			p.out = append(p.out, arityTag(0))
			p.pos++
		case ')':
			if len(p.stack) == 0 {
				return nil, p.failHere(errcode.ErrFormat, "unexpected )")
			}
			f := p.stack[len(p.stack)-1]
			p.stack = p.stack[:len(p.stack)-1]
			p.out[f.at] = arityTag(f.n)
			p.pos++
		default:
			if err := p.item(); err != nil {
				return nil, err
			}
			if err := p.token(c); err != nil {
				return nil, err
			}
		}
		if len(p.out) > p.lim.MaxExprBytes {
			return nil, p.fail(&SyntaxError{Line: line, Col: col, Offset: off, Kind: errcode.ErrLimit,
				Msg: fmt.Sprintf("expression longer than %d bytes encoded (Limits.MaxExprBytes)", p.lim.MaxExprBytes)})
		}
		if len(p.stack) == 0 {
			return p.out, nil
		}
	}
}

// item counts one more item in the innermost open expression.
func (p *Parser) item() error {
	if len(p.stack) == 0 {
		return nil
	}
	f := &p.stack[len(p.stack)-1]
	if f.n == MaxArity {
		return p.failHere(errcode.ErrLimit, "more than %d items in one expression", MaxArity)
	}
	f.n++
	return nil
}

// skipSpace skips whitespace and comments and returns the next byte,
// unread, or false at the end of the text.
func (p *Parser) skipSpace() (byte, bool) {
	comment := false
	for {
		if comment {
			if i := bytes.IndexByte(p.buf[p.pos:p.end], '\n'); i >= 0 {
				p.pos += i
				comment = false
			} else {
				p.pos = p.end
			}
		}
		for p.pos < p.end && !comment {
			switch c := p.buf[p.pos]; c {
			case ' ', '\t', '\r':
				p.pos++
			case '\n':
				p.pos++
				p.line++
				p.lineStart = p.Offset()
			case ';':
				comment = true
			default:
				return c, true
			}
		}
		if p.pos == p.end && !p.fillAt(1) {
			return 0, false
		}
	}
}

// token reads the symbol or variable starting with c (at p.pos) and
// appends it to out.
func (p *Parser) token(c byte) error {
	line, off := p.line, p.Offset()
	col := p.col(off)
	at := func(kind error, format string, args ...any) *SyntaxError {
		return &SyntaxError{Line: line, Col: col, Offset: off, Kind: kind, Msg: fmt.Sprintf(format, args...)}
	}
	max := MaxSymbol
	if p.in != nil {
		max = p.lim.MaxTokenBytes
	}
	tooLong := func() error {
		if p.in != nil {
			return p.fail(at(errcode.ErrLimit, "symbol longer than %d bytes (Limits.MaxTokenBytes)", max))
		}
		return p.fail(at(errcode.ErrLimit, "symbol longer than %d bytes", max))
	}
	var sym []byte
	switch {
	case c == '$':
		name, ok := p.scanBare(p.lim.MaxTokenBytes)
		if err := p.readErr(); err != nil {
			return err
		}
		if !ok {
			return p.fail(at(errcode.ErrLimit, "variable name longer than %d bytes (Limits.MaxTokenBytes)", p.lim.MaxTokenBytes))
		}
		if err := p.variable(name); err != nil {
			return p.fail(at(errcode.ErrLimit, "%s", err.Error()))
		}
		return nil
	case c == '"':
		tok, closed, ok := p.scanQuoted(max)
		if err := p.readErr(); err != nil {
			return err
		}
		if !ok {
			return tooLong()
		}
		if !closed {
			return p.fail(at(errcode.ErrFormat, "string is never closed"))
		}
		sym = tok
	case c == '#' && p.fillAt(2) && p.buf[p.pos+1] == '"':
		p.pos++ // the body is read as a quoted string
		tok, closed, ok := p.scanQuoted(escapedMax(max))
		if err := p.readErr(); err != nil {
			return err
		}
		if !ok {
			return tooLong()
		}
		if !closed {
			return p.fail(at(errcode.ErrFormat, "string is never closed"))
		}
		body := tok[1 : len(tok)-1]
		var bad int
		var msg string
		p.esc, bad, msg = unescape(p.esc[:0], body)
		if msg != "" {
			// Where the bad escape is: two bytes ("#\"") past the token's
			// start, or on a later line if raw newlines come before it.
			e := at(errcode.ErrFormat, "%s", msg)
			e.Offset += 2 + int64(bad)
			e.Col += 2 + bad
			if nl := bytes.LastIndexByte(body[:bad], '\n'); nl >= 0 {
				e.Line += bytes.Count(body[:bad], []byte{'\n'})
				e.Col = bad - nl
			}
			return p.fail(e)
		}
		if len(p.esc) == 0 && p.in == nil {
			return p.fail(at(errcode.ErrFormat, "empty symbol (only an interned symbol may be empty)"))
		}
		sym = p.esc
	default:
		tok, ok := p.scanBare(max)
		if err := p.readErr(); err != nil {
			return err
		}
		if !ok {
			return tooLong()
		}
		sym = tok
	}
	if len(sym) > max {
		return tooLong()
	}
	if p.in == nil {
		p.out = append(append(p.out, symbolTag(len(sym))), sym...)
		return nil
	}
	id, err := p.in.Intern(sym)
	if err != nil {
		e := at(nil, "interning symbol %q", sym)
		e.Err = err
		return p.fail(e)
	}
	p.out = binary.BigEndian.AppendUint64(append(p.out, InternedTag), id)
	return nil
}

// escapedMax is how many bytes of text a #"…" symbol of at most max bytes
// may take: four per byte (\xHH), and its quotes.
func escapedMax(max int) int { return 4*max + 2 }

// readErr reports the reader's error, if it failed rather than ended.
func (p *Parser) readErr() error {
	if p.rerr != nil && p.rerr != io.EOF {
		p.err = p.rerr
		return p.err
	}
	return nil
}

// errTooManyVars is the message of the 65th variable.
var errTooManyVars = fmt.Errorf("more than %d variables in one expression", MaxVars)

// variable appends NewVar or VarRef for the variable called name.
func (p *Parser) variable(name []byte) error {
	start := 0
	for i, end := range p.ends {
		if bytes.Equal(p.names[start:end], name) {
			p.out = append(p.out, varRefTag(i))
			return nil
		}
		start = end
	}
	if len(p.ends) == MaxVars {
		return errTooManyVars
	}
	p.names = append(p.names, name...)
	p.ends = append(p.ends, len(p.names))
	p.out = append(p.out, NewVar)
	return nil
}

// scanBare reads a token up to whitespace, a parenthesis or the end of
// the text. It reports false, having read part of it, when the token is
// longer than max bytes.
func (p *Parser) scanBare(max int) ([]byte, bool) {
	start, i := p.pos, p.pos
	for i < p.end && !delim[p.buf[i]] {
		i++
	}
	p.pos = i
	if i < p.end || p.r == nil {
		return p.buf[start:i], i-start <= max // the common case: no copy
	}
	// The token reaches the end of the buffer: gather it in tok.
	p.tok = append(p.tok[:0], p.buf[start:i]...)
	for len(p.tok) <= max && p.fillAt(1) {
		start, i = p.pos, p.pos
		for i < p.end && !delim[p.buf[i]] {
			i++
		}
		p.tok = append(p.tok, p.buf[start:i]...)
		p.pos = i
		if i < p.end {
			break
		}
	}
	return p.tok, len(p.tok) <= max
}

// scanQuoted reads a string from the " at p.pos to the first " not
// escaped by a backslash, both quotes included, counting the lines it
// spans. It reports closed false at the end of the text, and ok false
// (having read max+1 bytes of it) when the string is longer than max.
func (p *Parser) scanQuoted(max int) (tok []byte, closed, ok bool) {
	p.tok = p.tok[:0]
	spilled := false
	start, i := p.pos, p.pos+1
	escaped := false
	for {
		for i < p.end {
			if len(p.tok)+i-start > max {
				p.pos = i
				return nil, false, false
			}
			c := p.buf[i]
			i++
			if escaped {
				escaped = false
			} else if c == '\\' {
				escaped = true
			} else if c == '"' {
				closed = true
				break
			}
			if c == '\n' {
				p.line++
				p.lineStart = p.base + int64(i)
			}
		}
		p.pos = i
		if closed && !spilled {
			return p.buf[start:i], true, len(p.tok)+i-start <= max
		}
		p.tok = append(p.tok, p.buf[start:i]...)
		spilled = true
		if closed {
			return p.tok, true, len(p.tok) <= max
		}
		if !p.fillAt(1) {
			return nil, false, true
		}
		start, i = p.pos, p.pos
	}
}

// unescape appends the bytes a #"…" body stands for to dst. On a bad
// escape it returns the index of its backslash in body and a message.
func unescape(dst, body []byte) (out []byte, bad int, msg string) {
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		if i+1 == len(body) {
			return dst, i, `backslash at the end of a #"…" symbol`
		}
		switch e := body[i+1]; e {
		case '\\', '"':
			dst = append(dst, e)
		case 'n':
			dst = append(dst, '\n')
		case 't':
			dst = append(dst, '\t')
		case 'r':
			dst = append(dst, '\r')
		case 'x':
			if i+3 >= len(body) {
				return dst, i, `\x needs two hex digits`
			}
			hi, ok1 := unhex(body[i+2])
			lo, ok2 := unhex(body[i+3])
			if !ok1 || !ok2 {
				return dst, i, `\x needs two hex digits`
			}
			dst = append(dst, hi<<4|lo)
			i += 2
		default:
			return dst, i, fmt.Sprintf(`unknown escape \%s in a #"…" symbol`, printable(e))
		}
		i++
	}
	return dst, 0, ""
}

// printable shows a byte in a message: itself if it is printable ASCII,
// else its hex value.
func printable(c byte) string {
	if c > ' ' && c < 0x7F {
		return string(rune(c))
	}
	return fmt.Sprintf("x%02X (a byte)", c)
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// col is the 1-based column of text offset off on the current line.
func (p *Parser) col(off int64) int { return int(off-p.lineStart) + 1 }

// failHere records an error at the parser's position.
func (p *Parser) failHere(kind error, format string, args ...any) error {
	off := p.Offset()
	return p.fail(&SyntaxError{Line: p.line, Col: p.col(off), Offset: off, Kind: kind, Msg: fmt.Sprintf(format, args...)})
}

func (p *Parser) fail(e *SyntaxError) error {
	p.err = e
	return e
}

// Parse parses every top-level expression of text. Each returned slice is
// its own (they share backing arrays, capacity-limited, so appending to
// one does not disturb another).
func Parse(text []byte, opts *Options) ([][]byte, error) {
	p := newTextParser(text, opts)
	var out [][]byte
	var arena []byte
	for {
		e, err := p.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if len(arena)+len(e) > cap(arena) {
			arena = make([]byte, 0, max(64<<10, len(e)))
		}
		n := len(arena)
		arena = append(arena, e...)
		out = append(out, arena[n:len(arena):len(arena)])
	}
}

// ParseOne parses text holding exactly one expression (comments and
// whitespace around it are allowed) and returns it encoded.
func ParseOne(text string, opts *Options) ([]byte, error) {
	p := newTextParser([]byte(text), opts)
	e, err := p.Next()
	if err == io.EOF {
		return nil, p.failHere(errcode.ErrFormat, "no expression in the text")
	}
	if err != nil {
		return nil, err
	}
	if _, more := p.skipSpace(); more {
		return nil, p.failHere(errcode.ErrFormat, "more than one expression")
	}
	return e, nil
}
