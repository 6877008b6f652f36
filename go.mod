module github.com/polyfmt/polyfmt

go 1.25.0
