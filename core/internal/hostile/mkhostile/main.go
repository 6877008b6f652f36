// Command mkhostile writes the hostile MMX shapes of package hostile to
// files, each after a small valid .mmx, for benchmarks and a corpus:
//
//	mkhostile flood N OUT      N trailers naming offset 4096
//	mkhostile zeros BYTES OUT  BYTES of zeros (a hole), then one trailer
//	mkhostile heads N FILL OUT N crafted record heads, FILL bytes, N trailers
//	mkhostile commits N OUT    N commits of one small chunk each (dead space)
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/polyfmt/polyfmt/core/internal/hostile"
	"github.com/polyfmt/polyfmt/core/mmx"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mkhostile:", err)
		os.Exit(1)
	}
}

func base() ([]byte, error) {
	f, err := mmx.NewMem(nil, &mmx.Options{Creator: "mkhostile"})
	if err != nil {
		return nil, err
	}
	if err := f.WriteText("notes/committed", &mmx.Text{Content: "this commit must stay reachable"}, nil); err != nil {
		return nil, err
	}
	if err := f.Commit(); err != nil {
		return nil, err
	}
	return f.Bytes(), nil
}

func run(args []string) error {
	num := func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }
	if len(args) < 3 {
		return fmt.Errorf("usage: mkhostile flood N OUT | zeros BYTES OUT | heads N FILL OUT | commits N OUT")
	}
	n, err := num(args[1])
	if err != nil {
		return err
	}
	switch args[0] {
	case "flood", "zeros":
		b, err := base()
		if err != nil {
			return err
		}
		out := args[2]
		if args[0] == "flood" {
			return os.WriteFile(out, hostile.TrailerFlood(b, int(n)), 0o644)
		}
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		if _, err := hostile.ZerosThenTrailer(f, b, n); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	case "heads":
		if len(args) < 4 {
			return fmt.Errorf("heads N FILL OUT")
		}
		fill, err := num(args[2])
		if err != nil {
			return err
		}
		b, err := base()
		if err != nil {
			return err
		}
		return os.WriteFile(args[3], hostile.CraftedHeads(b, int(n), int(fill)), 0o644)
	case "commits":
		f, err := mmx.Create(args[2], &mmx.Options{NoSync: true})
		if err != nil {
			return err
		}
		for i := range n {
			if err := f.WriteText(fmt.Sprintf("notes/%06d", i), &mmx.Text{Content: fmt.Sprint("note ", i)}, nil); err != nil {
				f.Close()
				return err
			}
			if err := f.Commit(); err != nil {
				f.Close()
				return err
			}
		}
		return f.Close()
	}
	return fmt.Errorf("unknown shape %q", args[0])
}
