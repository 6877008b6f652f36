// Package hostile holds the hostile corpus: small MEM8, MEM8-JSON, MMX and
// MORK files that each try for a large effect, and manifest.json, the
// outcome every surface (CLI, Python, JS) must give for each, within a
// memory budget. gen/main.go writes them; the runners are cmd/polyfmt's
// hostile_test.go, bindings/python/tests/test_hostile.py and
// bindings/js/test/hostile.test.js.
package hostile

//go:generate go run ./gen .
