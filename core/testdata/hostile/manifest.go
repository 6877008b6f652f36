package hostile

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Expect is each surface's outcome for one file. An outcome is "ok", a
// status name ("PF_ELIMIT"), or a list of acceptable status names.
//
// Read is reading everything the file holds, after a successful open:
// MEM8, every block; MMX, the chunk named by Case.Chunk; MORK, walking
// every path: the path count (Go's Len, Python's len(), JS's length), then
// every path with its value (Walk, paths()). A MORK case's CLI verbs are
// inspect (-json), verify and convert (to a space file, .mtts).
type Expect struct {
	Open   any            `json:"open,omitempty"`   // read-only open of the file (MORK: by path and from bytes)
	Read   any            `json:"read,omitempty"`   // see above
	Verify any            `json:"verify,omitempty"` // the library's verify after a successful open (absent: not checked)
	Import any            `json:"import,omitempty"` // MEM8 JSON: import into a new in-memory file
	Blocks *uint64        `json:"blocks,omitempty"` // MEM8: blocks a successful open accepts
	CLI    map[string]int `json:"cli"`              // verb → exit status
}

// Case is one corpus file.
type Case struct {
	Name    string `json:"name"`
	File    string `json:"file"`
	Format  string `json:"format"` // "mem8", "mem8-json", "mmx" or "mork" (any of its containers, told by the first bytes)
	Attacks string `json:"attacks"`
	Chunk   string `json:"chunk,omitempty"` // MMX: the chunk Read and `cat` read
	Expect  Expect `json:"expect"`
}

// Manifest is manifest.json.
type Manifest struct {
	Comment string `json:"comment"`
	// BudgetRSSMiB is the peak resident memory any one operation on any
	// file may reach, on every surface (a process's max RSS, measured by its
	// parent).
	BudgetRSSMiB int    `json:"budget_rss_mib"`
	Cases        []Case `json:"cases"`
}

// Load reads dir/manifest.json.
func Load(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if m.BudgetRSSMiB <= 0 || len(m.Cases) == 0 {
		return nil, fmt.Errorf("hostile manifest: budget %d MiB, %d cases", m.BudgetRSSMiB, len(m.Cases))
	}
	return &m, nil
}
