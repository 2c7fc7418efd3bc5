package notify_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"log"
	"math/big"
	"time"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/notify"
	"github.com/exchangekit/outlook/outlooktest"
)

// Rich notifications carry the changed message itself, encrypted for the
// application's certificate: the receiver holds the private key, verifies
// each notification's signature, decrypts it, and Decode reads the message
// without a request for it. The receiver also checks the JWTs Graph signs
// for each collection (ValidationTokens), as Microsoft asks before the data
// is used. A real program loads its certificate and key (from a key
// vault); here one is made on the spot.
func ExampleResourceData() {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		log.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hooks.contoso.com"},
		NotBefore: time.Now(), NotAfter: time.Now().AddDate(1, 0, 0)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		log.Fatal(err)
	}

	srv := outlooktest.NewServer()
	defer srv.Close()
	alice := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	const appID = "11111111-2222-3333-4444-555555555555"
	rcv, err := notify.NewReceiver("https://hooks.contoso.com/graph", &notify.ReceiverOptions{
		EncryptionKeys: []notify.EncryptionKey{{ID: "hooks-2026", Key: key}},
		// A real program leaves HTTPClient nil: the keys come from
		// login.microsoftonline.com; here from the fake's login host.
		ValidationTokens: &notify.ValidationTokens{AppIDs: []string{appID}, HTTPClient: srv.Client()},
	})
	if err != nil {
		log.Fatal(err)
	}
	srv.AddHost("hooks.contoso.com", rcv)
	c, err := outlook.NewClient(outlook.ClientSecret("contoso.com", appID, "secret"),
		outlook.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	mb, err := c.Mailbox(context.Background(), "alice@contoso.com")
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, err := rcv.Subscribe(ctx, mb.OData(), notify.MessagesIn("inbox"), &notify.SubscribeOptions{
		CreateOptions: notify.CreateOptions{Changes: notify.Created, ResourceData: &notify.ResourceData{
			Certificate: cert, CertificateID: "hooks-2026", Select: []string{"subject", "from"},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer func() { cancel(); <-h.Done() }()

	alice.Add("messages", outlooktest.Object{"subject": "Invoice 1043", "parentFolderId": "inbox",
		"from": outlooktest.Object{"emailAddress": outlooktest.Object{"address": "billing@fabrikam.com"}}})
	for n := range rcv.Notifications(ctx) {
		var msg mail.Message
		if err := n.Decode(&msg); err != nil {
			continue // a Missed notification: run a delta round
		}
		fmt.Println(n.Change, msg.Subject, msg.From.EmailAddress.Address)
		break
	}
	// Output: created Invoice 1043 billing@fabrikam.com
}
