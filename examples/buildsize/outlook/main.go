// Command outlook lists the subjects in a mailbox's inbox with
// exchangekit/outlook: one half of the build comparison in measure.sh.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

func main() {
	ctx := context.Background()
	c, err := outlook.NewClient(outlook.ClientSecret(os.Getenv("TENANT"), os.Getenv("CLIENT_ID"), os.Getenv("CLIENT_SECRET")))
	if err != nil {
		log.Fatal(err)
	}
	mb, err := c.Mailbox(ctx, os.Getenv("MAILBOX"))
	if err != nil {
		log.Fatal(err)
	}
	for m, err := range mb.Mail.ListMessages(ctx, mail.Inbox, &odata.Query{Select: odata.Fields(mail.Subject), Top: 10}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.Subject)
	}
}
