package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/mmx"
)

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"frames/00001":      "frames/00001",
		"日本/ü":              "日本/ü",
		"evil\u202etxt.exe": `"evil\u202etxt.exe"`, // right-to-left override
		"\ufeffbom":         `"\ufeffbom"`,         // byte order mark
		"zero\u200bwidth":   `"zero\u200bwidth"`,
		"nb\u00a0space":     `"nb\u00a0space"`,
		"esc\x1b[31m":       `"esc\x1b[31m"`,
		"bad\xffutf8":       `"bad\xffutf8"`,
		"with space":        `"with space"`,
		`"quoted"`:          `"\"quoted\""`, // a bare name never starts with a quote
		`back\slash`:        `"back\\slash"`,
		"":                  `""`,
	} {
		if got := safeName(in); got != want {
			t.Errorf("safeName(%q) = %s, want %s", in, got, want)
		}
	}
	if got := safeText("chunk evil\u202egnp.exe: bad\xff\nnext\tline"); got != `chunk evil\u202egnp.exe: bad\xff`+"\nnext\tline" {
		t.Errorf("safeText: %q", got)
	}
}

// Names with bidi controls, a BOM or other format characters, and regions
// with control characters, are printed escaped by every command.
func TestSafeNamesInOutput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "names.mmx")
	f, err := mmx.Create(path, &mmx.Options{Creator: "names"})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{
		"evil\u202etxt.exe": `"evil\u202etxt.exe"`,
		"\ufeffbom":         `"\ufeffbom"`,
		"plain/name":        "plain/name",
	}
	for n := range names {
		if err := f.WriteText(n, &mmx.Text{Content: "x"}, &mmx.WriteOptions{LogicalRegion: "\x1b[31mred\u202e"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.WriteTensor("t\u2066iso", mmx.Float32Tensor([]uint64{1}, []float32{1}), nil); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	raw := func(s string) bool { return strings.ContainsAny(s, "\u202e\ufeff\u2066\x1b") }

	code, out, errs := runCLI("ls", path)
	if code != 0 || raw(out) {
		t.Fatalf("ls: %d %q %q", code, out, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := map[string]bool{`"t\u2066iso"`: true}
	for _, q := range names {
		want[q] = true
	}
	for _, l := range lines {
		if !want[l] {
			t.Errorf("ls printed %q", l)
		}
		delete(want, l)
	}
	if len(want) > 0 {
		t.Errorf("ls did not print %v:\n%s", want, out)
	}
	for _, args := range [][]string{
		{"ls", "-l", path},
		{"inspect", path},
		{"verify", path},
		{"cat", path, "evil\u202etxt.exe"},
		{"cat", path, "t\u2066iso"},
		{"cat", path, "no\u202esuch"},
		{"export", path, "\ufeffbom", filepath.Join(t.TempDir(), "x.npy")},
	} {
		code, out, errs := runCLI(args...)
		if raw(out) || raw(errs) {
			t.Errorf("%s: %d printed a raw control or format character:\n%q\n%q", args[0], code, out, errs)
		}
	}
	// JSON output: the same strings, escaped as JSON allows.
	f2, err := mmx.OpenFile(path, os.O_RDWR, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f2.WriteJSON("meta", map[string]string{"k\u202e": "v\ufeff\U0001F600"}, nil); err != nil {
		t.Fatal(err)
	}
	f2.Close()
	code, out, _ = runCLI("cat", path, "meta")
	if code != 0 || raw(out) || !strings.Contains(out, `"k\u202e": "v\ufeff😀"`) {
		t.Errorf("cat meta: %d\n%s", code, out)
	}
	var v struct{ Data map[string]string }
	if err := json.Unmarshal([]byte(out), &v); err != nil || v.Data["k\u202e"] != "v\ufeff\U0001F600" {
		t.Errorf("cat meta is not the same JSON: %v %v", err, v)
	}
	if _, out, _ := runCLI("ls", "-l", path); !strings.Contains(out, `"\x1b[31mred\u202e"`) || !strings.Contains(out, `"evil\u202etxt.exe"  Text`) {
		t.Errorf("ls -l:\n%s", out)
	}
}
