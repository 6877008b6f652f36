package act

import "path/filepath"

// vectorDir holds the shared ArenaCompactTree vectors.
var vectorDir = filepath.Join("..", "..", "testdata", "mork", "act")
