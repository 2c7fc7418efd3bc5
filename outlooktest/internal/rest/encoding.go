package rest

// Compressed request bodies. Microsoft's Graph SDKs compress every request
// body by default (Kiota's compression handler sends Content-Encoding:
// gzip), and Graph and Exchange accept it; the fake inflates the body once,
// before any handler reads it, and never past the limit of what it would
// accept uncompressed, so a small gzip bomb costs no more memory than an
// honest large body.

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
)

// inflateBody replaces a gzip-encoded request body by its inflated bytes,
// at most limit of them. tooLarge is the answer for a body that inflates
// past limit; a body that is not gzip answers 400.
func inflateBody(r *http.Request, limit int64, tooLarge func() *apiError) *apiError {
	enc := strings.TrimSpace(r.Header.Get("Content-Encoding"))
	switch {
	case enc == "" || strings.EqualFold(enc, "identity"):
		return nil
	case !strings.EqualFold(enc, "gzip") && !strings.EqualFold(enc, "x-gzip"):
		return errorf(http.StatusUnsupportedMediaType, "UnsupportedMediaType", "The content encoding '%s' is not supported; send gzip or none.", enc)
	}
	// The compressed bytes are bounded too: no honest body is larger
	// compressed than inflated.
	zr, err := gzip.NewReader(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return errorf(http.StatusBadRequest, "RequestBodyRead", "The request body is not valid gzip: %v", err)
	}
	data, err := io.ReadAll(io.LimitReader(zr, limit+1))
	switch {
	case int64(len(data)) > limit:
		return tooLarge()
	case err != nil:
		return errorf(http.StatusBadRequest, "RequestBodyRead", "The request body is not valid gzip: %v", err)
	}
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(data))
	r.ContentLength = int64(len(data))
	r.Header.Del("Content-Encoding")
	r.Header.Set("Content-Length", strconv.Itoa(len(data)))
	return nil
}

// bodyLimit is the most a request body of this host may hold.
func (c *call) bodyLimit() (int64, func() *apiError) {
	if c.h.env.Dialect == dialect.Graph {
		return graphMaxRequest, tooLarge
	}
	return maxBodyBytes, func() *apiError {
		return errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "The request body is too large.")
	}
}
