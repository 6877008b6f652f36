package mem8

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// ExportFormat names the document ExportJSON writes and ImportJSON restores exactly.
const ExportFormat = "polyfmt.mem8.v1"

// DecodeJSONInput returns the JSON text of a conversion input: zlib
// (starting 78 9C or 78 DA, as the seed checks) is inflated, anything else
// is taken as plain JSON. The result is bounded by lim.MaxJSONBytes.
func DecodeJSONInput(data []byte, lim *Limits) ([]byte, error) {
	l := lim.orDefault()
	if len(data) >= 2 && data[0] == 0x78 && (data[1] == 0x9C || data[1] == 0xDA) {
		zr, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, errcode.Wrap("mem8", errcode.ErrFormat, err, "zlib input")
		}
		out, err := io.ReadAll(io.LimitReader(zr, l.MaxJSONBytes+1))
		if err != nil {
			return nil, errcode.Wrap("mem8", errcode.ErrFormat, err, "zlib input")
		}
		if int64(len(out)) > l.MaxJSONBytes {
			return nil, errcode.New("mem8", errcode.ErrLimit, "zlib input inflates past %d bytes", l.MaxJSONBytes)
		}
		return out, nil
	}
	if int64(len(data)) > l.MaxJSONBytes {
		return nil, errcode.New("mem8", errcode.ErrLimit, "JSON input is %d bytes, limit %d", len(data), l.MaxJSONBytes)
	}
	return data, nil
}

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

// ImportJSON appends to f the blocks described by a JSON document (plain or
// zlib) and returns how many it appended. Two shapes are accepted:
//
//   - the seed's: {"contexts": [ … ]}. Each element becomes one block whose
//     content is the element as compact JSON with sorted keys, importance
//     from its "score" (0.5 when absent or not a number), timestamp now.
//   - ExportJSON's ({"format": "polyfmt.mem8.v1", "blocks": [ … ]}), which
//     restores every block's content, importance, timestamp and token
//     exactly; a wave signature that does not match is ErrChecksum.
//
// progress, if not nil, is called after each block with (done, total).
func ImportJSON(f *File, data []byte, lim *Limits, progress func(done, total int)) (int, error) {
	text, err := DecodeJSONInput(data, lim)
	if err != nil {
		return 0, err
	}
	var doc struct {
		Format   string            `json:"format"`
		Contexts []json.RawMessage `json:"contexts"`
		Blocks   []exportBlock     `json:"blocks"`
	}
	if err := json.Unmarshal(text, &doc); err != nil {
		return 0, errcode.Wrap("mem8", errcode.ErrFormat, err, "JSON input")
	}
	if doc.Format == ExportFormat {
		return importExport(f, doc.Blocks, progress)
	}
	if doc.Format != "" {
		return 0, errcode.New("mem8", errcode.ErrUnsupported, "JSON format %q", doc.Format)
	}
	for i, raw := range doc.Contexts {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return i, errcode.Wrap("mem8", errcode.ErrFormat, err, "contexts[%d]", i)
		}
		var content bytes.Buffer
		enc := json.NewEncoder(&content)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return i, errcode.Wrap("mem8", errcode.ErrFormat, err, "contexts[%d]", i)
		}
		imp := float32(0.5)
		if obj, ok := v.(map[string]any); ok {
			if n, ok := obj["score"].(json.Number); ok {
				if x, err := n.Float64(); err == nil {
					imp = float32(x)
				}
			}
		}
		c := bytes.TrimSuffix(content.Bytes(), []byte("\n"))
		if _, err := f.AppendRecord(Record{Content: c, Importance: imp}); err != nil {
			return i, fmt.Errorf("contexts[%d]: %w", i, err)
		}
		if progress != nil {
			progress(i+1, len(doc.Contexts))
		}
	}
	return len(doc.Contexts), nil
}

func importExport(f *File, blocks []exportBlock, progress func(done, total int)) (int, error) {
	freq := f.Header().IdentityFreq
	for i, b := range blocks {
		var content []byte
		switch {
		case b.Content != nil && b.ContentBase64 != nil:
			return i, errcode.New("mem8", errcode.ErrFormat, "blocks[%d]: both content and content_base64", i)
		case b.Content != nil:
			content = []byte(*b.Content)
		case b.ContentBase64 != nil:
			var err error
			if content, err = base64.StdEncoding.DecodeString(*b.ContentBase64); err != nil {
				return i, errcode.Wrap("mem8", errcode.ErrFormat, err, "blocks[%d].content_base64", i)
			}
		}
		if b.WaveSignature != "" {
			sig := WaveSignature(content, freq)
			if b.WaveSignature != hex.EncodeToString(sig[:]) {
				return i, errcode.New("mem8", errcode.ErrChecksum, "blocks[%d]: wave_signature does not match content at identity_freq %g", i, freq)
			}
		}
		r := Record{Content: content, Importance: Dequantize(b.Importance), Token: b.Token, Timestamp: b.Timestamp}
		if _, err := f.AppendRecord(r); err != nil {
			return i, fmt.Errorf("blocks[%d]: %w", i, err)
		}
		if progress != nil {
			progress(i+1, len(blocks))
		}
	}
	return len(blocks), nil
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
