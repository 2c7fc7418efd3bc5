package outlooktest

import (
	"net/http"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/rest"
)

// The Graph host serves change notifications: POST, GET, PATCH and DELETE
// on /v1.0/subscriptions (and POST .../reauthorize) for a mailbox's
// messages, a folder's messages, events, contacts and a contact folder's
// contacts. It validates notification URLs as Graph does (https only, a
// validation request answered with the token in plain text), limits
// expiry to 10,080 minutes, and after each write posts the changes of
// each subscribed collection to its notificationUrl through the server's
// own client (so a receiver mounted with AddHost stays in process), or
// the one SetNotificationClient gives. A delivery that fails is not
// retried: it is dropped and a missed lifecycle notification is sent once
// the endpoint answers again. Rich notifications (includeResourceData)
// need an encryptionCertificate and encryptionCertificateId, as on Graph;
// each created or updated item then travels in the notification's
// encryptedContent with the properties the resource's $select names
// (every property without one), encrypted and signed as Graph documents:
// AES-256-CBC and HMAC-SHA256 under a fresh key, itself encrypted for the
// certificate with RSA-OAEP. Each rich delivery carries validationTokens
// as Graph's do: a JWT for the subscription's application (aud) and tenant
// (tid, iss https://sts.windows.net/{tenant}/), issued to Graph's change
// notification publisher (appid 0bf30f3b-4a52-48df-9a82-234910c4a086),
// RS256-signed by the issuer's key, which the login host publishes under
// /common/.well-known/openid-configuration's jwks_uri (and
// /{tenant}/discovery/v2.0/keys) for a receiver to check.

// Subscription describes a Graph subscription the server holds.
type Subscription struct {
	ID                       string
	Resource                 string // as the client gave it
	ChangeType               string // "created,updated,deleted"
	NotificationURL          string
	LifecycleNotificationURL string
	Expires                  time.Time
}

// Subscriptions returns the Graph subscriptions the server holds, by id.
func (s *Server) Subscriptions() []Subscription {
	var out []Subscription
	for _, i := range s.subs.List() {
		out = append(out, Subscription(i))
	}
	return out
}

// SetNotificationClient makes c post the validation requests and the
// notifications of Graph subscriptions (nil: the server's own Client):
// a client with a short Timeout makes a slow receiver miss deliveries.
func (s *Server) SetNotificationClient(c *http.Client) {
	if c == nil {
		c = s.Client()
	}
	s.subs.SetClient(c)
}

// Lifecycle events a SubscriptionFault sends.
const (
	ReauthorizationRequired = "reauthorizationRequired"
	SubscriptionRemoved     = "subscriptionRemoved" // also removes the subscription
	Missed                  = "missed"
)

// SubscriptionFault is what a test makes happen to Graph subscriptions.
type SubscriptionFault struct {
	// ID is the subscription's id; "" for every subscription.
	ID string
	// Lifecycle sends a lifecycle notification: ReauthorizationRequired,
	// SubscriptionRemoved or Missed.
	Lifecycle string
	// Expire makes the subscription expire now, silently, as Graph's do:
	// renewing it then fails with 404.
	Expire bool
	// Drop drops the next Drop change notifications of the subscription,
	// and sends a Missed lifecycle notification instead.
	Drop int
}

// InjectSubscription applies f, and returns how many subscriptions it
// touched.
func (s *Server) InjectSubscription(f SubscriptionFault) int {
	return s.subs.Inject(rest.Fault(f))
}
