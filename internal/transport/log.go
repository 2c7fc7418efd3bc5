package transport

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// secretParams are query parameters whose values are credentials: OAuth
// codes, tokens and client credentials, the pre-authenticated upload URLs'
// authtoken, storage signatures. Their values never appear in a log or an
// error, at any level. Names match case-insensitively.
var secretParams = []string{
	"access_token", "id_token", "refresh_token", "code", "device_code", "user_code",
	"client_secret", "client_assertion", "assertion", "password",
	"authtoken", "token", "sig", "signature", "x-amz-signature", "key", "api_key", "apikey",
}

const (
	redacted = "REDACTED"
	// elided stands for a query value left out of a record above Debug: it
	// may hold user data, such as a subject in $filter.
	elided = "..."
)

// RedactURL renders u for a log record or an error, the one redaction of
// the SDK: the values of credential parameters (authtoken, access_token,
// code, sig, client_secret, assertion, refresh_token and the like) and a
// user-info password become REDACTED, and the fragment is dropped. With
// detail false every other query value is dropped too ("$filter=..."), as
// it may hold user data: that is the form for errors and for records above
// Debug; Debug records keep the other values (detail true).
func RedactURL(u *url.URL, detail bool) string {
	if u == nil {
		return ""
	}
	ru := *u
	ru.Fragment, ru.RawFragment = "", ""
	if ru.User != nil {
		if _, has := ru.User.Password(); has {
			ru.User = url.UserPassword(ru.User.Username(), redacted)
		}
	}
	ru.RawQuery = redactQuery(ru.RawQuery, detail)
	return ru.String()
}

// RedactURLString is RedactURL for a URL held as a string; one that does
// not parse is not shown at all.
func RedactURLString(raw string, detail bool) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return RedactURL(u, detail)
}

// redactQuery replaces the values of secret parameters in a raw query (and
// with detail false all values), keeping everything else byte for byte.
func redactQuery(q string, detail bool) string {
	if q == "" {
		return q
	}
	var b strings.Builder
	changed := false
	for i, part := range strings.Split(q, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		key, _, hasValue := strings.Cut(part, "=")
		if hasValue {
			if k, err := url.QueryUnescape(key); err == nil {
				key = k
			}
			switch {
			case isSecretParam(key):
				b.WriteString(part[:strings.IndexByte(part, '=')+1])
				b.WriteString(redacted)
				changed = true
				continue
			case !detail:
				b.WriteString(part[:strings.IndexByte(part, '=')+1])
				b.WriteString(elided)
				changed = true
				continue
			}
		}
		b.WriteString(part)
	}
	if !changed {
		return q
	}
	return b.String()
}

func isSecretParam(key string) bool {
	for _, s := range secretParams {
		if strings.EqualFold(key, s) {
			return true
		}
	}
	return false
}

// redactURLError rewrites the URL that *url.Error prints, so that an error
// returned to the caller, who may log it, holds no secret and no query value.
func redactURLError(err error) {
	ue, ok := errors.AsType[*url.Error](err)
	if !ok {
		return
	}
	ue.URL = RedactURLString(ue.URL, false)
}

// logAttempt records one attempt at Debug, with the query values that are
// not secrets. Headers are never logged: they carry the Authorization token.
func (c *Client) logAttempt(ctx context.Context, req *http.Request, id string, attempt int, resp *http.Response, err error, elapsed time.Duration) {
	if !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	status, requestID := 0, ""
	if resp != nil {
		status, requestID = resp.StatusCode, headerValue(resp.Header, hdrRequestID)
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("url", RedactURL(req.URL, true)),
		slog.Int("attempt", attempt),
		slog.Int("status", status),
		slog.Duration("duration", elapsed),
		slog.String("client_request_id", id),
		slog.String("request_id", requestID),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "transport: attempt", attrs...)
}

// logRetry records at Warn that an attempt failed and another follows. The
// URL has its query values dropped: Warn records reach more eyes.
func (c *Client) logRetry(ctx context.Context, req *http.Request, id string, attempt, status int, wait, elapsed time.Duration, requestID string, err error) {
	if !c.log.Enabled(ctx, slog.LevelWarn) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("url", RedactURL(req.URL, false)),
		slog.Int("attempt", attempt),
		slog.Int("status", status),
		slog.Duration("wait", wait),
		slog.Duration("duration", elapsed),
		slog.String("client_request_id", id),
		slog.String("request_id", requestID),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.log.LogAttrs(ctx, slog.LevelWarn, "transport: retrying", attrs...)
}
