package mail_test

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// countingDoer answers every request 204 and counts them.
type countingDoer struct{ n atomic.Int32 }

func (d *countingDoer) Do(r *http.Request) (*http.Response, error) {
	d.n.Add(1)
	return &http.Response{StatusCode: http.StatusNoContent, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
}

// What Microsoft documents as unavailable in a national cloud is refused
// there with odata.ErrNotSupported before any request, and sent where it is
// available.
func TestNationalCloudRefusals(t *testing.T) {
	calls := []struct {
		op     string
		call   func(*mail.Service) error
		served []string // the clouds that have it
	}{
		{"PurgeMessage", func(s *mail.Service) error { return s.PurgeMessage(t.Context(), "AAMk1") }, []string{"global"}},
		{"ListRules", func(s *mail.Service) error {
			for _, err := range s.ListRules(t.Context()) {
				return err
			}
			return nil
		}, []string{"global", "usgov-l4", "usgov-l5"}},
		{"GetRule", func(s *mail.Service) error { _, err := s.GetRule(t.Context(), "r1"); return err }, []string{"global", "usgov-l4", "usgov-l5"}},
		{"UpdateRule", func(s *mail.Service) error {
			_, err := s.UpdateRule(t.Context(), "r1", mail.MessageRuleUpdate{IsEnabled: odata.Set(false)})
			return err
		}, []string{"global", "usgov-l4", "usgov-l5"}},
		{"DeleteRule", func(s *mail.Service) error { return s.DeleteRule(t.Context(), "r1") }, []string{"global", "usgov-l4", "usgov-l5"}},
		{"CreateRule", func(s *mail.Service) error {
			_, err := s.CreateRule(t.Context(), &mail.MessageRule{DisplayName: "r", Actions: mail.MessageRuleActions{MarkAsRead: true}})
			return err
		}, []string{"global", "usgov-l4", "usgov-l5"}},
	}
	for _, cloud := range []string{"", "global", "usgov-l4", "usgov-l5", "china"} {
		for _, c := range calls {
			t.Run(cloud+"/"+c.op, func(t *testing.T) {
				d := &countingDoer{}
				oc, err := odata.NewClient("https://graph.microsoft.com/v1.0", odata.Graph,
					oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}), odata.WithDoer(d), odata.WithCloud(cloud))
				if err != nil {
					t.Fatal(err)
				}
				err = c.call(mail.NewService(oc))
				served := cloud == ""
				for _, s := range c.served {
					served = served || s == cloud
				}
				if served {
					if errors.Is(err, odata.ErrNotSupported) || d.n.Load() == 0 {
						t.Errorf("in %q: %v after %d requests; want it sent", cloud, err, d.n.Load())
					}
					return
				}
				if !errors.Is(err, odata.ErrNotSupported) || d.n.Load() != 0 {
					t.Errorf("in %q: %v after %d requests; want odata.ErrNotSupported before any", cloud, err, d.n.Load())
				}
			})
		}
	}
}
