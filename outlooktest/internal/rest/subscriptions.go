package rest

// Graph change notifications: /v1.0/subscriptions (create, get, list,
// renew, reauthorize, delete) and the deliveries. A subscription names a
// collection of one mailbox (messages, a folder's messages, events,
// contacts, a contact folder's contacts); at every write to the store
// (Store.Watch, under the store's lock) the service compares each subscription's mailbox's
// change sequence with the one it last saw, lists the changes of the
// subscribed collection since then (the change log delta reads) and posts
// them to the subscription's notificationUrl, one request per
// subscription. What Graph does that the fake does too: the validation
// handshake on create (notification and lifecycle URLs), https URLs only,
// the 10,080-minute expiry limit, 128-character clientState, lifecycle
// notifications. What it simplifies: a delivery that fails (an error, a
// status other than 2xx, or the client's timeout) is not retried; its
// notifications are dropped and a missed lifecycle notification is owed,
// sent as soon as the lifecycle URL answers, which is what Graph ends up
// doing for an endpoint it gives up on. A rich subscription
// (includeResourceData, refused without an encryptionCertificate and its
// id) gets each created or updated item as its resource's $select shows
// it, in encryptedContent made as Graph makes it (richCert.encrypt).

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/issuer"
	"github.com/exchangekit/outlook/outlooktest/internal/query"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// MaxSubscriptionLife is the longest Graph lets a subscription to Outlook
// messages, events or contacts live: 10,080 minutes.
const MaxSubscriptionLife = 10080 * time.Minute

// Subscriptions is the Graph host's change notification service.
type Subscriptions struct {
	st  *store.Store
	now func() time.Time
	ctx context.Context // ends with the server: stops deliveries

	mu      sync.Mutex
	client  *http.Client
	subs    map[string]*subscription
	pending []delivery // collected, not yet posted
	poke    chan struct{}
	loop    bool // the delivery loop runs

	// mint makes the validationTokens of rich deliveries (validationtokens.go).
	mint func(appID, tenantID string) string
}

// subscription is one Graph subscription and where its deliveries stand.
type subscription struct {
	id, resource, changeType, notifyURL, lifeURL, clientState string
	appID, creator, tenant                                    string
	expires                                                   time.Time
	types                                                     map[string]bool

	mailbox *store.Mailbox
	scope   store.Scope
	kind    string // "Messages", "Events", "Contacts"
	seen    uint64 // the mailbox's change sequence delivered up to

	rich *richCert // includeResourceData: the certificate the items are encrypted for
	sel  []string  // the resource's $select: the properties a rich notification carries

	missed    bool // notifications were dropped: a missed lifecycle notification is owed
	drop      int  // SubscriptionFault.Drop: change notifications still to drop
	lifecycle []string
}

// NewSubscriptions returns the service; its deliveries stop when ctx
// ends. client posts validations and notifications (SetClient).
func NewSubscriptions(st *store.Store, now func() time.Time, ctx context.Context, client *http.Client) *Subscriptions {
	s := &Subscriptions{st: st, now: now, ctx: ctx, client: client, subs: map[string]*subscription{}, poke: make(chan struct{}, 1)}
	st.Lock()
	st.Watch(s.changed) // for the store's life, as the service's
	st.Unlock()
	return s
}

// SetClient makes c post validations and notifications: the fake's own
// client reaches receivers mounted on it (Server.AddHost); a test's client
// can set its own timeout, or reach the test's own listener.
func (s *Subscriptions) SetClient(c *http.Client) {
	s.mu.Lock()
	s.client = c
	s.mu.Unlock()
}

func (s *Subscriptions) httpClient() *http.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.client
}

// changed runs at every release of the store's lock (after a write or a
// read), under it: it collects the notifications of what changed at once,
// so that each write is notified on its own (an entity created and
// deleted before the poster runs is notified twice, as Graph does), and
// leaves the posting to the loop. It is never done.
//
// Since it takes s.mu under the store's lock, nothing may take the store's
// lock while holding s.mu: the store's lock comes first (flush).
func (s *Subscriptions) changed() bool {
	s.mu.Lock()
	if len(s.subs) == 0 {
		s.mu.Unlock()
		return false
	}
	s.pending = append(s.pending, s.collect()...)
	s.mu.Unlock()
	s.wake()
	return false
}

// flush collects what to post now, outside a write: owed lifecycle
// notifications, an injected fault's effects. It takes the store's lock,
// then s.mu, in the order changed imposes.
func (s *Subscriptions) flush() {
	s.st.Lock()
	s.mu.Lock()
	s.pending = append(s.pending, s.collect()...)
	s.mu.Unlock()
	s.st.Unlock()
}

func (s *Subscriptions) wake() {
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

// SubscriptionInfo describes a subscription for the test's eyes.
type SubscriptionInfo struct {
	ID, Resource, ChangeType, NotificationURL, LifecycleNotificationURL string
	Expires                                                             time.Time
}

// List returns the subscriptions, by id.
func (s *Subscriptions) List() []SubscriptionInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SubscriptionInfo
	for _, sub := range s.subs {
		out = append(out, SubscriptionInfo{ID: sub.id, Resource: sub.resource, ChangeType: sub.changeType,
			NotificationURL: sub.notifyURL, LifecycleNotificationURL: sub.lifeURL, Expires: sub.expires})
	}
	slices.SortFunc(out, func(a, b SubscriptionInfo) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Fault is what a test makes happen to a subscription (id "", every one).
type Fault struct {
	ID string
	// Lifecycle sends a lifecycle notification: "reauthorizationRequired",
	// "subscriptionRemoved" (which removes the subscription) or "missed".
	Lifecycle string
	// Expire makes the subscription expire now, silently, as Graph's do.
	Expire bool
	// Drop drops the subscription's next Drop change notifications, owing
	// a missed lifecycle notification instead.
	Drop int
}

// Inject applies f and returns how many subscriptions it touched.
func (s *Subscriptions) Inject(f Fault) int {
	s.mu.Lock()
	n := 0
	for id, sub := range s.subs {
		if f.ID != "" && id != f.ID {
			continue
		}
		n++
		sub.drop += f.Drop
		if f.Lifecycle != "" {
			sub.lifecycle = append(sub.lifecycle, f.Lifecycle)
		}
		if f.Expire {
			sub.expires = s.now().Add(-time.Second)
		}
	}
	s.ensureLoop()
	s.mu.Unlock()
	s.flush()
	s.wake()
	return n
}

// ensureLoop starts the delivery loop; s.mu is held.
func (s *Subscriptions) ensureLoop() {
	if !s.loop {
		s.loop = true
		go s.deliverLoop()
	}
}

// serve answers /v1.0/subscriptions[/{id}[/reauthorize]].
func (c *call) subscriptions(segs []seg) *apiError {
	svc := c.h.env.Subscriptions
	if svc == nil {
		return c.notImplemented()
	}
	var id string
	switch {
	case segs[0].hasKey:
		id = segs[0].key
	case len(segs) > 1:
		id = segs[1].name
		segs = segs[1:]
	}
	action := ""
	if len(segs) == 2 {
		action = strings.ToLower(segs[1].name)
	}
	if len(segs) > 2 || action != "" && action != "reauthorize" {
		return c.notImplemented()
	}
	switch {
	case id == "" && c.r.Method == http.MethodPost:
		return svc.create(c)
	case id == "" && c.r.Method == http.MethodGet:
		subs := []any{}
		svc.mu.Lock()
		for _, sub := range svc.subs {
			if svc.owns(c.p, sub) && !svc.expired(sub) {
				subs = append(subs, sub.render())
			}
		}
		svc.mu.Unlock()
		slices.SortFunc(subs, func(a, b any) int { return strings.Compare(a.(Object)["id"].(string), b.(Object)["id"].(string)) })
		c.writeJSON(http.StatusOK, Object{"@odata.context": "https://" + c.h.env.Host + "/v1.0/$metadata#subscriptions", "value": subs})
		return nil
	}
	svc.mu.Lock()
	sub := svc.subs[id]
	if sub == nil || !svc.owns(c.p, sub) || svc.expired(sub) {
		svc.mu.Unlock()
		return errorf(http.StatusNotFound, "ResourceNotFound", "The object was not found.")
	}
	switch {
	case action == "reauthorize" && c.r.Method == http.MethodPost:
		svc.mu.Unlock()
		c.w.WriteHeader(http.StatusNoContent)
		return nil
	case action != "":
		svc.mu.Unlock()
		return c.notImplemented()
	case c.r.Method == http.MethodGet:
		o := sub.render()
		svc.mu.Unlock()
		c.writeJSON(http.StatusOK, o)
		return nil
	case c.r.Method == http.MethodDelete:
		delete(svc.subs, id)
		svc.mu.Unlock()
		c.w.WriteHeader(http.StatusNoContent)
		return nil
	case c.r.Method == http.MethodPatch:
		life := sub.life()
		svc.mu.Unlock()
		var body struct {
			ExpirationDateTime time.Time `json:"expirationDateTime"`
		}
		if err := json.NewDecoder(io.LimitReader(c.r.Body, 1<<16)).Decode(&body); err != nil {
			return errorf(http.StatusBadRequest, "InvalidRequest", "Could not parse the request body: %v", err)
		}
		if err := svc.checkExpiry(body.ExpirationDateTime, life); err != nil {
			return err
		}
		svc.mu.Lock()
		sub.expires = body.ExpirationDateTime.UTC()
		o := sub.render()
		svc.mu.Unlock()
		c.writeJSON(http.StatusOK, o)
		return nil
	}
	svc.mu.Unlock()
	return c.notImplemented()
}

// owns reports whether the principal may see the subscription: the app
// that made it (app-only), or the user who made it (delegated).
func (s *Subscriptions) owns(p issuer.Principal, sub *subscription) bool {
	if p.AppOnly {
		return sub.appID == p.ClientID
	}
	return strings.EqualFold(sub.creator, p.User)
}

func (s *Subscriptions) expired(sub *subscription) bool { return !s.now().Before(sub.expires) }

// MaxRichSubscriptionLife is the longest Graph lets a subscription with
// resource data (includeResourceData) to Outlook resources live: a day.
const MaxRichSubscriptionLife = 1440 * time.Minute

// life is the longest the subscription may live.
func (sub *subscription) life() time.Duration {
	if sub.rich != nil {
		return MaxRichSubscriptionLife
	}
	return MaxSubscriptionLife
}

func (s *Subscriptions) checkExpiry(t time.Time, life time.Duration) *apiError {
	now := s.now()
	switch {
	case !t.After(now):
		return errorf(http.StatusBadRequest, "ExtensionError", "Subscription expiration can only be in the future.")
	case t.After(now.Add(life + time.Minute)):
		return errorf(http.StatusBadRequest, "ExtensionError",
			"Subscription expiration can only be %d minutes in the future.", int(life/time.Minute))
	}
	return nil
}

func (sub *subscription) render() Object {
	o := Object{
		"@odata.context":            "https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity",
		"id":                        sub.id,
		"resource":                  sub.resource,
		"applicationId":             sub.appID,
		"changeType":                sub.changeType,
		"clientState":               nil, // Graph never returns it
		"notificationUrl":           sub.notifyURL,
		"expirationDateTime":        sub.expires.Format("2006-01-02T15:04:05.0000000Z"),
		"creatorId":                 sub.creator,
		"latestSupportedTlsVersion": "v1_2",
	}
	if sub.lifeURL != "" {
		o["lifecycleNotificationUrl"] = sub.lifeURL
	}
	if sub.rich != nil {
		o["includeResourceData"] = true
		o["encryptionCertificateId"] = sub.rich.id
	}
	return o
}

// create answers POST /subscriptions: checks, resolves the resource,
// validates the URLs (without any lock held: the receiver may be served
// by this very server), then starts delivering.
func (s *Subscriptions) create(c *call) *apiError {
	var body struct {
		ChangeType               string    `json:"changeType"`
		NotificationURL          string    `json:"notificationUrl"`
		LifecycleNotificationURL string    `json:"lifecycleNotificationUrl"`
		Resource                 string    `json:"resource"`
		ExpirationDateTime       time.Time `json:"expirationDateTime"`
		ClientState              string    `json:"clientState"`
		IncludeResourceData      bool      `json:"includeResourceData"`
		EncryptionCertificate    string    `json:"encryptionCertificate"`
		EncryptionCertificateID  string    `json:"encryptionCertificateId"`
	}
	if err := json.NewDecoder(io.LimitReader(c.r.Body, 1<<16)).Decode(&body); err != nil {
		return errorf(http.StatusBadRequest, "InvalidRequest", "Could not parse the request body: %v", err)
	}
	types := map[string]bool{}
	for t := range strings.SplitSeq(body.ChangeType, ",") {
		t = strings.TrimSpace(t)
		if t != "created" && t != "updated" && t != "deleted" {
			return errorf(http.StatusBadRequest, "ExtensionError", "Invalid change type: '%s'.", t)
		}
		types[t] = true
	}
	urls := []string{body.NotificationURL}
	if body.LifecycleNotificationURL != "" && body.LifecycleNotificationURL != body.NotificationURL {
		urls = append(urls, body.LifecycleNotificationURL)
	}
	for _, u := range urls {
		if pu, err := url.Parse(u); err != nil || pu.Scheme != "https" || pu.Host == "" {
			return errorf(http.StatusBadRequest, "ValidationError", "The Url '%s' must be https.", u)
		}
	}
	if len(body.ClientState) > 128 {
		return errorf(http.StatusBadRequest, "ExtensionError", "clientState has more than 128 characters.")
	}
	var rich *richCert
	if body.IncludeResourceData {
		var err *apiError
		if rich, err = parseRichCert(body.EncryptionCertificate, body.EncryptionCertificateID); err != nil {
			return err
		}
	}
	sub := &subscription{
		id: newSubscriptionID(), resource: body.Resource, changeType: body.ChangeType, types: types,
		notifyURL: body.NotificationURL, lifeURL: body.LifecycleNotificationURL, clientState: body.ClientState,
		expires: body.ExpirationDateTime.UTC(), appID: c.p.ClientID, creator: c.p.User, tenant: c.p.TenantID,
		rich: rich,
	}
	if err := s.checkExpiry(body.ExpirationDateTime, sub.life()); err != nil {
		return err
	}
	if err := s.resolve(c, sub); err != nil {
		return err
	}
	for _, u := range urls {
		if err := s.validate(u); err != nil {
			return errorf(http.StatusBadRequest, "ValidationError", "Subscription validation request failed. %v", err)
		}
	}
	s.mu.Lock()
	s.subs[sub.id] = sub
	s.ensureLoop()
	o := sub.render()
	s.mu.Unlock()
	c.writeJSON(http.StatusCreated, o)
	return nil
}

// resolve finds the subscription's mailbox and collection, with the
// caller's rights, and starts its deliveries at the mailbox's present.
func (s *Subscriptions) resolve(c *call, sub *subscription) *apiError {
	rc := &call{h: c.h, w: c.w, r: c.r, p: c.p, hdr: http.Header{}}
	path, rawQuery, _ := strings.Cut(sub.resource, "?")
	segs := parseSegs(path)
	if len(segs) == 0 {
		return errorf(http.StatusBadRequest, "ExtensionError", "Resource '%s' is not supported.", sub.resource)
	}
	rest, err := rc.resolveMailbox(segs)
	if err != nil {
		return err
	}
	if rc.guest != "" {
		// The .Shared scopes "do not support subscribing to change
		// notifications" (Graph's shared-calendar guide).
		return errAccessDenied()
	}
	if len(rest) == 0 {
		return errorf(http.StatusBadRequest, "ExtensionError", "Resource '%s' is not supported.", sub.resource)
	}
	c.st().Lock()
	defer c.st().Unlock()
	t, err := rc.navigate(rest)
	if err != nil {
		return err
	}
	kinds := map[string]string{"messages": "Messages", "events": "Events", "contacts": "Contacts"}
	kind := kinds[t.set]
	if kind == "" || t.ent != nil || t.fn != "" || t.view != nil {
		return errorf(http.StatusBadRequest, "ExtensionError", "Resource '%s' is not supported for change notifications.", sub.resource)
	}
	sub.mailbox, sub.kind = rc.m, kind
	if rawQuery != "" {
		q, qerr := url.ParseQuery(rawQuery)
		if qerr != nil || len(q) != 1 || len(q["$select"]) != 1 {
			return errorf(http.StatusBadRequest, "ExtensionError", "Resource '%s' is not supported for change notifications: only $select may follow it.", sub.resource)
		}
		sel, qerr := query.ParseSelect(q["$select"][0], querySchema(t.set))
		if qerr != nil {
			return errorf(http.StatusBadRequest, "BadRequest", "%v", qerr)
		}
		sub.sel = sel
	}
	if sub.rich != nil {
		for _, p := range sub.sel {
			if strings.EqualFold(p, "body") || strings.EqualFold(p, "uniqueBody") {
				return errorf(http.StatusBadRequest, "ExtensionError", "Resource '%s' is not supported for change notifications with resource data: $select may not name %s.", sub.resource, p)
			}
		}
	}
	sub.scope = store.Scope{Key: "subscription:" + sub.id, Set: t.set, Member: t.scope}
	if _, parent, ok := strings.Cut(t.sync, ":"); ok && parent != "*" {
		sub.scope.Parent = parent
	} else if t.parent != nil {
		sub.scope.Parent = t.parent.ID()
	}
	sub.seen = rc.m.Seq()
	return nil
}

func newSubscriptionID() string {
	b := ids.Random(16)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// validate makes Graph's validation request to u: a POST with
// ?validationToken=, answered within 10 seconds by 200 and the token in
// plain text.
func (s *Subscriptions) validate(u string) error {
	token := "Validation: Testing client application reachability for subscription Request-Id: " + base64.RawURLEncoding.EncodeToString(ids.Random(12))
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u+sep+"validationToken="+url.QueryEscape(token), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := s.httpClient().Do(req)
	if err != nil {
		return fmt.Errorf("the notification endpoint is unreachable: %v", err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(io.LimitReader(resp.Body, 8192))
	switch {
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("the endpoint answered %s", resp.Status)
	case !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain"):
		return fmt.Errorf("the endpoint answered %q, not text/plain", resp.Header.Get("Content-Type"))
	case string(got) != token:
		return fmt.Errorf("the endpoint did not echo the validation token")
	}
	return nil
}

// deliverLoop posts notifications after writes, and owed lifecycle
// notifications, until the server closes.
func (s *Subscriptions) deliverLoop() {
	retry := time.NewTicker(100 * time.Millisecond)
	defer retry.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-s.poke:
		case <-retry.C:
			if !s.owing() {
				continue
			}
			s.flush()
		}
		s.mu.Lock()
		todo := s.pending
		s.pending = nil
		s.mu.Unlock()
		for _, d := range todo {
			s.deliver(d)
		}
	}
}

func (s *Subscriptions) owing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sub := range s.subs {
		if sub.missed || len(sub.lifecycle) > 0 {
			return true
		}
	}
	return false
}

// delivery is one POST to make.
type delivery struct {
	sub       *subscription
	url       string
	body      []byte
	lifecycle bool
	event     string
}

// collect lists what to post: each subscription's new changes, and its
// owed lifecycle notifications. Expired subscriptions are dropped here.
// The store's lock and s.mu are held.
func (s *Subscriptions) collect() []delivery {
	var out []delivery
	for id, sub := range s.subs {
		if s.expired(sub) {
			delete(s.subs, id)
			continue
		}
		for _, ev := range sub.lifecycle {
			out = append(out, s.lifecycleDelivery(sub, ev))
			if ev == "subscriptionRemoved" {
				delete(s.subs, id)
			}
		}
		sub.lifecycle = nil
		if sub.missed {
			sub.missed = false // owed again if this delivery fails
			out = append(out, s.lifecycleDelivery(sub, "missed"))
		}
		if s.subs[id] == nil {
			continue
		}
		seq := sub.mailbox.Seq()
		if seq == sub.seen {
			continue
		}
		cur := store.Cursor{Mailbox: sub.mailbox.ID(), Scope: sub.scope.Key, Since: sub.seen, CurSeq: sub.seen, Removals: sub.seen}
		var items []any
		for _, ch := range sub.mailbox.Changes(sub.scope, cur, nil) {
			if ch.Object != nil {
				continue // an occurrence: Graph notifies of the event itself
			}
			n := s.notification(sub, ch)
			if n == nil {
				continue
			}
			if sub.drop > 0 {
				sub.drop--
				sub.missed = true
				continue
			}
			items = append(items, n)
		}
		sub.seen = seq
		if len(items) > 0 {
			b, _ := json.Marshal(s.collection(sub, items))
			out = append(out, delivery{sub: sub, url: sub.notifyURL, body: b})
		}
	}
	return out
}

func (s *Subscriptions) notification(sub *subscription, ch store.Change) Object {
	ct, id, etag := "updated", ch.Removed, ""
	switch {
	case ch.Entity == nil:
		ct = "deleted"
	case ch.Created:
		ct, id = "created", ch.Entity.ID()
	default:
		id = ch.Entity.ID()
	}
	if ch.Entity != nil {
		if k, _ := ch.Entity.Object()["changeKey"].(string); k != "" {
			etag = `W/"` + k + `"`
		}
	}
	if !sub.types[ct] {
		return nil
	}
	res := "Users/" + sub.mailbox.ID() + "/" + sub.kind + "/" + id
	data := Object{"@odata.type": "#Microsoft.Graph." + strings.TrimSuffix(sub.kind, "s"), "@odata.id": res, "id": id}
	if etag != "" {
		data["@odata.etag"] = etag
	}
	n := Object{
		"subscriptionId":                 sub.id,
		"subscriptionExpirationDateTime": sub.expires.Format("2006-01-02T15:04:05.0000000Z"),
		"changeType":                     ct,
		"resource":                       res,
		"resourceData":                   data,
		"clientState":                    sub.clientState,
		"tenantId":                       sub.tenant,
	}
	if sub.rich != nil && ch.Entity != nil {
		// A rich notification carries the item as a GET with the
		// resource's $select shows it (collect runs under the store's lock).
		item := sub.mailbox.View(ch.Entity)
		fillAbsent(sub.scope.Set, item)
		item = query.Project(item, sub.sel, []string{"id", "@odata.etag", "@odata.type"})
		item["@odata.type"] = data["@odata.type"]
		item["@odata.id"] = res
		if etag != "" {
			item["@odata.etag"] = etag
		}
		b, _ := json.Marshal(item)
		n["encryptedContent"] = sub.rich.encrypt(b)
	}
	return n
}

func (s *Subscriptions) lifecycleDelivery(sub *subscription, event string) delivery {
	u := sub.lifeURL
	if u == "" {
		u = sub.notifyURL
	}
	b, _ := json.Marshal(Object{"value": []any{Object{
		"subscriptionId":                 sub.id,
		"subscriptionExpirationDateTime": sub.expires.Format("2006-01-02T15:04:05.0000000Z"),
		"tenantId":                       sub.tenant,
		"clientState":                    sub.clientState,
		"lifecycleEvent":                 event,
	}}})
	return delivery{sub: sub, url: u, body: b, lifecycle: true, event: event}
}

// deliver posts one request; a failure drops it and owes a missed
// lifecycle notification (a failed missed one stays owed).
func (s *Subscriptions) deliver(d delivery) {
	ok := s.post(d.url, d.body)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case ok:
	case d.event == "missed":
		d.sub.missed = true
	case d.lifecycle:
		d.sub.lifecycle = append(d.sub.lifecycle, d.event)
	default:
		d.sub.missed = true
	}
}

func (s *Subscriptions) post(u string, body []byte) bool {
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := s.httpClient().Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	return resp.StatusCode/100 == 2
}
