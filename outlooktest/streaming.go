package outlooktest

// EWS streaming notifications on demand: tests end a host's streaming
// connections and subscriptions at a moment of their choosing, as a
// connection's timeout, a network failure or a subscription's expiry
// would.

// CloseStreams ends every EWS streaming connection (GetStreamingEvents)
// open on the on-premises host as its ConnectionTimeout would: a last
// envelope with ConnectionStatus Closed. Their subscriptions live on, and
// keep what changes until the next connection. It panics for a host that
// is not an on-premises host of the server.
func (s *Server) CloseStreams(host string) {
	s.onpremFor("CloseStreams", host, func(h *onpremHost) { h.ews.Streams("close") })
}

// DropStreams breaks every EWS streaming connection open on the
// on-premises host mid-answer, as a network failure would: the client
// reads a body that stops without ConnectionStatus Closed. Their
// subscriptions live on.
func (s *Server) DropStreams(host string) {
	s.onpremFor("DropStreams", host, func(h *onpremHost) { h.ews.Streams("drop") })
}

// ExpireSubscriptions expires every EWS streaming subscription on the
// on-premises host, as Exchange does with one left without a connection
// for 30 minutes: an open connection gets ErrorSubscriptionNotFound and
// ends, and GetStreamingEvents or Unsubscribe with its id answers the
// same.
func (s *Server) ExpireSubscriptions(host string) {
	s.onpremFor("ExpireSubscriptions", host, func(h *onpremHost) { h.ews.Streams("expire") })
}

// OpenStreams returns how many EWS streaming connections are open on the
// on-premises host: a test waits for a client's stream to be open before
// it makes the changes the stream must report.
func (s *Server) OpenStreams(host string) int {
	n := 0
	s.onpremFor("OpenStreams", host, func(h *onpremHost) { n = h.ews.OpenStreams() })
	return n
}

// StreamingSubscriptions returns how many EWS streaming subscriptions the
// on-premises host holds: those made and neither unsubscribed nor
// expired. (Subscriptions lists Graph's.)
func (s *Server) StreamingSubscriptions(host string) int {
	n := 0
	s.onpremFor("StreamingSubscriptions", host, func(h *onpremHost) { n = h.ews.Subscriptions() })
	return n
}
