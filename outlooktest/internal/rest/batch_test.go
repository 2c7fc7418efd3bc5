package rest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
)

func batchPath(d dialect.Dialect) string {
	if d == dialect.V2 {
		return "/me/$batch"
	}
	return "/$batch"
}

func responsesByID(t *testing.T, a reply) map[string]map[string]any {
	t.Helper()
	rs, _ := a.body["responses"].([]any)
	out := map[string]map[string]any{}
	for _, r := range rs {
		o := r.(map[string]any)
		out[o["id"].(string)] = o
	}
	return out
}

func TestBatch(t *testing.T) {
	for _, dl := range dialects() {
		t.Run(dl.name, func(t *testing.T) {
			f := newFakeHost(t, dl.d, 10)
			m := f.mailbox()
			id := m.Add("messages", Object{"subject": "x"})

			// 20 requests are fine: reads, a write with a body, a dependent read.
			var reqs []map[string]any
			for i := range 18 {
				reqs = append(reqs, map[string]any{"id": fmt.Sprint(i + 1), "method": "GET", "url": "/me/messages/" + id + "?$select=" + f.n("subject")})
			}
			reqs = append(reqs, map[string]any{"id": "19", "method": "POST", "url": "/me/mailFolders", "headers": map[string]string{"Content-Type": "application/json"},
				"body": map[string]any{f.n("displayName"): "Batch"}})
			reqs = append(reqs, map[string]any{"id": "20", "method": "GET", "url": "me/mailFolders?$top=50", "dependsOn": []string{"19"}})
			a := f.must(t, 200, "POST", batchPath(dl.d), map[string]any{"requests": reqs})
			rs := responsesByID(t, a)
			if len(rs) != 20 {
				t.Fatalf("%d responses; want 20\n%s", len(rs), a.raw)
			}
			if rs["1"]["status"] != float64(200) {
				t.Errorf("response 1 = %v", rs["1"])
			}
			if b, _ := rs["1"]["body"].(map[string]any); b[f.n("subject")] != "x" {
				t.Errorf("response 1 body = %v", rs["1"]["body"])
			}
			if rs["19"]["status"] != float64(201) {
				t.Errorf("response 19 = %v", rs["19"])
			}
			found := false
			for _, v := range rs["20"]["body"].(map[string]any)["value"].([]any) {
				if v.(map[string]any)[f.n("displayName")] == "Batch" {
					found = true
				}
			}
			if !found {
				t.Errorf("the dependent request did not see the folder its dependency created: %v", rs["20"])
			}

			// 21 requests are refused.
			more := append(reqs, map[string]any{"id": "21", "method": "GET", "url": "/me/messages"})
			f.must(t, 400, "POST", batchPath(dl.d), map[string]any{"requests": more})

			// A failed dependency gives 424 to its dependents, transitively.
			a = f.must(t, 200, "POST", batchPath(dl.d), map[string]any{"requests": []map[string]any{
				{"id": "a", "method": "GET", "url": "/me/messages/" + ids.Item()},
				{"id": "b", "method": "PATCH", "url": "/me/messages/" + id, "dependsOn": []string{"a"}, "headers": map[string]string{"Content-Type": "application/json"}, "body": map[string]any{f.n("isRead"): true}},
				{"id": "c", "method": "GET", "url": "/me/messages", "dependsOn": []string{"b"}},
				{"id": "d", "method": "GET", "url": "/me/messages/" + id},
			}})
			rs = responsesByID(t, a)
			for id, want := range map[string]float64{"a": 404, "b": 424, "c": 424, "d": 200} {
				if rs[id]["status"] != want {
					t.Errorf("response %s status = %v; want %v", id, rs[id]["status"], want)
				}
			}
			if got, _ := m.Get("messages", id); got["isRead"] == true {
				t.Error("the request depending on a failed one was run")
			}
			// Every error part, the ones the batch itself answers too, has
			// the innerError of every Graph error, its ids those of the part.
			a = f.must(t, 200, "POST", batchPath(dl.d), map[string]any{"requests": []map[string]any{
				{"id": "a", "method": "GET", "url": "/me/messages/" + ids.Item()},
				{"id": "b", "method": "GET", "url": "/me/messages", "dependsOn": []string{"a"}, "headers": map[string]string{"client-request-id": "part-b"}},
				{"id": "c", "method": "GET", "url": "/me/messages/%zz"},
			}})
			rs = responsesByID(t, a)
			for _, id := range []string{"a", "b", "c"} {
				body, _ := rs[id]["body"].(map[string]any)
				e, _ := body["error"].(map[string]any)
				inner, _ := e["innerError"].(map[string]any)
				hdr, _ := rs[id]["headers"].(map[string]any)
				var rid any
				for k, v := range hdr {
					if strings.EqualFold(k, "request-id") {
						rid = v
					}
				}
				if inner == nil || inner["date"] == nil || inner["request-id"] == nil || inner["request-id"] != rid {
					t.Errorf("part %s (%v): innerError %v, headers %v", id, rs[id]["status"], inner, hdr)
				}
			}
			if b, _ := rs["b"]["body"].(map[string]any); b != nil {
				if inner, _ := b["error"].(map[string]any)["innerError"].(map[string]any); inner["client-request-id"] != "part-b" {
					t.Errorf("part b: client-request-id %v", inner["client-request-id"])
				}
			}

			for name, body := range map[string]any{
				"no requests":       map[string]any{"requests": []any{}},
				"duplicate ids":     map[string]any{"requests": []map[string]any{{"id": "1", "method": "GET", "url": "/me/messages"}, {"id": "1", "method": "GET", "url": "/me/messages"}}},
				"unknown dependsOn": map[string]any{"requests": []map[string]any{{"id": "1", "method": "GET", "url": "/me/messages", "dependsOn": []string{"9"}}}},
				"cycle":             map[string]any{"requests": []map[string]any{{"id": "1", "method": "GET", "url": "/me/messages", "dependsOn": []string{"2"}}, {"id": "2", "method": "GET", "url": "/me/messages", "dependsOn": []string{"1"}}}},
				"body without type": map[string]any{"requests": []map[string]any{{"id": "1", "method": "POST", "url": "/me/mailFolders", "body": map[string]any{"displayName": "x"}}}},
				"bad method":        map[string]any{"requests": []map[string]any{{"id": "1", "method": "TRACE", "url": "/me/messages"}}},
				"not json":          "{",
			} {
				t.Run(name, func(t *testing.T) {
					f.must(t, 400, "POST", batchPath(dl.d), body)
				})
			}
		})
	}
}

func TestBatchNestedAndAbsolute(t *testing.T) {
	f := newFakeHost(t, dialect.Graph, 10)
	a := f.must(t, 200, "POST", "/$batch", map[string]any{"requests": []map[string]any{
		{"id": "1", "method": "POST", "url": "/$batch", "headers": map[string]string{"Content-Type": "application/json"}, "body": map[string]any{"requests": []any{}}},
		{"id": "2", "method": "GET", "url": "https://graph.microsoft.com/v1.0/me/messages"},
	}})
	rs := responsesByID(t, a)
	if rs["1"]["status"] != float64(400) || rs["2"]["status"] != float64(400) {
		t.Errorf("nested batch and absolute url: %v %v; want 400 each", rs["1"]["status"], rs["2"]["status"])
	}
	f.must(t, 405, "GET", "/$batch", nil)
	f.must(t, 400, "POST", "/$batch", "--b\r\n", "Content-Type", "multipart/mixed; boundary=b") // Graph batches JSON only
}
