package ews

// Automatic replies (GetUserOofSettings, SetUserOofSettings) and Inbox
// rules (GetInboxRules, UpdateInboxRules), over the same mailbox settings
// and rules Graph's mailboxSettings and messageRules show.

import (
	"strconv"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

var (
	oofStateEnum = enumMap{"disabled": "Disabled", "alwaysEnabled": "Enabled", "scheduled": "Scheduled"}
	audienceEnum = enumMap{"none": "None", "contactsOnly": "Known", "all": "All"}
)

// oofMailbox reads the Mailbox element of an OOF request.
func (c *call) oofMailbox(op *elem) (*store.Mailbox, *respErr, *fault) {
	mb := op.t("Mailbox")
	if mb == nil || mb.t("Address") == nil {
		return nil, nil, schemaFault(op.line, op.col, "The element '"+op.local+"' has incomplete content. List of possible elements expected: 'Mailbox'.")
	}
	m, err := c.open(mb.t("Address").value())
	return m, err, nil
}

// writeOofResponse writes the frame of the OOF operations' answers, which
// carry one ResponseMessage rather than ResponseMessages.
func (c *call) writeOofResponse(w *writer, rerr *respErr, body func(w *writer)) {
	name := strings.TrimSuffix(c.op, "Request") + "Response"
	w.open(name, "xmlns", nsMessages)
	if rerr != nil {
		w.open("ResponseMessage", "ResponseClass", "Error")
		w.leaf("MessageText", rerr.text)
		w.leaf("ResponseCode", rerr.code)
		w.leaf("DescriptiveLinkKey", "0")
		w.close("ResponseMessage")
	} else {
		w.open("ResponseMessage", "ResponseClass", "Success")
		w.leaf("ResponseCode", "NoError")
		w.close("ResponseMessage")
		if body != nil {
			body(w)
		}
	}
	w.close(name)
}

// oofTime writes a dateTimeTimeZone of the settings as the OOF operations
// do: UTC, no zone designator.
func oofTime(v any) string {
	s := ewsTime(v)
	return strings.TrimSuffix(s, "Z")
}

// getOof serves GetUserOofSettings.
func (c *call) getOof(op *elem, w *writer) *fault {
	m, rerr, f := c.oofMailbox(op)
	if f != nil {
		return f
	}
	c.writeOofResponse(w, rerr, func(w *writer) {
		ar, _ := m.Settings()["automaticRepliesSetting"].(map[string]any)
		w.open("OofSettings", "xmlns", nsTypes)
		w.leaf("OofState", oofStateEnum.ews(ar["status"]))
		w.leaf("ExternalAudience", audienceEnum.ews(ar["externalAudience"]))
		w.open("Duration")
		w.leaf("StartTime", oofTime(ar["scheduledStartDateTime"]))
		w.leaf("EndTime", oofTime(ar["scheduledEndDateTime"]))
		w.close("Duration")
		for _, r := range []struct{ el, g string }{{"InternalReply", "internalReplyMessage"}, {"ExternalReply", "externalReplyMessage"}} {
			msg, _ := ar[r.g].(string)
			w.open(r.el)
			w.leaf("Message", msg)
			w.close(r.el)
		}
		w.close("OofSettings")
		w.leaf("AllowExternalOof", "All")
	})
	return nil
}

// setOof serves SetUserOofSettings.
func (c *call) setOof(op *elem, w *writer) *fault {
	m, rerr, f := c.oofMailbox(op)
	if f != nil {
		return f
	}
	us := op.t("UserOofSettings")
	if us == nil {
		return schemaFault(op.line, op.col, "The element 'SetUserOofSettingsRequest' has incomplete content. List of possible elements expected: 'UserOofSettings'.")
	}
	if rerr == nil {
		patch := Object{}
		if e := us.t("OofState"); e != nil {
			g, ok := oofStateEnum.graph(e.value())
			if !ok {
				return schemaFault(e.line, e.col, "The 'OofState' element is invalid - The value '"+e.value()+"' is invalid according to its datatype.")
			}
			patch["status"] = g
		} else {
			return schemaFault(us.line, us.col, "The element 'UserOofSettings' has incomplete content. List of possible elements expected: 'OofState'.")
		}
		if e := us.t("ExternalAudience"); e != nil {
			g, ok := audienceEnum.graph(e.value())
			if !ok {
				return schemaFault(e.line, e.col, "The 'ExternalAudience' element is invalid - The value '"+e.value()+"' is invalid according to its datatype.")
			}
			patch["externalAudience"] = g
		}
		if d := us.t("Duration"); d != nil {
			for _, t := range []struct{ el, g string }{{"StartTime", "scheduledStartDateTime"}, {"EndTime", "scheduledEndDateTime"}} {
				e := d.t(t.el)
				if e == nil {
					return schemaFault(d.line, d.col, "The element 'Duration' has incomplete content.")
				}
				tm, err := parseTime(e.text)
				if err != nil {
					return schemaFault(e.line, e.col, err.Error())
				}
				patch[t.g] = Object{"dateTime": tm.UTC().Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"}
			}
		}
		for _, r := range []struct{ el, g string }{{"InternalReply", "internalReplyMessage"}, {"ExternalReply", "externalReplyMessage"}} {
			if e := us.t(r.el); e != nil {
				patch[r.g] = e.t("Message").text
			}
		}
		if _, err := m.UpdateSettings(Object{"automaticRepliesSetting": patch}, true); err != nil {
			rerr = inputErr(err)
			if rerr.code == "ErrorOofInvalidScheduledTime" || patch["status"] == "scheduled" {
				rerr = errf("ErrorInvalidScheduledOofDuration", "The scheduled out-of-office duration is invalid: the end time must come after the start time.")
			}
		}
	}
	c.writeOofResponse(w, rerr, nil)
	return nil
}

// Inbox rules: EWS's Rule element and Graph's messageRule carry the same
// conditions and actions under different names.

// rulePredicates maps RulePredicatesType elements, in schema order, to
// messageRulePredicates properties and their kind.
var rulePredicates = []struct{ el, g, kind string }{
	{"Categories", "categories", "strings"},
	{"ContainsBodyStrings", "bodyContains", "strings"},
	{"ContainsHeaderStrings", "headerContains", "strings"},
	{"ContainsRecipientStrings", "recipientContains", "strings"},
	{"ContainsSenderStrings", "senderContains", "strings"},
	{"ContainsSubjectOrBodyStrings", "bodyOrSubjectContains", "strings"},
	{"ContainsSubjectStrings", "subjectContains", "strings"},
	{"FlaggedForAction", "messageActionFlag", "flagAction"},
	{"FromAddresses", "fromAddresses", "addresses"},
	{"FromConnectedAccounts", "", "strings"},
	{"HasAttachments", "hasAttachments", "bool"},
	{"Importance", "importance", "importance"},
	{"IsApprovalRequest", "isApprovalRequest", "bool"},
	{"IsAutomaticForward", "isAutomaticForward", "bool"},
	{"IsAutomaticReply", "isAutomaticReply", "bool"},
	{"IsEncrypted", "isEncrypted", "bool"},
	{"IsMeetingRequest", "isMeetingRequest", "bool"},
	{"IsMeetingResponse", "isMeetingResponse", "bool"},
	{"IsNDR", "isNonDeliveryReport", "bool"},
	{"IsPermissionControlled", "isPermissionControlled", "bool"},
	{"IsReadReceipt", "isReadReceipt", "bool"},
	{"IsSigned", "isSigned", "bool"},
	{"IsVoicemail", "isVoicemail", "bool"},
	{"ItemClasses", "", "strings"},
	{"MessageClassifications", "", "strings"},
	{"NotSentToMe", "notSentToMe", "bool"},
	{"SentCcMe", "sentCcMe", "bool"},
	{"SentOnlyToMe", "sentOnlyToMe", "bool"},
	{"SentToAddresses", "sentToAddresses", "addresses"},
	{"SentToMe", "sentToMe", "bool"},
	{"SentToOrCcMe", "sentToOrCcMe", "bool"},
	{"Sensitivity", "sensitivity", "sensitivity"},
	{"WithinDateRange", "", "dateRange"},
	{"WithinSizeRange", "withinSizeRange", "sizeRange"},
}

// ruleActions maps RuleActionsType elements, in schema order, to
// messageRuleActions properties.
var ruleActions = []struct{ el, g, kind string }{
	{"AssignCategories", "assignCategories", "strings"},
	{"CopyToFolder", "copyToFolder", "folder"},
	{"Delete", "delete", "bool"},
	{"ForwardAsAttachmentToRecipients", "forwardAsAttachmentTo", "addresses"},
	{"ForwardToRecipients", "forwardTo", "addresses"},
	{"MarkImportance", "markImportance", "importance"},
	{"MarkAsRead", "markAsRead", "bool"},
	{"MoveToFolder", "moveToFolder", "folder"},
	{"PermanentDelete", "permanentDelete", "bool"},
	{"RedirectToRecipients", "redirectTo", "addresses"},
	{"SendSMSAlertToRecipients", "", "addresses"},
	{"ServerReplyWithMessage", "", "item"},
	{"StopProcessingRules", "stopProcessingRules", "bool"},
}

var (
	sensitivityEnum = enumMap{"normal": "Normal", "personal": "Personal", "private": "Private", "confidential": "Confidential"}
	flagActionEnum  = enumMap{"any": "Any", "call": "Call", "doNotForward": "DoNotForward", "followUp": "FollowUp", "fyi": "FYI",
		"forward": "Forward", "noResponseNecessary": "NoResponseNecessary", "read": "Read", "reply": "Reply", "replyToAll": "ReplyToAll", "review": "Review"}
)

// ruleInbox is the Inbox rules live in.
func (c *call) ruleMailbox(op *elem) (*store.Mailbox, *respErr) {
	if e := op.m("MailboxSmtpAddress"); e != nil && e.value() != "" {
		return c.open(e.value())
	}
	return c.selfMailbox()
}

// writeRuleResponse writes the frame of the rules operations' answers:
// the response class on the response element itself.
func (c *call) writeRuleResponse(w *writer, rerr *respErr, body func(w *writer)) {
	name := "m:" + c.op + "Response"
	if rerr != nil {
		w.open(name, "ResponseClass", "Error", "xmlns:m", nsMessages, "xmlns:t", nsTypes)
		w.leaf("m:MessageText", rerr.text)
		w.leaf("m:ResponseCode", rerr.code)
		w.leaf("m:DescriptiveLinkKey", "0")
		if body != nil {
			body(w)
		}
		w.close(name)
		return
	}
	w.open(name, "ResponseClass", "Success", "xmlns:m", nsMessages, "xmlns:t", nsTypes)
	w.leaf("m:ResponseCode", "NoError")
	if body != nil {
		body(w)
	}
	w.close(name)
}

// getInboxRules serves GetInboxRules.
func (c *call) getInboxRules(op *elem, w *writer) *fault {
	m, rerr := c.ruleMailbox(op)
	c.writeRuleResponse(w, rerr, func(w *writer) {
		w.leaf("m:OutlookRuleBlobExists", "false")
		rules := m.List("messageRules", func(*store.Entity) bool { return true })
		if len(rules) == 0 {
			return
		}
		w.open("m:InboxRules")
		for _, r := range rules {
			writeRule(w, m, r)
		}
		w.close("m:InboxRules")
	})
	return nil
}

func writeRule(w *writer, m *store.Mailbox, r *store.Entity) {
	o := r.Object()
	w.open("t:Rule")
	w.leaf("t:RuleId", ewsID(r.ID()))
	name, _ := o["displayName"].(string)
	w.leaf("t:DisplayName", name)
	seq, _ := o["sequence"].(float64)
	w.leaf("t:Priority", strconv.Itoa(int(seq)))
	en, _ := o["isEnabled"].(bool)
	w.leaf("t:IsEnabled", boolText(en))
	// Exchange leaves out IsNotSupported and IsInError when false.
	if he, _ := o["hasError"].(bool); he {
		w.leaf("t:IsInError", "true")
	}
	for _, part := range []struct{ el, g string }{{"Conditions", "conditions"}, {"Exceptions", "exceptions"}} {
		p, _ := o[part.g].(map[string]any)
		if len(p) == 0 {
			continue
		}
		w.open("t:" + part.el)
		for _, d := range rulePredicates {
			if d.g != "" {
				writeRuleValue(w, m, d.el, d.kind, p[d.g])
			}
		}
		w.close("t:" + part.el)
	}
	if a, _ := o["actions"].(map[string]any); len(a) > 0 {
		w.open("t:Actions")
		for _, d := range ruleActions {
			if d.g != "" {
				writeRuleValue(w, m, d.el, d.kind, a[d.g])
			}
		}
		w.close("t:Actions")
	}
	w.close("t:Rule")
}

func writeRuleValue(w *writer, m *store.Mailbox, el, kind string, v any) {
	if v == nil {
		return
	}
	switch kind {
	case "strings":
		ss, _ := v.([]any)
		if len(ss) == 0 {
			return
		}
		w.open("t:" + el)
		for _, s := range ss {
			str, _ := s.(string)
			w.leaf("t:String", str)
		}
		w.close("t:" + el)
	case "bool":
		if b, ok := v.(bool); ok {
			w.leaf("t:"+el, boolText(b))
		}
	case "importance":
		if s := importanceEnum.ews(v); s != "" {
			w.leaf("t:"+el, s)
		}
	case "sensitivity":
		if s := sensitivityEnum.ews(v); s != "" {
			w.leaf("t:"+el, s)
		}
	case "flagAction":
		if s := flagActionEnum.ews(v); s != "" {
			w.leaf("t:"+el, s)
		}
	case "addresses":
		rs, _ := v.([]any)
		if len(rs) == 0 {
			return
		}
		w.open("t:" + el)
		for _, r := range rs {
			name, addr := recipientAddress(r)
			w.open("t:Address")
			if name != "" {
				w.leaf("t:Name", name)
			}
			w.leaf("t:EmailAddress", addr)
			w.leaf("t:RoutingType", "SMTP")
			w.close("t:Address")
		}
		w.close("t:" + el)
	case "folder":
		if id, ok := v.(string); ok && id != "" {
			w.open("t:" + el)
			ck := "AQAAAA=="
			if f := m.Lookup("mailFolders", id); f != nil {
				ck = changeKey(f)
			}
			w.empty("t:FolderId", "Id", ewsID(id), "ChangeKey", ck)
			w.close("t:" + el)
		}
	case "sizeRange":
		r, _ := v.(map[string]any)
		w.open("t:" + el)
		if n, ok := r["minimumSize"].(float64); ok {
			w.leaf("t:MinimumSize", strconv.Itoa(int(n)))
		}
		if n, ok := r["maximumSize"].(float64); ok {
			w.leaf("t:MaximumSize", strconv.Itoa(int(n)))
		}
		w.close("t:" + el)
	}
}

// ruleError is a rule the server refuses, as UpdateInboxRules reports it.
type ruleError struct {
	index        int
	field, code  string
	message, val string
}

// readRule reads a Rule element into a Graph messageRule.
func (c *call) readRule(m *store.Mailbox, e *elem, create bool) (Object, *ruleError, *fault) {
	o := Object{}
	for _, k := range e.kids {
		switch k.local {
		case "RuleId":
			if create {
				return nil, &ruleError{field: "RuleId", code: "CreateWithRuleId", message: "A rule being created cannot have a RuleId.", val: k.value()}, nil
			}
		case "DisplayName":
			o["displayName"] = k.text
		case "Priority":
			n, err := strconv.Atoi(k.value())
			if err != nil || n < 1 {
				return nil, &ruleError{field: "Priority", code: "InvalidValue", message: "The priority must be a positive number.", val: k.value()}, nil
			}
			o["sequence"] = float64(n)
		case "IsEnabled":
			b, err := parseBool(k.text)
			if err != nil {
				return nil, nil, schemaFault(k.line, k.col, err.Error())
			}
			o["isEnabled"] = b
		case "IsNotSupported", "IsInError":
		case "Conditions", "Exceptions":
			p := Object{}
			for _, pk := range k.kids {
				if re, f := readRuleValue(c, m, pk, rulePredicates, strings.TrimSuffix(k.local, "s")+":", p); re != nil || f != nil {
					return nil, re, f
				}
			}
			o[strings.ToLower(k.local[:1])+k.local[1:]] = p
		case "Actions":
			a := Object{}
			for _, ak := range k.kids {
				if re, f := readRuleValue(c, m, ak, ruleActions, "Action:", a); re != nil || f != nil {
					return nil, re, f
				}
			}
			o["actions"] = a
		default:
			return nil, nil, schemaFault(k.line, k.col, "The element 'Rule' has invalid child element '"+k.local+"'.")
		}
	}
	if name, _ := o["displayName"].(string); name == "" {
		return nil, &ruleError{field: "DisplayName", code: "EmptyValueFound", message: "The value is empty."}, nil
	}
	if a, _ := o["actions"].(map[string]any); len(a) == 0 {
		return nil, &ruleError{field: "Actions", code: "MissingAction", message: "The rule has no actions."}, nil
	}
	return o, nil, nil
}

func readRuleValue(c *call, m *store.Mailbox, k *elem, table []struct{ el, g, kind string }, prefix string, out Object) (*ruleError, *fault) {
	for _, d := range table {
		if d.el != k.local {
			continue
		}
		field := prefix + d.el
		if d.g == "" {
			return &ruleError{field: field, code: "UnsupportedRule", message: "outlooktest does not keep the rule part " + d.el + "."}, nil
		}
		switch d.kind {
		case "strings":
			var ss []any
			for _, s := range k.all(nsTypes, "String") {
				ss = append(ss, s.text)
			}
			out[d.g] = ss
		case "bool":
			b, err := parseBool(k.text)
			if err != nil {
				return nil, schemaFault(k.line, k.col, err.Error())
			}
			out[d.g] = b
		case "importance", "sensitivity", "flagAction":
			m := map[string]enumMap{"importance": importanceEnum, "sensitivity": sensitivityEnum, "flagAction": flagActionEnum}[d.kind]
			g, ok := m.graph(k.value())
			if !ok {
				return nil, schemaFault(k.line, k.col, "The '"+d.el+"' element is invalid.")
			}
			out[d.g] = g
		case "addresses":
			var rs []any
			for _, a := range k.all(nsTypes, "Address") {
				r, err := mailboxOf(a)
				if err != nil {
					return &ruleError{field: field, code: "InvalidAddress", message: err.Error()}, nil
				}
				rs = append(rs, r)
			}
			out[d.g] = rs
		case "folder":
			if len(k.kids) != 1 {
				return nil, schemaFault(k.line, k.col, "The element '"+d.el+"' needs a folder id.")
			}
			fo, ferr, f := c.folderByID(k.kids[0])
			if f != nil {
				return nil, f
			}
			if ferr != nil || fo.m != m || fo.set != "mailFolders" {
				return &ruleError{field: field, code: "FolderDoesNotExist", message: "The folder does not exist in the mailbox."}, nil
			}
			out[d.g] = fo.e.ID()
		case "sizeRange":
			r := Object{}
			for _, n := range []struct{ el, g string }{{"MinimumSize", "minimumSize"}, {"MaximumSize", "maximumSize"}} {
				if e := k.t(n.el); e != nil {
					v, err := strconv.Atoi(e.value())
					if err != nil {
						return nil, schemaFault(e.line, e.col, err.Error())
					}
					r[n.g] = float64(v)
				}
			}
			out[d.g] = r
		default:
			return &ruleError{field: field, code: "UnsupportedRule", message: "outlooktest does not keep the rule part " + d.el + "."}, nil
		}
		return nil, nil
	}
	return nil, schemaFault(k.line, k.col, "The element '"+k.local+"' is not a rule predicate or action.")
}

// updateInboxRules serves UpdateInboxRules: rules created, changed and
// deleted as one batch. A refused operation stops the batch, and the
// answer names it, as ErrorInboxRulesValidationError does.
func (c *call) updateInboxRules(op *elem, w *writer) *fault {
	m, rerr := c.ruleMailbox(op)
	ops := op.m("Operations")
	if ops == nil {
		return schemaFault(op.line, op.col, "The element 'UpdateInboxRules' has incomplete content. List of possible elements expected: 'Operations'.")
	}
	// The batch is checked whole before any of it is applied: a refused
	// operation leaves the rules as they were, and the answer names it.
	var fail *ruleError
	var apply []func()
	if rerr == nil {
		seen := map[string]bool{}
		for i, o := range ops.kids {
			if fail != nil {
				break
			}
			switch o.local {
			case "CreateRuleOperation", "SetRuleOperation":
				rule := o.t("Rule")
				if rule == nil {
					return schemaFault(o.line, o.col, "The element '"+o.local+"' needs a Rule.")
				}
				create := o.local == "CreateRuleOperation"
				obj, re, f := c.readRule(m, rule, create)
				if f != nil {
					return f
				}
				if re != nil {
					re.index = i
					fail = re
					break
				}
				if create {
					apply = append(apply, func() { _, _ = m.Create("messageRules", m.WellKnown("inbox"), obj, true) })
					break
				}
				id := rule.t("RuleId")
				var r *store.Entity
				if id != nil {
					r = m.Lookup("messageRules", storeID(id.value()))
				}
				switch {
				case r == nil:
					fail = &ruleError{index: i, field: "RuleId", code: "RuleNotFound", message: "The rule was not found.", val: id.value()}
				case seen[r.ID()]:
					fail = &ruleError{index: i, field: "RuleId", code: "DuplicatedOperationOnTheSameRule", message: "The rule has more than one operation in the batch.", val: id.value()}
				default:
					seen[r.ID()] = true
					apply = append(apply, func() { _ = m.Update(r, obj) })
				}
			case "DeleteRuleOperation":
				id := o.t("RuleId")
				if id == nil {
					return schemaFault(o.line, o.col, "The element 'DeleteRuleOperation' needs a RuleId.")
				}
				r := m.Lookup("messageRules", storeID(id.value()))
				switch {
				case r == nil:
					fail = &ruleError{index: i, field: "RuleId", code: "RuleNotFound", message: "The rule was not found.", val: id.value()}
				case seen[r.ID()]:
					fail = &ruleError{index: i, field: "RuleId", code: "DuplicatedOperationOnTheSameRule", message: "The rule has more than one operation in the batch.", val: id.value()}
				default:
					seen[r.ID()] = true
					apply = append(apply, func() { m.Purge(r) })
				}
			default:
				return schemaFault(o.line, o.col, "The element 'Operations' has invalid child element '"+o.local+"'.")
			}
		}
	}
	if rerr == nil && fail == nil {
		for _, a := range apply {
			a()
		}
	}
	if fail != nil {
		rerr = errf("ErrorInboxRulesValidationError", "Validation error(s) occurred during the update of inbox rules. See the RuleOperationErrors for details.")
	}
	c.writeRuleResponse(w, rerr, func(w *writer) {
		if fail == nil {
			return
		}
		w.open("m:RuleOperationErrors")
		w.open("t:RuleOperationError")
		w.leaf("t:OperationIndex", strconv.Itoa(fail.index))
		w.open("t:ValidationErrors")
		w.open("t:Error")
		w.leaf("t:FieldURI", fail.field)
		w.leaf("t:ErrorCode", fail.code)
		w.leaf("t:ErrorMessage", fail.message)
		w.leaf("t:FieldValue", fail.val)
		w.close("t:Error")
		w.close("t:ValidationErrors")
		w.close("t:RuleOperationError")
		w.close("m:RuleOperationErrors")
	})
	return nil
}
