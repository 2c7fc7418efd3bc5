package transport

import (
	"context"
	"net/http"
)

// hangingKey marks a request whose answer the server holds open.
type hangingKey struct{}

// MarkHanging returns a copy of req for a request whose answer the server
// holds open for minutes, writing to it as it goes (EWS GetStreamingEvents,
// which lasts up to 30 minutes). Such a request takes none of the Client's
// concurrency slots: it would hold one for its whole life, and four
// streams would stop every other request of the mailbox. It is still sent
// with the Client's headers, size limit and logging, and retried as any
// request is until its answer begins; a body that breaks is not resumed.
// Exchange counts these connections apart too (its HangingConnectionLimit).
//
// Transports below the Client see the mark through IsHanging (the NTLM
// transport gives such a request a connection of its own).
func MarkHanging(req *http.Request) *http.Request {
	return req.WithContext(context.WithValue(req.Context(), hangingKey{}, true))
}

// IsHanging reports whether req was marked with MarkHanging.
func IsHanging(req *http.Request) bool {
	v, _ := req.Context().Value(hangingKey{}).(bool)
	return v
}

// semFor returns the slots a call of req takes: the Client's, or one
// of its own for a hanging request.
func semFor(c *Client, req *http.Request) chan struct{} {
	if IsHanging(req) {
		return make(chan struct{}, 1)
	}
	return c.sem
}
