// Package expr is MORK's expression encoding: the bytes of one path of a
// MORK space (what the seed, shared/seeds/003, calls "BTM encoded"), a
// MeTTa text parser that produces them, a printer that writes them back,
// and the pattern matcher that queries use.
//
// The encoding is the one of trueagi-io/MORK (expr/src/lib.rs); the text
// syntax is that of MORK's s-expression parser
// (frontend/src/bytestring_parser.rs), with the deviations listed below.
// Paths this package writes are read by MORK and the other way round.
//
// # Encoding
//
// An expression is a sequence of items in pre-order. Each item starts
// with one tag byte; its two high bits are its kind, its six low bits the
// operand:
//
//	tag        kind            meaning
//	0x00–0x3F  Arity(n)        an expression of n = tag&0x3F items (0…63); the n items follow
//	0x40–0x7F  reserved        never written; a path holding one is malformed
//	0x80–0xBF  VarRef(i)       another occurrence of variable i = tag&0x3F
//	0xC0       NewVar          the first occurrence of a variable
//	0xC1–0xFF  SymbolSize(n)   a symbol: n = tag&0x3F bytes (1…63) follow
//
// Variables have no names in the encoding. They are numbered 0, 1, … in
// the order of their NewVar tags within one top-level expression, and a
// VarRef(i) must come after the i-th NewVar. An expression introduces at
// most MaxVars (64) variables, holds at most MaxArity (63) items, and a
// symbol has 1 to MaxSymbol (63) bytes. There is no length field: an
// expression ends when its items are complete, which Validate finds in one
// pass.
//
//	(foo $x (bar $x))   03 C3 66 6F 6F C0 02 C3 62 61 72 80
//	()                  00
//	(a $x $y $x $y)     05 C1 61 C0 C0 80 81
//	foo                 C3 66 6F 6F          (a top-level symbol is an expression)
//
// With interning, every symbol is stored as an 8-byte id, big endian:
// InternedTag (0xC8, SymbolSize(8)) then the id. The encoding does not say
// whether a path is interned; the space that holds it does.
//
// A set of paths sorts by these bytes (a space is a byte trie), so every
// path matching a pattern starts with the pattern's bytes before its first
// variable (Prefix).
//
// # Text
//
// The text is MeTTa s-expressions, read as MORK reads them:
//
//   - Whitespace is space, tab, newline and (polyfmt's addition, so that
//     CRLF files read the same) carriage return. A UTF-8 byte order mark
//     at the very start is skipped.
//   - A comment runs from ; at the start of an item to the end of the
//     line. A ; inside a token is part of it (a;b is one symbol).
//   - ( … ) is an expression. Every item at the top level is an
//     expression of its own: a bare symbol or a variable too.
//   - A token starting with $ is a variable; its name is the whole token,
//     $ included, up to whitespace or a parenthesis. Names are matched
//     exactly within one top-level expression; $ alone is a name too.
//   - A token starting with " is a string: it runs to the first " not
//     escaped by a backslash. Its symbol is all of its bytes, the quotes
//     and backslashes included, as MORK keeps them: "a b" is the 5-byte
//     symbol `"a b"`, and "x\"y" is stored with its backslash. The token
//     ends at the closing quote ("ab"cd is two symbols, as in MORK).
//   - Any other token is a bare symbol: its bytes up to whitespace or a
//     parenthesis. Any byte may appear in it, UTF-8 or not.
//   - #"…" is polyfmt's escaped symbol, for the symbols the forms above
//     cannot write (containing whitespace or parentheses but no quotes of
//     their own, starting with $ or ;, holding control bytes or invalid
//     UTF-8, or an empty interned symbol). Its symbol is the body without
//     the quotes, with the escapes \\ \" \n \t \r and \xHH (two hex
//     digits) decoded; any other escape is an error. MORK reads #"a b" as
//     the two symbols #"a and b"; a text meant for MORK has none.
//
// # Printing
//
// AppendText writes items separated by one space, with no line breaks.
// Variables are named $a … $j, then $x10 … $x63, MORK's own names
// (Expr::VARNAMES). A symbol is written as its bytes when it would read
// back as itself: bare, or a string whose first unescaped closing quote is
// its last byte; only valid UTF-8 without ASCII control bytes is written
// that way, and a symbol starting with U+FEFF is never bare (at the start
// of a text it would be read as a byte order mark). Every other symbol is
// written #"…", so Parse(AppendText(p))
// gives p back for every valid path p. Interned symbols are resolved
// through a Resolver; without one they print as their 8 bytes (#"\x00…").
//
// # Where polyfmt differs from MORK's parser
//
// Each is a case where MORK panics, truncates or accepts clearly broken
// text; the documents both accept read the same.
//
//   - A symbol longer than 63 bytes is an error (ErrLimit); MORK silently
//     keeps its first 63 bytes. With an Interner the limit is
//     Limits.MaxTokenBytes, as MORK interns symbols of any length.
//   - More than 63 items in one expression or 64 variables in one
//     top-level expression is ErrLimit; MORK overflows its arity byte or
//     fails.
//   - A string not closed at the end of the text is an error; MORK takes
//     the rest of the text as the symbol.
//   - A comment may end the text without a newline, and may come just
//     before ); MORK rejects both.
//   - Carriage return is whitespace and a leading byte order mark is
//     skipped (above); #"…" is new.
//
// # Errors and limits
//
// Text errors are *SyntaxError values naming the line and column (both
// 1-based, columns in bytes) where the offending item starts: "mork: line
// 3, column 14: symbol longer than 63 bytes". They unwrap to
// errcode.ErrFormat (malformed text) or errcode.ErrLimit (a limit), or to
// an Interner's own error. Binary errors (Validate, Check, AppendText) are
// *errcode.Error values with the byte offset.
//
// Nesting in text is bounded by Limits.MaxDepth (default 256), so deep
// text is an error, not a stack overflow; the encoded size of an
// expression by Limits.MaxExprBytes, and a token held in memory by
// Limits.MaxTokenBytes. Every pass over binary paths (Validate, printing,
// matching, Prefix) is iterative: a path's depth is bounded only by its
// length and costs no stack.
package expr
