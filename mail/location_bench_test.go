package mail_test

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"sync"
	"testing"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// BenchmarkMessagePage reads one page of 100 messages with the properties
// Graph returns by default (bodies and recipients included) through
// mb.Mail.ListMessagesPage and the SDK's real transport, in each location,
// the on-premises ones signed in alike (the user's delegated token): over
// EWS a FindItem and a GetItem of the 100 ids, over REST v2.0 and Graph
// one GET.
//
// "fake" runs against outlooktest, whose server work (in the same process)
// is in the measure; "client" replays the answers the fake gave, recorded
// once, so that only the client's work is measured. Compare ews with rest
// in one run: what serving an on-premises mailbox by EWS costs over REST
// v2.0.
func BenchmarkMessagePage(b *testing.B) {
	for _, mode := range []string{"fake", "client"} {
		for _, loc := range servicetest.AllLocations {
			e := servicetest.NewEnvSignIn(b, loc, servicetest.Delegated)
			seedInbox(e.Box, 100)
			q := &odata.Query{Top: 100}
			mb := e.MB
			if mode == "client" {
				rp := &replayer{base: e.Srv.Transport(), answers: map[string]recorded{}}
				mb = e.Reopen(b, outlook.WithHTTPClient(&http.Client{Transport: rp}))
				if p, err := mb.Mail.ListMessagesPage(b.Context(), mail.Inbox, q); err != nil || len(p.Value) != 100 {
					b.Fatalf("recording: %v", err)
				}
				rp.replay()
			}
			b.Run(mode+"/"+string(loc), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					p, err := mb.Mail.ListMessagesPage(b.Context(), mail.Inbox, q)
					if err != nil || len(p.Value) != 100 || p.Value[99].Body.Content == "" {
						b.Fatalf("page: %v", err)
					}
				}
			})
		}
	}
}

// recorded is one answer of the fake.
type recorded struct {
	status int
	header http.Header
	body   []byte
}

// replayer records the fake's answers, keyed by method, URL and (for EWS,
// where every request is a POST to one URL) the SOAP operation, and once
// told to replay answers each request from them without reaching the fake.
type replayer struct {
	base      http.RoundTripper
	mu        sync.Mutex
	answers   map[string]recorded
	replaying bool
}

var soapOp = regexp.MustCompile(`<soap:Body><m:(\w+)`)

func (r *replayer) replay() {
	r.mu.Lock()
	r.replaying = true
	r.mu.Unlock()
}

func (r *replayer) RoundTrip(req *http.Request) (*http.Response, error) {
	key := req.Method + " " + req.URL.String()
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		if m := soapOp.FindSubmatch(body); m != nil {
			key += " " + string(m[1])
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	r.mu.Lock()
	replaying, a := r.replaying, r.answers[key]
	r.mu.Unlock()
	if replaying {
		if a.body == nil {
			return &http.Response{StatusCode: http.StatusNotFound, Body: http.NoBody, Request: req, Header: http.Header{}}, nil
		}
		return &http.Response{StatusCode: a.status, Header: a.header.Clone(), Body: io.NopCloser(bytes.NewReader(a.body)),
			ContentLength: int64(len(a.body)), Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
	}
	resp, err := r.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.answers[key] = recorded{status: resp.StatusCode, header: resp.Header.Clone(), body: body}
	r.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}
