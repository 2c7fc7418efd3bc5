package contacts

import "github.com/exchangekit/outlook/odata"

// The Outlook REST v2.0 spellings of the contact resources, where they are
// not "the Graph name with its first letter upper-cased". mobilePhone is
// registered without a parent: a contact is sent at the top of a body, in
// a "value" array or inside a delta page, and no other model of the SDK
// has a mobilePhone property. childFolders is registered by package mail
// too, with the same spelling; contacts must not depend on mail being
// imported.
func init() {
	odata.Register(
		[]odata.Rename{{Graph: "mobilePhone", V2: "MobilePhone1"}},
		nil,
		map[string]string{
			"contactFolders": "contactfolders",
			"childFolders":   "childfolders",
		},
	)
}
