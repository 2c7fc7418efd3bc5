package odata

import (
	"context"
	"io"
	"net/http"
	"net/url"
)

// This file declares the seam beneath Client for mailboxes that no OData
// service serves: on-premises Exchange through EWS (design.md section 12).
// The services keep one implementation of each operation; a Backend answers
// the requests they build, as they built them, and its answers are decoded
// exactly as a Graph service's are.

// EWS is the wire form of mailboxes served through Exchange Web Services
// (SOAP at https://<host>/EWS/Exchange.asmx). A Client whose dialect is EWS
// sends its requests to a Backend instead of an OData service; the Backend
// answers in Graph form.
var EWS = &Dialect{name: "ews", version: "", namespace: "microsoft.graph."}

// Backend serves a Client's requests through a protocol other than OData.
// Serve answers one call: a 2xx *http.Response whose body is the answer in
// Graph JSON form (a page is {"value":[...],"@odata.nextLink":...}), or an
// error, an *Error (with its sentinels) for what the service refused. Links
// the backend hands out (next and delta links) must lie under the client's
// service root; they come back to it in BackendRequest.Link.
type Backend interface {
	Serve(ctx context.Context, r *BackendRequest) (*http.Response, error)
}

// BackendRequest is one request as a Backend sees it: what the service built, with the
// client's defaults applied.
type BackendRequest struct {
	Method string
	// Path is the resource path in Graph names; see Path.Template and
	// Path.IDs.
	Path   Path
	Query  *Query
	Params url.Values
	// Body is the request body in Graph JSON form, nil when there is none;
	// BodySchema describes it when its Go type is Mapped.
	Body       []byte
	BodySchema *Schema
	// RawBody and ContentType carry a body that is not JSON (MIME content).
	RawBody     io.Reader
	ContentType string
	IfMatch     string
	Header      http.Header
	// Link is a next or delta link the backend returned earlier, to be
	// followed instead of Path and Query.
	Link string
	// TrackChanges asks for change tracking (a sync round).
	TrackChanges bool
	// Result describes the entity the caller decodes the answer into (the
	// element of a page), when its Go type is Mapped.
	Result *Schema
	// Prefer is the client's Prefer defaults merged with the query's.
	Prefer Prefer
	// Mailbox is the address of the mailbox the client acts for, "" for
	// the signed-in user.
	Mailbox string
}

// Template returns the path's template in Graph names, with "{}" where ids
// go ("mailFolders/{}/messages").
func (p Path) Template() string { return p.tmpl }

// IDs returns the values of the template's placeholders, unescaped.
func (p Path) IDs() []string { return append([]string(nil), p.ids...) }

// IsRoot reports whether the path is relative to the service root rather
// than to the mailbox.
func (p Path) IsRoot() bool { return p.root }
