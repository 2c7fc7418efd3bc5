package notify

import (
	"crypto/rsa"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// FuzzParseNotifications: any body gives notifications or an error, never
// a panic, and what it accepts has a subscription id and a change or a
// lifecycle event; the encryptedContent of a rich one decrypts to JSON or
// is refused.
func FuzzParseNotifications(f *testing.F) {
	k := testKey()
	keys := map[string]*rsa.PrivateKey{"c1": k}
	sealed, _ := json.Marshal(seal(f, &k.PublicKey, "c1", []byte(`{"id":"m","subject":"s"}`), nil))
	f.Add([]byte(`{"value":[{"subscriptionId":"s","clientState":"c","changeType":"created","resource":"Users/u/Messages/m","resourceData":{"id":"m"},"encryptedContent":` + string(sealed) + `}]}`))
	f.Add([]byte(`{"value":[{"subscriptionId":"s","changeType":"updated","resource":"Users/u/Messages/m","encryptedContent":{"data":"AAAA","dataKey":"","dataSignature":"x","encryptionCertificateId":"c1"}}]}`))
	f.Add([]byte(`{"value":[{"subscriptionId":"s","changeType":"updated","resource":"Users/u/Messages/m","encryptedContent":null}]}`))
	for _, s := range []string{
		`{"value":[{"subscriptionId":"s","clientState":"c","changeType":"created","resource":"Users/u/Messages/m","resourceData":{"@odata.type":"#Microsoft.Graph.Message","@odata.id":"Users/u/Messages/m","@odata.etag":"W/\"x\"","id":"m"},"tenantId":"t","subscriptionExpirationDateTime":"2026-12-10T00:00:00.0000000Z"}]}`,
		`{"value":[{"subscriptionId":"s","clientState":"c","lifecycleEvent":"missed","tenantId":"t"}]}`,
		`{"value":[{"SubscriptionId":"s","ChangeType":"Deleted","Resource":"Users('u')/Events('e')"}]}`,
		`{"value":[{"subscriptionId":"s","changeType":"updated","resource":"me/contacts('c''d')"}]}`,
		`{"value":[]}`,
		`{"value":[{"subscriptionId":"s","changeType":"bogus"}]}`,
		`{"value":[{"subscriptionId":"s","changeType":"created","resource":""}]}`,
		`{"value":[{"subscriptionId":"s","changeType":"created","resource":"/"}]}`,
		`{"value":null}`,
		`[]`,
		``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ns, err := parseNotifications(data)
		if err != nil {
			return
		}
		for _, n := range ns {
			if n.SubscriptionID == "" {
				t.Fatalf("accepted a notification without a subscription id: %q", data)
			}
			if n.Lifecycle == "" && n.Change != Created && n.Change != Updated && n.Change != Deleted {
				t.Fatalf("accepted change %v: %q", n.Change, data)
			}
			if strings.Contains(n.Change.String(), ",") {
				t.Fatalf("a notification of several changes: %q", data)
			}
			if n.encrypted != nil {
				plain, err := decryptContent(n.encrypted, keys)
				if err == nil && !jsontext.Value(plain).IsValid(lenient) {
					t.Fatalf("decrypted to invalid JSON: %q", plain)
				}
			}
		}
	})
}

func TestParseNotificationsKinds(t *testing.T) {
	for body, want := range map[string]string{
		`{"value":[{"subscriptionId":"s","changeType":"created","resource":"Users/u/Messages/m1"}]}`:                                                                          "messages m1",
		`{"value":[{"SubscriptionId":"s","ChangeType":"Deleted","Resource":"Users('u')/Events('e1')"}]}`:                                                                      "events e1",
		`{"value":[{"subscriptionId":"s","changeType":"updated","resource":"x","resourceData":{"@odata.type":"#microsoft.graph.contact","id":"c1"}}]}`:                        "contacts c1",
		`{"value":[{"subscriptionId":"s","changeType":"updated","resource":"Users/u/Messages/m2","resourceData":{"@odata.type":"#Microsoft.Graph.EventMessage","id":"m2"}}]}`: "messages m2",
	} {
		ns, err := parseNotifications([]byte(body))
		if err != nil || len(ns) != 1 {
			t.Fatalf("%s: %v %v", body, ns, err)
		}
		if got := ns[0].Kind.String() + " " + ns[0].ID; got != want {
			t.Errorf("%s: %s, want %s", body, got, want)
		}
	}
}
