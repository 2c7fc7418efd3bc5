package notify

import (
	"fmt"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
)

// Lifecycle is the event of a lifecycle notification: Graph's news about
// the subscription itself rather than the resource.
type Lifecycle string

// The lifecycle events Graph sends for Outlook resources.
const (
	// ReauthorizationRequired: the subscription's authorization is about to
	// lapse; reauthorize (or renew) it or it stops.
	ReauthorizationRequired Lifecycle = "reauthorizationRequired"
	// SubscriptionRemoved: Graph removed the subscription (the user's
	// password changed, the account was disabled); create it again.
	SubscriptionRemoved Lifecycle = "subscriptionRemoved"
	// Missed: notifications were lost (Graph dropped them, or the
	// Receiver had no room for them): catch up with a delta round.
	Missed Lifecycle = "missed"
)

// Notification is one change notification, or one lifecycle notification
// (Lifecycle set, Change zero).
type Notification struct {
	SubscriptionID string
	// Change is the change reported: Created, Updated or Deleted.
	Change ChangeType
	// Lifecycle is the lifecycle event reported, "" for a change.
	Lifecycle Lifecycle
	// Kind says whether ID names a message, an event or a contact: the id
	// to pass to mail.Service.GetMessage, calendar.Service.GetEvent or
	// contacts.Service.GetContact.
	Kind Kind
	// ID is the id of the message, event or contact that changed.
	ID string
	// Resource is the changed item's path as Graph gave it
	// ("Users/{user id}/Messages/{id}").
	Resource string
	// ETag is the item's @odata.etag after the change, when Graph sent it.
	ETag               string
	TenantID           string
	SubscriptionExpiry time.Time

	clientState string
	encrypted   *wireEncrypted // a rich notification's content, until the Receiver decrypts it
	data        string         // a rich notification's item, decrypted and verified (a string keeps Notification comparable)
	refused     bool           // its content failed to verify: never delivered
}

// The wire forms of a notification collection.
type wireCollection struct {
	Value            []wireNotification `json:"value"`
	ValidationTokens []string           `json:"validationTokens"`
}

type wireNotification struct {
	ID                             string `json:"id"`
	SubscriptionID                 string `json:"subscriptionId"`
	SubscriptionExpirationDateTime string `json:"subscriptionExpirationDateTime"`
	ClientState                    string `json:"clientState"`
	ChangeType                     string `json:"changeType"`
	LifecycleEvent                 string `json:"lifecycleEvent"`
	Resource                       string `json:"resource"`
	TenantID                       string `json:"tenantId"`
	ResourceData                   *struct {
		Type string `json:"@odata.type"`
		ODID string `json:"@odata.id"`
		ETag string `json:"@odata.etag"`
		ID   string `json:"id"`
	} `json:"resourceData"`
	EncryptedContent *wireEncrypted `json:"encryptedContent"`
}

// maxNotifications caps the notifications one request may carry; Graph
// batches far fewer.
const maxNotifications = 1000

// parseNotifications decodes a notification collection as Graph posts it.
// It accepts unknown properties and case differences in names (Outlook's
// REST API spelled them in PascalCase), and refuses what carries no
// subscription id.
func parseNotifications(data []byte) ([]Notification, error) {
	ns, _, err := parseCollection(data)
	return ns, err
}

// parseCollection is parseNotifications that also returns the
// collection's validationTokens, unchecked.
func parseCollection(data []byte) ([]Notification, []string, error) {
	var c wireCollection
	if err := json.Unmarshal(data, &c, json.MatchCaseInsensitiveNames(true)); err != nil {
		return nil, nil, fmt.Errorf("notify: decoding notifications: %w", err)
	}
	ns, err := notificationsOf(&c)
	return ns, c.ValidationTokens, err
}

func notificationsOf(c *wireCollection) ([]Notification, error) {
	if len(c.Value) > maxNotifications {
		return nil, fmt.Errorf("notify: %d notifications in one request, at most %d", len(c.Value), maxNotifications)
	}
	out := make([]Notification, 0, len(c.Value))
	for _, w := range c.Value {
		if w.SubscriptionID == "" {
			return nil, fmt.Errorf("notify: a notification without a subscription id")
		}
		n := Notification{
			SubscriptionID: w.SubscriptionID, Resource: w.Resource, TenantID: w.TenantID,
			clientState: w.ClientState,
		}
		n.SubscriptionExpiry, _ = time.Parse(time.RFC3339Nano, w.SubscriptionExpirationDateTime)
		if w.LifecycleEvent != "" {
			n.Lifecycle = Lifecycle(w.LifecycleEvent)
			out = append(out, n)
			continue
		}
		n.encrypted = w.EncryptedContent
		n.Change = parseChangeType(w.ChangeType)
		if n.Change != Created && n.Change != Updated && n.Change != Deleted {
			return nil, fmt.Errorf("notify: a notification of change %q", w.ChangeType)
		}
		if d := w.ResourceData; d != nil {
			n.ID, n.ETag = d.ID, d.ETag
			n.Kind = kindOf(d.Type)
		}
		if n.Kind == 0 || n.ID == "" {
			k, id := kindAndIDOf(w.Resource)
			if n.Kind == 0 {
				n.Kind = k
			}
			if n.ID == "" {
				n.ID = id
			}
		}
		out = append(out, n)
	}
	return out, nil
}

// kindOf reads a kind from an @odata.type ("#Microsoft.Graph.Message").
func kindOf(typ string) Kind {
	t := strings.ToLower(typ)
	t = t[strings.LastIndexByte(t, '.')+1:]
	switch t {
	case "message", "eventmessage", "eventmessagerequest", "eventmessageresponse":
		return Messages
	case "event":
		return Events
	case "contact":
		return Contacts
	}
	return 0
}

// kindAndIDOf reads the kind and id from a resource path
// ("Users/{id}/Messages/{id}", "me/events('{id}')").
func kindAndIDOf(resource string) (Kind, string) {
	segs := strings.Split(strings.Trim(resource, "/"), "/")
	last := segs[len(segs)-1]
	name, id := "", ""
	if i := strings.IndexByte(last, '('); i > 0 && strings.HasSuffix(last, ")") {
		name, id = last[:i], strings.ReplaceAll(strings.Trim(last[i+1:len(last)-1], "'"), "''", "'")
	} else if len(segs) >= 2 {
		name, id = segs[len(segs)-2], last
	}
	switch strings.ToLower(name) {
	case "messages":
		return Messages, id
	case "events":
		return Events, id
	case "contacts":
		return Contacts, id
	}
	return 0, ""
}
