// Package rest is the fake server's REST front end: one Handler per REST
// host, Graph v1.0 (graph.microsoft.com) or Outlook REST v2.0 (an
// on-premises server's /api/v2.0), over the mailboxes of package store.
// Requests reach a Handler already fault-injected and logged by the host
// layer; Authenticate checks their bearer token first, answering as each
// host answers a missing or refused one.
//
// Finding your way: a request goes from the mailbox its path names
// (Handler.Serve) through tables of routes (the segments under a mailbox,
// the navigation properties of each entity set, the actions bound to each)
// to the generic CRUD every collection shares or to one family of
// operations: mail, calendar, settings, change tracking, $batch, upload
// sessions. Each has a file named for it.
package rest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // outlook.timezone and event zones must not depend on the host's zoneinfo

	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/issuer"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// Object is one entity or complex value in Graph form.
type Object = schema.Object

// maxBodyBytes caps a request body: Exchange refuses far smaller ones for
// JSON, and a test never needs more.
const maxBodyBytes = 64 << 20

// Env is what a REST host needs from the host layer.
type Env struct {
	Dialect dialect.Dialect
	Host    string // this REST host's name, e.g. "graph.microsoft.com"
	// Locate says where a mailbox lives: onPremHost is "" for Exchange
	// Online, else the on-premises server's host name; known is false for
	// an address the server does not know.
	Locate   func(smtp string) (onPremHost string, known bool)
	PageSize func() int               // server-driven page size when the client sets none
	Now      func() time.Time         // the server's clock
	Tenant   func(smtp string) string // the tenant id of a mailbox's domain; "" when unknown
	Uploads  *Uploads                 // where createUploadSession opens sessions (Graph only); nil: a private set
	// Track, when set, counts a request in flight for a mailbox until the
	// returned func is called. The host layer counts the requests whose URL
	// names a mailbox; Track is for those that do not (the parts of a Graph
	// $batch).
	Track func(smtp string) (done func())
	// Subscriptions serves /subscriptions (Graph only); nil: not served.
	Subscriptions *Subscriptions
	// FullAccess reports whether user (an SMTP address) may open mailbox
	// wholly as a delegate; nil: nobody may.
	FullAccess func(user, mailbox string) bool
}

// Handler serves one REST host.
type Handler struct {
	st   *store.Store
	env  Env
	root string // "/v1.0" or "/api/v2.0"

	// reference makes the handler answer the slow, obvious way: through
	// encoding/json and without the rendered-entity cache. Tests compare
	// its answers with the fast path's, byte for byte.
	reference bool
}

// New returns the handler of a REST host speaking env.Dialect.
func New(st *store.Store, env Env) *Handler {
	h := &Handler{st: st, env: env, root: "/v1.0"}
	if env.Dialect == dialect.V2 {
		h.root = "/api/v2.0"
	}
	if h.env.PageSize == nil {
		h.env.PageSize = func() int { return 10 }
	}
	if h.env.Now == nil {
		h.env.Now = time.Now
	}
	if h.env.Locate == nil {
		h.env.Locate = func(string) (string, bool) { return "", true }
	}
	if h.env.Uploads == nil {
		h.env.Uploads = NewUploads(st) // sessions nobody can reach: Graph still answers createUploadSession
	}
	return h
}

// apiError is an answer with an OData error body.
type apiError struct {
	status        int
	code, message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message) }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// seg is one path segment: its name and, for key syntax ("messages('id')"),
// the key; for a function called with parentheses ("delta()",
// "reminderView(startDateTime='…',endDateTime='…')"), its parameters.
type seg struct {
	name   string
	key    string
	hasKey bool
	params map[string]string // lower-cased name -> value; nil unless the segment had parentheses without a key
}

func parseSegs(path string) []seg {
	var out []seg
	for _, s := range strings.Split(strings.Trim(path, "/"), "/") {
		if s == "" {
			continue
		}
		if i := strings.IndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
			inner := s[i+1 : len(s)-1]
			// OData calls a function with parentheses, empty or holding
			// name=value parameters; Graph accepts "delta()" wherever
			// "delta" is served.
			if params, ok := functionParams(inner); ok {
				out = append(out, seg{name: s[:i], params: params})
				continue
			}
			k := inner
			if len(k) >= 2 && k[0] == '\'' && k[len(k)-1] == '\'' {
				k = strings.ReplaceAll(k[1:len(k)-1], "''", "'")
			}
			out = append(out, seg{name: s[:i], key: k, hasKey: true})
			continue
		}
		out = append(out, seg{name: s})
	}
	return out
}

// functionParams reads the inside of a function call's parentheses:
// nothing, or comma-separated name=value pairs whose names are identifiers
// and whose values are literals (quoted strings, a quote doubled inside, or
// bare). ok is false for anything else, a key among them: a base64 id
// ends in "=" with nothing after it, so it is never read as a parameter.
func functionParams(inner string) (map[string]string, bool) {
	params := map[string]string{}
	if inner == "" {
		return params, true
	}
	for rest := inner; rest != ""; {
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 || !isIdentifier(rest[:eq]) {
			return nil, false
		}
		name := strings.ToLower(rest[:eq])
		rest = rest[eq+1:]
		var val string
		if strings.HasPrefix(rest, "'") {
			end := 1
			for ; end < len(rest); end++ {
				if rest[end] == '\'' {
					if end+1 < len(rest) && rest[end+1] == '\'' {
						end++
						continue
					}
					break
				}
			}
			if end >= len(rest) {
				return nil, false
			}
			val = strings.ReplaceAll(rest[1:end], "''", "'")
			rest = rest[end+1:]
		} else {
			c := strings.IndexByte(rest, ',')
			if c < 0 {
				c = len(rest)
			}
			val, rest = rest[:c], rest[c:]
		}
		if val == "" {
			return nil, false
		}
		if _, dup := params[name]; dup {
			return nil, false
		}
		params[name] = val
		if rest != "" {
			if rest[0] != ',' || len(rest) == 1 {
				return nil, false
			}
			rest = rest[1:]
		}
	}
	return params, true
}

func isIdentifier(s string) bool {
	for i, r := range s {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
			return false
		}
	}
	return s != ""
}

// call is one request being served.
type call struct {
	h     *Handler
	w     http.ResponseWriter
	r     *http.Request
	p     issuer.Principal
	m     *store.Mailbox
	mbSeg string // "me" or "users/<as given>" for links
	prefs prefs
	// ownZones renders event times in their own zones, not UTC, when no
	// Prefer: outlook.timezone names one: the answer to a create.
	ownZones bool
	hdr      http.Header // response headers to add
	// guest is the delegated caller in another user's mailbox without
	// FullAccess, who reaches shared calendars only (shared.go), and
	// guestRole the role that caller has on the calendar the path is in.
	guest, guestRole string
}

// Serve answers one request of principal p, whose token the host layer has
// checked (Authenticate). Paths start with the host's version root ("/v1.0"
// or "/api/v2.0").
func (h *Handler) Serve(w http.ResponseWriter, r *http.Request, p issuer.Principal) {
	c := &call{h: h, w: w, r: r, p: p, hdr: http.Header{}}
	limit, tooLarge := c.bodyLimit()
	if err := inflateBody(r, limit, tooLarge); err != nil {
		c.writeError(err)
		return
	}
	if err := c.serve(); err != nil {
		c.writeError(err)
	}
}

// unknownSegment is what an Exchange server's v2.0 answers for a path
// segment its API does not have (an operation only Graph offers).
func (c *call) unknownSegment(name string) *apiError {
	return errorf(http.StatusNotFound, "RequestBroker--ParseUri", "Resource not found for the segment '%s'.", name)
}

func (c *call) notImplemented() *apiError {
	return errorf(http.StatusNotImplemented, "NotImplemented", "outlooktest: %s %s is not implemented", c.r.Method, c.r.URL.Path)
}

func (c *call) serve() *apiError {
	path := c.r.URL.Path
	if len(path) < len(c.h.root) || !strings.EqualFold(path[:len(c.h.root)], c.h.root) {
		return c.notImplemented()
	}
	segs := parseSegs(path[len(c.h.root):])
	if len(segs) == 0 {
		return c.notImplemented()
	}
	c.prefs = parsePrefer(c.r.Header.Values("Prefer"))
	if c.h.env.Dialect == dialect.Graph && strings.EqualFold(segs[0].name, "$batch") && len(segs) == 1 {
		return c.batch()
	}
	if handled, err := c.directory(segs); handled {
		return err
	}
	if c.h.env.Dialect == dialect.Graph && strings.EqualFold(segs[0].name, "subscriptions") {
		return c.subscriptions(segs)
	}
	rest, err := c.resolveMailbox(segs)
	if err != nil {
		return err
	}
	if len(rest) == 1 && strings.EqualFold(rest[0].name, "$batch") {
		if c.h.env.Dialect != dialect.V2 {
			return c.notImplemented()
		}
		return c.batch()
	}
	if len(rest) == 0 {
		return c.user()
	}
	c.st().Lock()
	locked := true
	unlock := func() {
		if locked {
			locked = false
			c.st().Unlock()
		}
	}
	defer unlock()
	if err := c.guestGate(rest); err != nil {
		return err
	}
	if strings.EqualFold(rest[0].name, "mailboxSettings") && !rest[0].hasKey {
		return c.mailboxSettings(rest[1:], unlock)
	}
	if handled, err := c.mailboxDirectory(rest); handled {
		return err
	}
	if isReminderView(rest) {
		return c.reminderView(rest[0].params, unlock)
	}
	if isFindMeetingTimes(rest) {
		return c.findMeetingTimes(unlock)
	}
	t, aerr := c.navigate(rest)
	if aerr != nil {
		return aerr
	}
	if aerr := c.guestAccess(t); aerr != nil {
		return aerr
	}
	return c.dispatch(t, unlock)
}

func (c *call) st() *store.Store { return c.h.st }

// MailboxNamed returns whom a REST path names: me is true for /me/...,
// else who is the {id} of /users/{id}/... (an address or a user's object
// id), "" when the path names no mailbox. The path may start with the
// version root of either dialect.
func MailboxNamed(path string) (who string, me bool) {
	for _, root := range []string{"/v1.0", "/api/v2.0"} {
		if hasPrefixFold(path, root+"/") {
			path = path[len(root):]
			break
		}
	}
	segs := parseSegs(path)
	if len(segs) == 0 {
		return "", false
	}
	switch s0 := segs[0]; {
	case strings.EqualFold(s0.name, "me") && !s0.hasKey:
		return "", true
	case strings.EqualFold(s0.name, "users") && s0.hasKey:
		return s0.key, false
	case strings.EqualFold(s0.name, "users") && len(segs) > 1:
		return segs[1].name, false
	}
	return "", false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// resolveMailbox consumes "me" or "users/{id}" and checks that this host
// serves that mailbox for this principal.
func (c *call) resolveMailbox(segs []seg) ([]seg, *apiError) {
	var who string
	s0 := segs[0]
	switch {
	case strings.EqualFold(s0.name, "me") && !s0.hasKey:
		if c.p.AppOnly || c.p.User == "" {
			return nil, errorf(http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
		}
		who, c.mbSeg = c.p.User, "me"
		segs = segs[1:]
	case strings.EqualFold(s0.name, "users"):
		if s0.hasKey {
			who = s0.key
			segs = segs[1:]
		} else if len(segs) > 1 {
			who = segs[1].name
			segs = segs[2:]
		} else {
			return nil, c.notImplemented()
		}
		c.mbSeg = "users/" + url.PathEscape(who)
	default:
		return nil, c.notImplemented()
	}
	m, ok := c.st().Mailbox(who)
	if !ok {
		if c.h.env.Dialect == dialect.V2 {
			return nil, errorf(http.StatusNotFound, "ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it.")
		}
		return nil, errorf(http.StatusNotFound, "ErrorInvalidUser", "The requested user '%s' is invalid.", who)
	}
	onPremHost, known := c.h.env.Locate(m.Address())
	switch {
	case !known:
		if c.h.env.Dialect == dialect.V2 {
			return nil, errorf(http.StatusNotFound, "ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it.")
		}
		return nil, errorf(http.StatusNotFound, "ErrorInvalidUser", "The requested user '%s' is invalid.", who)
	case c.h.env.Dialect == dialect.Graph && onPremHost != "":
		return nil, errorf(http.StatusNotFound, "MailboxNotEnabledForRESTAPI", "REST API is not yet supported for this mailbox.")
	case c.h.env.Dialect == dialect.V2 && !strings.EqualFold(onPremHost, c.h.env.Host):
		// What an Exchange server answers for an address it does not host.
		return nil, errorf(http.StatusNotFound, "ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it.")
	}
	if c.p.AppOnly && c.p.TenantID != "" && c.h.env.Tenant != nil && c.h.env.Tenant(m.Address()) != c.p.TenantID {
		// An app's token is good in the tenant that issued it only.
		return nil, errorf(http.StatusForbidden, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
	}
	if !c.p.AppOnly && c.p.User != "" && !strings.EqualFold(c.p.User, m.Address()) &&
		(c.h.env.FullAccess == nil || !c.h.env.FullAccess(c.p.User, m.Address())) {
		c.guest = strings.ToLower(c.p.User) // shared calendars only: see guestAccess
	}
	c.m = m
	return segs, nil
}

// user answers GET /me or /users/{id} with the few user properties clients
// read to probe a host or learn the mailbox's address.
func (c *call) user() *apiError {
	if c.r.Method != http.MethodGet {
		return c.notImplemented()
	}
	local := c.m.DisplayName()
	if c.h.env.Dialect == dialect.V2 {
		c.writeJSON(http.StatusOK, map[string]any{
			"@odata.context": "https://" + c.h.env.Host + c.h.root + "/$metadata#Me",
			"@odata.id":      "https://" + c.h.env.Host + c.h.root + "/Users('" + c.m.Address() + "')",
			"Id":             c.m.ID(),
			"EmailAddress":   c.m.Address(),
			"DisplayName":    local,
			"Alias":          local,
			"MailboxGuid":    c.m.ID(),
		})
		return nil
	}
	c.writeJSON(http.StatusOK, map[string]any{
		"@odata.context":    "https://" + c.h.env.Host + c.h.root + "/$metadata#users/$entity",
		"id":                c.m.ID(),
		"displayName":       local,
		"mail":              c.m.Address(),
		"userPrincipalName": c.m.Address(),
	})
	return nil
}
