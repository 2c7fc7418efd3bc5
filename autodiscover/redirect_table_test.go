package autodiscover

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/internal/transport/transporttest"
)

// TestRedirectTable runs the SDK's table of hostile redirect targets
// against Autodiscover's own rule: Exchange Online's endpoint redirects
// with every redirect status to every kind of target. A same-origin hop is
// followed; every other kind is refused before a request reaches it, and no
// request carries credentials. Autodiscover checks redirects itself and
// sends no token, so its rule is wider than the REST clients' by design: it
// follows a trusted host (Microsoft's, the mailbox's domain) on any https
// port, so for "other port" the table asserts only that nothing carries
// credentials (the fake network has nothing on that port).
func TestRedirectTable(t *testing.T) {
	t.Parallel()
	const path = "/autodiscover/autodiscover.json/v1.0/eve@contoso.com?Protocol=EWS"
	for _, status := range transporttest.RedirectStatuses {
		for _, target := range transporttest.Targets("https://"+exo, path) {
			t.Run(fmt.Sprintf("%d %s", status, target.Kind), func(t *testing.T) {
				t.Parallel()
				n := newFakeNet(t)
				hits := 0
				n.handle(exo, func(w http.ResponseWriter, r *http.Request) {
					hits++
					if hits > 1 {
						answer("https://outlook.office365.com/EWS/Exchange.asmx")(w, r)
						return
					}
					w.Header().Set("Location", target.Location)
					w.WriteHeader(status)
				})
				targetURL, err := url.Parse("https://" + exo + path)
				if err != nil {
					t.Fatal(err)
				}
				to, err := targetURL.Parse(target.Location)
				if err != nil {
					t.Fatal(err)
				}
				foreignHost := strings.ToLower(to.Hostname())
				if target.Foreign && foreignHost != exo {
					n.handle(foreignHost, answer("https://mail.evil.example/EWS/Exchange.asmx"))
					n.handlePlain(foreignHost, answer("https://mail.evil.example/EWS/Exchange.asmx"))
				}
				ep, err := newTestResolver(t, n, WithCandidates(CandidateExchangeOnline)).Resolve(t.Context(), "eve@contoso.com")
				if !target.Foreign {
					if err != nil || ep.Location != LocationExchangeOnline {
						t.Fatalf("same-origin redirect: Resolve = %+v, %v; want the cloud endpoint", ep, err)
					}
					return
				}
				if err == nil && target.Kind != "other port" {
					t.Fatalf("Resolve = %+v, want the redirect to %s refused", ep, target.Location)
				}
				for _, l := range n.requests() {
					if l.Host != exo {
						t.Errorf("a request reached %s://%s%s", l.Scheme, l.Host, l.URI)
					}
					if l.Header.Get("Authorization") != "" {
						t.Errorf("a request to %s carried credentials", l.Host)
					}
				}
				if hits != 1 && target.Kind != "other port" {
					t.Errorf("Exchange Online's endpoint was asked %d times, want 1", hits)
				}
			})
		}
	}
}
