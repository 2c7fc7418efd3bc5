package autodiscover

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

var onPremEndpoint = Endpoint{
	Mailbox: "bob@contoso.com", URL: "https://mail.contoso.com/api/v2.0", API: APIOutlookV2,
	Resource: "https://mail.contoso.com", Location: LocationOnPremises,
}

// challenge answers 401 with the given WWW-Authenticate headers, and records
// the Authorization header the probe carried.
func challenge(seen *[]string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		*seen = append(*seen, r.Method+" "+r.URL.Path+" auth="+r.Header.Get("Authorization"))
		for _, h := range headers {
			w.Header().Add("WWW-Authenticate", h)
		}
		w.WriteHeader(http.StatusUnauthorized)
	}
}

func TestDiscoverAuthOnPremRealSample(t *testing.T) {
	t.Parallel()
	n := newFakeNet(t)
	var seen []string
	n.handle("mail.contoso.com", challenge(&seen, sampleHeaders(t)...))
	r := newTestResolver(t, n)
	info, err := r.DiscoverAuth(t.Context(), onPremEndpoint)
	if err != nil {
		t.Fatalf("DiscoverAuth: %v", err)
	}
	want := AuthInfo{
		Authority:        "https://login.microsoftonline.com/5de110f8-2e0f-4d45-891d-bcf2218e253d",
		Tenant:           "5de110f8-2e0f-4d45-891d-bcf2218e253d",
		Resource:         "https://mail.contoso.com",
		ClientID:         "00000002-0000-0ff1-ce00-000000000000",
		AuthorizationURI: "https://login.windows.net/common/oauth2/authorize",
		TokenTypes:       []string{"app_asserted_user_v1", "service_asserted_app_v1"},
		TrustedIssuers: []string{
			"00000001-0000-0000-c000-000000000000@5de110f8-2e0f-4d45-891d-bcf2218e253d",
			"00000004-0000-0ff1-ce00-000000000000@contoso.com",
		},
		Schemes: []string{"Bearer", "Basic"},
	}
	if !reflect.DeepEqual(info, want) {
		t.Errorf("DiscoverAuth =\n%+v\nwant\n%+v", info, want)
	}
	if len(seen) != 1 || seen[0] != "GET /api/v2.0/me auth=Bearer" {
		t.Errorf("probe = %q, want one GET /api/v2.0/me with an empty Bearer", seen)
	}
}

// An EWS endpoint is probed at its own URL: Exchange.asmx answers the
// anonymous request with the challenges of every scheme the virtual
// directory accepts.
func TestDiscoverAuthEWS(t *testing.T) {
	t.Parallel()
	n := newFakeNet(t)
	var seen []string
	n.handle("mail.contoso.com", challenge(&seen, append(sampleHeaders(t), "Negotiate", "NTLM")...))
	ep := Endpoint{Mailbox: "bob@contoso.com", URL: "https://mail.contoso.com/EWS/Exchange.asmx", API: APIEWS,
		Resource: "https://mail.contoso.com", Location: LocationOnPremises}
	info, err := newTestResolver(t, n).DiscoverAuth(t.Context(), ep)
	if err != nil {
		t.Fatalf("DiscoverAuth: %v", err)
	}
	if !reflect.DeepEqual(info.Schemes, []string{"Bearer", "Basic", "Negotiate", "NTLM"}) || info.Resource != ep.Resource {
		t.Errorf("DiscoverAuth = %+v", info)
	}
	if len(seen) != 1 || seen[0] != "GET /EWS/Exchange.asmx auth=Bearer" {
		t.Errorf("probe = %q, want one GET /EWS/Exchange.asmx with an empty Bearer", seen)
	}
	// Without hybrid modern authentication the schemes are in the error.
	n.handle("mail.contoso.com", challenge(&seen, "Negotiate", "NTLM"))
	_, err = newTestResolver(t, n).DiscoverAuth(t.Context(), ep)
	ae, ok := errors.AsType[*AuthError](err)
	if !ok || !errors.Is(err, ErrModernAuthNotConfigured) || !reflect.DeepEqual(ae.Schemes, []string{"Negotiate", "NTLM"}) {
		t.Errorf("err = %#v", err)
	}
}

func TestDiscoverAuth(t *testing.T) {
	t.Parallel()
	graph := Endpoint{Mailbox: "a@contoso.com", URL: "https://graph.microsoft.com/v1.0", API: APIGraph, Resource: "https://graph.microsoft.com", Location: LocationExchangeOnline}
	tests := []struct {
		name      string
		ep        Endpoint
		handler   func(seen *[]string) http.HandlerFunc
		authority string
		wantIs    error
		wantIn    string
	}{
		{
			name: "graph",
			ep:   graph,
			handler: func(seen *[]string) http.HandlerFunc {
				return challenge(seen, `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`)
			},
			authority: "https://login.microsoftonline.com/common",
		},
		{
			name: "exchange online wildcard issuer",
			ep:   onPremEndpoint,
			handler: func(seen *[]string) http.HandlerFunc {
				return challenge(seen, `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize",Basic Realm=""`)
			},
			authority: "https://login.microsoftonline.com/common",
		},
		{
			name: "no bearer: NTLM only",
			ep:   onPremEndpoint,
			handler: func(seen *[]string) http.HandlerFunc {
				return challenge(seen, "Negotiate", "NTLM", `Basic realm="mail.contoso.com"`)
			},
			wantIs: ErrModernAuthNotConfigured,
			wantIn: "no Bearer challenge (status 401, offered Negotiate, NTLM, Basic)",
		},
		{
			name: "bearer without authorization_uri",
			ep:   onPremEndpoint,
			handler: func(seen *[]string) http.HandlerFunc {
				return challenge(seen, `Bearer client_id="00000002-0000-0ff1-ce00-000000000000"`)
			},
			wantIs: ErrModernAuthNotConfigured,
			wantIn: "no authorization_uri",
		},
		{
			name: "no WWW-Authenticate at all",
			ep:   onPremEndpoint,
			handler: func(seen *[]string) http.HandlerFunc {
				return challenge(seen)
			},
			wantIs: ErrModernAuthNotConfigured,
		},
		{
			name: "malformed header",
			ep:   onPremEndpoint,
			handler: func(seen *[]string) http.HandlerFunc {
				return challenge(seen, `Bearer authorization_uri="https://login.microsoftonline.com/x`)
			},
			wantIs: ErrModernAuthNotConfigured,
			wantIn: "malformed WWW-Authenticate",
		},
		{
			name: "foreign authority",
			ep:   onPremEndpoint,
			handler: func(seen *[]string) http.HandlerFunc {
				return challenge(seen, `Bearer authorization_uri="https://login.evil.example/common/oauth2/authorize"`)
			},
			wantIs: ErrRefused,
			wantIn: "login.evil.example is not an authority of the global cloud",
		},
		{
			name: "authority over http",
			ep:   onPremEndpoint,
			handler: func(seen *[]string) http.HandlerFunc {
				return challenge(seen, `Bearer authorization_uri="http://login.microsoftonline.com/common/oauth2/authorize"`)
			},
			wantIn: "is not an https URL",
		},
		{
			name: "answered without authentication",
			ep:   onPremEndpoint,
			handler: func(seen *[]string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }
			},
			wantIn: "no OAuth challenge at https://mail.contoso.com/api/v2.0/me: the probe was not answered with 401 (status 200)",
		},
		{
			name: "REST not served",
			ep:   onPremEndpoint,
			handler: func(seen *[]string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }
			},
			wantIn: "(status 404)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := newFakeNet(t)
			var seen []string
			host := strings.SplitN(tt.ep.URL, "/", 4)[2]
			n.handle(host, tt.handler(&seen))
			info, err := newTestResolver(t, n).DiscoverAuth(t.Context(), tt.ep)
			if tt.authority != "" {
				if err != nil || info.Authority != tt.authority || info.Resource != tt.ep.Resource {
					t.Fatalf("DiscoverAuth = %+v, %v; want authority %s", info, err, tt.authority)
				}
				return
			}
			if err == nil {
				t.Fatalf("DiscoverAuth = %+v, want an error", info)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("error %q lacks %q", err, tt.wantIn)
			}
			if tt.wantIs == ErrModernAuthNotConfigured {
				if _, ok := errors.AsType[*AuthError](err); !ok {
					t.Errorf("error is %T, want *AuthError", err)
				}
			}
			if tt.wantIs == nil && errors.Is(err, ErrModernAuthNotConfigured) {
				t.Errorf("error %v matches ErrModernAuthNotConfigured: the server never asked for auth", err)
			}
		})
	}
}

func TestDiscoverAuthBadInput(t *testing.T) {
	t.Parallel()
	n := newFakeNet(t)
	n.handle("slow.contoso.com", stall)
	r := newTestResolver(t, n)
	for _, u := range []string{"", "http://mail.contoso.com/api/v2.0", "mail.contoso.com/api", "https:///x"} {
		if _, err := r.DiscoverAuth(t.Context(), Endpoint{URL: u}); err == nil {
			t.Errorf("DiscoverAuth(URL %q) = nil error", u)
		}
	}
	if _, err := r.DiscoverAuth(t.Context(), Endpoint{URL: "https://nowhere.contoso.com/api/v2.0"}); err == nil || errors.Is(err, ErrModernAuthNotConfigured) {
		t.Errorf("unreachable host: %v, want a transport error", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if _, err := r.DiscoverAuth(ctx, Endpoint{URL: "https://slow.contoso.com/api/v2.0"}); !errors.Is(err, ErrTimeout) {
		t.Errorf("slow host: %v, want ErrTimeout", err)
	}
}
