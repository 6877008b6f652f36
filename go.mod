module github.com/polyfmt/polyfmt

go 1.25.0

require (
	github.com/klauspost/compress v1.20.3
	github.com/pierrec/lz4/v4 v4.1.33
	github.com/tetratelabs/wazero v1.12.0
	golang.org/x/crypto v0.55.0
	golang.org/x/sys v0.47.0
	lukechampine.com/blake3 v1.4.1
)

require github.com/klauspost/cpuid/v2 v2.0.9 // indirect

// npm packages may ship Go files (eslint's flatted does): not ours to vet or test.
ignore node_modules
