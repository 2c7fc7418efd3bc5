package notify

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"iter"
	"net/url"
	"strings"
	"time"

	"github.com/exchangekit/outlook/odata"
)

// MaxExpiry is the longest a Graph subscription to Outlook messages,
// events or contacts lives: 10,080 minutes (under 7 days). Create asks for
// it unless told otherwise; renew before it passes.
const MaxExpiry = 10080 * time.Minute

// maxClientState is Graph's limit on a subscription's clientState.
const maxClientState = 128

// ChangeType is the set of changes a subscription reports (created,
// updated, deleted), or the one change a notification reports.
type ChangeType uint8

// The changes a subscription can report.
const (
	Created ChangeType = 1 << iota
	Updated
	Deleted
	// AllChanges is every change: what Create asks for when told nothing.
	AllChanges = Created | Updated | Deleted
)

var changeNames = [...]string{"created", "updated", "deleted"}

// String returns Graph's spelling: "created,updated".
func (t ChangeType) String() string {
	var b strings.Builder
	for i, n := range changeNames {
		if t&(1<<i) != 0 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(n)
		}
	}
	return b.String()
}

// parseChangeType reads Graph's spelling; unknown words are ignored (a
// change type Graph adds later must not break the receiver).
func parseChangeType(s string) ChangeType {
	var t ChangeType
	for w := range strings.SplitSeq(s, ",") {
		for i, n := range changeNames {
			if strings.EqualFold(strings.TrimSpace(w), n) {
				t |= 1 << i
			}
		}
	}
	return t
}

// Kind is what a subscription watches.
type Kind uint8

// The kinds of resource a subscription watches.
const (
	Messages Kind = iota + 1
	Events
	Contacts
)

// String returns "messages", "events" or "contacts".
func (k Kind) String() string {
	switch k {
	case Messages:
		return "messages"
	case Events:
		return "events"
	case Contacts:
		return "contacts"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Resource names what a subscription watches in one mailbox.
type Resource struct {
	Kind Kind
	// Folder is the mail folder (Messages) or contact folder (Contacts)
	// watched, an id or a well-known name; "" watches the whole mailbox's
	// messages or the default contacts.
	Folder string
}

// MessagesIn watches the messages of one mail folder ("inbox" or an id).
func MessagesIn(folder string) Resource { return Resource{Kind: Messages, Folder: folder} }

// path is the resource's collection relative to the mailbox.
func (r Resource) path() (odata.Path, error) {
	switch r.Kind {
	case Messages:
		if r.Folder == "" {
			return odata.PathOf("messages"), nil
		}
		return odata.PathOf("mailFolders/{}/messages", r.Folder), nil
	case Events:
		if r.Folder != "" {
			return odata.Path{}, fmt.Errorf("notify: Graph subscribes to a mailbox's events, not one calendar's (%q)", r.Folder)
		}
		return odata.PathOf("events"), nil
	case Contacts:
		if r.Folder == "" {
			return odata.PathOf("contacts"), nil
		}
		return odata.PathOf("contactFolders/{}/contacts", r.Folder), nil
	}
	return odata.Path{}, fmt.Errorf("notify: no resource of kind %s", r.Kind)
}

// resourceOf maps a change-tracking path (what Watch and odata.Pusher
// name) to the subscription resource that reports its changes: a
// calendar view's events are the mailbox's events.
func resourceOf(p odata.Path) (Resource, error) {
	s := p.String()
	switch {
	case s == "messages":
		return Resource{Kind: Messages}, nil
	case strings.HasPrefix(s, "mailFolders/") && strings.HasSuffix(s, "/messages") && strings.Count(s, "/") == 2:
		return MessagesIn(strings.TrimSuffix(strings.TrimPrefix(s, "mailFolders/"), "/messages")), nil
	case s == "events" || s == "calendarView":
		return Resource{Kind: Events}, nil
	case s == "contacts":
		return Resource{Kind: Contacts}, nil
	case strings.HasPrefix(s, "contactFolders/") && strings.HasSuffix(s, "/contacts") && strings.Count(s, "/") == 2:
		return Resource{Kind: Contacts, Folder: strings.TrimSuffix(strings.TrimPrefix(s, "contactFolders/"), "/contacts")}, nil
	}
	return Resource{}, fmt.Errorf("notify: %s: %w: Graph has no subscriptions to it", s, odata.ErrNotSupported)
}

// Subscription is a Graph subscription, as Graph reports it.
type Subscription struct {
	ID                       string    `json:"id,omitzero"`
	Resource                 string    `json:"resource"`
	ChangeType               string    `json:"changeType"`
	NotificationURL          string    `json:"notificationUrl"`
	LifecycleNotificationURL string    `json:"lifecycleNotificationUrl,omitzero"`
	ExpirationDateTime       time.Time `json:"expirationDateTime"`
	// ClientState is sent back with every notification; the receiver
	// refuses notifications without it. Graph never returns it.
	ClientState   string `json:"clientState,omitzero"`
	ApplicationID string `json:"applicationId,omitzero"`
	// IncludeResourceData, EncryptionCertificate (base64 DER) and
	// EncryptionCertificateID make a rich subscription (CreateOptions'
	// ResourceData).
	IncludeResourceData     bool   `json:"includeResourceData,omitzero"`
	EncryptionCertificate   string `json:"encryptionCertificate,omitzero"`
	EncryptionCertificateID string `json:"encryptionCertificateId,omitzero"`
	CreatorID               string `json:"creatorId,omitzero"`
}

// CreateOptions are the choices of Create; the zero value asks for every
// change, a random clientState and the longest life Graph allows.
type CreateOptions struct {
	Changes ChangeType
	// ClientState is the secret Graph sends back with every notification;
	// random (128 bits) when empty. At most 128 characters.
	ClientState string
	// Expiry is how long the subscription lives; when zero, the longest
	// Graph allows (MaxExpiry, or MaxRichExpiry with ResourceData).
	Expiry time.Duration
	// LifecycleURL receives lifecycle notifications (reauthorization,
	// removal, missed notifications); the notification URL when empty.
	LifecycleURL string
	// ResourceData, when set, makes the notifications carry the changed
	// item, encrypted for the application's certificate.
	ResourceData *ResourceData
}

// lifetime is how long a subscription made with o lives.
func (o *CreateOptions) lifetime() time.Duration {
	most := MaxExpiry
	if o.ResourceData != nil {
		most = MaxRichExpiry
	}
	if o.Expiry <= 0 || o.Expiry > most {
		return most
	}
	return o.Expiry
}

// graphOnly refuses, before any request, a mailbox Graph does not serve.
func graphOnly(op string, c *odata.Client) error {
	if d := c.Dialect(); d != odata.Graph {
		return fmt.Errorf("notify: %s: %w by %s: change notifications through subscriptions are a Microsoft Graph feature (on-premises mailboxes push through EWS streaming, or are polled)", op, odata.ErrNotSupported, d)
	}
	return nil
}

// checkHTTPS refuses a URL Graph would refuse: Graph posts only to https.
func checkHTTPS(what, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("notify: the %s must be an absolute https URL, not %q", what, raw)
	}
	return nil
}

// NewClientState returns a random clientState: 128 bits, URL-safe.
func NewClientState() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Create subscribes notificationURL to changes of r in c's mailbox. Graph
// validates the URL (and the lifecycle URL) before it answers: the
// receiver must be reachable and answering then. The returned
// Subscription carries the clientState sent (Graph does not echo it).
func Create(ctx context.Context, c *odata.Client, r Resource, notificationURL string, o *CreateOptions) (*Subscription, error) {
	if err := graphOnly("Create", c); err != nil {
		return nil, err
	}
	if o == nil {
		o = &CreateOptions{}
	}
	p, err := r.path()
	if err != nil {
		return nil, err
	}
	res, err := c.Resource(p)
	if err != nil {
		return nil, err
	}
	if err := checkHTTPS("notification URL", notificationURL); err != nil {
		return nil, err
	}
	life := o.LifecycleURL
	if life == "" {
		life = notificationURL
	} else if err := checkHTTPS("lifecycle notification URL", life); err != nil {
		return nil, err
	}
	state := o.ClientState
	if state == "" {
		state = NewClientState()
	} else if len(state) > maxClientState {
		return nil, fmt.Errorf("notify: a clientState has at most %d characters", maxClientState)
	}
	changes := o.Changes
	if changes == 0 {
		changes = AllChanges
	}
	expiry := o.lifetime()
	body := &Subscription{
		Resource: res, ChangeType: changes.String(), NotificationURL: notificationURL,
		LifecycleNotificationURL: life, ExpirationDateTime: time.Now().Add(expiry).UTC(),
		ClientState: state,
	}
	if d := o.ResourceData; d != nil {
		cert, err := d.check()
		if err != nil {
			return nil, err
		}
		body.Resource = withSelect(res, d.Select)
		body.IncludeResourceData, body.EncryptionCertificate, body.EncryptionCertificateID = true, cert, d.CertificateID
	}
	s, err := odata.Create[Subscription](ctx, c, odata.RootPath("subscriptions"), body)
	if err != nil {
		return nil, fmt.Errorf("notify: creating a subscription to %s: %w", res, err)
	}
	if s == nil {
		return nil, fmt.Errorf("notify: creating a subscription to %s: %w", res, odata.ErrEmptyResponse)
	}
	s.ClientState = state
	return s, nil
}

// Renew extends the subscription's life to expiry from now and returns
// its new expiry; renewing also reauthorizes it. An expiry of zero asks
// for the longest life Graph allows the subscription: MaxExpiry, or
// MaxRichExpiry for a rich one (one more request reads which it is).
// Graph refuses an explicit expiry over MaxRichExpiry for a rich
// subscription.
func Renew(ctx context.Context, c *odata.Client, id string, expiry time.Duration) (time.Time, error) {
	if err := graphOnly("Renew", c); err != nil {
		return time.Time{}, err
	}
	if expiry <= 0 {
		s, err := odata.Get[Subscription](ctx, c, odata.RootPath("subscriptions/{}", id), nil)
		if err != nil {
			return time.Time{}, fmt.Errorf("notify: renewing subscription %s: %w", id, err)
		}
		expiry = MaxExpiry
		if s.IncludeResourceData {
			expiry = MaxRichExpiry
		}
	}
	expiry = min(expiry, MaxExpiry)
	body := struct {
		ExpirationDateTime time.Time `json:"expirationDateTime"`
	}{time.Now().Add(expiry).UTC()}
	s, err := odata.Update[Subscription](ctx, c, odata.RootPath("subscriptions/{}", id), &body, "")
	if err != nil {
		return time.Time{}, fmt.Errorf("notify: renewing subscription %s: %w", id, err)
	}
	if s == nil || s.ExpirationDateTime.IsZero() {
		return body.ExpirationDateTime, nil
	}
	return s.ExpirationDateTime, nil
}

// Reauthorize answers a reauthorizationRequired lifecycle notification:
// Graph goes on delivering with the caller's current token.
func Reauthorize(ctx context.Context, c *odata.Client, id string) error {
	if err := graphOnly("Reauthorize", c); err != nil {
		return err
	}
	if err := odata.Action(ctx, c, odata.RootPath("subscriptions/{}/reauthorize", id), nil); err != nil {
		return fmt.Errorf("notify: reauthorizing subscription %s: %w", id, err)
	}
	return nil
}

// Delete removes the subscription; Graph stops notifying at once.
func Delete(ctx context.Context, c *odata.Client, id string) error {
	if err := graphOnly("Delete", c); err != nil {
		return err
	}
	if err := odata.Delete(ctx, c, odata.RootPath("subscriptions/{}", id), ""); err != nil {
		return fmt.Errorf("notify: deleting subscription %s: %w", id, err)
	}
	return nil
}

// List yields the subscriptions the caller's application made (with an
// app-only token) or the signed-in user made through it (delegated).
func List(ctx context.Context, c *odata.Client) iter.Seq2[*Subscription, error] {
	if err := graphOnly("List", c); err != nil {
		return func(yield func(*Subscription, error) bool) { yield(nil, err) }
	}
	return odata.List[Subscription](ctx, c, odata.RootPath("subscriptions"), nil)
}
