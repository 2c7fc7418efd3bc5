package ews

// Streaming notifications: Subscribe with a StreamingSubscriptionRequest,
// GetStreamingEvents and Unsubscribe (Exchange 2010 SP1 and later).
//
// A subscription follows the items of the folders it names (not their
// subfolders, unless SubscribeToAllFolders) from the moment it is made,
// by the mailbox's change sequence: it remembers how far its notices
// have gone, so notices made while no connection is open wait for the
// next one. GetStreamingEvents answers with one HTTP response that lasts
// ConnectionTimeout minutes: an envelope per batch of changes, flushed
// as it is written, and a last envelope with ConnectionStatus Closed. It
// waits on the store (store.Watch), not on a timer.
//
// The fake reports an item created in (or moved into) a folder as a
// CreatedEvent (and a NewMailEvent for a message received), changed as a
// ModifiedEvent, and deleted from (or moved out of) it as a DeletedEvent:
// Exchange reports moves as MovedEvent with both folders, which says no
// more to a client that re-reads the folder on each notice.
//
// A subscription with no connection open expires after subscriptionIdle
// (Exchange keeps a streaming subscription alive between connections, and
// drops it once none has been open for a while); Expire, Drop and Close
// let tests end subscriptions and connections on demand.

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

const (
	// subscriptionIdle is how long a streaming subscription lives with no
	// connection open: the longest a connection may last.
	subscriptionIdle = 30 * time.Minute
	// maxStreamEvents is the most events one Notification carries; more
	// wait for the next envelope (MoreEvents true).
	maxStreamEvents = 50
	// maxSubscriptionsPerCall is the most subscription ids one
	// GetStreamingEvents takes (Exchange's limit for a connection group).
	maxSubscriptionsPerCall = 200
)

// streamEventNames are the EventType values a subscription may ask for.
var streamEventNames = map[string]bool{
	"CopiedEvent": true, "CreatedEvent": true, "DeletedEvent": true, "ModifiedEvent": true,
	"MovedEvent": true, "NewMailEvent": true, "FreeBusyChangedEvent": true,
}

// streams are the streaming subscriptions of a host and their open
// connections. Its mutex guards the map and each subscription's conn,
// owner, expired and idleSince; seq and wm are guarded by the store's
// lock (they move as changes are read).
type streams struct {
	mu   sync.Mutex
	subs map[string]*subscription
}

type subscription struct {
	id      string
	owner   string // the caller that made it
	m       *store.Mailbox
	folders []watchedFolder
	events  map[string]bool
	all     bool // SubscribeToAllFolders

	seq uint64 // the mailbox's change sequence its notices have reached
	wm  uint64 // the number of its last event

	conn      *streamConn // the connection open on it, nil when none
	idleSince time.Time
	expired   bool
}

type watchedFolder struct {
	id  string // store id
	set string // the set of its items: messages, events, contacts
}

// streamConn is one open GetStreamingEvents answer.
type streamConn struct {
	end  chan struct{} // closed to end it; why says how
	once sync.Once
	why  string // "close", "drop" or "expire"
}

func (sc *streamConn) stop(why string) {
	sc.once.Do(func() {
		sc.why = why
		close(sc.end)
	})
}

// Streams ends the host's streaming connections and subscriptions on
// demand: "close" ends every open connection as its timeout would
// (ConnectionStatus Closed), "drop" breaks them mid-answer, "expire"
// expires every subscription (an open connection gets
// ErrorSubscriptionNotFound and ends).
func (h *Handler) Streams(action string) {
	h.streams.mu.Lock()
	defer h.streams.mu.Unlock()
	for _, s := range h.streams.subs {
		if action == "expire" {
			s.expired = true
		}
		if s.conn != nil {
			s.conn.stop(action)
		}
	}
}

func newSubscriptionID() string {
	b := make([]byte, 36)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func watermark(sub *subscription) string {
	return base64.StdEncoding.EncodeToString([]byte("wm:" + sub.id[:8] + ":" + strconv.FormatUint(sub.wm, 10)))
}

// subscribe serves Subscribe; only streaming subscriptions are served.
func (c *call) subscribe(op *elem, w *writer) *fault {
	req := op.m("StreamingSubscriptionRequest")
	if req == nil {
		if op.m("PullSubscriptionRequest") != nil || op.m("PushSubscriptionRequest") != nil {
			return notImplemented("pull and push subscriptions (streaming subscriptions are served)")
		}
		return schemaFault(op.line, op.col, "The element 'Subscribe' has incomplete content. List of possible elements expected: 'PullSubscriptionRequest, PushSubscriptionRequest, StreamingSubscriptionRequest'.")
	}
	sub := &subscription{id: newSubscriptionID(), owner: c.caller.Name, events: map[string]bool{}}
	sub.all = req.attrOr("SubscribeToAllFolders", "false") == "true"
	et := req.t("EventTypes")
	if et == nil || len(et.kids) == 0 {
		return schemaFault(req.line, req.col, "The element 'StreamingSubscriptionRequest' has incomplete content. List of possible elements expected: 'EventTypes'.")
	}
	for _, k := range et.kids {
		v := k.value()
		if !streamEventNames[v] {
			return schemaFault(k.line, k.col, "The 'EventType' element is invalid - The value '"+v+"' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:NotificationEventTypeType' - The Enumeration constraint failed.")
		}
		sub.events[v] = true
	}
	fids := req.t("FolderIds")
	switch {
	case sub.all && fids != nil:
		c.respond(w, []result{{err: errf("ErrorInvalidSubscriptionRequest", "SubscribeToAllFolders cannot be combined with FolderIds.")}})
		return nil
	case sub.all:
		m, rerr := c.selfMailbox()
		if rerr != nil {
			c.respond(w, []result{{err: rerr}})
			return nil
		}
		sub.m = m
	case fids == nil || len(fids.kids) == 0:
		return schemaFault(req.line, req.col, "The element 'StreamingSubscriptionRequest' has incomplete content. List of possible elements expected: 'FolderIds'.")
	}
	if fids != nil {
		for _, k := range fids.kids {
			fo, rerr, f := c.folderByID(k)
			if f != nil {
				return f
			}
			if rerr == nil && fo.e == nil {
				rerr = errf("ErrorInvalidSubscriptionRequest", "The root folder cannot be subscribed to; use SubscribeToAllFolders.")
			}
			if rerr == nil && sub.m != nil && fo.m != sub.m {
				// One subscription is for one mailbox.
				rerr = errf("ErrorInvalidSubscriptionRequest", "The folders of a subscription must belong to one mailbox.")
			}
			if rerr != nil {
				c.respond(w, []result{{err: rerr}})
				return nil
			}
			sub.m = fo.m
			set := map[string]string{"calendars": "events", "contactFolders": "contacts"}[fo.set]
			if set == "" {
				set = "messages"
			}
			sub.folders = append(sub.folders, watchedFolder{id: fo.e.ID(), set: set})
		}
	}
	sub.seq = sub.m.Seq()
	sub.idleSince = c.h.env.Now()
	c.h.streams.mu.Lock()
	if c.h.streams.subs == nil {
		c.h.streams.subs = map[string]*subscription{}
	}
	c.h.streams.subs[sub.id] = sub
	c.h.streams.mu.Unlock()
	c.respond(w, []result{{write: func(w *writer) { w.leaf("m:SubscriptionId", sub.id) }}})
	return nil
}

// lookupSubscription returns the caller's live subscription id, or nil.
// It expires a subscription left without a connection too long.
func (c *call) lookupSubscription(id string) *subscription {
	st := &c.h.streams
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.subs[strings.TrimSpace(id)]
	if s == nil || s.owner != c.caller.Name {
		return nil
	}
	if s.conn == nil && c.h.env.Now().Sub(s.idleSince) > subscriptionIdle {
		s.expired = true
	}
	if s.expired {
		delete(st.subs, s.id)
		return nil
	}
	return s
}

// unsubscribe serves Unsubscribe.
func (c *call) unsubscribe(op *elem, w *writer) *fault {
	id := op.m("SubscriptionId")
	if id == nil {
		return schemaFault(op.line, op.col, "The element 'Unsubscribe' has incomplete content. List of possible elements expected: 'SubscriptionId'.")
	}
	s := c.lookupSubscription(id.value())
	if s == nil {
		c.respond(w, []result{{err: errf("ErrorSubscriptionNotFound", "The specified subscription was not found.")}})
		return nil
	}
	st := &c.h.streams
	st.mu.Lock()
	delete(st.subs, s.id)
	s.expired = true
	if s.conn != nil {
		s.conn.stop("expire")
	}
	st.mu.Unlock()
	c.respond(w, []result{{}})
	return nil
}

// getStreamingEvents serves GetStreamingEvents: it checks the request and
// leaves the answer to c.stream, which Serve runs once the store's lock is
// released.
func (c *call) getStreamingEvents(op *elem, w *writer) *fault {
	ids := op.m("SubscriptionIds")
	to := op.m("ConnectionTimeout")
	if ids == nil || len(ids.kids) == 0 || to == nil {
		return schemaFault(op.line, op.col, "The element 'GetStreamingEvents' has incomplete content. List of possible elements expected: 'SubscriptionIds, ConnectionTimeout'.")
	}
	minutes, err := strconv.Atoi(strings.TrimSpace(to.value()))
	if err != nil || minutes < 1 || minutes > 30 {
		c.respond(w, []result{{err: errf("ErrorInvalidArgument", "The ConnectionTimeout must be between 1 and 30 minutes.")}})
		return nil
	}
	if len(ids.kids) > maxSubscriptionsPerCall {
		c.respond(w, []result{{err: errf("ErrorInvalidArgument", "Too many subscriptions for one connection.")}})
		return nil
	}
	var subs []*subscription
	var missing []string
	for _, k := range ids.kids {
		if s := c.lookupSubscription(k.value()); s != nil {
			subs = append(subs, s)
		} else {
			missing = append(missing, strings.TrimSpace(k.value()))
		}
	}
	if len(missing) > 0 {
		c.streamError(w, "ErrorSubscriptionNotFound", "The specified subscription was not found.", missing)
		return nil
	}
	conn := &streamConn{end: make(chan struct{})}
	st := &c.h.streams
	st.mu.Lock()
	for _, s := range subs {
		if s.conn != nil {
			// A new connection takes the subscription over; the old one
			// ends as Exchange ends it.
			s.conn.stop("close")
		}
		s.conn = conn
	}
	st.mu.Unlock()
	timeout := time.Duration(minutes) * time.Minute
	c.stream = func(rw http.ResponseWriter) { c.h.streamEvents(rw, c.r, subs, conn, timeout) }
	return nil
}

// streamError writes a GetStreamingEvents response message that failed,
// naming the subscriptions at fault.
func (c *call) streamError(w *writer, code, text string, subs []string) {
	w.open("m:GetStreamingEventsResponse", "xmlns:m", nsMessages, "xmlns:t", nsTypes)
	w.open("m:ResponseMessages")
	w.open("m:GetStreamingEventsResponseMessage", "ResponseClass", "Error")
	w.leaf("m:MessageText", text)
	w.leaf("m:ResponseCode", code)
	w.leaf("m:DescriptiveLinkKey", "0")
	if len(subs) > 0 {
		w.open("m:ErrorSubscriptionIds")
		for _, id := range subs {
			w.leaf("m:SubscriptionId", id)
		}
		w.close("m:ErrorSubscriptionIds")
	}
	w.close("m:GetStreamingEventsResponseMessage")
	w.close("m:ResponseMessages")
	w.close("m:GetStreamingEventsResponse")
}

type uncountKey struct{}

// WithUncount returns a context telling Serve how to stop counting the
// request in flight (the host layer's count) once it turns out to be a
// stream: Exchange counts streaming connections apart from the requests
// it throttles (HangingConnectionLimit), and a stream lasts minutes.
func WithUncount(ctx context.Context, leave func()) context.Context {
	return context.WithValue(ctx, uncountKey{}, leave)
}

// streamEvents writes the answer of a GetStreamingEvents: an envelope per
// batch of changes, until the timeout, the client leaves, or a test ends
// it.
func (h *Handler) streamEvents(rw http.ResponseWriter, r *http.Request, subs []*subscription, conn *streamConn, timeout time.Duration) {
	defer func() {
		h.streams.mu.Lock()
		now := h.env.Now()
		for _, s := range subs {
			if s.conn == conn {
				s.conn, s.idleSince = nil, now
			}
		}
		h.streams.mu.Unlock()
	}()
	if leave, ok := r.Context().Value(uncountKey{}).(func()); ok {
		leave()
	}
	rc := http.NewResponseController(rw)
	rw.Header().Set("Content-Type", "text/xml; charset=utf-8")
	rw.WriteHeader(http.StatusOK)
	send := func(body []byte) bool {
		if _, err := rw.Write(envelope(body)); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	status := func(s string) []byte {
		w := &writer{}
		c := &call{op: "GetStreamingEvents"}
		c.respond(w, []result{{write: func(w *writer) { w.leaf("m:ConnectionStatus", s) }}})
		return w.b.Bytes()
	}
	// The first envelope says the connection is open.
	if !send(status("OK")) {
		return
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	end := func() {
		switch conn.why {
		case "drop":
			// Break the connection mid-answer.
			panic(http.ErrAbortHandler)
		case "expire":
			w := &writer{}
			(&call{op: "GetStreamingEvents"}).streamError(w, "ErrorSubscriptionNotFound", "The subscription has expired.", nil)
			send(w.b.Bytes())
		default:
			send(status("Closed"))
		}
	}
	for {
		select {
		case <-conn.end:
			// Ended before the changes that woke it are written: they wait
			// for the subscription's next connection.
			end()
			return
		default:
		}
		h.st.Lock()
		body, more := h.notices(subs)
		changed, stop := h.st.Await(func() bool {
			for _, s := range subs {
				if s.m.Seq() > s.seq {
					return true
				}
			}
			return false
		})
		h.st.Unlock()
		if body != nil && !send(body) {
			stop()
			return
		}
		if more {
			stop()
			continue
		}
		select {
		case <-changed:
			continue
		case <-deadline.C:
			stop()
			send(status("Closed"))
			return
		case <-r.Context().Done():
			stop()
			return
		case <-conn.end:
			stop()
			end()
			return
		}
	}
}

// notices returns the body of an envelope holding the notifications of
// subs' changes since their last, moving them past those changes (nil
// when there are none), and whether more changes wait. It requires the
// store's lock.
func (h *Handler) notices(subs []*subscription) ([]byte, bool) {
	w := &writer{}
	opened, more := false, false
	for _, s := range subs {
		evs, next, cut := s.changes()
		if len(evs) == 0 {
			s.seq = next
			continue
		}
		if !opened {
			w.open("m:GetStreamingEventsResponse", "xmlns:m", nsMessages, "xmlns:t", nsTypes)
			w.open("m:ResponseMessages")
			w.open("m:GetStreamingEventsResponseMessage", "ResponseClass", "Success")
			w.leaf("m:ResponseCode", "NoError")
			w.open("m:Notifications")
			opened = true
		}
		w.open("m:Notification")
		w.leaf("t:SubscriptionId", s.id)
		w.leaf("t:PreviousWatermark", watermark(s))
		w.leaf("t:MoreEvents", boolText(cut))
		now := h.env.Now().UTC().Format("2006-01-02T15:04:05Z")
		for _, ev := range evs {
			s.wm++
			w.open("t:" + ev.kind)
			w.leaf("t:Watermark", watermark(s))
			w.leaf("t:TimeStamp", now)
			if ev.ck != "" {
				w.empty("t:ItemId", "Id", ewsID(ev.id), "ChangeKey", ev.ck)
			} else {
				w.empty("t:ItemId", "Id", ewsID(ev.id))
			}
			w.empty("t:ParentFolderId", "Id", ewsID(ev.folder))
			w.close("t:" + ev.kind)
		}
		w.close("m:Notification")
		s.seq = next
		more = more || cut
	}
	if !opened {
		return nil, false
	}
	w.close("m:Notifications")
	w.close("m:GetStreamingEventsResponseMessage")
	w.close("m:ResponseMessages")
	w.close("m:GetStreamingEventsResponse")
	return w.b.Bytes(), more
}

type streamEvent struct {
	kind, id, ck, folder string
	seq                  uint64
}

// changes lists the events of the subscription's folders after its seq,
// at most maxStreamEvents of them, in sequence order; next is the seq
// they reach, cut says more are left. It requires the store's lock.
func (s *subscription) changes() (evs []streamEvent, next uint64, cut bool) {
	m := s.m
	folders := s.folders
	if s.all {
		folders = nil
		for _, set := range []string{"mailFolders", "calendars", "contactFolders"} {
			items := map[string]string{"mailFolders": "messages", "calendars": "events", "contactFolders": "contacts"}[set]
			for _, f := range m.List(set, nil) {
				folders = append(folders, watchedFolder{id: f.ID(), set: items})
			}
		}
	}
	var all []streamEvent
	for _, f := range folders {
		id := f.id
		sc := store.Scope{Key: "ews-stream:" + id, Set: f.set, Parent: id, Member: func(e *store.Entity) bool { return e.Parent() == id }}
		cur := store.Cursor{Mailbox: m.ID(), Scope: sc.Key, Since: s.seq, CurSeq: s.seq, CurOrd: math.MaxUint64, Removals: s.seq}
		for _, ch := range m.Changes(sc, cur, nil) {
			if ch.Seq <= s.seq {
				continue
			}
			switch {
			case ch.Entity == nil:
				if s.events["DeletedEvent"] {
					all = append(all, streamEvent{kind: "DeletedEvent", id: ch.Removed, folder: id, seq: ch.Seq})
				}
			case ch.Created:
				if s.events["CreatedEvent"] {
					all = append(all, streamEvent{kind: "CreatedEvent", id: ch.Entity.ID(), ck: changeKey(ch.Entity), folder: id, seq: ch.Seq})
				}
				if f.set == "messages" && s.events["NewMailEvent"] && ch.Entity.Object()["isDraft"] != true {
					all = append(all, streamEvent{kind: "NewMailEvent", id: ch.Entity.ID(), ck: changeKey(ch.Entity), folder: id, seq: ch.Seq})
				}
			default:
				if s.events["ModifiedEvent"] {
					all = append(all, streamEvent{kind: "ModifiedEvent", id: ch.Entity.ID(), ck: changeKey(ch.Entity), folder: id, seq: ch.Seq})
				}
			}
		}
	}
	next = m.Seq()
	if len(all) == 0 {
		return nil, next, false
	}
	// In sequence order across folders; cut at a sequence boundary.
	slices.SortStableFunc(all, func(a, b streamEvent) int { return cmp.Compare(a.seq, b.seq) })
	if len(all) > maxStreamEvents {
		// Cut after a sequence number's last event: the next envelope
		// starts after it.
		k := maxStreamEvents
		for k < len(all) && all[k].seq == all[k-1].seq {
			k++
		}
		if k < len(all) {
			return all[:k], all[k-1].seq, true
		}
	}
	return all, next, false
}

// OpenStreams returns how many streaming connections are open.
func (h *Handler) OpenStreams() int {
	h.streams.mu.Lock()
	defer h.streams.mu.Unlock()
	conns := map[*streamConn]bool{}
	for _, s := range h.streams.subs {
		if s.conn != nil {
			conns[s.conn] = true
		}
	}
	return len(conns)
}

// Subscriptions returns how many streaming subscriptions the host holds
// (expired ones it has not forgotten yet included).
func (h *Handler) Subscriptions() int {
	h.streams.mu.Lock()
	defer h.streams.mu.Unlock()
	n := 0
	for _, s := range h.streams.subs {
		if !s.expired {
			n++
		}
	}
	return n
}
