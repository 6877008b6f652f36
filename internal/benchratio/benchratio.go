// Package benchratio records one line per measured ratio — polyfmt beside a
// peer or a floor, measured in the same run — for the table `make bench`
// prints at its end (bench/table.py).
//
// A benchmark calls Report; nothing is written unless the environment
// variable POLYFMT_RATIOS names a file, to which one JSON object per line is
// appended:
//
//	{"measure": "MMX warm read, 16×8 MiB float32", "ours": 5120.3,
//	 "peer": 4597.1, "peer_name": "safetensors safe_open", "unit": "MB/s",
//	 "goal": ">= 1.0", "source": "bench/mmx_python.py"}
//
// The ratio shown is always ours ÷ peer. goal is a comparison of that ratio
// with a number (">= 1.0" for a throughput at least the peer's, "<= 2.0" for
// a cost within twice a floor, "<= 1.0" for a size within a budget), or ""
// when the line is for information. Python and JavaScript benchmarks append
// the same JSON lines to the same file.
package benchratio

import (
	"encoding/json"
	"os"
	"sync"
)

// Env names the file the lines are appended to.
const Env = "POLYFMT_RATIOS"

// Line is one measured ratio.
type Line struct {
	Measure  string  `json:"measure"`
	Ours     float64 `json:"ours"`
	Peer     float64 `json:"peer"`
	PeerName string  `json:"peer_name"`
	Unit     string  `json:"unit"`
	Goal     string  `json:"goal"`
	Source   string  `json:"source"`
}

var mu sync.Mutex

// Report appends l to the file named by $POLYFMT_RATIOS, if set. A failure
// to write is returned; benchmarks pass it to b.Fatal.
func Report(l Line) error {
	path := os.Getenv(Env)
	if path == "" {
		return nil
	}
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
