package odata_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/exchangekit/outlook/odata"
)

// A success that does not hold what was asked for is an error, never zero
// items or an empty model.
func TestEmptySuccessesAreErrors(t *testing.T) {
	bothDialects(t, func(t *testing.T, v2 bool) {
		for _, tc := range []struct {
			name, body string
			list       bool
		}{
			{"list without value", `{"@odata.context":"c"}`, true},
			{"list of nothing", ``, true},
			{"list as null", `null`, true},
			{"entity without id", `{"@odata.context":"c","subject":"s"}`, false},
			{"empty entity", `{}`, false},
		} {
			_, c := newFake(t, v2, func(f *fake, w http.ResponseWriter, r *http.Request) { f.json(w, 200, tc.body, tc.body) })
			var err error
			if tc.list {
				_, err = odata.ListPage[message](t.Context(), c, odata.PathOf("messages"), nil)
			} else {
				_, err = odata.Get[message](t.Context(), c, odata.PathOf("messages/{}", "x"), nil)
			}
			if !errors.Is(err, odata.ErrEmptyResponse) {
				t.Errorf("%s: err = %v, want ErrEmptyResponse", tc.name, err)
			}
		}
		// An empty page is a page.
		_, c := newFake(t, v2, func(f *fake, w http.ResponseWriter, r *http.Request) { f.json(w, 200, `{"value":[]}`, `{"value":[]}`) })
		if pg, err := odata.ListPage[message](t.Context(), c, odata.PathOf("messages"), nil); err != nil || len(pg.Value) != 0 {
			t.Errorf("empty page: %v, %v", pg, err)
		}
		// An entity whose table has no id needs none.
		_, c = newFake(t, v2, func(f *fake, w http.ResponseWriter, r *http.Request) { f.json(w, 200, `{"name":"n"}`, `{"Name":"n"}`) })
		if a, err := odata.Get[address](t.Context(), c, odata.PathOf("x"), nil); err != nil || a.Name != "n" {
			t.Errorf("entity without an id in its table: %+v, %v", a, err)
		}
	})
}

// address is a model whose table has no id.
type address struct {
	Name string `json:"name"`
}

var addressSchema = &odata.Schema{Name: "emailAddress", Props: []odata.Prop{{Graph: "name"}}}

func (address) WireSchema() *odata.Schema { return addressSchema }

// openMessage keeps the members it does not know.
type openMessage struct {
	message
	Extra map[string]json.RawMessage `json:",embed"`
}

func (openMessage) WireSchema() *odata.Schema { return odata.FixtureSchema }

// Annotations that describe the response never reach a model, in either
// dialect; members the model does not know do.
func TestResponseAnnotationsStayOut(t *testing.T) {
	bothDialects(t, func(t *testing.T, v2 bool) {
		_, c := newFake(t, v2, func(f *fake, w http.ResponseWriter, r *http.Request) {
			f.json(w, 200, `{"@odata.context":"c","@odata.id":"i","id":"x","acme":1,"@odata.editLink":"e"}`,
				`{"@odata.context":"c","@odata.id":"i","Id":"x","Acme":1,"@odata.editLink":"e"}`)
		})
		m, err := odata.Get[openMessage](t.Context(), c, odata.PathOf("messages/{}", "x"), nil)
		if err != nil || m.ID != "x" || len(m.Extra) != 1 || string(m.Extra["acme"]) != "1" {
			t.Errorf("Get = %+v, %v", m, err)
		}
		_, c = newFake(t, v2, func(f *fake, w http.ResponseWriter, r *http.Request) {
			f.json(w, 200, `{"@odata.context":"c","value":[{"@odata.id":"i","id":"x","@odata.etag":"e"}]}`,
				`{"@odata.context":"c","value":[{"@odata.id":"i","Id":"x","@odata.etag":"e"}]}`)
		})
		pg, err := odata.ListPage[openMessage](t.Context(), c, odata.PathOf("messages"), nil)
		if err != nil || len(pg.Value) != 1 || pg.Value[0].ETag != "e" || (!v2 && len(pg.Value[0].Extra) > 1) || (v2 && len(pg.Value[0].Extra) != 0) {
			t.Errorf("ListPage = %+v, %v", pg, err)
		}
	})
}
