package outlooktest_test

import (
	"errors"
	"net"
	"net/http"
	"slices"
	"testing"

	"github.com/exchangekit/outlook/internal/srvhook"
	"github.com/exchangekit/outlook/outlooktest"
)

// AccessToken and TokenSource mint delegated tokens each host accepts for
// its own audience only.
func TestMintedCredentials(t *testing.T) {
	t.Parallel()
	srv := newHybrid(t)
	get := func(u, tok string) int {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	graphMe := "https://graph.microsoft.com/v1.0/me/messages"
	onpremMe := "https://" + onpremHost + "/api/v2.0/me/messages"
	cloud, onprem := srv.AccessToken(cloudUser, ""), srv.AccessToken(onpremUser, "")
	for _, c := range []struct {
		u, tok string
		want   int
	}{
		{graphMe, cloud, 200},
		{onpremMe, onprem, 200},
		{onpremMe, cloud, 401}, // a Graph token on the server
		{graphMe, srv.AccessToken(cloudUser, "https://graph.microsoft.com"), 200}, // the resource named
	} {
		if got := get(c.u, c.tok); got != c.want {
			t.Errorf("GET %s = %d, want %d", c.u, got, c.want)
		}
	}
	ts := srv.TokenSource(onpremUser)
	tok, err := ts("https://" + onpremHost).Token()
	if err != nil || !tok.Valid() || get(onpremMe, tok.AccessToken) != 200 {
		t.Errorf("TokenSource's token %+v, %v", tok, err)
	}
	defer func() {
		if recover() == nil {
			t.Error("AccessToken of a mailbox the server does not have did not panic")
		}
	}()
	srv.AccessToken("nobody@contoso.com", "")
}

// The server's transport carries its SRV lookups, for Client and Transport
// alike, and logs them; after Close it finds nothing rather than letting a
// lookup out.
func TestTransportAnswersSRV(t *testing.T) {
	t.Parallel()
	srv := outlooktest.NewServer()
	srv.AddMailbox("bob@contoso.com", outlooktest.OnPremises("mail.contoso.com"))
	srv.SetSRV("contoso.com", "adsrv.contoso.com", 443)
	look := srvhook.For(srv.Client().Transport)
	if look == nil || srvhook.For(srv.Transport()) == nil {
		t.Fatal("the server's transport carries no SRV lookup")
	}
	_, recs, err := look(t.Context(), "autodiscover", "tcp", "contoso.com")
	if err != nil || len(recs) != 1 || recs[0].Target != "adsrv.contoso.com." {
		t.Fatalf("SRV through the transport: %v, %v", recs, err)
	}
	if _, _, err := look(t.Context(), "autodiscover", "tcp", "unknown.example"); !isNotFound(err) {
		t.Errorf("an unknown domain: %v, want not found", err)
	}
	if got, want := srv.SRVLookups(), []string{"_autodiscover._tcp.contoso.com", "_autodiscover._tcp.unknown.example"}; !slices.Equal(got, want) {
		t.Errorf("SRVLookups = %q, want %q", got, want)
	}
	srv.Close()
	_, _, err = srvhook.For(srv.Transport())(t.Context(), "autodiscover", "tcp", "contoso.com")
	if de, ok := errors.AsType[*net.DNSError](err); !ok || !de.IsNotFound {
		t.Errorf("after Close: %v, want not found", err)
	}
}
