package vsf

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// The table's own rules: sorted, names unique, aliases unique and never
// shadowing a canonical name, units matching the suffix, types known.
func TestRegistryTable(t *testing.T) {
	kinds := map[string]bool{"text": true, "name": true, "time": true, "bool": true, "key": true, "hash": true, "sig": true}
	owner := map[string]string{}
	for i, k := range registry {
		if i > 0 && registry[i-1].Name >= k.Name {
			t.Errorf("registry not sorted at %q", k.Name)
		}
		if k.Name != strings.ToLower(k.Name) || strings.ContainsAny(k.Name, " -.") {
			t.Errorf("%q is not lowercase snake_case", k.Name)
		}
		if UnitOf(k.Name) != k.Unit {
			t.Errorf("%q: Unit %q, its suffix says %q", k.Name, k.Unit, UnitOf(k.Name))
		}
		if _, ok := ParseType(k.Type); !ok && !kinds[k.Type] {
			t.Errorf("%q: unknown type %q", k.Name, k.Type)
		}
		if k.Doc == "" {
			t.Errorf("%q has no doc", k.Name)
		}
		for _, n := range append([]string{k.Name}, k.Aliases...) {
			if o, dup := owner[n]; dup {
				t.Errorf("%q is both %s's and %s's", n, o, k.Name)
			}
			owner[n] = k.Name
		}
	}
	for _, k := range registry {
		for _, a := range k.Aliases {
			if o, ok := regByLower[strings.ToLower(a)]; ok && registry[o].Name != k.Name {
				t.Errorf("alias %q of %s reads as %s in another case", a, k.Name, registry[o].Name)
			}
		}
	}
	// Registry is a copy.
	r := Registry()
	r[0].Aliases[0] = "changed"
	r[1].Name = "changed"
	if registry[0].Aliases[0] == "changed" || registry[1].Name == "changed" {
		t.Fatal("Registry shares the table")
	}
}

func TestCanonical(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{
		{"iso_speed", "iso_speed"}, {"ISO", "iso_speed"}, {"iso", "iso_speed"}, {"ISOSpeed", "iso_speed"},
		{"ISO_Speed", "iso_speed"}, {"FOCAL_LENGTH_MM", "focal_length_mm"}, {"GPSLatitude", "latitude_deg"},
		{"PatientWeight", "patient_mass_kg"}, {"pubkey", "public_key"},
		{"Iso", ""}, {"isospeed", ""}, {"unknown_key", ""}, {"", ""},
	} {
		k, ok := Canonical(c.in)
		if ok != (c.want != "") || k.Name != c.want {
			t.Errorf("Canonical(%q) = %q, %v; want %q", c.in, k.Name, ok, c.want)
		}
	}
	k, _ := Canonical("iso_speed")
	if k.Type != "u5" || k.Unit != "" || !slices.Contains(k.Aliases, "ISOSpeed") {
		t.Errorf("iso_speed = %+v", k)
	}
}

func TestUnitOf(t *testing.T) {
	for in, want := range map[string]string{
		"shutter_time_ns": "ns", "readout_time_us": "us", "delay_ms": "ms", "duration_s": "s",
		"focal_length_mm": "mm", "altitude_m": "m", "distance_km": "km", "patient_mass_kg": "kg",
		"sample_mass_g": "g", "heading_deg": "deg", "rotation_rad": "rad", "frame_rate_hz": "hz",
		"width_px": "px", "exposure_bias_ev": "ev", "sensor_temperature_c": "c",
		"iso_speed": "", "_mm": "", "status": "", "focal_length_MM": "", "mm": "",
	} {
		if got := UnitOf(in); got != want {
			t.Errorf("UnitOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeFields(t *testing.T) {
	key := Key{Alg: 'e', Key: make([]byte, 32)}
	for _, c := range []struct {
		name    string
		in, out []Field
		err     string
	}{
		{"aliases renamed, order kept",
			[]Field{{"ISO", U('5', 800)}, {"Model", Text("X100")}, {"GPSLatitude", F64Value(51.5)}},
			[]Field{{"iso_speed", U('5', 800)}, {"camera_model", Text("X100")}, {"latitude_deg", F64Value(51.5)}}, ""},
		{"integers and floats widened",
			[]Field{{"iso", U('3', 200)}, {"width_px", U('4', 4096)}, {"focal_length_mm", F32Value(35)}, {"balance", U('6', 1<<60)}},
			[]Field{{"iso_speed", U('5', 200)}, {"width_px", U('5', 4096)}, {"focal_length_mm", F64Value(35)}, {"balance", Uint{W: '7', V: U64(1 << 60)}}}, ""},
		{"unknown keys kept",
			[]Field{{"my_key", Text("x")}, {"ISO", U('5', 100)}, {"Other", U('3', 1)}},
			[]Field{{"my_key", Text("x")}, {"iso_speed", U('5', 100)}, {"Other", U('3', 1)}}, ""},
		{"other kinds", []Field{{"pubkey", key}, {"Title", Text("t")}, {"created", TimeSeconds(5)}},
			[]Field{{"public_key", key}, {"title", Text("t")}, {"created", TimeSeconds(5)}}, ""},
		{"empty", nil, []Field{}, ""},
		{"u6 for a u5 key", []Field{{"ISO", U('6', 100)}}, nil, `field "ISO" (iso_speed): the registry wants u5, the value is u6`},
		{"signed for unsigned", []Field{{"iso_speed", I('5', 100)}}, nil, "wants u5, the value is i5"},
		{"f6 for an f5 key", []Field{{"heading_deg", F64Value(90)}}, nil, "wants f5, the value is f6"},
		{"text for a number", []Field{{"width", Text("4096")}}, nil, "wants u5, the value is text"},
		{"name for text", []Field{{"title", Name("t")}}, nil, "wants text, the value is name"},
		{"tensor for text", []Field{{"author", &Tensor{Elem: U8}}}, nil, "wants text, the value is tensor"},
		{"nil value", []Field{{"author", nil}}, nil, "the value is nothing"},
		{"alias and canonical", []Field{{"iso_speed", U('5', 1)}, {"ISO", U('5', 2)}}, nil, `fields 0 ("iso_speed") and 1 ("ISO") are both "iso_speed"`},
		{"two aliases", []Field{{"lat", F64Value(1)}, {"x", Text("")}, {"latitude", F64Value(2)}}, nil, `fields 0 ("lat") and 2 ("latitude")`},
		{"unknown duplicate", []Field{{"a", Text("")}, {"a", Text("")}}, nil, `are both "a"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := slices.Clone(c.in)
			got, err := NormalizeFields(c.in)
			if c.err != "" {
				if !errors.Is(err, errcode.ErrBadArg) || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got %v, want ErrBadArg with %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.out) {
				t.Fatalf("got %+v\nwant %+v", got, c.out)
			}
			if !reflect.DeepEqual(in, c.in) {
				t.Fatal("NormalizeFields changed its input")
			}
			// What it returns encodes, and is already normal.
			if _, err := AppendValue(nil, &Struct{Fields: got}); err != nil && len(got) > 0 {
				t.Fatal(err)
			}
			again, err := NormalizeFields(got)
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("not idempotent: %+v, %v", again, err)
			}
		})
	}
}
