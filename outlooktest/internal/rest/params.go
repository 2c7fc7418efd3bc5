package rest

// Action parameters: every action's body is read here, against the table
// of its parameters, so a parameter's name matches in any case on both
// hosts ("DestinationId", "NewReminderTime", "SendResponse": Graph's own
// samples and Microsoft's SDKs spell some of them so, and Graph accepts
// them) and nested values are read by their declared types.

import (
	"bytes"
	"io"
	"net/http"
	"sync"

	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

// param declares one action parameter: its Graph name, kind and, for an
// object or a collection of objects, its complex type.
func param(name string, kind schema.Kind, coll bool, typ *schema.ObjType) *schema.Prop {
	return &schema.Prop{Name: name, V2Name: schema.UpperFirst(name), Kind: kind, Coll: coll, Type: typ, Access: schema.ReadWrite}
}

// actionParams are the parameter types of the actions the REST hosts
// serve, by lower-cased action name. An action with no parameters has an
// empty type.
var actionParams = sync.OnceValue(func() map[string]*schema.ObjType {
	message := schema.Sets()["messages"].Type
	recipient := schema.Complex("recipient")
	dtz := schema.Complex("dateTimeTimeZone")
	types := map[string]map[string]*schema.Prop{
		"sendmail": {
			"message":         param("message", schema.KindObject, false, message),
			"saveToSentItems": param("saveToSentItems", schema.KindBool, false, nil),
		},
		"reply": {
			"message":      param("message", schema.KindObject, false, message),
			"comment":      param("comment", schema.KindString, false, nil),
			"toRecipients": param("toRecipients", schema.KindObject, true, recipient),
		},
		"move": {"destinationId": param("destinationId", schema.KindString, false, nil)},
		"respond": {
			"comment":         param("comment", schema.KindString, false, nil),
			"sendResponse":    param("sendResponse", schema.KindBool, false, nil),
			"proposedNewTime": param("proposedNewTime", schema.KindObject, false, schema.Complex("timeSlot")),
		},
		"cancel": {"comment": param("comment", schema.KindString, false, nil)},
		"forward": {
			"comment":      param("comment", schema.KindString, false, nil),
			"toRecipients": param("toRecipients", schema.KindObject, true, recipient),
		},
		"snoozereminder": {"newReminderTime": param("newReminderTime", schema.KindObject, false, dtz)},
		"none":           {},
		"getschedule": {
			"schedules":                param("schedules", schema.KindString, true, nil),
			"startTime":                param("startTime", schema.KindObject, false, dtz),
			"endTime":                  param("endTime", schema.KindObject, false, dtz),
			"availabilityViewInterval": param("availabilityViewInterval", schema.KindNumber, false, nil),
		},
		"createuploadsession": {"attachmentItem": param("attachmentItem", schema.KindObject, false, nil)},
	}
	out := map[string]*schema.ObjType{}
	for name, props := range types {
		out[name] = schema.ParamType(name, props)
	}
	// Actions that share a parameter list.
	for _, alias := range [][2]string{
		{"replyall", "reply"}, {"createreply", "reply"}, {"createreplyall", "reply"}, {"createforward", "reply"},
		{"copy", "move"}, {"accept", "respond"}, {"decline", "respond"}, {"tentativelyaccept", "respond"},
		{"dismissreminder", "none"},
	} {
		out[alias[0]] = out[alias[1]]
	}
	return out
})

// paramsOf returns the parameter type of an action; a message's forward
// takes the reply family's parameters, an event's the forward ones.
func paramsOf(action, set string) *schema.ObjType {
	if action == "forward" && set == "messages" {
		action = "reply"
	}
	return actionParams()[action]
}

// readParams reads the body of a POST to action (bound to an entity of
// set) as its parameters in Graph form, names matched in any case. An
// empty body is no parameters. Values are not type-checked here: each
// action checks those it reads, with its own error.
func (c *call) readParams(action, set string) (Object, *apiError) {
	limit, tooBig := c.bodyLimit()
	data, err := io.ReadAll(io.LimitReader(c.r.Body, limit+1))
	switch {
	case err != nil:
		return nil, errorf(http.StatusBadRequest, "RequestBodyRead", "reading the request body: %v", err)
	case int64(len(data)) > limit:
		return nil, tooBig()
	case len(bytes.TrimSpace(data)) == 0:
		return Object{}, nil
	}
	t := paramsOf(action, set)
	if t == nil {
		panic("outlooktest: no parameter table for action " + action) // every served action has one
	}
	body, derr := dialect.DecodeBody(c.h.env.Dialect, data, t)
	if derr != nil {
		return nil, errorf(http.StatusBadRequest, "RequestBodyRead", "%v", derr)
	}
	return body, nil
}
