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

// sensitiveParams are query parameters whose values are secrets (OAuth codes
// and tokens, client credentials): logs and errors show them as REDACTED.
var sensitiveParams = []string{
	"access_token", "code", "client_secret", "client_assertion", "refresh_token", "password", "id_token",
}

const redacted = "REDACTED"

// redactURL renders u for logs and errors: sensitive query values and any
// user-info password replaced, the fragment (never sent) dropped.
func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	ru := *u
	ru.Fragment, ru.RawFragment = "", ""
	if _, has := ru.User.Password(); has {
		ru.User = url.UserPassword(ru.User.Username(), redacted)
	}
	ru.RawQuery = redactQuery(ru.RawQuery)
	return ru.String()
}

// redactQuery replaces the values of sensitive parameters in a raw query,
// keeping everything else byte for byte.
func redactQuery(q string) string {
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
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		if hasValue && isSensitive(key) {
			b.WriteString(part[:strings.IndexByte(part, '=')+1])
			b.WriteString(redacted)
			changed = true
			continue
		}
		b.WriteString(part)
	}
	if !changed {
		return q
	}
	return b.String()
}

func isSensitive(key string) bool {
	for _, s := range sensitiveParams {
		if strings.EqualFold(key, s) {
			return true
		}
	}
	return false
}

// redactURLError rewrites the URL that *url.Error prints, so that an error
// returned to the caller, who may log it, holds no secret from the query.
func redactURLError(err error) {
	ue, ok := errors.AsType[*url.Error](err)
	if !ok {
		return
	}
	if u, perr := url.Parse(ue.URL); perr == nil {
		ue.URL = redactURL(u)
	} else {
		ue.URL = "(unparsable URL)"
	}
}

// logAttempt records one attempt at Debug. Headers are never logged: they
// carry the Authorization token.
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
		slog.String("url", redactURL(req.URL)),
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

// logRetry records at Warn that an attempt failed and another follows.
func (c *Client) logRetry(ctx context.Context, req *http.Request, id string, attempt, status int, wait, elapsed time.Duration, requestID string, err error) {
	if !c.log.Enabled(ctx, slog.LevelWarn) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("url", redactURL(req.URL)),
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
