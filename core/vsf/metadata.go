package vsf

import (
	"strings"
)

// The metadata registry (the seed's phase 2): canonical field names, the
// aliases other formats and habits use for them, the type each must have,
// and units spelled in the name.
//
// A canonical key is lowercase snake_case. A key that measures something
// ends in its unit:
//
//	_ns _us _ms _s      nanoseconds, microseconds, milliseconds, seconds
//	_mm _m _km          millimetres, metres, kilometres
//	_kg _g              kilograms, grams
//	_deg _rad           degrees, radians
//	_hz                 hertz
//	_px                 pixels
//	_ev                 exposure value (stops)
//	_c                  degrees Celsius
//
// Types are named as Type.String spells them ("u5", "f6") or by kind:
// "text" (x), "name" (d), "time" (Eagle Time), "bool", "key" (k), "hash"
// (h), "sig" (g). The registry is a table in this file; it is sorted by
// name and the same in every build.

// MetaKey is one registered metadata key.
type MetaKey struct {
	Name    string   // canonical name
	Type    string   // the type a value must have: "u5", "f6", "text", "time", …
	Unit    string   // the unit suffix of Name without its underscore ("mm"), or ""
	Aliases []string // other names that mean this key, matched exactly
	Doc     string   // one line: what the value is, and its domain
}

// registry is sorted by Name. Aliases are unique across the table and
// never a canonical name (TestRegistryTable checks).
var registry = []MetaKey{
	{"accuracy_m", "f5", "m", []string{"GPSHPositioningError", "horizontal_accuracy"}, "geo: horizontal position uncertainty, one standard deviation"},
	{"altitude_m", "f6", "m", []string{"GPSAltitude", "altitude", "alt"}, "geo: height above mean sea level"},
	{"aperture_f_number", "f5", "", []string{"FNumber", "fnumber", "f_number"}, "imaging: the f-number (focal length over entrance pupil)"},
	{"author", "text", "", []string{"Author", "Artist", "creator"}, "generic: who made the content"},
	{"balance", "u7", "", []string{"Balance"}, "token: an account balance in the smallest unit"},
	{"bits_per_sample", "u3", "", []string{"BitsPerSample", "bit_depth"}, "imaging: significant bits of one sample"},
	{"body_temperature_c", "f5", "c", []string{"BodyTemperature"}, "medical: the patient's body temperature"},
	{"camera_make", "text", "", []string{"Make", "make"}, "imaging: the camera's manufacturer"},
	{"camera_model", "text", "", []string{"Model", "model"}, "imaging: the camera's model"},
	{"capture_time", "time", "", []string{"DateTimeOriginal", "capture_date"}, "imaging: when the exposure started"},
	{"copyright", "text", "", []string{"Copyright"}, "generic: the copyright notice"},
	{"created", "time", "", []string{"CreateDate", "date_created", "creation_time"}, "generic: when the file's content was created"},
	{"description", "text", "", []string{"Description", "ImageDescription"}, "generic: what the content is"},
	{"distance_km", "f6", "km", []string{"GPSDestDistance"}, "geo: a distance over the ground"},
	{"exam_time", "time", "", []string{"StudyDate", "exam_date"}, "medical: when the exam took place"},
	{"exposure_bias_ev", "f5", "ev", []string{"ExposureBiasValue", "ExposureCompensation", "exposure_compensation"}, "imaging: exposure compensation in stops"},
	{"fee", "u6", "", []string{"Fee"}, "token: a transaction's fee in the smallest unit"},
	{"focal_length_mm", "f6", "mm", []string{"FocalLength", "focal_length"}, "imaging: the lens's focal length"},
	{"frame_rate_hz", "f6", "hz", []string{"FrameRate", "fps"}, "imaging: frames per second of a video or burst"},
	{"heading_deg", "f5", "deg", []string{"GPSImgDirection", "heading", "bearing"}, "geo: direction faced, clockwise from north"},
	{"height_px", "u5", "px", []string{"ImageHeight", "ImageLength", "height"}, "imaging: image height"},
	{"iso_speed", "u5", "", []string{"ISO", "iso", "ISOSpeed", "ISOSpeedRatings"}, "imaging: sensor sensitivity (ISO 12232)"},
	{"latitude_deg", "f6", "deg", []string{"GPSLatitude", "latitude", "lat"}, "geo: WGS 84 latitude, north positive"},
	{"lens_model", "text", "", []string{"LensModel", "lens"}, "imaging: the lens's model"},
	{"longitude_deg", "f6", "deg", []string{"GPSLongitude", "longitude", "lon", "lng"}, "geo: WGS 84 longitude, east positive"},
	{"modality", "text", "", []string{"Modality"}, "medical: the imaging modality (CT, MR, XR, US, …)"},
	{"modified", "time", "", []string{"ModifyDate", "date_modified", "modification_time"}, "generic: when the content last changed"},
	{"nonce", "u6", "", []string{"Nonce"}, "token: a sender's transaction sequence number"},
	{"patient_height_mm", "u5", "mm", []string{"patient_height"}, "medical: the patient's standing height"},
	{"patient_id", "text", "", []string{"PatientID"}, "medical: the patient's identifier at the issuing site"},
	{"patient_mass_kg", "f6", "kg", []string{"PatientWeight", "patient_weight_kg"}, "medical: the patient's body mass"},
	{"pixel_spacing_mm", "f6", "mm", []string{"PixelSpacing"}, "medical: distance between pixel centres"},
	{"public_key", "key", "", []string{"PublicKey", "pubkey"}, "token: the identity's public key"},
	{"readout_time_us", "u6", "us", []string{"SensorReadoutTime"}, "imaging: sensor readout time, top row to bottom"},
	{"rotation_rad", "f6", "rad", []string{"Rotation"}, "generic: rotation, counter-clockwise"},
	{"sample_mass_g", "f6", "g", []string{"SampleMass"}, "medical: mass of a lab sample"},
	{"sensor_temperature_c", "f5", "c", []string{"SensorTemperature", "CameraTemperature"}, "imaging: sensor temperature during capture"},
	{"shutter_time_ns", "u6", "ns", []string{"shutter_ns"}, "imaging: exposure duration"},
	{"signature", "sig", "", []string{"Signature"}, "token: a signature over the section"},
	{"slice_thickness_mm", "f6", "mm", []string{"SliceThickness"}, "medical: thickness of a tomographic slice"},
	{"software", "text", "", []string{"Software"}, "generic: the program that wrote the content"},
	{"title", "text", "", []string{"Title"}, "generic: the content's title"},
	{"transaction_time", "time", "", []string{"TransactionTime"}, "token: when a transaction was made"},
	{"width_px", "u5", "px", []string{"ImageWidth", "width"}, "imaging: image width"},
}

var (
	regByName  = map[string]int{} // canonical name → index
	regByAlias = map[string]int{} // alias → index
	regByLower = map[string]int{} // lowercased canonical name → index
)

func init() {
	for i, k := range registry {
		regByName[k.Name] = i
		regByLower[strings.ToLower(k.Name)] = i
		for _, a := range k.Aliases {
			regByAlias[a] = i
		}
	}
}

// unitSuffixes are the unit suffixes a key may end in.
var unitSuffixes = []string{"_ns", "_us", "_ms", "_s", "_mm", "_m", "_km", "_kg", "_g", "_deg", "_rad", "_hz", "_px", "_ev", "_c"}

// UnitOf is the unit a key's name declares by its suffix (see the list
// above), without the underscore: "mm" for "focal_length_mm", "" for a
// name without a unit suffix. The match is exact (lowercase).
func UnitOf(name string) string {
	for _, s := range unitSuffixes {
		if len(name) > len(s) && strings.HasSuffix(name, s) {
			return s[1:]
		}
	}
	return ""
}

// Registry returns a copy of the registered keys, sorted by name.
func Registry() []MetaKey {
	out := make([]MetaKey, len(registry))
	for i, k := range registry {
		k.Aliases = append([]string(nil), k.Aliases...)
		out[i] = k
	}
	return out
}

// Canonical looks a key up by its canonical name, by any of its aliases
// (exactly as listed: "ISO" but not "Iso"), or by its canonical name in
// any case ("ISO_Speed"). The MetaKey returned is a copy.
func Canonical(name string) (MetaKey, bool) {
	i, ok := regByName[name]
	if !ok {
		i, ok = regByAlias[name]
	}
	if !ok {
		i, ok = regByLower[strings.ToLower(name)]
	}
	if !ok {
		return MetaKey{}, false
	}
	k := registry[i]
	k.Aliases = append([]string(nil), k.Aliases...)
	return k, true
}

// NormalizeFields returns fs with registered keys in canonical form: an
// alias is renamed to its canonical key, and the value must have the key's
// type. An integer or float narrower than the key's type is widened to it
// (u3 for a u5 key becomes u5, u3 for an i5 key becomes i5, f5 for an f6
// key becomes f6); any other mismatch is ErrBadArg naming the key, the
// type wanted and the type given. Unknown keys pass unchanged; two fields
// that end up with the same name are ErrBadArg. Field order is kept; fs
// itself is not modified, and nested structures are not descended into.
func NormalizeFields(fs []Field) ([]Field, error) {
	out := make([]Field, len(fs))
	seen := make(map[string]int, len(fs))
	for i, f := range fs {
		if k, ok := Canonical(f.Name); ok {
			v, ok := conform(f.Value, k.Type)
			if !ok {
				return nil, badArg("field %q (%s): the registry wants %s, the value is %s", f.Name, k.Name, k.Type, valueType(f.Value))
			}
			f = Field{Name: k.Name, Value: v}
		}
		if j, dup := seen[f.Name]; dup {
			return nil, badArg("fields %d (%q) and %d (%q) are both %q", j, fs[j].Name, i, fs[i].Name, f.Name)
		}
		seen[f.Name] = i
		out[i] = f
	}
	return out, nil
}

// conform returns v as the registry type typ, widening a narrower integer
// or float, or false when v is not of that type.
func conform(v Value, typ string) (Value, bool) {
	if t, ok := ParseType(typ); ok && t.Kind != KindBool {
		switch x := v.(type) {
		case Uint:
			if !isWidth(x.W) || !FitsUint(x.V, x.W) {
				return nil, false
			}
			switch {
			case t.Kind == KindUint && x.W <= t.W:
				return Uint{W: t.W, V: x.V}, true
			case t.Kind == KindInt && x.W < t.W:
				return Int{W: t.W, V: x.V}, true
			}
		case Int:
			if t.Kind == KindInt && isWidth(x.W) && x.W <= t.W && FitsInt(x.V, x.W) {
				return Int{W: t.W, V: x.V}, true
			}
		case Float:
			if t.Kind == KindFloat && (x.W == '5' || x.W == '6') && x.W <= t.W {
				return Float{W: t.W, V: x.V}, true
			}
		case Complex:
			if t.Kind == KindComplex && (x.W == '5' || x.W == '6') && x.W <= t.W {
				return Complex{W: t.W, Re: x.Re, Im: x.Im}, true
			}
		}
		return nil, false
	}
	if valueType(v) == typ {
		return v, true
	}
	return nil, false
}

// valueType names v's type as the registry does.
func valueType(v Value) string {
	switch x := v.(type) {
	case Uint:
		return "u" + string(x.W)
	case Int:
		return "i" + string(x.W)
	case Float:
		return "f" + string(x.W)
	case Complex:
		return "j" + string(x.W)
	case Spirix:
		return "s" + string(x.F) + string(x.E)
	case Circle:
		return "c" + string(x.F) + string(x.E)
	case Boolean:
		return "bool"
	case Name:
		return "name"
	case Text:
		return "text"
	case Time:
		return "time"
	case Key:
		return "key"
	case Hash:
		return "hash"
	case Signature:
		return "sig"
	case nil:
		return "nothing"
	}
	return v.Kind().String()
}
