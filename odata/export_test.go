package odata

// ToV2ForTest lets the external tests make v2.0 bodies from Graph ones
// described by s.
func ToV2ForTest(b []byte, s *Schema) ([]byte, error) { return OutlookV2.ToWire(b, s) }

// FromV2ForTest lets the external tests read v2.0 bodies described by s.
func FromV2ForTest(b []byte, s *Schema) ([]byte, error) { return OutlookV2.FromWire(b, s) }

// SetLimitsForTest sets the limits a client's decoder holds responses to;
// zero fields keep the default.
func SetLimitsForTest(c *Client, maxBytes int64, maxPageItems int, maxArrayElements int64, maxDepth int) {
	if maxBytes > 0 {
		c.lim.maxBytes = maxBytes
	}
	if maxPageItems > 0 {
		c.lim.maxPageItems = maxPageItems
	}
	if maxArrayElements > 0 {
		c.lim.maxArrayElements = maxArrayElements
	}
	if maxDepth > 0 {
		c.lim.maxDepth = maxDepth
	}
}

// PageOfForTest returns a schema for an envelope of s items.
func PageOfForTest(s *Schema) *Schema { return pageOf(s) }
