package mork

import (
	"encoding/hex"
	"io"
	"strconv"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/mork/expr"
	"github.com/polyfmt/polyfmt/core/mork/symtab"
)

// ImportOptions shape the reading of MeTTa text.
type ImportOptions struct {
	// Intern stores every symbol as an 8-byte id of the file's symbol
	// table (MORK's interning), adding new symbols to the table.
	Intern bool
	// Progress, when set, is called every so often with the bytes of text
	// read so far (a CLI's progress bar).
	Progress func(read int64)
	// Value is the value each imported path gets (0: none).
	Value uint64
}

// progressEvery is how many expressions pass between Progress calls.
const progressEvery = 1 << 14

// ImportText parses MeTTa text from r and adds every top-level expression
// to the file (a space, or a path file or an ACT). It returns the number
// of expressions read. A syntax error names its line and column; the
// expressions before it are added (and, interning, the symbols of the
// expression it stopped in stay in the table, unused).
//
// A path's value lives as long as the file's kind keeps values: an ACT
// and a multiplicities file store them; a space and the path files do not
// (they read back as 0 after a commit, or as the path's index).
func (f *File) ImportText(r io.Reader, o *ImportOptions) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.writable(); err != nil {
		return 0, err
	}
	if f.kind == KindMult || f.kind == KindSymbols {
		return 0, badArg("MeTTa text goes into a space, a path file or an ACT, not a %s file", f.kind)
	}
	var opt ImportOptions
	if o != nil {
		opt = *o
	}
	eo := &expr.Options{Limits: &f.lim.Expr}
	if opt.Intern || f.interned() {
		if f.kind != KindSpace {
			return 0, badArg("interned symbols need a symbol table: import into a space")
		}
		if !f.interned() && f.set.Len() > 0 {
			return 0, badArg("this space stores its symbols as written: import without interning")
		}
		eo.Interner = f.syms
	}
	p := expr.NewParser(r, eo)
	var n uint64
	for {
		e, err := p.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, err
		}
		f.set.Add(e, opt.Value)
		f.dirty = true
		n++
		if opt.Progress != nil && n%progressEvery == 0 {
			opt.Progress(p.Offset())
		}
	}
	if opt.Progress != nil {
		opt.Progress(p.Offset())
	}
	return n, nil
}

// lookupOnly interns through a table without adding to it: a symbol the
// table lacks is ErrNotFound (a query for it matches nothing).
type lookupOnly struct{ t *symtab.Table }

func (l lookupOnly) Intern(sym []byte) (uint64, error) {
	if id, ok := l.t.ID(sym); ok {
		return id, nil
	}
	return 0, errcode.New("mork", errcode.ErrNotFound, "symbol %q is not in the symbol table", sym)
}

// EncodeText encodes one MeTTa expression as the file's paths store it
// (symbols interned when the file's are, without adding to its table: a
// symbol the table lacks is ErrNotFound). A multiplicities file's keys
// are text: the key is its own bytes (AppendText's inverse).
func (f *File) EncodeText(text string) ([]byte, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.readable(); err != nil {
		return nil, err
	}
	if f.kind == KindMult {
		return []byte(text), nil
	}
	return f.encode(text)
}

func (f *File) encode(text string) ([]byte, error) {
	eo := &expr.Options{Limits: &f.lim.Expr}
	if f.interned() {
		eo.Interner = lookupOnly{f.syms}
	}
	return expr.ParseOne(text, eo)
}

// AppendText prints path (one of the file's) as MeTTa, resolving interned
// symbols through the file's table. A multiplicities file's key is text
// already: it is appended as it is. It takes the file's read lock: from
// a Query callback use the Match's methods instead.
func (f *File) AppendText(dst, path []byte) ([]byte, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.kind == KindMult {
		return append(dst, path...), nil
	}
	return expr.AppendText(dst, path, f.resolver())
}

// resolver is what interned symbols resolve through: nil when the file
// is not interned.
func (f *File) resolver() expr.Resolver {
	if t := f.spaceSyms(); t != nil {
		return t
	}
	return nil
}

// Match is one path a Query or Scan found, handed to its callback and
// valid during the call only.
type Match struct {
	// Path is the path, Value its value.
	Path  []byte
	Value uint64
	// Bindings are what the pattern's variables matched, in order of
	// first appearance: Path[s.Start:s.End] is a binding's bytes (none
	// in a Scan).
	Bindings []expr.Span

	res  expr.Resolver
	mult bool
}

// AppendText prints the path as MeTTa, resolving interned symbols through
// the file's table (read under the lock the query holds); a
// multiplicities key is appended as it is.
func (m *Match) AppendText(dst []byte) ([]byte, error) {
	if m.mult {
		return append(dst, m.Path...), nil
	}
	return expr.AppendText(dst, m.Path, m.res)
}

// Printed is the match as pf_mork_query and `polyfmt query -json` give
// it: the path printed and in hex, the value and each binding as text.
func (m *Match) Printed() (PrintedMatch, error) {
	t, err := m.AppendText(nil)
	if err != nil {
		return PrintedMatch{}, err
	}
	pm := PrintedMatch{Text: string(t), Path: hex.EncodeToString(m.Path), Value: strconv.FormatUint(m.Value, 10),
		Bindings: make([]string, len(m.Bindings))}
	for i := range m.Bindings {
		b, err := m.AppendBinding(nil, i)
		if err != nil {
			return PrintedMatch{}, err
		}
		pm.Bindings[i] = string(b)
	}
	return pm, nil
}

// PrintedMatch is one match in a QueryResult.
type PrintedMatch struct {
	Text     string   `json:"text"`
	Path     string   `json:"path"`  // hex
	Value    string   `json:"value"` // decimal: u64 does not fit a JS number
	Bindings []string `json:"bindings"`
}

// QueryResult is the JSON of a query's matches (pf_mork_query, `polyfmt
// query -json`): Truncated when a limit stopped it.
type QueryResult struct {
	Matches   []PrintedMatch `json:"matches"`
	Truncated bool           `json:"truncated"`
}

// AppendBinding prints binding i, its variables named as the whole path
// names them.
func (m *Match) AppendBinding(dst []byte, i int) ([]byte, error) {
	return expr.AppendSpan(dst, m.Path, m.Bindings[i], m.res)
}

// Query calls fn for every path matching pattern, an encoded expression
// whose variables match any sub-expression (a repeated variable, the same
// one each time): the paths starting with the pattern's bytes before its
// first variable are scanned, and each is matched. fn gets the match,
// whose methods print the path and its bindings; it may return Stop. fn
// runs under the file's read lock: it must not call the File's methods
// (a writer waiting for the lock would deadlock them).
func (f *File) Query(pattern []byte, fn func(m *Match) error) error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.readable(); err != nil {
		return err
	}
	if err := expr.Check(pattern); err != nil {
		return errcode.Wrap("mork", errcode.ErrBadArg, err, "query pattern")
	}
	m := f.match()
	return noStop(f.walk(expr.Prefix(pattern), func(p []byte, v uint64) error {
		b, ok := expr.MatchSpans(pattern, p)
		if !ok {
			return nil
		}
		m.Path, m.Value, m.Bindings = p, v, b
		return fn(&m)
	}))
}

// Scan is Walk handing each path as a Match (no bindings), whose methods
// print it without calling the File.
func (f *File) Scan(prefix []byte, fn func(m *Match) error) error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.readable(); err != nil {
		return err
	}
	m := f.match()
	return noStop(f.walk(prefix, func(p []byte, v uint64) error {
		m.Path, m.Value = p, v
		return fn(&m)
	}))
}

// match is the Match a Query or Scan fills in, printing as the file does.
func (f *File) match() Match { return Match{res: f.resolver(), mult: f.kind == KindMult} }

// QueryText is Query with the pattern written in MeTTa ("(edge $x b)").
// A pattern naming a symbol the file's table lacks matches nothing.
func (f *File) QueryText(pattern string, fn func(m *Match) error) error {
	f.mu.RLock()
	p, err := f.encode(pattern)
	f.mu.RUnlock()
	if errcode.Of(err) == errcode.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Query(p, fn)
}
