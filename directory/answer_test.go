package directory_test

import (
	"net/http"
	"strings"
)

// groupAnswer answers the recorder: the group lookup of ExpandGroup finds
// one group, every other list is empty.
func groupAnswer(r *http.Request) (int, string) {
	if strings.HasSuffix(r.URL.Path, "/groups") {
		return http.StatusOK, `{"value":[{"id":"02bd9fd6-8f93-4758-87c3-1fb73740a315"}]}`
	}
	return http.StatusOK, `{"value":[]}`
}
