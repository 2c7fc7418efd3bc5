package ews

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/odata"
)

// Inbox rules (Graph's messageRules) over GetInboxRules and
// UpdateInboxRules (Exchange 2010 SP1 and later). A rule's conditions,
// exceptions and actions map element by element; the tables below keep
// both names and, for writing, the order of types.xsd (RulePredicatesType,
// RuleActionsType).

func init() {
	routes["GET mailFolders/inbox/messageRules"] = listRules
	routes["POST mailFolders/inbox/messageRules"] = createRule
	routes["DELETE mailFolders/inbox/messageRules/{}"] = deleteRule
}

// ruleKind is how a rule element's value is written.
type ruleKind uint8

const (
	ruleStrings   ruleKind = iota // ArrayOfStringsType: <t:String> children
	ruleAddresses                 // ArrayOfEmailAddressesType: <t:Address> children
	ruleBool
	ruleEnum
	ruleFolder // TargetFolderIdType
	ruleSize   // RulePredicateSizeRangeType
)

type ruleField struct {
	ews, graph string
	kind       ruleKind
	enum       map[string]string // Graph -> EWS, for ruleEnum
}

var (
	importanceChoices  = map[string]string{"low": "Low", "normal": "Normal", "high": "High"}
	sensitivityChoices = map[string]string{"normal": "Normal", "personal": "Personal", "private": "Private", "confidential": "Confidential"}
	actionFlags        = map[string]string{"any": "Any", "call": "Call", "doNotForward": "DoNotForward", "followUp": "FollowUp",
		"fyi": "FYI", "forward": "Forward", "noResponseNecessary": "NoResponseNecessary", "read": "Read", "reply": "Reply",
		"replyToAll": "ReplyToAll", "review": "Review"}

	// rulePredicates are RulePredicatesType's elements the Graph model has,
	// in XSD order.
	rulePredicates = []ruleField{
		{"Categories", "categories", ruleStrings, nil},
		{"ContainsBodyStrings", "bodyContains", ruleStrings, nil},
		{"ContainsHeaderStrings", "headerContains", ruleStrings, nil},
		{"ContainsRecipientStrings", "recipientContains", ruleStrings, nil},
		{"ContainsSenderStrings", "senderContains", ruleStrings, nil},
		{"ContainsSubjectOrBodyStrings", "bodyOrSubjectContains", ruleStrings, nil},
		{"ContainsSubjectStrings", "subjectContains", ruleStrings, nil},
		{"FlaggedForAction", "messageActionFlag", ruleEnum, actionFlags},
		{"FromAddresses", "fromAddresses", ruleAddresses, nil},
		{"HasAttachments", "hasAttachments", ruleBool, nil},
		{"Importance", "importance", ruleEnum, importanceChoices},
		{"IsApprovalRequest", "isApprovalRequest", ruleBool, nil},
		{"IsAutomaticForward", "isAutomaticForward", ruleBool, nil},
		{"IsAutomaticReply", "isAutomaticReply", ruleBool, nil},
		{"IsEncrypted", "isEncrypted", ruleBool, nil},
		{"IsMeetingRequest", "isMeetingRequest", ruleBool, nil},
		{"IsMeetingResponse", "isMeetingResponse", ruleBool, nil},
		{"IsNDR", "isNonDeliveryReport", ruleBool, nil},
		{"IsPermissionControlled", "isPermissionControlled", ruleBool, nil},
		{"IsReadReceipt", "isReadReceipt", ruleBool, nil},
		{"IsSigned", "isSigned", ruleBool, nil},
		{"IsVoicemail", "isVoicemail", ruleBool, nil},
		{"NotSentToMe", "notSentToMe", ruleBool, nil},
		{"SentCcMe", "sentCcMe", ruleBool, nil},
		{"SentOnlyToMe", "sentOnlyToMe", ruleBool, nil},
		{"SentToAddresses", "sentToAddresses", ruleAddresses, nil},
		{"SentToMe", "sentToMe", ruleBool, nil},
		{"SentToOrCcMe", "sentToOrCcMe", ruleBool, nil},
		{"Sensitivity", "sensitivity", ruleEnum, sensitivityChoices},
		{"WithinSizeRange", "withinSizeRange", ruleSize, nil},
	}
	// ruleActions are RuleActionsType's elements the Graph model has, in
	// XSD order.
	ruleActions = []ruleField{
		{"AssignCategories", "assignCategories", ruleStrings, nil},
		{"CopyToFolder", "copyToFolder", ruleFolder, nil},
		{"Delete", "delete", ruleBool, nil},
		{"ForwardAsAttachmentToRecipients", "forwardAsAttachmentTo", ruleAddresses, nil},
		{"ForwardToRecipients", "forwardTo", ruleAddresses, nil},
		{"MarkImportance", "markImportance", ruleEnum, importanceChoices},
		{"MarkAsRead", "markAsRead", ruleBool, nil},
		{"MoveToFolder", "moveToFolder", ruleFolder, nil},
		{"PermanentDelete", "permanentDelete", ruleBool, nil},
		{"RedirectToRecipients", "redirectTo", ruleAddresses, nil},
		{"StopProcessingRules", "stopProcessingRules", ruleBool, nil},
	}
)

func ruleFieldOf(fields []ruleField, ews string) *ruleField {
	for i := range fields {
		if fields[i].ews == ews {
			return &fields[i]
		}
	}
	return nil
}

// readRuleSet reads a Conditions, Exceptions or Actions element as a Graph
// object.
func readRuleSet(x *xmlReader, fields []ruleField, out []byte) ([]byte, error) {
	out = append(out, '{')
	err := x.children(func() error {
		f := ruleFieldOf(fields, string(x.local))
		if f == nil {
			return x.skip() // a predicate the Graph model lacks
		}
		out = member(out, f.graph)
		switch f.kind {
		case ruleStrings:
			out = append(out, '[')
			err := x.children(func() error {
				t, err := x.textInto(nil)
				out = comma(out)
				out = appendString(out, t)
				return err
			})
			out = append(out, ']')
			return err
		case ruleAddresses:
			out = append(out, '[')
			cv := &converter{x: x}
			err := x.children(func() error {
				out = comma(out)
				var err error
				out, err = cv.mailbox(out) // EmailAddressType, as a Mailbox is
				return err
			})
			out = append(out, ']')
			return err
		case ruleFolder:
			var id []byte
			err := x.children(func() error {
				if v, ok := x.attr("Id"); ok && id == nil {
					if x.is("DistinguishedFolderId") {
						id = append([]byte(nil), v...)
					} else {
						id = appendRestID(nil, v)
					}
				}
				return x.skip()
			})
			out = appendString(out, id)
			return err
		case ruleSize:
			out = append(out, '{')
			err := x.children(func() error {
				name := map[string]string{"MinimumSize": "minimumSize", "MaximumSize": "maximumSize"}[string(x.local)]
				if name == "" {
					return x.skip()
				}
				t, err := x.textInto(nil)
				if err != nil {
					return err
				}
				n, err := strconv.Atoi(string(bytes.TrimSpace(t)))
				if err != nil {
					return errorf("WithinSizeRange/%s: %q is not a number", x.local, truncate(string(t), 20))
				}
				out = member(out, name)
				out = strconv.AppendInt(out, int64(n), 10)
				return nil
			})
			out = append(out, '}')
			return err
		}
		t, err := x.textInto(nil)
		if err != nil {
			return err
		}
		t = bytes.TrimSpace(t)
		if f.kind == ruleBool {
			out = strconv.AppendBool(out, string(t) == "true")
		} else {
			out = appendString(out, reverse(f.enum, string(t)))
		}
		return nil
	})
	return append(out, '}'), err
}

// readRule reads a Rule element as a Graph messageRule.
func readRule(x *xmlReader, out []byte) ([]byte, error) {
	out = append(out, '{')
	err := x.children(func() error {
		var err error
		switch string(x.local) {
		case "RuleId", "DisplayName", "Priority", "IsEnabled", "IsInError", "IsNotSupported":
			var t []byte
			if t, err = x.textInto(nil); err != nil {
				return err
			}
			t = bytes.TrimSpace(t)
			switch string(x.local) {
			case "RuleId":
				out = member(out, "id")
				out = appendString(out, appendRestID(nil, t))
			case "DisplayName":
				out = member(out, "displayName")
				out = appendString(out, t)
			case "Priority":
				n, perr := strconv.Atoi(string(t))
				if perr != nil {
					return errorf("Rule/Priority: %q", truncate(string(t), 20))
				}
				out = member(out, "sequence")
				out = strconv.AppendInt(out, int64(n), 10)
			default:
				out = member(out, map[string]string{"IsEnabled": "isEnabled", "IsInError": "hasError", "IsNotSupported": "isReadOnly"}[string(x.local)])
				out = strconv.AppendBool(out, string(t) == "true")
			}
		case "Conditions", "Exceptions":
			out = member(out, map[string]string{"Conditions": "conditions", "Exceptions": "exceptions"}[string(x.local)])
			out, err = readRuleSet(x, rulePredicates, out)
		case "Actions":
			out = member(out, "actions")
			out, err = readRuleSet(x, ruleActions, out)
		default:
			err = x.skip()
		}
		return err
	})
	return append(out, '}'), err
}

// getRules runs GetInboxRules and appends the rules as a JSON array.
func (c *call) getRules(out []byte) ([]byte, error) {
	var st status
	out = append(out, '[')
	err := c.send(request{op: "GetInboxRules", idempotent: true, body: func(w *xmlWriter) {
		w.open("m:GetInboxRules")
		if c.b.mailbox != "" {
			w.elem("m:MailboxSmtpAddress", c.b.mailbox)
		}
		w.close("m:GetInboxRules")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readClassedList(x, buf, &st, "InboxRules", "Rule", func() error {
			out = comma(out)
			var err error
			out, err = readRule(x, out)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	if !st.ok() {
		return nil, errorOf("GetInboxRules", &st, false, nil)
	}
	return append(out, ']'), nil
}

// listRules serves GET mailFolders/inbox/messageRules.
func listRules(c *call) (*http.Response, error) {
	out, err := c.getRules([]byte(`{"value":`))
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, append(out, '}')), nil
}

// updateRules runs UpdateInboxRules with one operation.
func (c *call) updateRules(op func(w *xmlWriter)) error {
	var st status
	err := c.send(request{op: "UpdateInboxRules", body: func(w *xmlWriter) {
		w.open("m:UpdateInboxRules")
		if c.b.mailbox != "" {
			w.elem("m:MailboxSmtpAddress", c.b.mailbox)
		}
		// Rules Outlook keeps client side would otherwise block the
		// change (ErrorOutlookRuleBlobExists).
		w.elem("m:RemoveOutlookRuleBlob", "true")
		w.open("m:Operations")
		op(w)
		w.close("m:Operations")
		w.close("m:UpdateInboxRules")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readClassed(x, buf, &st, nil)
	})
	if err != nil {
		return err
	}
	if !st.ok() {
		return errorOf("UpdateInboxRules", &st, false, nil)
	}
	return nil
}

// writeRuleSet writes a Graph conditions, exceptions or actions object as
// its EWS element, in XSD order.
func (c *call) writeRuleSet(w *xmlWriter, elem string, fields []ruleField, v jsontext.Value) error {
	var m map[string]jsontext.Value
	if len(v) > 0 {
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("%w: %s: %v", odata.ErrInvalidQuery, elem, err)
		}
	}
	for name := range m {
		found := false
		for _, f := range fields {
			found = found || f.graph == name
		}
		if !found && !isEmpty(m[name]) {
			return errNotSupported(fmt.Sprintf("the rule property %s", name))
		}
	}
	w.open("t:" + elem)
	for _, f := range fields {
		v, ok := m[f.graph]
		if !ok || isEmpty(v) {
			continue
		}
		el := "t:" + f.ews
		var err error
		switch f.kind {
		case ruleStrings:
			var ss []string
			if err = json.Unmarshal(v, &ss); err == nil {
				w.open(el)
				for _, s := range ss {
					w.elem("t:String", s)
				}
				w.close(el)
			}
		case ruleAddresses:
			var rs []recipientJSON
			if err = json.Unmarshal(v, &rs); err == nil {
				w.open(el)
				for _, r := range rs {
					w.open("t:Address")
					if r.EmailAddress.Name != "" {
						w.elem("t:Name", r.EmailAddress.Name)
					}
					w.elem("t:EmailAddress", r.EmailAddress.Address)
					w.close("t:Address")
				}
				w.close(el)
			}
		case ruleBool:
			var b bool
			if err = json.Unmarshal(v, &b); err == nil {
				w.elem(el, strconv.FormatBool(b))
			}
		case ruleEnum:
			var s string
			if err = json.Unmarshal(v, &s); err == nil {
				e, ok := f.enum[s]
				if !ok {
					return fmt.Errorf("%w: %s %q", odata.ErrInvalidQuery, f.graph, s)
				}
				w.elem(el, e)
			}
		case ruleFolder:
			var s string
			if err = json.Unmarshal(v, &s); err == nil {
				var fr folderRef
				if fr, err = c.folder(s); err == nil {
					w.open(el)
					fr.write(w)
					w.close(el)
				}
			}
		case ruleSize:
			var r struct {
				Min int `json:"minimumSize"`
				Max int `json:"maximumSize"`
			}
			if err = json.Unmarshal(v, &r); err == nil {
				w.open(el)
				w.elem("t:MinimumSize", strconv.Itoa(r.Min))
				w.elem("t:MaximumSize", strconv.Itoa(r.Max))
				w.close(el)
			}
		}
		if err != nil {
			return fmt.Errorf("%w: %s: %v", odata.ErrInvalidQuery, f.graph, err)
		}
	}
	w.close("t:" + elem)
	return nil
}

// ruleBody is a Graph messageRule as a request body carries it.
type ruleBody struct {
	DisplayName string         `json:"displayName"`
	Sequence    int            `json:"sequence"`
	IsEnabled   bool           `json:"isEnabled"`
	Conditions  jsontext.Value `json:"conditions"`
	Exceptions  jsontext.Value `json:"exceptions"`
	Actions     jsontext.Value `json:"actions"`
}

// ruleXML writes r as an EWS Rule (RuleType, in XSD order); id is the
// EWS id of the rule a SetRuleOperation replaces, "" for a new one.
func (c *call) ruleXML(r *ruleBody, id string) ([]byte, error) {
	if r.Sequence < 1 {
		r.Sequence = 1
	}
	var rule xmlWriter
	rule.open("t:Rule")
	if id != "" {
		rule.elem("t:RuleId", id)
	}
	rule.elem("t:DisplayName", r.DisplayName)
	rule.elem("t:Priority", strconv.Itoa(r.Sequence))
	rule.elem("t:IsEnabled", strconv.FormatBool(r.IsEnabled))
	for _, set := range []struct {
		elem   string
		fields []ruleField
		v      jsontext.Value
	}{{"Conditions", rulePredicates, r.Conditions}, {"Exceptions", rulePredicates, r.Exceptions}, {"Actions", ruleActions, r.Actions}} {
		if err := c.writeRuleSet(&rule, set.elem, set.fields, set.v); err != nil {
			return nil, err
		}
	}
	rule.close("t:Rule")
	return rule.b, nil
}

// putRule stores the Graph messageRule in body: a CreateRuleOperation of a
// new rule (id ""), else a SetRuleOperation replacing the rule with the id.
func (c *call) putRule(body []byte, id string) (*ruleBody, error) {
	var r ruleBody
	if err := json.Unmarshal(body, &r); err != nil || r.DisplayName == "" {
		return nil, fmt.Errorf("%w: a rule needs a display name", odata.ErrInvalidQuery)
	}
	rule, err := c.ruleXML(&r, id)
	if err != nil {
		return nil, err
	}
	op := "t:CreateRuleOperation"
	if id != "" {
		op = "t:SetRuleOperation"
	}
	return &r, c.updateRules(func(w *xmlWriter) {
		w.open(op)
		w.b = append(w.b, rule...)
		w.close(op)
	})
}

// createRule serves POST mailFolders/inbox/messageRules: a
// CreateRuleOperation, then GetInboxRules for the rule as stored (the
// operation answers without its id).
func createRule(c *call) (*http.Response, error) {
	r, err := c.putRule(c.r.Body, "")
	if err != nil {
		return nil, err
	}
	all, err := c.getRules(nil)
	if err != nil {
		return nil, err
	}
	var rules []jsontext.Value
	if err := json.Unmarshal(all, &rules); err != nil {
		return nil, errorf("GetInboxRules: %v", err)
	}
	// The new rule is the last of that name.
	for i := len(rules) - 1; i >= 0; i-- {
		var probe struct {
			DisplayName string `json:"displayName"`
		}
		if json.Unmarshal(rules[i], &probe) == nil && probe.DisplayName == r.DisplayName {
			return jsonResponse(http.StatusCreated, rules[i]), nil
		}
	}
	return nil, errorf("UpdateInboxRules: the rule created is not listed")
}

// deleteRule serves DELETE mailFolders/inbox/messageRules/{id}.
func deleteRule(c *call) (*http.Response, error) {
	id, err := ewsID(c.ids[0])
	if err != nil {
		return nil, err
	}
	if err := c.updateRules(func(w *xmlWriter) {
		w.open("t:DeleteRuleOperation")
		w.elem("t:RuleId", id)
		w.close("t:DeleteRuleOperation")
	}); err != nil {
		return nil, err
	}
	return noContent(), nil
}
