package rest

// Mailbox settings: one value per mailbox, not an entity set, served at
// /mailboxSettings (Graph) and /MailboxSettings (v2.0) and at the path of
// each setting.

import (
	"io"
	"net/http"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

// mailboxSettings serves GET and PATCH of the whole settings, and GET of
// one setting (rest names it). The store is locked.
func (c *call) mailboxSettings(rest []seg, unlock func()) *apiError {
	typ := schema.Settings()
	ctx := c.baseCtx() + "/" + c.ctxName("mailboxSettings")
	var one *schema.Prop
	switch len(rest) {
	case 0:
	case 1:
		if rest[0].hasKey {
			return c.notImplemented()
		}
		name := strings.ToLower(rest[0].name)
		for _, k := range typ.Order {
			p := typ.Props[k]
			if strings.ToLower(k) == name && (c.h.env.Dialect == dialect.Graph || !p.GraphOnly) {
				one = p
			}
		}
		if one == nil {
			if c.h.env.Dialect == dialect.V2 {
				return c.unknownSegment(rest[0].name)
			}
			return errorf(http.StatusBadRequest, "BadRequest", "Resource not found for the segment '%s'.", rest[0].name)
		}
		ctx += "/" + c.propName(one)
	default:
		return c.notImplemented()
	}
	var changed Object
	switch {
	case c.r.Method == http.MethodGet:
	case c.r.Method == http.MethodPatch && one == nil:
		var err *apiError
		if changed, err = c.patchSettings(typ); err != nil {
			return err
		}
	default:
		return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The OData request is not supported.")
	}
	var body Object
	if one == nil {
		body = schema.DeepCopy(c.m.Settings()).(map[string]any)
		if changed != nil {
			body = changed
		}
		if c.h.env.Dialect == dialect.V2 {
			body = dialect.EncodeV2(body, typ).(map[string]any)
		}
	} else {
		v := schema.DeepCopy(c.m.Settings()[one.Name])
		if c.h.env.Dialect == dialect.V2 {
			v = dialect.EncodeV2Prop(v, one)
		}
		if o, ok := v.(map[string]any); ok {
			body = o
		} else {
			body = Object{"value": v}
		}
	}
	unlock()
	body["@odata.context"] = "https://" + c.h.env.Host + c.h.root + "/$metadata#" + ctx
	c.writeJSON(http.StatusOK, body)
	return nil
}

// propName is a property's name in this host's dialect.
func (c *call) propName(p *schema.Prop) string {
	if c.h.env.Dialect == dialect.V2 {
		return p.V2Name
	}
	return p.Name
}

// patchSettings reads a PATCH of mailboxSettings and applies it
// (mailbox.UpdateSettings). It returns what the answer shows: the settings
// the request named, as now stored.
func (c *call) patchSettings(typ *schema.ObjType) (Object, *apiError) {
	data, err := io.ReadAll(io.LimitReader(c.r.Body, maxBodyBytes+1))
	if err != nil || len(data) > maxBodyBytes {
		return nil, errorf(http.StatusBadRequest, "RequestBodyRead", "reading the request body failed")
	}
	patch, derr := dialect.DecodeBody(c.h.env.Dialect, data, typ)
	if derr != nil {
		return nil, errorf(http.StatusBadRequest, "RequestBodyRead", "%v", derr)
	}
	changed, uerr := c.m.UpdateSettings(patch, c.h.env.Dialect == dialect.Graph)
	if uerr != nil {
		return nil, inputError(uerr)
	}
	return changed, nil
}
