package expr

import (
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

func TestLimitsResolve(t *testing.T) {
	var nilLim *Limits
	if l, err := nilLim.resolve(); err != nil || l != DefaultLimits {
		t.Fatalf("nil: %+v %v", l, err)
	}
	if l, err := (&Limits{}).resolve(); err != nil || l != DefaultLimits {
		t.Fatalf("zero: %+v %v", l, err)
	}
	if DefaultLimits != (Limits{MaxDepth: 256, MaxExprBytes: 1 << 20, MaxTokenBytes: 4096}) {
		t.Fatalf("documented defaults changed: %+v", DefaultLimits)
	}
	l, err := (&Limits{MaxDepth: 3}).resolve()
	if err != nil || l.MaxDepth != 3 || l.MaxExprBytes != DefaultLimits.MaxExprBytes || l.MaxTokenBytes != DefaultLimits.MaxTokenBytes {
		t.Fatalf("one field set: %+v %v", l, err)
	}
	for _, bad := range []Limits{{MaxDepth: -1}, {MaxExprBytes: -2}, {MaxTokenBytes: -3}} {
		if _, err := bad.resolve(); errcode.Of(err) != errcode.BadArg {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}
