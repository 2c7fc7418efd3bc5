package store

// Inbox rules on delivery: every message that arrives in a mailbox (mail
// sent from any mailbox of the server over any protocol, a meeting message,
// a test's Deliver) goes through the mailbox's Inbox rules, as Exchange's
// transport applies them before a client sees the message.

import (
	"cmp"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

// deliver puts a copy of msg (a message of mailbox src, being sent) into
// m's Inbox, extra overriding properties of the copy, and runs m's rules
// on it.
func (m *Mailbox) deliver(src *Mailbox, msg *Entity, extra Object) {
	m.RunRules(m.CopyMessage(src, msg, m.wellKnown["inbox"], extra))
}

// Deliver stores obj (Graph form, as Seed takes it) as a message arriving
// from outside the server: in the Inbox whatever its parentFolderId says,
// then through the Inbox rules. It returns the id the message was stored
// under ("" when a rule deleted it for good); a rule that moves it gives it
// a new id, as Exchange's moves do.
func (m *Mailbox) Deliver(obj Object) (string, error) {
	obj["parentFolderId"] = m.wellKnown["inbox"]
	id, err := m.Seed("messages", obj)
	if err != nil {
		return "", err
	}
	e := m.RunRules(m.ents["messages"][id])
	if e == nil {
		return "", nil
	}
	return e.id, nil
}

// RunRules applies the mailbox's Inbox rules to msg, a message just
// delivered to its Inbox, and returns where msg ended up (nil when a rule
// deleted it for good).
//
// Rules run in ascending sequence (ties in creation order); disabled rules
// and rules marked hasError are skipped. A rule fires when every condition
// it sets holds (the values of one list condition are alternatives: any
// one of them will do) and no exception it sets holds (each exception is
// tested on its own, as Outlook's "except if" lines are). A rule without conditions fires on every message.
// A condition or exception the fake cannot evaluate (withinSizeRange,
// isSigned, ...) makes the rule not fire, so a test never sees an action
// the fake could not justify.
//
// The actions of a firing rule: markAsRead, markImportance and
// assignCategories change the message where it is; copyToFolder stores a
// copy; forwardTo, redirectTo and forwardAsAttachmentTo send to the
// recipients who have a mailbox on the server (their rules run in turn; a
// message a mailbox's rules already forwarded is not forwarded by it again,
// as Exchange's X-MS-Exchange-Inbox-Rules-Loop stops loops); moveToFolder
// and delete (to Deleted Items) decide where the message goes at the end:
// the first move wins, and a later rule's move files a copy, as Exchange
// leaves a message in each folder that rules moved it to; permanentDelete
// removes it. stopProcessingRules ends the run after the rule.
func (m *Mailbox) RunRules(msg *Entity) *Entity {
	return m.runRules(msg, nil)
}

// runRules is RunRules for a message that rules of the mailboxes in loop
// already forwarded.
func (m *Mailbox) runRules(msg *Entity, loop []string) *Entity {
	rules := m.List("messageRules", func(r *Entity) bool {
		on, _ := r.obj["isEnabled"].(bool)
		broken, _ := r.obj["hasError"].(bool)
		return on && !broken
	})
	slices.SortStableFunc(rules, func(a, b *Entity) int {
		sa, _ := a.obj["sequence"].(float64)
		sb, _ := b.obj["sequence"].(float64)
		return cmp.Compare(sa, sb)
	})
	dest, purge := "", false
	for _, r := range rules {
		if !m.ruleFires(r.obj, msg.obj) {
			continue
		}
		act, _ := r.obj["actions"].(map[string]any)
		patch := Object{}
		if on, _ := act["markAsRead"].(bool); on {
			patch["isRead"] = true
		}
		if imp, _ := act["markImportance"].(string); imp != "" {
			patch["importance"] = imp
		}
		if cats := strs(act["assignCategories"]); len(cats) > 0 {
			have := strs(msg.obj["categories"])
			for _, c := range cats {
				if !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, c) }) {
					have = append(have, c)
				}
			}
			patch["categories"] = toAny(have)
		}
		if len(patch) > 0 {
			m.Write(msg, patch)
		}
		if f := m.ruleFolder(act["copyToFolder"]); f != "" {
			m.CopyMessage(m, msg, f, nil)
		}
		if !slices.Contains(loop, m.addr) {
			m.ruleForward(msg, "forward", act["forwardTo"], loop)
			m.ruleForward(msg, "redirect", act["redirectTo"], loop)
			m.ruleForward(msg, "attach", act["forwardAsAttachmentTo"], loop)
		}
		target := m.ruleFolder(act["moveToFolder"])
		if del, _ := act["delete"].(bool); del {
			target = m.wellKnown["deleteditems"]
		}
		switch {
		case target == "" || target == dest || (dest == "" && target == msg.parent):
		case dest == "":
			dest = target
		default:
			m.CopyMessage(m, msg, target, nil)
		}
		if del, _ := act["permanentDelete"].(bool); del {
			purge = true
		}
		if stop, _ := act["stopProcessingRules"].(bool); stop || purge {
			break
		}
	}
	switch {
	case purge:
		m.Purge(msg)
		return nil
	case dest != "":
		return m.Move(msg, dest)
	}
	return msg
}

// ruleFolder returns the id of the mail folder a rule action names (an id,
// or a well-known name), or "" when it names none that exists: Exchange
// marks such a rule in error rather than acting.
func (m *Mailbox) ruleFolder(v any) string {
	id, _ := v.(string)
	if id == "" {
		return ""
	}
	if f := m.Find("mailFolders", id); f != nil {
		return f.id
	}
	return ""
}

// ruleForward sends msg on to the recipients of a forwarding action who
// have a mailbox on the server: kind "forward" (a new message from this
// mailbox, "FW: " and the original quoted, attachments kept), "redirect"
// (the original as it came, from its sender) or "attach" (a new message
// carrying the original as an item attachment).
func (m *Mailbox) ruleForward(msg *Entity, kind string, recips any, loop []string) {
	to, _ := recips.([]any)
	if len(to) == 0 {
		return
	}
	now := datetime.Format(m.st.now())
	me := Object{"emailAddress": Object{"name": m.addr, "address": m.addr}}
	subj, _ := msg.obj["subject"].(string)
	extra := Object{
		"isRead": false, "isDraft": false, "receivedDateTime": now, "sentDateTime": now,
		"categories": []any{}, "bccRecipients": []any{}, "flag": Object{"flagStatus": "notFlagged"},
	}
	switch kind {
	case "forward", "attach":
		extra["from"], extra["sender"] = me, me
		extra["toRecipients"] = schema.DeepCopy(to)
		extra["ccRecipients"] = []any{}
		extra["replyTo"] = []any{}
		extra["subject"] = "FW: " + subj
		extra["internetMessageId"] = "<" + hex.EncodeToString(ids.Random(8)) + "@" + hosts.DomainOf(m.addr) + ">"
		if kind == "forward" {
			ob, _ := msg.obj["body"].(map[string]any)
			quoted, _ := ob["content"].(string)
			if ob["contentType"] == "text" {
				quoted = strings.ReplaceAll(quoted, "\n", "<br>")
			}
			extra["body"] = Object{"contentType": "html", "content": "<hr>" + quoted}
		} else {
			extra["body"] = Object{"contentType": "html", "content": ""}
		}
	}
	loop = append(slices.Clip(loop), m.addr)
	delivered := map[*Mailbox]bool{}
	for _, r := range to {
		ro, _ := r.(map[string]any)
		ea, _ := ro["emailAddress"].(map[string]any)
		addr, _ := ea["address"].(string)
		dst, ok := m.st.lookup(addr)
		if !ok || delivered[dst] {
			continue
		}
		delivered[dst] = true
		fresh := schema.DeepCopy(extra).(map[string]any)
		var e *Entity
		if kind == "attach" {
			var err error
			if e, err = dst.Create("messages", dst.wellKnown["inbox"], fresh, false); err != nil {
				panic("outlooktest: forwarding a stored message: " + err.Error()) // stored data is valid
			}
			item := schema.DeepCopy(msg.obj).(map[string]any)
			for _, k := range []string{"id", "parentFolderId", "changeKey", "@odata.etag", "webLink"} {
				delete(item, k)
			}
			if _, err := dst.AddAttachment(e.id, Object{
				"@odata.type": schema.GraphNS + "itemAttachment", "name": subj, "item": item,
			}, false); err != nil {
				panic("outlooktest: attaching a forwarded message: " + err.Error()) // stored data is valid
			}
		} else {
			e = dst.CopyMessage(m, msg, dst.wellKnown["inbox"], fresh)
		}
		dst.runRules(e, loop)
	}
}

// ruleFires reports whether a rule (Graph messageRule form) fires on msg.
func (m *Mailbox) ruleFires(rule, msg Object) bool {
	cond, _ := rule["conditions"].(map[string]any)
	if ok, known := m.predicates(cond, msg, true); !ok || !known {
		return false
	}
	exc, _ := rule["exceptions"].(map[string]any)
	for k, v := range exc {
		hit, known := m.predicates(Object{k: v}, msg, false)
		if hit || !known {
			return false
		}
	}
	return true
}

// predicates tests a messageRulePredicates object against msg: with all
// true, whether every predicate set holds, else whether any does. known is
// false when it sets a predicate the fake cannot evaluate. Predicates set
// to false, null or an empty list are not set, as Graph reads them.
func (m *Mailbox) predicates(p, msg Object, all bool) (ok, known bool) {
	some := false
	for k, v := range p {
		if !isSet(v) {
			continue
		}
		hit, known := m.predicate(k, v, msg)
		if !known {
			return false, false
		}
		if all && !hit {
			return false, true
		}
		some = some || hit
	}
	return all || some, true
}

func isSet(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case []any:
		return len(v) > 0
	case string:
		return v != ""
	case map[string]any:
		return len(v) > 0
	}
	return true
}

// predicate tests one predicate of messageRulePredicates.
func (m *Mailbox) predicate(name string, v any, msg Object) (hit, known bool) {
	words := strs(v)
	subject, _ := msg["subject"].(string)
	body := func() string {
		b, _ := msg["body"].(map[string]any)
		c, _ := b["content"].(string)
		if b["contentType"] == "html" {
			return HTMLToText(c)
		}
		return c
	}
	to, cc := addrs(msg["toRecipients"]), addrs(msg["ccRecipients"])
	me := func(list []string) bool { return slices.Contains(list, m.addr) }
	from := addrs([]any{msg["from"]})
	fromName := ""
	if f, ok := msg["from"].(map[string]any); ok {
		ea, _ := f["emailAddress"].(map[string]any)
		fromName, _ = ea["name"].(string)
	}
	switch name {
	case "subjectContains":
		return containsAny(subject, words), true
	case "bodyContains":
		return containsAny(body(), words), true
	case "bodyOrSubjectContains":
		return containsAny(subject, words) || containsAny(body(), words), true
	case "senderContains":
		return containsAny(strings.Join(from, " ")+" "+fromName, words), true
	case "fromAddresses":
		return intersects(from, addrs(v)), true
	case "sentToAddresses":
		return intersects(append(to, cc...), addrs(v)), true
	case "recipientContains":
		return containsAny(strings.Join(append(to, cc...), " ")+" "+recipientNames(msg), words), true
	case "sentToMe":
		return me(to), true
	case "notSentToMe":
		return !me(to), true
	case "sentCcMe":
		return me(cc), true
	case "sentToOrCcMe":
		return me(to) || me(cc), true
	case "sentOnlyToMe":
		return len(to) == 1 && me(to) && len(cc) == 0, true
	case "importance":
		imp, _ := msg["importance"].(string)
		want, _ := v.(string)
		return strings.EqualFold(imp, want), true
	case "sensitivity":
		s, _ := msg["sensitivity"].(string)
		if s == "" {
			s = "normal"
		}
		want, _ := v.(string)
		return strings.EqualFold(s, want), true
	case "hasAttachments":
		has, _ := msg["hasAttachments"].(bool)
		return has, true
	case "categories":
		return intersects(lower(strs(msg["categories"])), lower(words)), true
	case "headerContains":
		var hs []string
		list, _ := msg["internetMessageHeaders"].([]any)
		for _, h := range list {
			ho, _ := h.(map[string]any)
			n, _ := ho["name"].(string)
			val, _ := ho["value"].(string)
			hs = append(hs, n+": "+val)
		}
		return containsAny(strings.Join(hs, "\n"), words), true
	case "isMeetingRequest":
		return msg["meetingMessageType"] == "meetingRequest", true
	case "isMeetingResponse":
		switch msg["meetingMessageType"] {
		case "meetingAccepted", "meetingTenativelyAccepted", "meetingDeclined": // sic, Graph's spelling
			return true, true
		}
		return false, true
	}
	return false, false
}

// containsAny reports whether any word occurs in s, case-insensitively.
func containsAny(s string, words []string) bool {
	s = strings.ToLower(s)
	for _, w := range words {
		if w != "" && strings.Contains(s, strings.ToLower(w)) {
			return true
		}
	}
	return false
}

// addrs returns the lower-cased addresses of a list of recipients.
func addrs(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, r := range list {
		ro, _ := r.(map[string]any)
		ea, _ := ro["emailAddress"].(map[string]any)
		if a, _ := ea["address"].(string); a != "" {
			out = append(out, strings.ToLower(a))
		}
	}
	return out
}

func recipientNames(msg Object) string {
	var names []string
	for _, f := range []string{"toRecipients", "ccRecipients"} {
		list, _ := msg[f].([]any)
		for _, r := range list {
			ro, _ := r.(map[string]any)
			ea, _ := ro["emailAddress"].(map[string]any)
			if n, _ := ea["name"].(string); n != "" {
				names = append(names, n)
			}
		}
	}
	return strings.Join(names, " ")
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func strs(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func lower(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
