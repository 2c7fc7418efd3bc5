package odata_test

import (
	"testing"

	"github.com/exchangekit/outlook/odata"
)

func TestServiceRoots(t *testing.T) {
	for _, tc := range []struct {
		d    *odata.Dialect
		want string
	}{
		{odata.Graph, "https://graph.microsoft.com/v1.0"},
		{odata.OutlookV2, "https://graph.microsoft.com/api/v2.0"},
		{odata.EWS, "https://graph.microsoft.com/EWS/Exchange.asmx"},
	} {
		if got := tc.d.ServiceRoot("graph.microsoft.com"); got != tc.want {
			t.Errorf("%s: ServiceRoot = %q, want %q", tc.d, got, tc.want)
		}
	}
}
