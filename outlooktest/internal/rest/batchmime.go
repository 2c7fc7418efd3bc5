package rest

// The multipart $batch of Outlook REST v2.0 (POST /api/v2.0/me/$batch with
// Content-Type multipart/mixed), as its reference documents it: each part
// an application/http request ("GET /api/v2.0/me/events HTTP/1.1", headers,
// body), answered by a multipart/mixed of application/http responses in
// the same order. The batch stops at the first request that fails unless
// Prefer: odata.continue-on-error says otherwise.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/ids"
)

// multipartBatch serves a v2.0 batch in its multipart form.
func (c *call) multipartBatch(params map[string]string) *apiError {
	boundary := params["boundary"]
	if boundary == "" {
		return errorf(http.StatusBadRequest, "BadRequest", "Invalid batch payload format: the multipart/mixed content type has no boundary.")
	}
	limit, tooBig := c.bodyLimit()
	data, err := io.ReadAll(io.LimitReader(c.r.Body, limit+1))
	switch {
	case err != nil:
		return errorf(http.StatusBadRequest, "BadRequest", "Invalid batch payload format: %v", err)
	case int64(len(data)) > limit:
		return tooBig()
	}
	var parts []batchPart
	mr := multipart.NewReader(bytes.NewReader(data), boundary)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return errorf(http.StatusBadRequest, "BadRequest", "Invalid batch payload format: %v", err)
		}
		if len(parts) == maxBatch {
			return errorf(http.StatusBadRequest, "BadRequest", "A batch may hold at most %d requests.", maxBatch)
		}
		if mt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); mt != "application/http" {
			return errorf(http.StatusBadRequest, "BadRequest", "Invalid batch payload format: part %d is %q, not application/http.", len(parts)+1, mt)
		}
		bp, aerr := c.readHTTPPart(p, len(parts)+1)
		if aerr != nil {
			return aerr
		}
		parts = append(parts, bp)
	}
	if len(parts) == 0 {
		return errorf(http.StatusBadRequest, "BadRequest", "Invalid batch payload format: the batch holds no requests.")
	}
	goOn := false
	for _, v := range c.r.Header.Values("Prefer") {
		for _, p := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(p), "odata.continue-on-error") {
				goOn = true
			}
		}
	}
	out := &bytes.Buffer{}
	rb := "batchresponse_" + ids.GUID()
	w := multipart.NewWriter(out)
	if err := w.SetBoundary(rb); err != nil {
		panic("outlooktest: a GUID boundary is valid: " + err.Error())
	}
	for _, p := range parts {
		a := c.runPart(p)
		h := make(map[string][]string)
		h["Content-Type"] = []string{"application/http"}
		h["Content-Transfer-Encoding"] = []string{"binary"}
		pw, _ := w.CreatePart(h)
		fmt.Fprintf(pw, "HTTP/1.1 %d %s\r\n", a.Status, http.StatusText(a.Status))
		var body []byte
		switch b := a.Body.(type) {
		case nil:
		case string:
			body = []byte(b)
		case json.RawMessage:
			body = b
		default:
			body, _ = json.Marshal(b)
		}
		for k, v := range a.Headers {
			fmt.Fprintf(pw, "%s: %s\r\n", k, v)
		}
		if len(body) > 0 {
			fmt.Fprintf(pw, "Content-Length: %d\r\n", len(body))
		}
		io.WriteString(pw, "\r\n")
		pw.Write(body)
		if (a.Status < 200 || a.Status >= 300) && !goOn {
			break
		}
	}
	w.Close()
	c.setHeaders()
	c.w.Header().Set("Content-Type", "multipart/mixed; boundary="+rb)
	c.w.Header().Set("Content-Length", strconv.Itoa(out.Len()))
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(out.Bytes())
	return nil
}

// readHTTPPart reads one application/http part: a request line whose target
// is a path under this host's version root (or an absolute URL on this
// host), headers, and a body.
func (c *call) readHTTPPart(part io.Reader, n int) (batchPart, *apiError) {
	bad := func(format string, args ...any) (batchPart, *apiError) {
		return batchPart{}, errorf(http.StatusBadRequest, "BadRequest", "Invalid batch payload format: request %d: "+format, append([]any{n}, args...)...)
	}
	data, err := io.ReadAll(part)
	if err != nil {
		return bad("%v", err)
	}
	// The request's head ends at its first blank line (or with the part,
	// for a request without a body); the rest is its body, whether or not
	// a Content-Length says so.
	head, body := data, []byte(nil)
	for _, sep := range []string{"\r\n\r\n", "\n\n"} {
		if i := bytes.Index(data, []byte(sep)); i >= 0 {
			head, body = data[:i], data[i+len(sep):]
			break
		}
	}
	req, err := http.ReadRequest(bufio.NewReader(io.MultiReader(bytes.NewReader(bytes.TrimRight(head, "\r\n")), strings.NewReader("\r\n\r\n"))))
	if err != nil {
		return bad("%v", err)
	}
	target := req.RequestURI
	if hasPrefixFold(target, c.h.root+"/") {
		target = target[len(c.h.root):]
	}
	switch strings.ToUpper(req.Method) {
	case http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
	default:
		return bad("invalid method %q", req.Method)
	}
	bp := batchPart{ID: strconv.Itoa(n), Method: req.Method, URL: target, Headers: map[string]string{}}
	for k, v := range req.Header {
		if k != "Content-Length" { // the body is what the part holds
			bp.Headers[k] = strings.Join(v, ", ")
		}
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if !strings.Contains(strings.ToLower(bp.Headers["Content-Type"]), "json") {
			// runPart sends a body with another content type as text when
			// it is a JSON string: give it as one.
			q, _ := json.Marshal(string(body))
			body = q
		}
		bp.Body = body
	}
	return bp, nil
}
