// Command msgraph lists the subjects in a mailbox's inbox with Microsoft's
// Graph SDK for Go: the other half of the build comparison in measure.sh.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

func main() {
	cred, err := azidentity.NewClientSecretCredential(os.Getenv("TENANT"), os.Getenv("CLIENT_ID"), os.Getenv("CLIENT_SECRET"), nil)
	if err != nil {
		log.Fatal(err)
	}
	c, err := msgraphsdk.NewGraphServiceClientWithCredentials(cred, []string{"https://graph.microsoft.com/.default"})
	if err != nil {
		log.Fatal(err)
	}
	top := int32(10)
	page, err := c.Users().ByUserId(os.Getenv("MAILBOX")).MailFolders().ByMailFolderId("inbox").Messages().Get(context.Background(),
		&users.ItemMailFoldersItemMessagesRequestBuilderGetRequestConfiguration{
			QueryParameters: &users.ItemMailFoldersItemMessagesRequestBuilderGetQueryParameters{Select: []string{"subject"}, Top: &top},
		})
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range page.GetValue() {
		if s := m.GetSubject(); s != nil {
			fmt.Println(*s)
		}
	}
}
