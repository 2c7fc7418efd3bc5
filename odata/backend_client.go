package odata

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
)

// This file is the Client's side of the Backend seam: a target with a
// Backend (the EWS dialect) has its requests answered by the Backend
// instead of sent over HTTP. Everything before the send (path, query and
// link validation, the Graph body) and after it (decoding, paging, change
// tracking, relocation) is the Client's usual code.

// WithBackend makes the client answer requests through b instead of HTTP,
// for a mailbox served through another protocol (EWS: the dialect is
// [EWS] and the service root is the EWS URL, under which b makes its next
// and delta links). The client's token source is then unused and may be
// nil; b authorizes its own requests.
func WithBackend(b Backend) ClientOption {
	return func(c *Client) error {
		if b == nil {
			return fmt.Errorf("odata: WithBackend(nil)")
		}
		c.t.Load().backend = b
		return nil
	}
}

// serveBackend answers r through the target's Backend.
func (c *Client) serveBackend(ctx context.Context, t *target, r *Request) (*http.Response, error) {
	if t.backend == nil {
		return nil, fmt.Errorf("odata: the %s dialect is served by a Backend, and the client has none (WithBackend)", t.dialect)
	}
	if r.wire != nil {
		// A $batch envelope: a Backend serves requests one by one, so
		// batches take their parallel fallback.
		return nil, &Error{StatusCode: http.StatusNotImplemented, Code: "BatchNotSupported",
			Message: "the backend serves no $batch", Method: r.Method, Path: "$batch"}
	}
	u, err := c.url(t, r) // checks the path, the query and a link as for HTTP
	if err != nil {
		return nil, err
	}
	br := &BackendRequest{
		Method:       r.Method,
		Path:         r.Path,
		Query:        r.Query,
		Params:       r.Params,
		RawBody:      r.RawBody,
		ContentType:  r.ContentType,
		IfMatch:      r.IfMatch,
		Header:       r.Header,
		Link:         r.link,
		TrackChanges: r.trackChanges,
		Result:       r.result,
		Prefer:       c.prefer,
		Mailbox:      c.anchor,
	}
	if r.link != "" {
		br.Path, br.Query, br.Params = Path{}, nil, nil
	}
	if r.Query != nil {
		br.Prefer = br.Prefer.merge(r.Query.Prefer)
	}
	if r.Body != nil && r.RawBody == nil {
		br.BodySchema = r.bodySchema()
		if br.Body, err = encode(Graph, r.Body, br.BodySchema); err != nil {
			return nil, err
		}
	}
	resp, err := t.backend.Serve(ctx, br)
	if err != nil {
		return nil, err
	}
	if resp == nil {
		return nil, fmt.Errorf("odata: %s %s: the backend answered nothing", r.Method, r.Path)
	}
	if resp.Request == nil {
		// decode names the request in its errors.
		resp.Request, _ = http.NewRequestWithContext(ctx, r.Method, u, nil)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return nil, newError(r.Method, resp.Request.URL.Path, resp.StatusCode, resp.Header, b, c.now())
	}
	if resp.Body == nil {
		resp.Body = io.NopCloser(bytes.NewReader(nil))
	}
	return resp, nil
}

// isBackend reports whether t's requests go to a Backend instead of HTTP.
func (t *target) isBackend() bool { return t.backend != nil || t.dialect == EWS }
