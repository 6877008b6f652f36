module github.com/polyfmt/polyfmt

go 1.25.0

require (
	github.com/klauspost/compress v1.20.3
	github.com/pierrec/lz4/v4 v4.1.33
	github.com/tetratelabs/wazero v1.12.0
)

require golang.org/x/sys v0.44.0 // indirect

// npm packages may ship Go files (eslint's flatted does): not ours to vet or test.
ignore node_modules
