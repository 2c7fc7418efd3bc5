package ews

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"
	"time"

	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/odata"
)

// Streaming notifications (Exchange 2010 SP1 and later) behind
// odata.Pusher. Push subscribes to the folder a sync of the path reads
// (Subscribe with a StreamingSubscriptionRequest), then holds
// GetStreamingEvents connections open on that subscription, one after
// another. Exchange answers such a request with one HTTP response that
// lasts up to ConnectionTimeout minutes and carries a SOAP envelope per
// batch of notifications (and ConnectionStatus OK envelopes as
// keep-alives), ending with an envelope whose ConnectionStatus is Closed.
//
// The subscription outlives its connections: the server keeps the
// notices of a subscription between two connections, so a reconnect after
// Closed loses nothing. A connection that breaks may have carried notices
// the backend never read, and a subscription the server dropped (expired,
// unknown after a failover) has lost what happened since: both are
// reported as a PushEvent with Missed set, after which the watcher's delta
// round catches up. A streaming Subscribe takes no watermark (only pull
// and push subscriptions do), so a new subscription cannot resume where an
// earlier one stopped: Push started with a watermark reports Missed first.

const (
	// streamMinutes is the ConnectionTimeout asked for, the longest EWS
	// allows (1 to 30 minutes): fewer reconnects.
	streamMinutes = 30
	// streamGrace is how long past its timeout a connection may stay open
	// before the backend gives up on it: room for the final envelope.
	streamGrace = time.Minute
	// maxStreamToken bounds one token of a streamed answer: notifications
	// hold ids and watermarks, a few hundred bytes each.
	maxStreamToken = 64 << 10
	// maxEnvelopeBytes bounds one envelope of a streamed answer (a batch of
	// notifications): a server that never ends one is cut off there.
	maxEnvelopeBytes = 1 << 20
	// maxStreamFailures is how many connections in a row may fail without
	// progress before Push gives up with the last error.
	maxStreamFailures = 5
	// streamHealthy is how long a connection must have lasted for its end
	// not to count as a failure, when it brought no notification: a
	// server that ends every connection at once is not reconnected to
	// forever.
	streamHealthy = time.Minute
	// maxStreamBackOff caps the wait between two failed connections.
	maxStreamBackOff = 30 * time.Second
	// unsubscribeTimeout bounds the Unsubscribe sent when a stream ends.
	unsubscribeTimeout = 10 * time.Second
)

// streamEventTypes are the events a subscription asks for: every change
// to the items of the folder. (FreeBusyChangedEvent is about a calendar's
// free/busy view, which a sync does not read.)
var streamEventTypes = []string{"NewMailEvent", "CreatedEvent", "ModifiedEvent", "DeletedEvent", "MovedEvent", "CopiedEvent"}

// pushFolders maps the paths a sync reads to the folder it reads: the
// well-known name sync uses for the path, or "" for the folder the
// path's first id names. The folder is then resolved as sync resolves it
// (call.folder).
var pushFolders = map[string]string{
	"mailFolders/{}/messages":    "",
	"contacts":                   "contacts",
	"contactFolders/{}/contacts": "",
	"events":                     "calendar",
	"calendarView":               "calendar",
	"calendars/{}/events":        "",
	"calendars/{}/calendarView":  "",
}

// lostSubscription are the response codes of a subscription the server no
// longer has, or whose notices it lost: a new one is made.
var lostSubscription = map[string]bool{
	"ErrorSubscriptionNotFound":     true,
	"ErrorInvalidSubscription":      true,
	"ErrorExpiredSubscription":      true,
	"ErrorInvalidWatermark":         true,
	"ErrorMissedNotificationEvents": true,
	"ErrorReadEventsFailed":         true,
}

// errEnvelopeTooLarge ends a stream whose server sends an envelope longer
// than maxEnvelopeBytes.
var errEnvelopeTooLarge = fmt.Errorf("%w: a streamed envelope longer than %d bytes", errXML, maxEnvelopeBytes)

// Push implements odata.Pusher with EWS streaming notifications on the
// folder a sync of r.Path reads: mailFolders/{id}/messages, contacts,
// contactFolders/{id}/contacts, events, calendarView, calendars/{id}/events
// and calendars/{id}/calendarView (any other path fails with
// odata.ErrNotSupported).
//
// The sequence yields a PushEvent per notification (several changes may
// share one) with the watermark of its last event, and a PushEvent with
// Missed set, carrying the last watermark, when notices may have been
// lost: first of all once the subscription is live (changes made before
// it, since the caller's last delta round, are in no stream; a streaming
// subscription cannot resume from r.Watermark either), then whenever a
// connection broke or the subscription was lost and made again. It reconnects by itself when the server closes a connection. It
// ends with an error when the server refuses the subscription for good
// (rights, a folder not found: an *odata.Error), answers with what is not
// EWS (malformed XML, an envelope over 1 MiB, a token over 64 KiB), or
// fails five connections in a row without progress (a notification, a
// clean close, or a minute open); and with ctx's error when ctx ends. On
// the way out it unsubscribes, within 10 seconds.
//
// A GetStreamingEvents request holds its connection for up to 30
// minutes, so it takes none of the mailbox's request slots, and over NTLM
// it signs in a connection of its own rather than one of the account's
// lanes (transport.MarkHanging): a stream would otherwise hold one of the
// four slots, or a lane, for its whole life.
func (b *Backend) Push(ctx context.Context, r *odata.PushRequest) iter.Seq2[odata.PushEvent, error] {
	return func(yield func(odata.PushEvent, error) bool) {
		c, err := b.newCall(ctx, &odata.BackendRequest{Method: http.MethodGet, Path: r.Path, Mailbox: r.Mailbox})
		if err != nil {
			yield(odata.PushEvent{}, err)
			return
		}
		folder, err := c.pushFolder()
		if err != nil {
			yield(odata.PushEvent{}, err)
			return
		}
		s := &stream{c: c, folder: folder, wm: r.Watermark}
		defer s.unsubscribe()
		// Changes made between the caller's last delta round and the
		// subscription are in no stream: the first event, once the
		// subscription is live, says so.
		s.run(yield, true)
	}
}

// pushFolder resolves the folder whose changes a push of the call's path
// reports.
func (c *call) pushFolder() (folderRef, error) {
	tmpl := normalizeTemplate(c.r.Path.Template())
	name, ok := pushFolders[tmpl]
	if !ok {
		return folderRef{}, errNotSupported("streaming notifications for " + c.r.Path.Template())
	}
	if name == "" {
		if len(c.ids) == 0 {
			return folderRef{}, fmt.Errorf("%w: %s names no folder", odata.ErrInvalidPath, c.r.Path)
		}
		name = c.ids[0]
	}
	return c.folder(name)
}

// normalizeTemplate writes every placeholder of a path template as {}:
// templates may name them ({id}).
func normalizeTemplate(t string) string {
	if !strings.Contains(t, "{") {
		return t
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			return b.String()
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			b.WriteString(t)
			return b.String()
		}
		b.WriteString(t[:i])
		b.WriteString("{}")
		t = t[i+j+1:]
	}
}

// stream is one Push: its subscription and where it stands.
type stream struct {
	c      *call
	folder folderRef
	sub    string // the subscription id, "" when there is none
	wm     string // the watermark of the last event read
	// cookie is the X-BackEndOverrideCookie the Subscribe answer set, ""
	// for none: it routes the subscription's next requests to the
	// Mailbox server that holds it.
	cookie string
}

// affinityCookie names the cookie by which Exchange 2013 and later route
// a subscription's requests to the Mailbox server holding it.
const affinityCookie = "X-BackEndOverrideCookie"

// affinity returns the headers that keep a subscription's requests on
// its Mailbox server: X-PreferServerAffinity, with the server's cookie
// once it gave one. (X-AnchorMailbox, the other half, goes with every
// request.)
func (s *stream) affinity() http.Header {
	h := http.Header{"X-Preferserveraffinity": {"true"}}
	if s.cookie != "" {
		h["Cookie"] = []string{(&http.Cookie{Name: affinityCookie, Value: s.cookie}).String()}
	}
	return h
}

// streamEnd says why a connection ended.
type streamEnd uint8

const (
	endStop    streamEnd = iota // the consumer stopped, or ctx ended
	endClosed                   // the server closed it (ConnectionStatus Closed)
	endDropped                  // it broke, or ended without Closed
	endLost                     // the subscription is gone
	endRetry                    // the server is busy or failing: try again later
	endFatal                    // the error ends the stream
)

// pushWait is the default pause before another connection, after n
// failures in a row: exponential from a second, at least the server's
// hint, at most maxStreamBackOff.
func pushWait(n int, hint time.Duration) time.Duration {
	d := time.Second << min(n-1, 5)
	return min(max(d, hint), maxStreamBackOff)
}

// testPushWait replaces pushWait in tests.
var testPushWait func(n int, hint time.Duration) time.Duration

func (s *stream) run(yield func(odata.PushEvent, error) bool, missed bool) {
	ctx := s.c.ctx
	fails := 0
	var last error
	var hint time.Duration
	for {
		if err := ctx.Err(); err != nil {
			yield(odata.PushEvent{}, err)
			return
		}
		if fails >= maxStreamFailures {
			yield(odata.PushEvent{}, fmt.Errorf("ews: streaming notifications: %d connections in a row failed: %w", fails, last))
			return
		}
		if fails > 0 {
			wait := pushWait
			if testPushWait != nil {
				wait = testPushWait
			}
			t := time.NewTimer(wait(fails, hint))
			select {
			case <-ctx.Done():
				t.Stop()
				yield(odata.PushEvent{}, ctx.Err())
				return
			case <-t.C:
			}
		}
		hint = 0
		if s.sub == "" {
			if err := s.subscribe(); err != nil {
				if ctx.Err() == nil && transient(err) {
					fails, last, hint = fails+1, err, retryAfter(err)
					continue
				}
				if ctx.Err() != nil {
					err = ctx.Err()
				}
				yield(odata.PushEvent{}, err)
				return
			}
			if missed {
				// The new subscription exists: a delta round from here on
				// misses nothing the stream will not report.
				if !yield(odata.PushEvent{Watermark: s.wm, Missed: true}, nil) {
					return
				}
				missed = false
			}
		}
		end, progress, err := s.connect(yield)
		if progress {
			fails = 0
		}
		switch end {
		case endStop:
			if err := ctx.Err(); err != nil {
				yield(odata.PushEvent{}, err)
			}
			return
		case endClosed:
		case endDropped:
			if !progress {
				fails, last = fails+1, err
			}
			// Notices the server wrote into the broken connection are
			// lost; the subscription keeps those after.
			if !yield(odata.PushEvent{Watermark: s.wm, Missed: true}, nil) {
				return
			}
		case endLost:
			s.sub, missed = "", true
			if !progress {
				fails, last = fails+1, err
			}
		case endRetry:
			fails, last, hint = fails+1, err, retryAfter(err)
		case endFatal:
			yield(odata.PushEvent{}, err)
			return
		}
	}
}

// transient reports whether a failed Subscribe may succeed later: the
// server was busy or failing, or the connection broke.
func transient(err error) bool {
	var oe *odata.Error
	switch {
	case errors.As(err, &oe):
		return oe.StatusCode == http.StatusTooManyRequests || oe.StatusCode >= 500 && oe.StatusCode != http.StatusNotImplemented
	case errors.Is(err, odata.ErrUnauthorized), errors.Is(err, errXML), errors.Is(err, odata.ErrNotSupported),
		errors.Is(err, odata.ErrInvalidPath), errors.Is(err, odata.ErrResponseTooLarge):
		return false
	}
	return true // the connection broke
}

// retryAfter is the wait a throttled answer asked for.
func retryAfter(err error) time.Duration {
	var oe *odata.Error
	if errors.As(err, &oe) {
		return oe.RetryAfter
	}
	return 0
}

// subscribe makes a streaming subscription on the folder.
func (s *stream) subscribe() error {
	var id []byte
	s.cookie = ""
	cookie := ""
	err := s.c.send(request{op: "Subscribe", header: s.affinity(), onHeader: func(h http.Header) {
		for _, ck := range (&http.Response{Header: h}).Cookies() {
			if ck.Name == affinityCookie && len(ck.Value) <= 4096 {
				cookie = ck.Value
			}
		}
	}, body: func(w *xmlWriter) {
		w.open("m:Subscribe")
		w.open("m:StreamingSubscriptionRequest")
		w.open("t:FolderIds")
		s.folder.write(w)
		w.close("t:FolderIds")
		w.open("t:EventTypes")
		for _, t := range streamEventTypes {
			w.elem("t:EventType", t)
		}
		w.close("t:EventTypes")
		w.close("m:StreamingSubscriptionRequest")
		w.close("m:Subscribe")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readMessages(x, buf, func(_ int, ms *status) error {
			if x.is("SubscriptionId") && ms.ok() {
				t, err := x.textInto(nil)
				id = bytes.TrimSpace(t)
				return err
			}
			return x.skip()
		}, failOn("Subscribe", false))
	})
	if err != nil {
		return err
	}
	if len(id) == 0 || len(id) > 1024 {
		return errorf("Subscribe: an answer without a usable SubscriptionId")
	}
	s.sub, s.cookie = string(id), cookie
	return nil
}

// unsubscribe ends the subscription, if there is one, whatever the
// stream's context says: the server would keep it (and count it against
// the account's subscriptions) until it expires.
func (s *stream) unsubscribe() {
	if s.sub == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(s.c.ctx), unsubscribeTimeout)
	defer cancel()
	c := *s.c
	c.ctx = ctx
	sub := s.sub
	s.sub = ""
	// Its failure changes nothing for the caller: an unknown subscription
	// is gone already, and any other expires on the server.
	_ = c.send(request{op: "Unsubscribe", header: s.affinity(), body: func(w *xmlWriter) {
		w.open("m:Unsubscribe")
		w.elem("m:SubscriptionId", sub)
		w.close("m:Unsubscribe")
	}}, func(x *xmlReader, buf *[]byte) error { return readMessages(x, buf, nil, nil) })
}

// connect holds one GetStreamingEvents connection open, yielding its
// notifications, and says how it ended, whether it made progress (brought
// a notification, closed cleanly, or lasted streamHealthy), and the error
// that ended it.
func (s *stream) connect(yield func(odata.PushEvent, error) bool) (streamEnd, bool, error) {
	parent := s.c.ctx
	ctx, cancel := context.WithTimeout(parent, streamMinutes*time.Minute+streamGrace)
	defer cancel()
	c := *s.c
	c.ctx = ctx
	sub := s.sub
	rq := request{op: "GetStreamingEvents", header: s.affinity(), body: func(w *xmlWriter) {
		w.open("m:GetStreamingEvents")
		w.open("m:SubscriptionIds")
		w.elem("t:SubscriptionId", sub)
		w.close("m:SubscriptionIds")
		w.elem("m:ConnectionTimeout", itoa(streamMinutes))
		w.close("m:GetStreamingEvents")
	}}
	req, payload, err := c.newRequest(rq)
	if err != nil {
		if parent.Err() == nil && transient(err) {
			return endRetry, false, err // the token endpoint failed for now
		}
		return endFatal, false, err
	}
	// Neither retried by the transport (Push reconnects itself, and knows
	// what a new connection means) nor counted against the mailbox's
	// request limit.
	req = transport.MarkHanging(req)
	resp, err := s.c.b.doer.Do(req)
	if err != nil {
		if parent.Err() != nil {
			return endStop, false, nil
		}
		return endRetry, false, fmt.Errorf("ews: GetStreamingEvents: %w", err)
	}
	defer resp.Body.Close()
	if err := s.c.b.httpError(rq, resp, len(payload)); err != nil {
		if transient(err) {
			return endRetry, false, err
		}
		return endFatal, false, err
	}
	body := &envelopeLimit{r: resp.Body}
	x := newXMLReader(body, maxStreamToken)
	var buf []byte
	progress := false
	start := time.Now()
	for {
		a, err := nextEnvelope(x, body, &buf)
		if time.Since(start) >= streamHealthy {
			progress = true
		}
		switch {
		case parent.Err() != nil:
			return endStop, progress, nil
		case err == nil:
		case errors.Is(err, errEnvelopeTooLarge):
			return endFatal, progress, fmt.Errorf("ews: GetStreamingEvents: %w", err)
		case !x.started && x.srcErr == nil && errors.Is(err, io.ErrUnexpectedEOF):
			// The answer ended between two envelopes, without Closed.
			return endDropped, progress, fmt.Errorf("ews: GetStreamingEvents: the server ended the stream without closing it")
		case x.srcErr != nil || errors.Is(err, io.ErrUnexpectedEOF):
			return endDropped, progress, fmt.Errorf("ews: GetStreamingEvents: %w", err)
		default:
			return endFatal, progress, fmt.Errorf("ews: reading the GetStreamingEvents stream: %w", err)
		}
		if st := a.failed; st != nil {
			e := errorOf("GetStreamingEvents", st, false, resp.Header)
			switch {
			case lostSubscription[st.code]:
				return endLost, progress, e
			case e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500:
				return endRetry, progress, e
			}
			return endFatal, progress, e
		}
		if len(a.notes) > 0 || a.closed {
			progress = true
		}
		for _, wm := range a.notes {
			if wm != "" {
				s.wm = wm
			}
			if !yield(odata.PushEvent{Watermark: s.wm}, nil) {
				return endStop, progress, nil
			}
		}
		if a.closed {
			return endClosed, progress, nil
		}
	}
}

// nextEnvelope reads the next envelope of a GetStreamingEvents answer
// from x, which reads body. A SOAP fault is returned as the answer's
// failed status.
func nextEnvelope(x *xmlReader, body *envelopeLimit, buf *[]byte) (*streamAnswer, error) {
	body.n = 0
	a := &streamAnswer{}
	var fault status
	isFault, err := readOneEnvelope(x, &fault, buf, func() error { return a.read(x, buf) })
	if err != nil {
		return nil, err
	}
	if isFault {
		a.failed = &fault
	}
	x.nextDocument()
	return a, nil
}

// envelopeLimit is a response body that fails once an envelope (bytes
// read since n was last zeroed) passes maxEnvelopeBytes.
type envelopeLimit struct {
	r io.Reader
	n int
}

func (l *envelopeLimit) Read(p []byte) (int, error) {
	if l.n > maxEnvelopeBytes {
		return 0, errEnvelopeTooLarge
	}
	n, err := l.r.Read(p)
	l.n += n
	return n, err
}

// streamAnswer is what one envelope of a GetStreamingEvents answer says.
type streamAnswer struct {
	// notes holds the watermark of the last event of each notification
	// ("" when it had none).
	notes  []string
	closed bool    // ConnectionStatus Closed
	failed *status // the first response message that failed
}

// read reads the GetStreamingEventsResponse element.
func (a *streamAnswer) read(x *xmlReader, buf *[]byte) error {
	return readMessages(x, buf, func(_ int, _ *status) error {
		switch string(x.local) {
		case "ConnectionStatus":
			var err error
			*buf, err = x.textInto((*buf)[:0])
			if string(bytes.TrimSpace(*buf)) == "Closed" {
				a.closed = true
			}
			return err
		case "Notifications":
			return x.children(func() error {
				if !x.is("Notification") {
					return x.skip()
				}
				return a.readNotification(x, buf)
			})
		}
		return x.skip()
	}, func(_ int, st *status) error {
		if !st.ok() && a.failed == nil {
			a.failed = st
		}
		return nil
	})
}

// readNotification reads one Notification: its events and the last
// watermark among them. A notification without a change event (only a
// StatusEvent) is no notice.
func (a *streamAnswer) readNotification(x *xmlReader, buf *[]byte) error {
	events := 0
	wm := ""
	err := x.children(func() error {
		if !bytes.HasSuffix(x.local, []byte("Event")) || x.is("StatusEvent") {
			return x.skip()
		}
		events++
		return x.children(func() error {
			if !x.is("Watermark") {
				return x.skip()
			}
			var err error
			if *buf, err = x.textInto((*buf)[:0]); err != nil {
				return err
			}
			if t := bytes.TrimSpace(*buf); len(t) > 0 {
				wm = string(t)
			}
			return nil
		})
	})
	if err == nil && events > 0 {
		a.notes = append(a.notes, wm)
	}
	return err
}
