package benchratio

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	t.Setenv(Env, "")
	if err := Report(Line{Measure: "nowhere"}); err != nil {
		t.Fatalf("without %s: %v", Env, err)
	}
	path := filepath.Join(t.TempDir(), "r.jsonl")
	t.Setenv(Env, path)
	want := []Line{
		{Measure: "a", Ours: 2, Peer: 1, PeerName: "p", Unit: "MB/s", Goal: ">= 1.0", Source: "test"},
		{Measure: "b ÷ c", Ours: 0.5, Peer: 4, PeerName: "q", Unit: "ns", Source: "test"},
	}
	for _, l := range want {
		if err := Report(l); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines: %q", len(lines), b)
	}
	for i, s := range lines {
		var got Line
		if err := json.Unmarshal([]byte(s), &got); err != nil || got != want[i] {
			t.Fatalf("line %d = %s (%v), want %+v", i, s, err, want[i])
		}
	}
	t.Setenv(Env, filepath.Join(t.TempDir(), "missing", "r.jsonl"))
	if err := Report(want[0]); err == nil {
		t.Fatal("a file that cannot be opened reported no error")
	}
}
