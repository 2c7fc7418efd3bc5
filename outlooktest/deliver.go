package outlooktest

import (
	"fmt"
	"maps"
)

// Deliver stores obj (Graph property names, as Add takes them) as a message
// arriving from outside the server, from "from" if obj says so (an address
// of another organisation, typically), and returns its id. Unlike Add, which
// puts test data in place, Deliver is mail arriving: it lands in the Inbox
// (whatever parentFolderId says) and the mailbox's Inbox rules run on it, as
// they run on every message the server delivers (mail sent by any mailbox
// over Graph, REST v2.0 or EWS, and meeting messages). A rule may move the
// message, so the id answered is where it ended up; it is "" when a rule
// deleted it for good.
//
// Deliver panics on malformed input, as Add does.
func (m *Mailbox) Deliver(obj Object) string {
	m.st.Lock()
	defer m.st.Unlock()
	id, err := m.m.Deliver(maps.Clone(obj))
	if err != nil {
		panic(fmt.Sprintf("outlooktest: %s: Deliver: %v", m.Address(), err))
	}
	return id
}
