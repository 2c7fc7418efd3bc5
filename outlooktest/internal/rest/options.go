package rest

// Query options and preferences: the query engine's schema of each set,
// and the Prefer header's outlook.timezone, body-content-type and
// odata.maxpagesize.

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/query"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

// schemas caches each set's query schema.
var schemas sync.Map // set name -> *query.Schema

func querySchema(set string) *query.Schema {
	if sc, ok := schemas.Load(set); ok {
		return sc.(*query.Schema)
	}
	es := schema.Sets()[set]
	sc := &query.Schema{Props: map[string]query.Kind{}, Type: "microsoft.graph." + es.GraphType, Aliases: map[string]string{}}
	addPaths(sc.Props, "", es.Type, 0)
	addV2Aliases(sc.Aliases, "", "", es.Type, 0)
	if set == "attachments" {
		sc.Props["@odata.type"] = query.KindString
	}
	schemas.Store(set, sc)
	return sc
}

// addV2Aliases records the v2.0 spelling of every path whose v2.0 name is
// not just its Graph name in another case (MobilePhone1, PropertyId), so
// that v2.0 query options name them as v2.0 bodies do.
func addV2Aliases(dst map[string]string, graphPrefix, v2Prefix string, t *schema.ObjType, depth int) {
	if depth > 4 || t == nil {
		return
	}
	for _, name := range t.Order {
		p := t.Props[name]
		v2 := p.V2Name
		if v2 == "" {
			v2 = name
		}
		gp, vp := graphPrefix+name, v2Prefix+v2
		if !strings.EqualFold(gp, vp) {
			dst[strings.ToLower(vp)] = gp
		}
		if p.Kind == schema.KindObject && p.Type != nil {
			addV2Aliases(dst, gp+"/", vp+"/", p.Type, depth+1)
		}
	}
}

func addPaths(dst map[string]query.Kind, prefix string, t *schema.ObjType, depth int) {
	if depth > 4 {
		return
	}
	for _, name := range t.Order {
		p := t.Props[name]
		path := prefix + name
		var k query.Kind
		switch p.Kind {
		case schema.KindString:
			k = query.KindString
		case schema.KindBool:
			k = query.KindBool
		case schema.KindNumber:
			k = query.KindNumber
		case schema.KindDateTime:
			k = query.KindDateTime
		case schema.KindEnum:
			k = query.KindEnum
		case schema.KindObject:
			k = query.KindObject
		default:
			// A kind added to package schema without a query kind would fail late,
			// on the first $filter naming it: fail on the first use instead.
			panic(fmt.Sprintf("outlooktest: schema kind %d of %s has no query kind", p.Kind, path))
		}
		if p.Coll {
			if p.Kind == schema.KindObject {
				k = query.KindObjectCollection
			} else {
				k = query.KindStringCollection
			}
		}
		dst[path] = k
		if p.Kind == schema.KindObject && p.Type != nil {
			addPaths(dst, path+"/", p.Type, depth+1)
		}
	}
}

// parseOptions runs the query engine on the request's options.
func (c *call) parseOptions(set string) (*query.Options, *apiError) {
	// ParseRawQuery, not URL.Query: the latter drops every pair holding a
	// ";", which nested options ($expand=attachments($select=name;$top=1)) do.
	q, qerr := query.ParseRawQuery(c.r.URL.RawQuery)
	if qerr != nil {
		if qe, ok := errors.AsType[*query.Error](qerr); ok {
			return nil, &apiError{status: qe.Status, code: qe.Code, message: qe.Message}
		}
		return nil, errorf(http.StatusBadRequest, "BadRequest", "%v", qerr)
	}
	// Options this host reads itself, which the engine need not know.
	for k := range q {
		switch strings.ToLower(k) {
		case "startdatetime", "enddatetime", "includehiddenfolders", "changetype":
			q.Del(k)
		}
	}
	opts, err := query.ParseOptions(q, querySchema(set), query.Rules{Messages: set == "messages"})
	if err != nil {
		if qe, ok := errors.AsType[*query.Error](err); ok {
			return nil, &apiError{status: qe.Status, code: qe.Code, message: qe.Message}
		}
		return nil, errorf(http.StatusBadRequest, "BadRequest", "%v", err)
	}
	if opts.Search != nil && set != "messages" {
		// Documented for v2.0 (messages only); undocumented on Graph.
		return nil, errorf(http.StatusBadRequest, "ErrorInvalidUrlQuery", "$search is supported on messages only.")
	}
	for _, x := range opts.Expand {
		name, _, _ := strings.Cut(x, "(")
		name = strings.ToLower(strings.TrimSpace(name))
		switch {
		case name == "attachments" && (set == "messages" || set == "events"):
		case name == "extensions" || name == "singlevalueextendedproperties" || name == "multivalueextendedproperties" ||
			name == "calendar" || name == "instances" || name == "childfolders" || name == "messages" || name == "contacts" ||
			strings.HasSuffix(name, "/item"):
			return nil, errorf(http.StatusNotImplemented, "NotImplemented", "outlooktest: $expand=%s is not implemented", x)
		default:
			return nil, errorf(http.StatusBadRequest, "BadRequest", "Parsing OData Select and Expand failed: Could not find a property named '%s' on type 'microsoft.graph.%s'.", x, schema.Sets()[set].GraphType)
		}
	}
	return opts, nil
}

// prefs are the Prefer header's preferences this server honours.
type prefs struct {
	tzName       string
	tzLoc        *time.Location
	bodyType     string
	maxPage      int
	trackChanges bool
	applied      []string
}

func parsePrefer(values []string) prefs {
	var p prefs
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			k, val, _ := strings.Cut(part, "=")
			k = strings.ToLower(strings.TrimSpace(k))
			val = strings.Trim(strings.TrimSpace(val), `"`)
			switch k {
			case "outlook.timezone":
				if loc, ok := datetime.LoadZone(val); ok {
					p.tzName, p.tzLoc = val, loc
					p.applied = append(p.applied, `outlook.timezone="`+val+`"`)
				}
			case "outlook.body-content-type":
				if b := strings.ToLower(val); b == "text" || b == "html" {
					p.bodyType = b
					p.applied = append(p.applied, `outlook.body-content-type="`+b+`"`)
				}
			case "odata.maxpagesize":
				if n, err := strconv.Atoi(val); err == nil && n > 0 {
					p.maxPage = n
					p.applied = append(p.applied, "odata.maxpagesize="+val)
				}
			case "odata.track-changes":
				p.trackChanges = true
			}
		}
	}
	return p
}
