package rest

// Contact photos (/contacts/{id}/photo and /photo/$value, both dialects)
// and free/busy (/calendar/getSchedule, Graph only), over the store's
// photos and schedules, which the EWS host shares.

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// isPhotoPath reports whether a target is a contact's photo or its bytes.
func isPhotoPath(t *target) bool {
	fn := strings.ToLower(t.fn)
	return t.ent != nil && t.ent.Set() == "contacts" && (fn == "photo" || fn == "photo/$value")
}

// photo serves a contact's photo: its metadata, its bytes, or a new
// image PUT or PATCHed to /photo/$value.
func (c *call) photo(t *target, unlock func()) *apiError {
	value := strings.EqualFold(t.fn, "photo/$value")
	switch c.r.Method {
	case http.MethodGet:
	case http.MethodPut, http.MethodPatch:
		if !value {
			return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "Set a photo's content at /photo/$value.")
		}
		data, err := io.ReadAll(io.LimitReader(c.r.Body, graphMaxRequest+1))
		if err != nil {
			return errorf(http.StatusBadRequest, "RequestBodyRead", "reading the request body: %v", err)
		}
		if len(data) > graphMaxRequest {
			return tooLarge()
		}
		if _, err := c.m.SetPhoto(t.ent, data); err != nil {
			return inputError(err)
		}
		return c.answerEmpty(http.StatusOK, unlock)
	default:
		return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The OData request is not supported.")
	}
	a := c.m.Photo(t.ent)
	if a == nil {
		return errorf(http.StatusNotFound, "ErrorItemNotFound", "The photo wasn't found.")
	}
	if value {
		data := store.PhotoBytes(a)
		ct, _ := a.Object()["contentType"].(string)
		unlock()
		c.setHeaders()
		c.w.Header().Set("Content-Type", ct)
		c.w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		c.w.WriteHeader(http.StatusOK)
		c.w.Write(data)
		return nil
	}
	o := store.PhotoInfo(a)
	unlock()
	if c.h.env.Dialect == dialect.V2 {
		o = Object{"Id": o["id"], "Width": o["width"], "Height": o["height"], "@odata.mediaContentType": o["@odata.mediaContentType"]}
	}
	c.writeJSON(http.StatusOK, o)
	return nil
}

// getSchedule serves POST /calendar/getSchedule: each schedule's free/busy
// over the span, in the zone Prefer: outlook.timezone names (UTC by
// default).
func (c *call) getSchedule(t *target, _ string, unlock func()) *apiError {
	if c.h.env.Dialect == dialect.V2 {
		return c.unknownSegment(t.fn)
	}
	if t.ent == nil || t.ent.ID() != c.m.DefaultCalendar() {
		return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "getSchedule is bound to the default calendar.")
	}
	body, aerr := c.readParams("getschedule", "")
	if aerr != nil {
		return aerr
	}
	list, _ := body["schedules"].([]any)
	start, ok1 := datetime.Instant(body["startTime"])
	end, ok2 := datetime.Instant(body["endTime"])
	switch {
	case len(list) == 0:
		return errorf(http.StatusBadRequest, "ErrorInvalidParameter", "schedules is required.")
	case !ok1 || !ok2 || !end.After(start):
		return errorf(http.StatusBadRequest, "ErrorInvalidParameter", "startTime and endTime must be dateTimeTimeZone values, endTime after startTime.")
	}
	interval := 30 * time.Minute
	if n, ok := body["availabilityViewInterval"].(float64); ok {
		if n < 5 || n > 1440 || n != float64(int(n)) {
			return errorf(http.StatusBadRequest, "ErrorInvalidParameter", "availabilityViewInterval must be from 5 to 1440 minutes.")
		}
		interval = time.Duration(n) * time.Minute
	}
	var value []any
	for _, v := range list {
		addr, _ := v.(string)
		info := Object{"scheduleId": addr}
		m, ok := c.st().Lookup(addr)
		if !ok {
			info["error"] = Object{"message": "The mailbox " + addr + " wasn't found.", "responseCode": "ErrorMailRecipientNotFound"}
			value = append(value, info)
			continue
		}
		sc := m.Schedule(start, end, interval)
		items := make([]any, 0, len(sc.Items))
		for _, it := range sc.Items {
			o := Object{}
			for _, k := range []string{"isPrivate", "status", "subject", "location"} {
				o[k] = it[k]
			}
			for _, k := range []string{"start", "end"} {
				o[k] = datetime.Convert(it[k].(map[string]any), c.prefs.tzLoc, c.prefs.tzName)
			}
			items = append(items, o)
		}
		info["availabilityView"] = sc.View
		info["scheduleItems"] = items
		if sc.WorkingHours != nil {
			info["workingHours"] = sc.WorkingHours
		}
		value = append(value, info)
	}
	unlock()
	c.writeJSON(http.StatusOK, map[string]any{
		"@odata.context": "https://" + c.h.env.Host + c.h.root + "/$metadata#Collection(microsoft.graph.scheduleInformation)",
		"value":          value,
	})
	return nil
}
