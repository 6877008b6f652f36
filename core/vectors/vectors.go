// Package vectors loads the shared test vectors in core/testdata, which the
// Go, wazero, Python and JS tests all run with the same expectations.
package vectors

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Mem8 mirrors core/testdata/mem8/manifest.json.
type Mem8 struct {
	Dir   string `json:"-"`
	Cases []struct {
		Name   string      `json:"name"`
		File   string      `json:"file"`
		Error  string      `json:"error"`
		Expect *Mem8Expect `json:"expect"`
	} `json:"cases"`
}

// Mem8Expect is what reading one vector must give.
type Mem8Expect struct {
	Count         uint64      `json:"count"`
	Flags         uint8       `json:"flags"`
	IdentityFreq  float64     `json:"identity_freq"`
	TemporalPhase float64     `json:"temporal_phase"`
	RecoveryClean bool        `json:"recovery_clean"`
	Tokens        []string    `json:"tokens"`
	Blocks        []Mem8Block `json:"blocks"`
	Queries       []struct {
		Keywords []string `json:"keywords"`
		Result   []uint64 `json:"result"`
	} `json:"queries"`
	Verify struct {
		Status   string `json:"status"`
		BadBlock int64  `json:"bad_block"`
	} `json:"verify"`
}

// Mem8Block is one expected block.
type Mem8Block struct {
	Index         uint64  `json:"index"`
	Timestamp     uint64  `json:"timestamp"`
	ImportanceRaw uint16  `json:"importance_raw"`
	TokenID       uint16  `json:"token_id"`
	Token         string  `json:"token"`
	WaveSignature string  `json:"wave_signature"`
	PrevHash      string  `json:"prev_hash"`
	Content       *string `json:"content"`
	ContentHex    *string `json:"content_hex"`
}

// Bytes is the expected content.
func (b *Mem8Block) Bytes() []byte {
	if b.Content != nil {
		return []byte(*b.Content)
	}
	if b.ContentHex != nil {
		c, _ := hex.DecodeString(*b.ContentHex)
		return c
	}
	return nil
}

// Root finds core/testdata by walking up from the working directory to the
// directory holding go.mod.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "core", "testdata"), nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", fmt.Errorf("vectors: no go.mod above the working directory")
		}
		dir = up
	}
}

// LoadMem8 reads the MEM8 manifest.
func LoadMem8() (*Mem8, error) {
	root, err := Root()
	if err != nil {
		return nil, err
	}
	m := &Mem8{Dir: filepath.Join(root, "mem8")}
	b, err := os.ReadFile(filepath.Join(m.Dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("vectors: mem8 manifest: %w", err)
	}
	if len(m.Cases) == 0 {
		return nil, fmt.Errorf("vectors: mem8 manifest has no cases")
	}
	return m, nil
}

// MorkContainers mirrors core/testdata/mork/containers/manifest.json,
// which core/mork's TestGolden writes.
type MorkContainers struct {
	Dir   string     `json:"-"`
	About string     `json:"about"`
	Cases []MorkCase `json:"cases"`
}

// MorkCase is one MORK container and what opening it must give.
type MorkCase struct {
	File        string   `json:"file"`
	Kind        string   `json:"kind"`
	Version     string   `json:"version,omitempty"`
	Paths       []string `json:"paths,omitempty"`  // printed, in order
	Values      []string `json:"values,omitempty"` // decimal, beside Paths
	Symbols     int      `json:"symbols"`
	Interned    bool     `json:"interned,omitempty"`
	OpenError   string   `json:"open_error,omitempty"`   // PF_E… of a failed open
	VerifyError string   `json:"verify_error,omitempty"` // PF_E… of a failed verify
	About       string   `json:"about"`
}

// MorkExpr mirrors core/testdata/mork/expr.json, which core/mork/expr's
// tests write: MeTTa text, its encoding and its printing, and texts that
// must fail.
type MorkExpr struct {
	Cases []struct {
		Text    string `json:"text"`
		Hex     string `json:"hex"`
		Printed string `json:"printed"`
	} `json:"cases"`
	Errors []struct {
		Text   string `json:"text"`
		Code   string `json:"code"` // "format" or "limit"
		Line   int    `json:"line"`
		Column int    `json:"column"`
	} `json:"errors"`
}

// LoadMorkContainers reads the MORK container manifest.
func LoadMorkContainers() (*MorkContainers, error) {
	m := &MorkContainers{}
	dir, err := load(filepath.Join("mork", "containers", "manifest.json"), m)
	if err == nil && len(m.Cases) == 0 {
		err = fmt.Errorf("vectors: the MORK container manifest has no cases")
	}
	m.Dir = dir
	return m, err
}

// LoadMorkExpr reads the MORK expression vectors.
func LoadMorkExpr() (*MorkExpr, error) {
	m := &MorkExpr{}
	_, err := load(filepath.Join("mork", "expr.json"), m)
	if err == nil && (len(m.Cases) == 0 || len(m.Errors) == 0) {
		err = fmt.Errorf("vectors: the MORK expression vectors are empty")
	}
	return m, err
}

// load decodes the JSON file rel (under core/testdata) into v and returns
// its directory.
func load(rel string, v any) (string, error) {
	root, err := Root()
	if err != nil {
		return "", err
	}
	path := filepath.Join(root, rel)
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return "", fmt.Errorf("vectors: %s: %w", rel, err)
	}
	return filepath.Dir(path), nil
}
