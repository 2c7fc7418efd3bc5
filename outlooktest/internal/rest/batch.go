package rest

// JSON $batch: Graph's POST /v1.0/$batch and v2.0's POST /api/v2.0/me/$batch
// (whose multipart form is in batchmime.go).
// Each part is dispatched through this same handler with the batch's
// principal, so a part behaves exactly as the request would alone.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
)

// maxBatch is the number of requests one batch may hold, on both services.
const maxBatch = 20

type batchPart struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	Body      json.RawMessage   `json:"body"`
	DependsOn []string          `json:"dependsOn"`
}

type batchAnswer struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    any               `json:"body,omitempty"`
}

func (c *call) batch() *apiError {
	if c.r.Method != http.MethodPost {
		return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "$batch takes POST.")
	}
	if c.r.Context().Value(inBatchKey{}) != nil {
		return errorf(http.StatusBadRequest, "BadRequest", "A batch request cannot contain another batch.")
	}
	if mt, params, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type")); strings.HasPrefix(mt, "multipart/") {
		if c.h.env.Dialect != dialect.V2 || mt != "multipart/mixed" {
			return errorf(http.StatusBadRequest, "BadRequest", "Invalid batch payload format: Graph's $batch takes JSON (application/json).")
		}
		return c.multipartBatch(params)
	}
	data, err := io.ReadAll(io.LimitReader(c.r.Body, maxBodyBytes+1))
	if err != nil || len(data) > maxBodyBytes {
		return errorf(http.StatusBadRequest, "BadRequest", "Invalid batch payload format.")
	}
	var doc struct {
		Requests []batchPart `json:"requests"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return errorf(http.StatusBadRequest, "BadRequest", "Invalid batch payload format: %v", err)
	}
	reqs := doc.Requests
	switch {
	case len(reqs) == 0:
		return errorf(http.StatusBadRequest, "BadRequest", "Invalid batch payload format: the batch holds no requests.")
	case len(reqs) > maxBatch:
		return errorf(http.StatusBadRequest, "BadRequest", "A batch may hold at most %d requests; this one holds %d.", maxBatch, len(reqs))
	}
	index := map[string]int{}
	for i, p := range reqs {
		if p.ID == "" {
			return errorf(http.StatusBadRequest, "BadRequest", "Request %d of the batch has no id.", i+1)
		}
		if _, dup := index[p.ID]; dup {
			return errorf(http.StatusBadRequest, "BadRequest", "Batch request ids must be unique; %q appears twice.", p.ID)
		}
		index[p.ID] = i
		switch strings.ToUpper(p.Method) {
		case http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		default:
			return errorf(http.StatusBadRequest, "BadRequest", "Request id : %s has an invalid method %q.", p.ID, p.Method)
		}
		if p.URL == "" {
			return errorf(http.StatusBadRequest, "BadRequest", "Request id : %s has no url.", p.ID)
		}
		if len(p.Body) > 0 && string(p.Body) != "null" && headerValue(p.Headers, "Content-Type") == "" {
			return errorf(http.StatusBadRequest, "BadRequest", "Write request id : %s does not contain Content-Type header or body.", p.ID)
		}
	}
	for _, p := range reqs {
		for _, d := range p.DependsOn {
			if _, ok := index[d]; !ok || d == p.ID {
				return errorf(http.StatusBadRequest, "BadRequest", "Request id : %s depends on %q, which is not in the batch.", p.ID, d)
			}
		}
	}
	// Count the batch in flight for the mailboxes its parts name, but the
	// one its own URL named (counted by the host layer already).
	var leaves []func()
	release := func() {
		for _, leave := range leaves {
			leave()
		}
	}
	defer release()
	if c.h.env.Track != nil {
		seen := map[string]bool{}
		if c.m != nil {
			seen[c.m.Address()] = true
		}
		for _, p := range reqs {
			addr := ""
			pu, err := url.Parse(p.URL)
			if err != nil {
				continue
			}
			who, me := MailboxNamed(pu.Path)
			if me {
				addr = strings.ToLower(c.p.User)
			} else if m, ok := c.st().Mailbox(who); who != "" && ok {
				addr = m.Address()
			}
			if addr != "" && !seen[addr] {
				seen[addr] = true
				leaves = append(leaves, c.h.env.Track(addr))
			}
		}
	}
	// Run in dependency order (stable: array order among the ready ones).
	answers := make([]*batchAnswer, len(reqs))
	for done := 0; done < len(reqs); {
		progressed := false
		for i, p := range reqs {
			if answers[i] != nil {
				continue
			}
			ready, failed := true, ""
			for _, d := range p.DependsOn {
				a := answers[index[d]]
				switch {
				case a == nil:
					ready = false
				case a.Status >= 300 || a.Status < 200:
					failed = d
				}
			}
			if !ready {
				continue
			}
			if failed != "" {
				answers[i] = c.partError(p, http.StatusFailedDependency, "FailedDependency",
					"The request "+p.ID+" depends on request "+failed+", which failed.")
			} else {
				answers[i] = c.runPart(p)
			}
			done++
			progressed = true
		}
		if !progressed {
			return errorf(http.StatusBadRequest, "BadRequest", "The dependsOn references of the batch form a cycle.")
		}
	}
	release() // before the answer: a client that has it may send the next request
	c.writeJSON(http.StatusOK, map[string]any{"responses": answers})
	return nil
}

type inBatchKey struct{}

func headerValue(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// runPart dispatches one part through the handler and records its answer.
func (c *call) runPart(p batchPart) *batchAnswer {
	u := p.URL
	if strings.HasPrefix(strings.ToLower(u), "https://") || strings.HasPrefix(strings.ToLower(u), "http://") {
		pu, err := url.Parse(u)
		if c.h.env.Dialect != dialect.V2 || err != nil || !strings.EqualFold(pu.Host, c.h.env.Host) ||
			!strings.HasPrefix(strings.ToLower(pu.Path), strings.ToLower(c.h.root)+"/") {
			return c.partError(p, http.StatusBadRequest, "BadRequest", "The url of a batch request must be relative to the version root, e.g. /me/messages.")
		}
		u = pu.RequestURI()[len(c.h.root):]
	}
	if !strings.HasPrefix(u, "/") {
		u = "/" + u
	}
	var body io.Reader = http.NoBody
	if len(p.Body) > 0 && string(p.Body) != "null" {
		b := []byte(p.Body)
		// A body given as a JSON string with a non-JSON content type is
		// sent as the string's text.
		var s string
		if !strings.Contains(strings.ToLower(headerValue(p.Headers, "Content-Type")), "json") && json.Unmarshal(b, &s) == nil {
			b = []byte(s)
		}
		body = bytes.NewReader(b)
	}
	ctx := context.WithValue(c.r.Context(), inBatchKey{}, true)
	sub, err := http.NewRequestWithContext(ctx, strings.ToUpper(p.Method), "https://"+c.h.env.Host+c.h.root+u, body)
	if err != nil {
		return c.partError(p, http.StatusBadRequest, "BadRequest", "The url of the request is not valid: "+err.Error())
	}
	for k, v := range p.Headers {
		sub.Header.Set(k, v)
	}
	rec := &recorder{header: http.Header{}}
	c.h.Serve(rec, sub, c.p)
	a := &batchAnswer{ID: p.ID, Status: rec.status, Headers: map[string]string{}}
	for k, v := range rec.header {
		if k == "Content-Length" {
			continue
		}
		a.Headers[k] = strings.Join(v, ", ")
	}
	if rec.buf.Len() > 0 {
		if strings.Contains(rec.header.Get("Content-Type"), "json") {
			a.Body = json.RawMessage(bytes.TrimSpace(rec.buf.Bytes()))
		} else {
			a.Body = rec.buf.String()
		}
	}
	return a
}

// partError is the answer to a part the batch refuses or does not run: an
// error like any other, with the innerError and the request ids of its
// own (the part's client-request-id when it sent one).
func (c *call) partError(p batchPart, status int, code, msg string) *batchAnswer {
	h := http.Header{}
	if v := headerValue(p.Headers, "client-request-id"); v != "" {
		h.Set("client-request-id", v)
	}
	inner := innerError(h, c.h.env.Now())
	a := &batchAnswer{ID: p.ID, Status: status, Headers: map[string]string{"Content-Type": "application/json"},
		Body: map[string]any{"error": map[string]any{"code": code, "message": msg, "innerError": inner}}}
	for k := range h {
		a.Headers[k] = h.Get(k)
	}
	return a
}

// recorder is the ResponseWriter a batch part is served into.
type recorder struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.buf.Write(b)
}
