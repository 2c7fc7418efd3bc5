package odata

// ToV2ForTest lets the external tests make v2.0 bodies from Graph ones.
func ToV2ForTest(b []byte) ([]byte, error) { return OutlookV2.toWire(nil, b) }
