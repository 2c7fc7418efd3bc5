package ews

import (
	"fmt"
	"net/http"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/odata"
)

// One Inbox rule read and changed. EWS has no call for one rule: it is
// found in GetInboxRules, and a SetRuleOperation replaces a rule whole, so
// an update merges the PATCH's properties into the rule as stored and
// writes all of it (Graph replaces conditions, exceptions and actions whole
// too).

func init() {
	routes["GET mailFolders/inbox/messageRules/{}"] = getRule
	routes["PATCH mailFolders/inbox/messageRules/{}"] = updateRule
}

// findRule returns the rule whose REST id is id, as Graph JSON.
func (c *call) findRule(id string) (jsontext.Value, error) {
	all, err := c.getRules(nil)
	if err != nil {
		return nil, err
	}
	var rules []jsontext.Value
	if err := json.Unmarshal(all, &rules); err != nil {
		return nil, errorf("GetInboxRules: %v", err)
	}
	for _, r := range rules {
		var probe struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(r, &probe) == nil && probe.ID == id {
			return r, nil
		}
	}
	return nil, &odata.Error{StatusCode: http.StatusNotFound, Code: "ErrorItemNotFound", Method: "EWS", Path: "GetInboxRules",
		Message: "the mailbox has no Inbox rule of that id"}
}

// getRule serves GET mailFolders/inbox/messageRules/{id}.
func getRule(c *call) (*http.Response, error) {
	r, err := c.findRule(c.ids[0])
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, r), nil
}

// updateRule serves PATCH mailFolders/inbox/messageRules/{id}: the rule as
// stored, the PATCH's members over it, written back by a SetRuleOperation
// and read again.
func updateRule(c *call) (*http.Response, error) {
	id, err := ewsID(c.ids[0])
	if err != nil {
		return nil, err
	}
	var patch map[string]jsontext.Value
	if err := json.Unmarshal(c.r.Body, &patch); err != nil {
		return nil, fmt.Errorf("%w: a rule update: %v", odata.ErrInvalidQuery, err)
	}
	stored, err := c.findRule(c.ids[0])
	if err != nil {
		return nil, err
	}
	var merged map[string]jsontext.Value
	if err := json.Unmarshal(stored, &merged); err != nil {
		return nil, errorf("GetInboxRules: %v", err)
	}
	for k, v := range patch {
		switch k {
		case "displayName", "sequence", "isEnabled", "conditions", "exceptions", "actions":
			merged[k] = v
		case "id", "hasError", "isReadOnly":
			// read-only: Graph ignores them in a PATCH
		default:
			if !isEmpty(v) {
				return nil, errNotSupported(fmt.Sprintf("the rule property %s", k))
			}
		}
	}
	b, err := json.Marshal(merged)
	if err != nil {
		return nil, err
	}
	if _, err := c.putRule(b, id); err != nil {
		return nil, err
	}
	return getRule(c)
}
