package store

// Names as Exchange fills them: a recipient written with an address only
// is saved with a name, the display name of the mailbox when the
// organisation has one at that address, else the address itself (Graph's
// samples show both: "Adele Vance" for a colleague, the address repeated
// for an outside recipient of a non-delivery report).

import "strings"

// recipientProps are the properties of each set that hold recipients.
var recipientProps = map[string][]string{
	"messages": {"from", "sender", "toRecipients", "ccRecipients", "bccRecipients", "replyTo"},
	"events":   {"organizer", "attendees"},
}

// DisplayName is the display name of the mailbox's user, as the directory
// (and so Exchange, in the names it fills) gives it: the fake's users are
// named by the local part of their address.
func (m *Mailbox) DisplayName() string {
	local, _, _ := strings.Cut(m.addr, "@")
	return local
}

// nameFor is the name Exchange gives an address written without one.
func (m *Mailbox) nameFor(addr string) string {
	if who, ok := m.st.lookup(addr); ok && strings.Contains(addr, "@") {
		return who.DisplayName()
	}
	return addr
}

// fillNames fills the empty names of the recipients obj (a create body or
// a patch of set) holds. Recipient values are replaced, not changed in
// place: they may be shared with the client's decoded body.
func (m *Mailbox) fillNames(set string, obj Object) {
	for _, k := range recipientProps[set] {
		switch v := obj[k].(type) {
		case map[string]any:
			obj[k] = m.namedRecipient(v)
		case []any:
			out := make([]any, len(v))
			for i, r := range v {
				if ro, ok := r.(map[string]any); ok {
					out[i] = m.namedRecipient(ro)
				} else {
					out[i] = r
				}
			}
			obj[k] = out
		}
	}
}

func (m *Mailbox) namedRecipient(r map[string]any) map[string]any {
	ea, ok := r["emailAddress"].(map[string]any)
	if !ok {
		return r
	}
	addr, _ := ea["address"].(string)
	if name, _ := ea["name"].(string); name != "" || addr == "" {
		return r
	}
	out := make(map[string]any, len(r))
	for k, v := range r {
		out[k] = v
	}
	nea := make(map[string]any, len(ea)+1)
	for k, v := range ea {
		nea[k] = v
	}
	nea["name"] = m.nameFor(addr)
	out["emailAddress"] = nea
	return out
}

// self is the mailbox's user as a recipient: from, organizer, attendee.
func (m *Mailbox) self() Object {
	return Object{"emailAddress": Object{"name": m.DisplayName(), "address": m.addr}}
}
