package notify

import (
	"context"
	"crypto/rsa"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/exchangekit/outlook/odata"
)

// ReceiverOptions tune a Receiver; the zero value (or nil) is ready.
type ReceiverOptions struct {
	// Buffer is how many notifications wait for the application; 1024
	// when zero. See Receiver for what happens when it is full.
	Buffer int
	// Logger logs refused requests and subscription upkeep; none when nil.
	Logger *slog.Logger
	// EncryptionKeys are the private keys of the certificates rich
	// subscriptions were made with (CreateOptions.ResourceData), by
	// certificate id. A notification carrying encrypted resource data is
	// delivered only when its signature verifies under the key it names
	// and its data decrypts; otherwise it is refused, and logged without
	// its content.
	EncryptionKeys []EncryptionKey
	// ValidationTokens, when set, makes the receiver check the JWTs Graph
	// adds to each collection of rich notifications, as Microsoft asks,
	// before it decrypts anything: rich notifications whose tokens fail
	// are dropped. Without it the clientState and the data signature
	// alone authenticate a rich notification.
	ValidationTokens *ValidationTokens
}

// Receiver is the endpoint Graph posts change notifications to: an
// http.Handler to mount at the https URL given to NewReceiver.
//
// It answers Graph's validation request (?validationToken=...) with the
// token in plain text at once, and a notification request with 202 at
// once, whatever the application is doing: Graph marks an endpoint slow
// after a few seconds' answers and then drops notifications (checking
// validation tokens may hold one request a minute at most for
// KeyFetchTimeout, to fetch the signing keys). A notification that names
// no subscription the receiver tracks, or names one with another
// clientState, or (rich notifications) whose data or validation tokens do
// not verify, is dropped and logged without its content, and the request
// is still answered 202: Graph retries a refused delivery for hours and
// counts it against the endpoint (an unknown subscription, after a restart
// or Forget, would keep coming back), and the answer tells a forger
// nothing. Only a malformed (400) or oversized (413) body is refused.
//
// Notifications wait for the application in a buffer of bounded size,
// de-duplicated (Graph may deliver one twice). When the buffer is full a
// new notification is not kept: its subscription is marked, and the
// application's next read gets one Missed notification for it instead, as
// if Graph had dropped it. A notification says only that something
// changed, and the answer to Missed is a delta round that reads every
// change since the last one, so coalescing loses nothing: a slow
// application costs memory proportional to Buffer and the number of
// subscriptions, and never makes Graph retry or drop the endpoint.
//
// A Receiver is also an odata.Waker: given to Watch (odata.WatchOptions),
// it subscribes for each watcher, keeps the subscription alive, and wakes
// the watcher on its notifications, which then do not reach Notifications.
type Receiver struct {
	url     string
	buffer  int
	log     *slog.Logger
	keys    map[string]*rsa.PrivateKey // by certificate id; read-only after NewReceiver
	tokens  *tokenChecker              // checks rich notifications' validationTokens; nil: not checked
	maxBody int64

	mu       sync.Mutex
	subs     map[string]*tracked // by subscription id
	queue    []Notification
	overflow map[string]bool // subscriptions whose notifications found the buffer full
	ready    chan struct{}   // signalled when the queue or overflow gains one
	seen     dedup
}

// tracked is a subscription the receiver accepts notifications for.
type tracked struct {
	clientState string
	wake        chan struct{}     // set: notifications wake a watcher instead of queuing
	events      chan Notification // set: a keeper handles lifecycle events
}

// NewReceiver returns a Receiver to be mounted at notificationURL, the
// public https URL Graph will post to.
func NewReceiver(notificationURL string, o *ReceiverOptions) (*Receiver, error) {
	if err := checkHTTPS("notification URL", notificationURL); err != nil {
		return nil, err
	}
	r := &Receiver{url: notificationURL, buffer: 1024, log: slog.New(slog.DiscardHandler),
		subs: map[string]*tracked{}, overflow: map[string]bool{}, ready: make(chan struct{}, 1)}
	if o != nil && o.Buffer > 0 {
		r.buffer = o.Buffer
	}
	if o != nil && o.Logger != nil {
		r.log = o.Logger
	}
	r.maxBody = maxRequestBytes
	if o != nil && len(o.EncryptionKeys) > 0 {
		r.keys, r.maxBody = map[string]*rsa.PrivateKey{}, maxRichRequestBytes
		for _, k := range o.EncryptionKeys {
			if k.ID == "" || k.Key == nil {
				return nil, fmt.Errorf("notify: an encryption key needs an id and an RSA private key")
			}
			r.keys[k.ID] = k.Key
		}
	}
	if o != nil && o.ValidationTokens != nil {
		c, err := newTokenChecker(o.ValidationTokens)
		if err != nil {
			return nil, err
		}
		r.tokens = c
	}
	r.seen.init(4 * r.buffer)
	return r, nil
}

// URL returns the notification URL the receiver was made for.
func (r *Receiver) URL() string { return r.url }

// Track makes the receiver accept the notifications of a subscription made
// elsewhere (by Create, or by another process), with its clientState.
func (r *Receiver) Track(s *Subscription) {
	r.mu.Lock()
	r.subs[s.ID] = &tracked{clientState: s.ClientState}
	r.mu.Unlock()
}

// Forget makes the receiver refuse the subscription's notifications.
func (r *Receiver) Forget(id string) {
	r.mu.Lock()
	delete(r.subs, id)
	delete(r.overflow, id)
	r.mu.Unlock()
}

// maxRequestBytes caps a notification request's body; Graph's are small
// unless they carry resource data (then maxRichRequestBytes).
const maxRequestBytes = 1 << 20

// maxValidationToken caps the token echoed in the validation handshake.
const maxValidationToken = 4096

// ServeHTTP answers Graph.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "notify: POST only", http.StatusMethodNotAllowed)
		return
	}
	if tok, ok := req.URL.Query()["validationToken"]; ok {
		if len(tok) != 1 || len(tok[0]) > maxValidationToken {
			http.Error(w, "notify: bad validation token", http.StatusBadRequest)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, tok[0])
		return
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, r.maxBody+1))
	if err != nil {
		http.Error(w, "notify: reading the body", http.StatusBadRequest)
		return
	}
	if int64(len(body)) > r.maxBody {
		http.Error(w, "notify: body too large", http.StatusRequestEntityTooLarge)
		return
	}
	ns, tokens, err := parseCollection(body)
	if err != nil {
		r.log.Warn("notify: refused a malformed notification request", "remote", req.RemoteAddr, "err", err)
		http.Error(w, "notify: malformed notifications", http.StatusBadRequest)
		return
	}
	// Rich notifications whose tokens or data did not verify are logged
	// already.
	forged := r.checkTokens(req.Context(), ns, tokens, req.RemoteAddr)
	forged += r.decrypt(ns, req.RemoteAddr)
	if unknown := len(ns) - r.accept(ns) - forged; unknown > 0 {
		r.log.Warn("notify: dropped notifications of unknown subscriptions or with a wrong clientState", "remote", req.RemoteAddr, "count", unknown)
	}
	w.WriteHeader(http.StatusAccepted)
}

// accept routes the valid notifications of ns and returns how many were
// valid.
func (r *Receiver) accept(ns []Notification) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	valid, queued := 0, false
	for i := range ns {
		n := &ns[i]
		t := r.subs[n.SubscriptionID]
		if n.refused || !t.knows(n) {
			continue
		}
		valid++
		n.clientState = ""
		if n.Lifecycle != "" && n.Lifecycle != Missed && t.events != nil {
			select {
			case t.events <- *n:
			default: // one is pending: the keeper acts on the subscription's current state anyway
			}
			continue
		}
		if t.wake != nil {
			select {
			case t.wake <- struct{}{}:
			default:
			}
			continue
		}
		if n.Lifecycle == "" && !r.seen.add(dedupKey(n)) {
			continue
		}
		if r.overflow[n.SubscriptionID] {
			continue // a Missed is already owed: it covers this one
		}
		if len(r.queue) >= r.buffer {
			r.overflow[n.SubscriptionID] = true
		} else {
			r.queue = append(r.queue, *n)
		}
		queued = true
	}
	if queued {
		select {
		case r.ready <- struct{}{}:
		default:
		}
	}
	return valid
}

// knows reports whether n carries the subscription's clientState.
func (t *tracked) knows(n *Notification) bool {
	return t != nil && subtle.ConstantTimeCompare([]byte(t.clientState), []byte(n.clientState)) == 1
}

// decrypt verifies and decrypts the resource data of the rich
// notifications in ns that name a subscription the receiver knows, with
// its clientState (so a stranger cannot make it spend RSA decryptions),
// and marks refused those that fail, returning how many. It runs without
// r.mu held.
func (r *Receiver) decrypt(ns []Notification, remote string) int {
	refused := 0
	var reason error
	for i := range ns {
		n := &ns[i]
		e := n.encrypted
		n.encrypted = nil
		if e == nil || n.Lifecycle != "" {
			continue
		}
		r.mu.Lock()
		known := r.subs[n.SubscriptionID].knows(n)
		r.mu.Unlock()
		if !known {
			continue // accept drops it
		}
		data, err := decryptContent(e, r.keys)
		if err != nil {
			n.refused, reason = true, err
			refused++
			continue
		}
		n.data = string(data)
	}
	if refused > 0 {
		r.log.Warn("notify: refused notifications whose resource data did not verify", "remote", remote, "count", refused, "err", reason)
	}
	return refused
}

func dedupKey(n *Notification) string {
	return n.SubscriptionID + "\x00" + n.Change.String() + "\x00" + n.ID + "\x00" + n.ETag
}

// next takes the next notification, or reports false when there is none.
// Owed Missed notifications come first: the delta round they call for
// reads what the queued ones announce too.
func (r *Receiver) next() (Notification, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id := range r.overflow {
		delete(r.overflow, id)
		return Notification{SubscriptionID: id, Lifecycle: Missed}, true
	}
	if len(r.queue) == 0 {
		return Notification{}, false
	}
	n := r.queue[0]
	r.queue[0] = Notification{}
	r.queue = r.queue[1:]
	if len(r.queue) == 0 {
		r.queue = nil // let a burst's backing array go
	}
	return n, true
}

// owe makes the application's next read a Missed notification for the
// subscription (it was recreated, and changes may have gone unannounced).
func (r *Receiver) owe(id string) {
	r.mu.Lock()
	r.overflow[id] = true
	r.mu.Unlock()
	select {
	case r.ready <- struct{}{}:
	default:
	}
}

// missed tells the application that a subscription's notifications were
// lost: a watcher wakes, a Notifications reader gets Missed.
func (r *Receiver) missed(id string) {
	r.mu.Lock()
	t := r.subs[id]
	r.mu.Unlock()
	if t == nil {
		return
	}
	if t.wake != nil {
		select {
		case t.wake <- struct{}{}:
		default:
		}
		return
	}
	r.owe(id)
}

// Notifications yields the notifications the receiver accepted, in the
// order they came, until ctx ends. Several readers share one stream.
func (r *Receiver) Notifications(ctx context.Context) iter.Seq[Notification] {
	return func(yield func(Notification) bool) {
		for {
			if n, ok := r.next(); ok {
				if !yield(n) {
					return
				}
				continue
			}
			select {
			case <-ctx.Done():
				return
			case <-r.ready:
			}
		}
	}
}

// dedup remembers the last n keys it was given.
type dedup struct {
	ring []string
	at   int
	set  map[string]struct{}
}

func (d *dedup) init(n int) {
	d.ring, d.set = make([]string, n), make(map[string]struct{}, n)
}

// add reports whether k is new, and remembers it.
func (d *dedup) add(k string) bool {
	if _, ok := d.set[k]; ok {
		return false
	}
	if old := d.ring[d.at]; old != "" {
		delete(d.set, old)
	}
	d.ring[d.at], d.set[k] = k, struct{}{}
	d.at = (d.at + 1) % len(d.ring)
	return true
}

// SubscribeOptions are the choices of Subscribe.
type SubscribeOptions struct {
	CreateOptions
	// RenewBefore is how long before expiry the subscription is renewed: a
	// quarter of its life when zero.
	RenewBefore time.Duration
}

// A Handle is a subscription the receiver keeps alive (Subscribe).
type Handle struct {
	mu   sync.Mutex
	sub  Subscription
	done chan struct{}
}

// Done is closed when the upkeep has ended: the context given to Subscribe
// ended and the subscription was deleted (or could not be kept).
func (h *Handle) Done() <-chan struct{} { return h.done }

// Subscription returns the subscription as it stands: its id changes when
// it had to be created again.
func (h *Handle) Subscription() Subscription {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sub
}

// Subscribe creates a subscription to r in c's mailbox that notifies this
// receiver, and keeps it until ctx ends, when it deletes it: renewed
// before it expires, reauthorized on reauthorizationRequired, created
// again when Graph removed it or a renewal finds it gone (then the
// application gets a Missed notification for the new subscription, as
// changes may have gone unannounced). The receiver must already answer
// at its URL: Graph validates it before Subscribe returns.
func (r *Receiver) Subscribe(ctx context.Context, c *odata.Client, res Resource, o *SubscribeOptions) (*Handle, error) {
	h, _, err := r.subscribe(ctx, c, res, o, nil)
	return h, err
}

// Wake implements odata.Waker: it subscribes to the collection at p of c's
// mailbox and wakes the watcher on each notification of it.
func (r *Receiver) Wake(ctx context.Context, c *odata.Client, p odata.Path) (<-chan struct{}, error) {
	if err := graphOnly("Wake", c); err != nil {
		return nil, err
	}
	res, err := resourceOf(p)
	if err != nil {
		return nil, err
	}
	wake := make(chan struct{}, 1)
	_, done, err := r.subscribe(ctx, c, res, nil, wake)
	if err != nil {
		return nil, err
	}
	out := make(chan struct{})
	go func() {
		defer close(out)
		for {
			select {
			case <-done:
				return
			case <-wake:
				select {
				case out <- struct{}{}:
				case <-done:
					return
				}
			}
		}
	}()
	return out, nil
}

func (r *Receiver) subscribe(ctx context.Context, c *odata.Client, res Resource, o *SubscribeOptions, wake chan struct{}) (*Handle, <-chan struct{}, error) {
	if o == nil {
		o = &SubscribeOptions{}
	}
	co := o.CreateOptions
	if co.ClientState == "" {
		co.ClientState = NewClientState()
	}
	t := &tracked{clientState: co.ClientState, wake: wake, events: make(chan Notification, 4)}
	create := func() (*Subscription, error) {
		// Graph may notify before Create returns, when the id is not known
		// yet: those notifications are refused and lost, so a watcher runs
		// a round once Wake returns, and Subscribe's caller should too.
		s, err := Create(ctx, c, res, r.url, &co)
		if err != nil {
			return nil, err
		}
		r.mu.Lock()
		r.subs[s.ID] = t
		r.mu.Unlock()
		return s, nil
	}
	s, err := create()
	if err != nil {
		return nil, nil, err
	}
	done := make(chan struct{})
	h := &Handle{sub: *s, done: done}
	go func() {
		defer close(done)
		r.keep(ctx, c, h, t, o, create)
	}()
	return h, done, nil
}

// keep is the upkeep of one subscription until ctx ends or it cannot be
// kept (then a watcher's wake channel closes, and Watch polls and tries
// again).
func (r *Receiver) keep(ctx context.Context, c *odata.Client, h *Handle, t *tracked, o *SubscribeOptions, create func() (*Subscription, error)) {
	life := o.lifetime()
	before := o.RenewBefore
	if before <= 0 || before >= life {
		before = life / 4
	}
	cur := h.Subscription()
	defer func() {
		r.Forget(cur.ID)
		// The watch is over: delete the subscription, even though ctx ended.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := Delete(dctx, c, cur.ID); err != nil && !errors.Is(err, odata.ErrNotFound) {
			r.log.Warn("notify: deleting a subscription", "id", cur.ID, "err", err)
		}
	}()
	recreate := func() bool {
		r.Forget(cur.ID)
		s, err := create()
		if err != nil {
			r.log.Warn("notify: creating a subscription again", "resource", cur.Resource, "err", err)
			return false
		}
		h.mu.Lock()
		h.sub = *s
		h.mu.Unlock()
		cur = *s
		r.missed(cur.ID)
		return true
	}
	for {
		wait := time.Until(cur.ExpirationDateTime.Add(-before))
		timer := time.NewTimer(max(wait, 0))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case ev := <-t.events:
			timer.Stop()
			if ev.SubscriptionID != cur.ID {
				continue // news of a subscription already replaced
			}
			switch ev.Lifecycle {
			case ReauthorizationRequired:
				if err := Reauthorize(ctx, c, cur.ID); err != nil {
					r.log.Warn("notify: reauthorizing a subscription", "id", cur.ID, "err", err)
					if !recreate() {
						return
					}
				}
			case SubscriptionRemoved:
				if !recreate() {
					return
				}
			}
		case <-timer.C:
			exp, err := Renew(ctx, c, cur.ID, life)
			switch {
			case err == nil:
				cur.ExpirationDateTime = exp
				h.mu.Lock()
				h.sub.ExpirationDateTime = exp
				h.mu.Unlock()
			case errors.Is(err, odata.ErrNotFound):
				if !recreate() {
					return
				}
			case ctx.Err() != nil:
				return
			default:
				r.log.Warn("notify: renewing a subscription", "id", cur.ID, "err", err)
				if time.Now().After(cur.ExpirationDateTime) && !recreate() {
					return
				}
				// Try again shortly, not in a tight loop.
				select {
				case <-ctx.Done():
					return
				case <-time.After(min(before/4, time.Minute)):
				}
			}
		}
	}
}

var _ odata.Waker = (*Receiver)(nil)

// String describes the receiver for logs.
func (r *Receiver) String() string { return fmt.Sprintf("notify.Receiver(%s)", r.url) }
