package odata

import "strings"

// Dialect is one wire form of the Outlook mailbox API. The SDK's models carry
// Microsoft Graph v1.0 names; a Dialect says how those names, paths, type
// namespaces, enum values and change-tracking requests are spelled on the wire.
//
// There are exactly two: [Graph] for Exchange Online mailboxes and [OutlookV2]
// for on-premises Exchange 2016/2019 servers. Compare them by identity.
type Dialect struct {
	name      string
	version   string // the version segment of the service root
	namespace string // the @odata.type namespace, with its trailing dot
	v2        bool
}

var (
	// Graph is Microsoft Graph v1.0 (https://graph.microsoft.com/v1.0): camelCase
	// properties, #microsoft.graph.* types, lower-camel enum values, /delta functions.
	Graph = &Dialect{name: "graph-v1.0", version: "v1.0", namespace: "microsoft.graph."}

	// OutlookV2 is the Outlook REST API v2.0 served by on-premises Exchange
	// (https://<host>/api/v2.0): PascalCase properties, #Microsoft.OutlookServices.*
	// types, Pascal enum values, change tracking through Prefer: odata.track-changes.
	OutlookV2 = &Dialect{name: "outlook-v2.0", version: "v2.0", namespace: "Microsoft.OutlookServices.", v2: true}
)

// String returns "graph-v1.0" or "outlook-v2.0".
func (d *Dialect) String() string { return d.name }

// IsOutlookV2 reports whether d is the Outlook REST v2.0 dialect.
func (d *Dialect) IsOutlookV2() bool { return d.v2 }

// ServiceRoot returns the service root URL for a host in this dialect:
// https://graph.microsoft.com/v1.0, https://mail.contoso.com/api/v2.0 or,
// for EWS, https://mail.contoso.com/EWS/Exchange.asmx.
func (d *Dialect) ServiceRoot(host string) string {
	if d == EWS {
		return "https://" + host + "/EWS/Exchange.asmx"
	}
	if d.v2 {
		return "https://" + host + "/api/" + d.version
	}
	return "https://" + host + "/" + d.version
}

// TypeName returns the @odata.type value of a Graph type name in this
// dialect: "fileAttachment" gives "#microsoft.graph.fileAttachment" or
// "#Microsoft.OutlookServices.FileAttachment".
func (d *Dialect) TypeName(graphType string) string {
	if d.v2 {
		return "#" + d.namespace + upperFirst(graphType)
	}
	return "#" + d.namespace + graphType
}

// PropertyPath returns the wire spelling of a Graph property path ("from/
// emailAddress/address") of the items described by s, following the
// schemas of nested objects. Segments the tables do not know follow the
// default rule (first letter upper-cased for v2.0); a type cast segment
// ("microsoft.graph.itemAttachment") takes the dialect's namespace. Graph
// names pass unchanged through the Graph dialect.
func (d *Dialect) PropertyPath(s *Schema, path string) string {
	if !d.v2 {
		return path
	}
	var b strings.Builder
	for i, seg := range strings.Split(path, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		_, s = d.segment(&b, s, seg)
	}
	return b.String()
}

// segment writes one segment of a property path in the dialect's spelling
// and returns its property and the schema of what it holds.
func (d *Dialect) segment(b *strings.Builder, s *Schema, seg string) (*Prop, *Schema) {
	if !d.v2 {
		b.WriteString(seg)
		p := s.Prop(seg)
		if p == nil {
			return nil, nil
		}
		return p, p.Elem
	}
	if rest, ok := strings.CutPrefix(seg, "microsoft.graph."); ok {
		b.WriteString(d.namespace + upperFirst(rest))
		return nil, s // a cast keeps the schema: the models flatten derived types
	}
	p := s.Prop(seg)
	if p == nil {
		b.WriteString(upperFirst(seg))
		return nil, nil
	}
	b.WriteString(p.V2Name())
	return p, p.Elem
}

// v2Segments are the path segments (entity sets, navigation properties and
// actions) whose documented Outlook REST v2.0 spelling is not the Graph
// one. Segments not listed are sent unchanged: both services resolve path
// segments case-insensitively, and these keep requests as the v2.0
// reference writes them. They are a fact of the dialect, not of a model.
var v2Segments = map[string]string{
	"mailFolders":             "MailFolders",
	"childFolders":            "childfolders",
	"sendMail":                "sendmail",
	"replyAll":                "replyall",
	"createReply":             "createreply",
	"createReplyAll":          "createreplyall",
	"createForward":           "createforward",
	"mailboxSettings":         "MailboxSettings",
	"automaticRepliesSetting": "AutomaticRepliesSetting",
	"inferenceClassification": "InferenceClassification",
	"overrides":               "Overrides",
	"calendarView":            "calendarview",
	"calendarGroups":          "calendargroups",
	"tentativelyAccept":       "tentativelyaccept",
	"dismissReminder":         "DismissReminder",
	"snoozeReminder":          "SnoozeReminder",
	"reminderView":            "ReminderView",
	"findMeetingTimes":        "findmeetingtimes",
	"contactFolders":          "contactfolders",
}

// pathSegment returns the wire spelling of a fixed Graph path segment.
func (d *Dialect) pathSegment(seg string) string {
	if !d.v2 {
		return seg
	}
	if v, ok := v2Segments[seg]; ok {
		return v
	}
	return seg
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]-'A'+'a') + s[1:]
}
