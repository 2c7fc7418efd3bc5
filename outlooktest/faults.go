package outlooktest

import (
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/faults"
)

// Fault is one misbehaviour the server shows to the requests it matches, as
// data a table test can list. Faults act before authentication, on every
// host: the token issuer and Autodiscover included.
//
// A request matches when Host, Method and Path all match (an empty field
// matches anything). Of the matching requests, the first After are left
// alone; then the fault acts Times times (0: forever), each time with
// probability Rate (0 means always). When several faults match, the first
// one injected that acts wins.
//
// Rate draws repeat: whether a fault acts on a request depends only on the
// seed (WithFaultSeed), the fault, the request's method, host, path and
// query, and how many times the fault has drawn for that same request
// before. The n-th identical request gets the same answer in every run with
// the seed, however concurrent requests interleave, so a failing run of
// many goroutines replays. After and Times count matching requests in the
// order they arrive.
//
// What it does, in order: wait Latency; drop the connection (DropBeforeBody
// or DropAfterBody); answer Status with an error body in the host's own shape
// (OData for the REST hosts, ErrorCode/ErrorMessage for Autodiscover, OAuth
// for the issuer) and Retry-After; cut the answer short (DropAfterHeaders,
// TruncateBody or ShortBody: of the fault's answer when Status is set, else
// of the real one). A fault with only Latency delays the real answer.
//
// On an on-premises host's EWS (Path "/EWS/") the answer is the SOAP fault
// Exchange throttles with: Code is the EWS response code (default
// ErrorServerBusy for 500, 503 and 429), RetryAfter goes in the fault's
// BackOffMilliseconds to the millisecond, and no Retry-After header is
// sent, as Exchange sends none. Every EWS request has the same path, so
// EWS faults are scoped by host, count and rate:
//
//	{Host: "mail.contoso.com", Path: "/EWS/", Status: 500, RetryAfter: 200 * time.Millisecond, Rate: 0.2}
//
// The bad networks a client must survive, as faults:
//
//	{Status: 429, RetryAfter: time.Second, Rate: 0.2} // throttling
//	{Status: 503, Rate: 0.05}                         // service unavailable
//	{DropBeforeBody: true, Rate: 0.01}                // connection dropped, no answer
//	{DropAfterHeaders: true, Rate: 0.01}              // dropped after the headers, in the body
//	{TruncateBody: true, Rate: 0.01}                  // dropped half way through the body
//	{ShortBody: true, Rate: 0.01}                     // body cut, with a Content-Length that matches it
type Fault struct {
	// Host is the host name, without port, e.g. "graph.microsoft.com".
	Host string
	// Method is the HTTP method, e.g. "GET".
	Method string
	// Path is matched case-insensitively against the request path and against
	// the path below the API root ("/v1.0" on Graph, "/api/v2.0" on-premises),
	// so "/users/*/messages" matches both dialects. With a '*', '?' or '['
	// it is a path.Match glob ('*' stays within one segment) that must match
	// the whole path; without, a prefix.
	Path string

	After int     // matching requests left alone before the fault acts
	Times int     // how many times it acts; 0 means forever
	Rate  float64 // probability of acting on each eligible request, 0..1; 0 means 1

	Status     int           // answer this status (e.g. 429, 503) instead of the real answer
	Code       string        // error code in the body; default by status, e.g. "ApplicationThrottled" for 429, or "ErrorServerBusy" on EWS
	Message    string        // error message in the body; a default names the fault
	RetryAfter time.Duration // sent as Retry-After, in whole seconds rounded up; on EWS, as BackOffMilliseconds

	Latency        time.Duration // wait before answering (or before failing)
	DropBeforeBody bool          // close the connection without reading the request body or answering
	DropAfterBody  bool          // read the request body, then close without answering
	TruncateBody   bool          // send the headers (with the full Content-Length) and half the body, then close

	// DropAfterHeaders sends the status line and the headers (with the full
	// Content-Length), then closes the connection before the first byte of
	// the body: a connection dropped in the middle of the response body.
	DropAfterHeaders bool
	// ShortBody sends half the body with a Content-Length that matches it
	// and keeps the connection: an answer complete as HTTP sees it whose
	// content is cut (invalid JSON), as from a proxy that rewrote it.
	ShortBody bool
}

func (f Fault) rule() faults.Rule {
	return faults.Rule{
		Host: f.Host, Method: f.Method, Path: f.Path,
		After: f.After, Times: f.Times, Rate: f.Rate,
		Status: f.Status, Code: f.Code, Message: f.Message, RetryAfter: f.RetryAfter,
		Latency: f.Latency, DropBeforeBody: f.DropBeforeBody, DropAfterBody: f.DropAfterBody,
		DropAfterHeaders: f.DropAfterHeaders, TruncateBody: f.TruncateBody, ShortBody: f.ShortBody,
	}
}

// Inject adds a fault. It panics if the fault is malformed (a negative count,
// a Rate outside 0..1, a bad glob, or nothing to do): that is a bug in the test.
func (s *Server) Inject(f Fault) {
	r := f.rule()
	if err := r.Validate(); err != nil {
		panic("outlooktest: Inject: " + err.Error())
	}
	s.faults.Add(r)
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() { s.faults.Clear() }
