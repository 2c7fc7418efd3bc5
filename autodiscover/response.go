package autodiscover

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
)

// errMalformed is wrapped by every error about an Autodiscover body.
var errMalformed = errors.New("autodiscover: malformed response")

// response is the Autodiscover v2 JSON body: {"Protocol":"Rest","Url":"https://..."}
// on success, {"ErrorCode":"...","ErrorMessage":"..."} on failure. Unknown
// fields (ServerLocation) are ignored.
type response struct {
	Protocol     string `json:"Protocol"`
	URL          string `json:"Url"`
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

// parseResponse decodes a success body and checks that it answers the
// protocol asked for (compared case-insensitively: servers echo the casing
// the client sent) and carries a URL. The body must be exactly one JSON object.
func parseResponse(body []byte, protocol string) (response, error) {
	var r response
	if err := decodeOne(body, &r); err != nil {
		return response{}, err
	}
	if r.ErrorCode != "" {
		return response{}, fmt.Errorf("%w: error %s: %s", errMalformed, r.ErrorCode, truncate(r.ErrorMessage, 200))
	}
	if r.URL == "" {
		return response{}, fmt.Errorf("%w: no Url", errMalformed)
	}
	if r.Protocol != "" && !strings.EqualFold(r.Protocol, protocol) {
		return response{}, fmt.Errorf("%w: answers protocol %q, asked for %q", errMalformed, truncate(r.Protocol, 40), protocol)
	}
	return r, nil
}

// decodeOne decodes body into v and refuses anything but one JSON object.
func decodeOne(body []byte, v any) error {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return fmt.Errorf("%w: empty body", errMalformed)
	}
	if trimmed[0] != '{' {
		return fmt.Errorf("%w: not a JSON object", errMalformed)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %w", errMalformed, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: data after the JSON object", errMalformed)
	}
	return nil
}

// checkJSONType refuses a Content-Type other than application/json.
func checkJSONType(contentType string) error {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "application/json" {
		return fmt.Errorf("%w: content type %q, want application/json", errMalformed, truncate(contentType, 80))
	}
	return nil
}

// errorCode returns the ErrorCode of a failure body, if it has one.
func errorCode(body []byte) string {
	var r response
	if decodeOne(body, &r) != nil {
		return ""
	}
	return truncate(r.ErrorCode, 80)
}
