package odata_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/odata"
)

func TestRelocation(t *testing.T) {
	// The mailbox moved on-premises: Graph answers 404
	// MailboxNotEnabledForRESTAPI, the relocator points at the v2.0 server,
	// and the create is sent there once, in v2.0 form.
	var v2Bodies []string
	onprem, _ := newFake(t, true, func(f *fake, w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		v2Bodies = append(v2Bodies, string(b))
		f.json(w, 201, "", `{"Id":"m1","Subject":"hi"}`)
	})
	cloud, _ := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) {
		f.json(w, 404, `{"error":{"code":"MailboxNotEnabledForRESTAPI","message":"REST API is not yet supported for this mailbox."}}`, "")
	})
	var asked []string
	c2, err := odata.NewClient(cloud.srv.URL+"/v1.0", odata.Graph, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}),
		odata.WithMailbox("alice@contoso.com"), odata.WithDoer(multiDoer{cloud, onprem}),
		odata.WithRelocator(func(_ context.Context, e *odata.Error) (*odata.Target, error) {
			asked = append(asked, e.Code)
			return &odata.Target{ServiceRoot: onprem.srv.URL + "/api/v2.0", Dialect: odata.OutlookV2,
				TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"})}, nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	m, err := odata.Create[message](t.Context(), c2, odata.PathOf("messages"), &message{Subject: "hi"})
	if err != nil || m.ID != "m1" {
		t.Fatalf("Create = %+v, %v", m, err)
	}
	if strings.Join(asked, ",") != "MailboxNotEnabledForRESTAPI" || strings.Join(v2Bodies, "|") != `{"Subject":"hi"}` {
		t.Errorf("asked %v, v2 bodies %q", asked, v2Bodies)
	}
	if c2.Dialect() != odata.OutlookV2 {
		t.Errorf("client still on %s", c2.Dialect())
	}
}

func TestRelocationDeclinedOrFailed(t *testing.T) {
	cloud, _ := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) {
		f.json(w, 404, `{"error":{"code":"ErrorItemNotFound","message":"gone"}}`, "")
	})
	explain := errors.New("the server does not serve REST")
	for name, tc := range map[string]struct {
		target *odata.Target
		err    error
		want   error
	}{
		"not moved": {nil, nil, odata.ErrNotFound},
		"explained": {nil, explain, explain},
	} {
		c, err := odata.NewClient(cloud.srv.URL+"/v1.0", odata.Graph, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}),
			odata.WithDoer(cloud.srv.Client()),
			odata.WithRelocator(func(context.Context, *odata.Error) (*odata.Target, error) { return tc.target, tc.err }))
		if err != nil {
			t.Fatal(err)
		}
		_, err = odata.Get[message](t.Context(), c, odata.PathOf("messages/{}", "x"), nil)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", name, err, tc.want)
		}
	}
}

// multiDoer sends each request to the fake whose server it names.
type multiDoer []*fake

func (m multiDoer) Do(r *http.Request) (*http.Response, error) {
	for _, f := range m {
		if strings.HasPrefix(f.srv.URL, "https://"+r.URL.Host) {
			return f.srv.Client().Do(r)
		}
	}
	return nil, errors.New("no such fake: " + r.URL.Host)
}
