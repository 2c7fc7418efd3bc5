// Package categories manages a mailbox's master category list: the named,
// coloured labels Outlook offers for messages, events and contacts (whose
// Categories property holds the names, and whose item.Categories field
// filters on them: mail.Categories.Has("Red category")).
//
// The list is served in every location a mailbox lives in: Microsoft Graph
// v1.0 (outlook/masterCategories), Outlook REST v2.0 on premises
// (MasterCategories), and EWS, where Exchange keeps the list as an XML
// document in the Calendar folder's IPM.Configuration.CategoryList
// configuration item (read with GetUserConfiguration and written back
// whole with UpdateUserConfiguration, or created with
// CreateUserConfiguration when the mailbox has none yet). A category's
// name cannot change once created: Graph allows only its colour to change,
// and the SDK holds every location to that.
package categories
