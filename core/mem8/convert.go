package mem8

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// ExportFormat names the document ExportJSON writes and ImportJSON restores exactly.
const ExportFormat = "polyfmt.mem8.v1"

// exportDoc is the shape of ExportJSON's output.
type exportDoc struct {
	Format        string        `json:"format"`
	Version       uint8         `json:"version"`
	Flags         uint8         `json:"flags"`
	IdentityFreq  float64       `json:"identity_freq"`
	TemporalPhase float64       `json:"temporal_phase"`
	Blocks        []exportBlock `json:"blocks"`
}

type exportBlock struct {
	Index         uint64  `json:"index"`
	Timestamp     uint64  `json:"timestamp"`
	Importance    uint16  `json:"importance"`
	Token         string  `json:"token,omitempty"`
	WaveSignature string  `json:"wave_signature"`
	Content       *string `json:"content,omitempty"`
	ContentBase64 *string `json:"content_base64,omitempty"`
}

// ExportJSON writes every block of f as a JSON document that ImportJSON
// restores exactly (into a file created with the same options). Content
// that is valid UTF-8 is a string, anything else base64.
func ExportJSON(f *File) ([]byte, error) {
	h := f.Header()
	doc := exportDoc{Format: ExportFormat, Version: h.Version, Flags: uint8(h.Flags),
		IdentityFreq: h.IdentityFreq, TemporalPhase: h.TemporalPhase, Blocks: []exportBlock{}}
	for b, err := range f.Forward() {
		if err != nil {
			return nil, err
		}
		eb := exportBlock{Index: b.Index, Timestamp: b.Timestamp, Importance: b.Importance,
			Token: b.Token, WaveSignature: hex.EncodeToString(b.WaveSignature[:])}
		if utf8.Valid(b.Content) {
			s := string(b.Content)
			eb.Content = &s
		} else {
			s := base64.StdEncoding.EncodeToString(b.Content)
			eb.ContentBase64 = &s
		}
		doc.Blocks = append(doc.Blocks, eb)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// maxElementBytes bounds the JSON text of one value ImportJSON decodes as a
// whole (an element of "contexts" or "blocks", or a header field): a block
// holds at most 4024 bytes of content, so 1 MiB leaves room for any
// indentation. It keeps the decoder's memory bounded whatever the input.
const maxElementBytes = 1 << 20

// isZlib reports whether data starts as the seed's converter checks: 78 9C
// or 78 DA.
func isZlib(data []byte) bool {
	return len(data) >= 2 && data[0] == 0x78 && (data[1] == 0x9C || data[1] == 0xDA)
}

// jsonReader returns a fresh reader of the JSON text of a conversion input:
// zlib is inflated, anything else is taken as plain JSON. The text is
// bounded by l.MaxJSONBytes and, for zlib, by l.MaxJSONRatio; passing either
// bound is an ErrLimit from Read.
func jsonReader(data []byte, l Limits) (io.Reader, error) {
	if !isZlib(data) {
		if int64(len(data)) > l.MaxJSONBytes {
			return nil, errcode.New("mem8", errcode.ErrLimit, "JSON input is %d bytes, limit %d", len(data), l.MaxJSONBytes)
		}
		return bytes.NewReader(data), nil
	}
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, errcode.Wrap("mem8", errcode.ErrFormat, err, "zlib input")
	}
	b := &inflateBound{r: zr, max: l.MaxJSONBytes, what: fmt.Sprintf("limit %d (Limits.MaxJSONBytes)", l.MaxJSONBytes)}
	if l.MaxJSONRatio > 0 && int64(len(data)) <= (b.max-1)/l.MaxJSONRatio {
		if r := max(int64(len(data))*l.MaxJSONRatio, minJSONRatioBytes); r < b.max {
			b.max = r
			b.what = fmt.Sprintf("%d× its %d bytes (Limits.MaxJSONRatio)", l.MaxJSONRatio, len(data))
		}
	}
	return b, nil
}

// inflateBound reads a zlib stream and fails with ErrLimit past max bytes.
type inflateBound struct {
	r    io.Reader
	n    int64
	max  int64
	what string
}

func (b *inflateBound) Read(p []byte) (int, error) {
	if b.n >= b.max {
		// One byte more tells a stream that ends exactly at max from one that goes on.
		var one [1]byte
		if k, err := b.r.Read(one[:]); k == 0 && err == io.EOF {
			return 0, io.EOF
		}
		return 0, errcode.New("mem8", errcode.ErrLimit, "zlib input inflates past %d bytes: %s", b.max, b.what)
	}
	if int64(len(p)) > b.max-b.n {
		p = p[:b.max-b.n]
	}
	k, err := b.r.Read(p)
	b.n += int64(k)
	if err != nil && err != io.EOF {
		err = errcode.Wrap("mem8", errcode.ErrFormat, err, "zlib input")
	}
	return k, err
}

// DecodeJSONInput returns the JSON text of a conversion input: zlib
// (starting 78 9C or 78 DA, as the seed checks) is inflated, anything else
// is taken as plain JSON. The result is bounded by lim.MaxJSONBytes and, for
// zlib, lim.MaxJSONRatio. ImportJSON does not need it: it streams.
func DecodeJSONInput(data []byte, lim *Limits) ([]byte, error) {
	r, err := jsonReader(data, lim.orDefault())
	if err != nil {
		return nil, err
	}
	if br, ok := r.(*bytes.Reader); ok && br.Len() == len(data) {
		return data, nil
	}
	return io.ReadAll(r)
}

// elementGuard sits between the input and the JSON decoder: before each
// value the decoder decodes whole, window allows it maxElementBytes more
// input, so no value can make the decoder buffer more than that.
type elementGuard struct {
	r     io.Reader
	n     int64 // bytes handed to the decoder
	limit int64
	what  string
}

func (g *elementGuard) window(what string) {
	g.limit, g.what = g.n+maxElementBytes, what
}

func (g *elementGuard) Read(p []byte) (int, error) {
	if g.n >= g.limit {
		return 0, errcode.New("mem8", errcode.ErrLimit, "JSON input: %s: more than %d bytes in one value (with the space before it)", g.what, maxElementBytes)
	}
	if int64(len(p)) > g.limit-g.n {
		p = p[:g.limit-g.n]
	}
	k, err := g.r.Read(p)
	g.n += int64(k)
	return k, err
}

// JSONInfo is what ScanJSON finds in a conversion document.
type JSONInfo struct {
	// Format is "" for the seed's {"contexts": […]}, ExportFormat for an
	// export; ScanJSON refuses any other.
	Format string
	// IdentityFreq is an export's identity_freq, 0 if absent.
	IdentityFreq float64
	// Blocks is how many blocks importing the document appends.
	Blocks int
}

// docWalker streams one conversion document with encoding/json's token
// decoder: the top-level object's members one by one, and the elements of
// "contexts" and "blocks" one at a time. Nothing but one element is ever
// held in memory.
type docWalker struct {
	dec   *json.Decoder
	guard *elementGuard
}

func formatErrf(format string, args ...any) error {
	return errcode.New("mem8", errcode.ErrFormat, format, args...)
}

// jsonErr keeps an errcode error (a limit, a zlib failure) as it is and
// makes any other decoding error ErrFormat.
func jsonErr(err error, format string, args ...any) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	var e *errcode.Error
	if errors.As(err, &e) {
		return err
	}
	return errcode.Wrap("mem8", errcode.ErrFormat, err, format, args...)
}

func (w *docWalker) token(what string) (json.Token, error) {
	w.guard.window(what)
	t, err := w.dec.Token()
	if err != nil {
		return nil, jsonErr(err, "JSON input: %s", what)
	}
	return t, nil
}

func (w *docWalker) value(v any, what string) error {
	w.guard.window(what)
	if err := w.dec.Decode(v); err != nil {
		return jsonErr(err, "JSON input: %s", what)
	}
	return nil
}

// skip consumes one value of any size token by token.
func (w *docWalker) skip(what string) error {
	depth := 0
	for {
		t, err := w.token(what)
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// walk streams the document in r. For each element of "contexts" or
// "blocks" it calls elem with the array's name, the element's index and
// its JSON text. It returns the format and identity_freq members.
func walk(r io.Reader, elem func(key string, i int, raw json.RawMessage) error) (format string, freq float64, err error) {
	g := &elementGuard{r: r}
	w := &docWalker{dec: json.NewDecoder(g), guard: g}
	w.dec.UseNumber()
	t, err := w.token("the document")
	if err != nil {
		return "", 0, err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return "", 0, formatErrf("JSON input: the document is %s, want an object", describe(t))
	}
	seen := map[string]bool{}
	for w.dec.More() {
		t, err := w.token("a member name")
		if err != nil {
			return "", 0, err
		}
		key := t.(string) // the decoder only gives strings for member names
		switch key {
		case "format", "identity_freq", "contexts", "blocks":
			if seen[key] {
				return "", 0, formatErrf("JSON input: member %q appears twice", key)
			}
			seen[key] = true
		}
		switch key {
		case "format":
			var s *string
			if err := w.value(&s, `"format"`); err != nil {
				return "", 0, err
			}
			if s != nil {
				format = *s
			}
		case "identity_freq":
			var n json.Number
			var raw json.RawMessage
			if err := w.value(&raw, `"identity_freq"`); err != nil {
				return "", 0, err
			}
			if json.Unmarshal(raw, &n) == nil {
				freq, _ = n.Float64()
			}
		case "contexts", "blocks":
			if err := w.array(key, elem); err != nil {
				return "", 0, err
			}
		default:
			if err := w.skip(fmt.Sprintf("member %q", key)); err != nil {
				return "", 0, err
			}
		}
	}
	if _, err := w.token("the document's end"); err != nil {
		return "", 0, err
	}
	if _, err := w.dec.Token(); err != io.EOF {
		if err != nil {
			return "", 0, jsonErr(err, "JSON input: after the document")
		}
		return "", 0, formatErrf("JSON input: data after the document")
	}
	return format, freq, nil
}

func (w *docWalker) array(key string, elem func(string, int, json.RawMessage) error) error {
	t, err := w.token(fmt.Sprintf("%q", key))
	if err != nil {
		return err
	}
	if t == nil {
		return nil // null: no elements
	}
	if d, ok := t.(json.Delim); !ok || d != '[' {
		return formatErrf("JSON input: %q is %s, want an array", key, describe(t))
	}
	for i := 0; w.dec.More(); i++ {
		var raw json.RawMessage
		if err := w.value(&raw, fmt.Sprintf("%s[%d]", key, i)); err != nil {
			return err
		}
		if err := elem(key, i, raw); err != nil {
			return err
		}
	}
	_, err = w.token(fmt.Sprintf("the end of %q", key))
	return err
}

// describe names the kind of JSON value a token starts.
func describe(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		if v == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", t)
}

// contextRecord makes the block of one element of the seed's "contexts": a
// context is a JSON object (the seed reads its "score" member); its content
// is the object as compact JSON with sorted keys, numbers as written, no
// HTML escaping; importance from a numeric "score", else 0.5.
func contextRecord(i int, raw json.RawMessage) (Record, error) {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 || raw[0] != '{' {
		t, _ := json.NewDecoder(bytes.NewReader(raw)).Token()
		return Record{}, formatErrf("JSON input: contexts[%d] is %s, want a context object such as {\"content\": …, \"score\": 0.5}", i, describe(t))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return Record{}, errcode.Wrap("mem8", errcode.ErrFormat, err, "contexts[%d]", i)
	}
	var content bytes.Buffer
	enc := json.NewEncoder(&content)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(obj); err != nil {
		return Record{}, errcode.Wrap("mem8", errcode.ErrFormat, err, "contexts[%d]", i)
	}
	imp := float32(0.5)
	if n, ok := obj["score"].(json.Number); ok {
		if x, err := n.Float64(); err == nil {
			imp = float32(x)
		}
	}
	return Record{Content: bytes.TrimSuffix(content.Bytes(), []byte("\n")), Importance: imp}, nil
}

// exportRecord makes the block of one element of an export's "blocks".
func exportRecord(i int, raw json.RawMessage, freq float64) (Record, error) {
	if t := bytes.TrimLeft(raw, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return Record{}, formatErrf("JSON input: blocks[%d] is not an object", i)
	}
	var b exportBlock
	if err := json.Unmarshal(raw, &b); err != nil {
		return Record{}, errcode.Wrap("mem8", errcode.ErrFormat, err, "blocks[%d]", i)
	}
	var content []byte
	switch {
	case b.Content != nil && b.ContentBase64 != nil:
		return Record{}, formatErrf("blocks[%d]: both content and content_base64", i)
	case b.Content != nil:
		content = []byte(*b.Content)
	case b.ContentBase64 != nil:
		var err error
		if content, err = base64.StdEncoding.DecodeString(*b.ContentBase64); err != nil {
			return Record{}, errcode.Wrap("mem8", errcode.ErrFormat, err, "blocks[%d].content_base64", i)
		}
	}
	if b.WaveSignature != "" {
		sig := WaveSignature(content, freq)
		if b.WaveSignature != hex.EncodeToString(sig[:]) {
			return Record{}, errcode.New("mem8", errcode.ErrChecksum, "blocks[%d]: wave_signature does not match content at identity_freq %g", i, freq)
		}
	}
	return Record{Content: content, Importance: Dequantize(b.Importance), Token: b.Token, Timestamp: b.Timestamp}, nil
}

// ScanJSON reads a conversion document (plain or zlib) once, streaming, and
// checks every element that importing it into a file with these flags
// would append: the same checks as ImportJSON's first pass, without a file.
// The CLI uses it to learn an export's identity frequency before creating
// the output.
func ScanJSON(data []byte, flags Flags, lim *Limits) (JSONInfo, error) {
	return scanJSON(data, flags, NewTokenMap(), 0, nil, lim.orDefault())
}

// scanJSON is ImportJSON's first pass for a file with these flags, tokens
// and blocks; wave signatures are checked at sigFreq unless it is nil.
func scanJSON(data []byte, flags Flags, tm *TokenMap, have uint64, sigFreq *float64, l Limits) (JSONInfo, error) {
	r, err := jsonReader(data, l)
	if err != nil {
		return JSONInfo{}, err
	}
	var counts [2]int
	room := l.MaxImportBlocks
	if most := min(l.MaxBlocks, uint64(^uint32(0))); have >= most {
		room = 0
	} else {
		room = min(room, most-have)
	}
	format, freq, err := walk(r, func(key string, i int, raw json.RawMessage) error {
		k := 0
		if key == "blocks" {
			k = 1
		}
		counts[k]++
		if uint64(counts[k]) > room {
			return errcode.New("mem8", errcode.ErrLimit, "JSON input: %s has more than %d elements, the most one import may append (Limits.MaxImportBlocks %d, file holds %d blocks)", key, room, l.MaxImportBlocks, have)
		}
		var rec Record
		var err error
		if k == 0 {
			rec, err = contextRecord(i, raw)
		} else {
			var freq float64
			if sigFreq != nil {
				freq = *sigFreq
			}
			rec, err = exportRecord(i, raw, freq)
			if sigFreq == nil && errcode.Of(err) == errcode.Checksum {
				err = nil
			}
		}
		if err != nil {
			return err
		}
		_, define, err := planRecord(rec, flags, tm)
		if err != nil {
			return fmt.Errorf("%s[%d]: %w", key, i, err)
		}
		if define != "" && k == 1 {
			id, _ := tm.peekNext()
			tm.define(id, define)
		}
		return nil
	})
	if err != nil {
		return JSONInfo{}, err
	}
	info := JSONInfo{Format: format}
	switch format {
	case "":
		info.Blocks = counts[0]
	case ExportFormat:
		info.Blocks, info.IdentityFreq = counts[1], freq
	default:
		return JSONInfo{}, errcode.New("mem8", errcode.ErrUnsupported, "JSON format %q", format)
	}
	return info, nil
}

// ImportJSON appends to f the blocks described by a JSON document (plain or
// zlib) and returns how many it appended. Two shapes are accepted:
//
//   - the seed's: {"contexts": [ … ]}. Each element must be a context
//     object and becomes one block whose content is the object as compact
//     JSON with sorted keys, importance from its "score" (0.5 when absent
//     or not a number), timestamp now. An element that is not an object is
//     ErrFormat.
//   - ExportJSON's ({"format": "polyfmt.mem8.v1", "blocks": [ … ]}), which
//     restores every block's content, importance, timestamp and token
//     exactly; a wave signature that does not match is ErrChecksum.
//
// The document is streamed twice, never held whole: the first pass checks
// every element (shape, content size, tokens) and counts them against
// lim.MaxImportBlocks, so a document that fails appends nothing; the second
// appends. zlib input is bounded by lim.MaxJSONBytes and lim.MaxJSONRatio. A
// failure while appending (I/O, a full disk) leaves the blocks appended
// before it committed, each an append of its own, and the count says how
// many. lim nil means f's limits.
//
// progress, if not nil, is called after each block with (done, total).
func ImportJSON(f *File, data []byte, lim *Limits, progress func(done, total int)) (int, error) {
	l := f.lim
	if lim != nil {
		l = lim.orDefault()
	}
	hdr := f.Header()
	info, err := scanJSON(data, hdr.Flags, f.Tokens(), f.Count(), &hdr.IdentityFreq, l)
	if err != nil {
		return 0, err
	}
	want := "contexts"
	if info.Format == ExportFormat {
		want = "blocks"
	}
	r, err := jsonReader(data, l)
	if err != nil {
		return 0, err
	}
	done := 0
	_, _, err = walk(r, func(key string, i int, raw json.RawMessage) error {
		if key != want {
			return nil
		}
		var rec Record
		var err error
		if key == "contexts" {
			rec, err = contextRecord(i, raw)
		} else {
			rec, err = exportRecord(i, raw, hdr.IdentityFreq)
		}
		if err != nil {
			return err
		}
		if _, err := f.AppendRecord(rec); err != nil {
			return fmt.Errorf("%s[%d]: %w", key, i, err)
		}
		done++
		if progress != nil {
			progress(done, info.Blocks)
		}
		return nil
	})
	return done, err
}
