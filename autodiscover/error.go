package autodiscover

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Sentinels to branch on with [errors.Is]. A [*Error] matches ErrNoEndpoint
// always, and ErrRefused or ErrTimeout when one of its attempts was refused or
// timed out.
var (
	// ErrNoEndpoint means no candidate produced a usable endpoint.
	ErrNoEndpoint = errors.New("autodiscover: no endpoint found")
	// ErrRefused means a redirect or an answer broke a safety rule (a host
	// outside the trusted set, plain http, credentials in the URL, more than
	// MaxRedirects redirects) and was not followed. A redirect loop is not a
	// refusal: it is how Exchange Online says it does not know an address.
	ErrRefused = errors.New("autodiscover: refused by policy")
	// ErrTimeout means a request or the whole resolution ran out of time.
	ErrTimeout = errors.New("autodiscover: timed out")
	// ErrInvalidAddress means the SMTP address given to Resolve or Invalidate
	// is malformed; no request was sent.
	ErrInvalidAddress = errors.New("autodiscover: invalid address")
	// ErrModernAuthNotConfigured means the endpoint sent no usable Bearer
	// challenge: OAuth (hybrid modern auth, for an on-premises server) is not
	// enabled there, so no token can be obtained for it.
	ErrModernAuthNotConfigured = errors.New("autodiscover: modern auth is not configured")
)

// Candidate names a way of finding the Autodiscover service, in the order
// they are tried.
type Candidate uint8

// The candidates, in priority order.
const (
	// CandidateExchangeOnline is the cloud's own Autodiscover host, asked first:
	// it answers cloud mailboxes and redirects hybrid ones.
	CandidateExchangeOnline Candidate = iota + 1
	// CandidateDomain is https://<domain>/autodiscover/autodiscover.json.
	CandidateDomain
	// CandidateAutodiscoverHost is https://autodiscover.<domain>/autodiscover/autodiscover.json.
	CandidateAutodiscoverHost
	// CandidateHTTPRedirect is the plain-http probe of autodiscover.<domain>
	// whose https redirect names the Autodiscover host.
	CandidateHTTPRedirect
	// CandidateSRV is the target of the DNS SRV record _autodiscover._tcp.<domain>.
	CandidateSRV
)

// String returns a short lower-case name, for logs.
func (c Candidate) String() string {
	switch c {
	case CandidateExchangeOnline:
		return "exchange-online"
	case CandidateDomain:
		return "domain"
	case CandidateAutodiscoverHost:
		return "autodiscover-host"
	case CandidateHTTPRedirect:
		return "http-redirect"
	case CandidateSRV:
		return "srv"
	default:
		return fmt.Sprintf("candidate(%d)", uint8(c))
	}
}

// Attempt is one request made (or refused) while resolving a mailbox.
type Attempt struct {
	// Candidate is the way of discovery this request belongs to.
	Candidate Candidate
	// URL is the URL requested, or the redirect target that was refused.
	URL string
	// Status is the HTTP status, 0 when no response arrived.
	Status int
	// Location is the redirect target the response named, if any.
	Location string
	// Refused is true when the policy stopped this step (the error wraps ErrRefused).
	Refused bool
	// Err says what went wrong; nil for a redirect that was followed.
	Err error
}

// String describes the attempt in one line, for logs and [Error.Error].
func (a Attempt) String() string {
	var b strings.Builder
	b.WriteString(a.Candidate.String())
	b.WriteString(" ")
	b.WriteString(a.URL)
	msg := ""
	if a.Err != nil {
		msg = strings.TrimPrefix(a.Err.Error(), "autodiscover: ")
	}
	if a.Status != 0 && !strings.HasPrefix(msg, "status ") {
		fmt.Fprintf(&b, ": %d", a.Status)
	}
	if a.Location != "" && a.Err == nil {
		b.WriteString(" -> ")
		b.WriteString(a.Location)
	}
	if msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	return b.String()
}

// Error is returned when Resolve finds no endpoint. It lists every request
// made, in order, so the log line shows why each candidate failed. Its text is
// for people and may change: branch with [errors.Is] on [ErrNoEndpoint],
// [ErrRefused], [ErrTimeout], or the context's errors.
type Error struct {
	// Mailbox is the address being resolved, lower-cased.
	Mailbox string
	// Attempts are the requests made (and the steps refused), in order.
	Attempts []Attempt
	// cause is the context's error when the caller's context ended.
	cause error
}

// Error lists the mailbox and every attempt with its outcome.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "autodiscover: no endpoint found for %s", e.Mailbox)
	if e.cause != nil {
		fmt.Fprintf(&b, " (%v)", e.cause)
	}
	if len(e.Attempts) == 0 {
		return b.String()
	}
	fmt.Fprintf(&b, " after %d attempts: ", len(e.Attempts))
	for i, a := range e.Attempts {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(a.String())
	}
	return b.String()
}

// Unwrap returns ErrNoEndpoint, the context's error if it ended the search,
// and each attempt's error, so errors.Is finds ErrRefused and ErrTimeout.
func (e *Error) Unwrap() []error {
	errs := []error{ErrNoEndpoint}
	if e.cause != nil {
		errs = append(errs, e.cause)
		if errors.Is(e.cause, context.DeadlineExceeded) {
			errs = append(errs, ErrTimeout)
		}
	}
	for _, a := range e.Attempts {
		if a.Err != nil {
			errs = append(errs, a.Err)
		}
	}
	return errs
}

// AuthError is returned by [Resolver.DiscoverAuth] when the probe found no
// usable Bearer challenge. When the server did answer 401 it matches
// [ErrModernAuthNotConfigured]; any other status (an IIS 404 where the REST
// virtual directory is gone, a 200 from something that is not Exchange) says
// the endpoint is not a REST API asking for OAuth at all: look at Status.
type AuthError struct {
	// URL is the address probed.
	URL string
	// Status is the HTTP status of the probe.
	Status int
	// Schemes are the authentication schemes the server offered instead
	// (e.g. "Negotiate", "NTLM", "Basic"), if any.
	Schemes []string
	// Reason says what was missing.
	Reason string
}

// Error says where modern auth is missing and what the server offered.
func (e *AuthError) Error() string {
	what := "modern auth is not configured"
	if e.Status != http.StatusUnauthorized {
		what = "no OAuth challenge"
	}
	s := fmt.Sprintf("autodiscover: %s at %s: %s (status %d", what, e.URL, e.Reason, e.Status)
	if len(e.Schemes) > 0 {
		s += ", offered " + strings.Join(e.Schemes, ", ")
	}
	return s + ")"
}

// Unwrap returns ErrModernAuthNotConfigured for a 401 without a usable
// Bearer challenge, nil otherwise.
func (e *AuthError) Unwrap() error {
	if e.Status == http.StatusUnauthorized {
		return ErrModernAuthNotConfigured
	}
	return nil
}
