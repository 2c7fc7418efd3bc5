package ews

import "github.com/exchangekit/outlook/mail"

// The models' own wire tables, which this package's tests convert by: no
// test keeps a copy of them.
var (
	messageSchema    = mail.Message{}.WireSchema()
	mailFolderSchema = mail.MailFolder{}.WireSchema()
)
