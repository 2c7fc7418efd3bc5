package odata

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Batch limits.
const (
	// MaxBatchCall is how many requests one $batch call carries, on both
	// services; larger batches are split.
	MaxBatchCall = 20
	// fallbackInFlight bounds the fallback's parallel requests: Exchange
	// throttles a mailbox above 4 concurrent requests.
	fallbackInFlight = 4
)

// ErrFailedDependency is the error of a batch item that was not run because
// a request it depends on failed: the service's 424 in a $batch call, or the
// fallback's refusal to send it.
var ErrFailedDependency = errors.New("odata: failed dependency")

// ErrNotBatchable is wrapped by Send's error for a request a batch cannot
// carry: one with a RawBody, a server link, or a dependency that does not
// name an earlier request.
var ErrNotBatchable = errors.New("odata: request cannot be batched")

// WithoutBatch makes the client's batches skip $batch and send their
// requests individually (at most 4 at a time, dependencies in order), for
// servers known to lack JSON batching. Without it a client finds out on the
// first batch, when the server answers $batch with 404, 415 or 501.
func WithoutBatch() ClientOption {
	return func(c *Client) error {
		c.noBatch = true
		return nil
	}
}

// Batch collects requests to send together. Build one with [Client.NewBatch],
// Add requests, then Send. A Batch is not safe for concurrent use; it may be
// sent more than once (each Send sends every request again).
type Batch struct {
	c     *Client
	items []batchItem
	err   error // the first bad Add, reported by Send
}

type batchItem struct {
	r    *Request
	deps []int // earlier indexes, sorted, no duplicates
}

// BatchResult is the answer to one request of a batch.
type BatchResult struct {
	// Status is the item's HTTP status, or 0 when it got no answer (not sent
	// because a dependency failed, the batch was cancelled, or its $batch
	// call failed as a whole).
	Status int
	// Header holds the item's response headers, as far as the service
	// reports them.
	Header http.Header
	// Err is nil for a 2xx answer. Otherwise it is an *Error for the item's
	// status (matching the sentinels with errors.Is), an error matching
	// ErrFailedDependency when a request it depends on failed, or the error
	// of the call that carried it.
	Err error

	body    []byte   // JSON in the dialect's form, or nil
	dialect *Dialect // BatchValue translates body with the schema of its T
}

// NewBatch returns an empty batch for the client's mailbox.
func (c *Client) NewBatch() *Batch { return &Batch{c: c} }

// Add appends r and returns its index in the results. dependsOn names
// earlier indexes that must succeed before r runs: r is then sent after
// them, and not at all when one fails (its result is ErrFailedDependency).
// The batch keeps r: do not change it before Send returns. A request that
// cannot be batched (RawBody, a server link, a nil request, a dependency on
// itself or a later index) makes Send fail before sending anything.
func (b *Batch) Add(r *Request, dependsOn ...int) int {
	i := len(b.items)
	var deps []int
	if len(dependsOn) > 0 {
		deps = slices.Clone(dependsOn)
		slices.Sort(deps)
		deps = slices.Compact(deps)
	}
	b.items = append(b.items, batchItem{r: r, deps: deps})
	if b.err != nil {
		return i
	}
	switch {
	case r == nil:
		b.err = fmt.Errorf("%w: request %d is nil", ErrNotBatchable, i)
	case r.RawBody != nil:
		b.err = fmt.Errorf("%w: request %d (%s %s) has a RawBody; only JSON bodies can be batched", ErrNotBatchable, i, r.Method, r.Path)
	case r.link != "" || r.wire != nil:
		b.err = fmt.Errorf("%w: request %d follows a server link", ErrNotBatchable, i)
	}
	for _, d := range deps {
		if d < 0 || d >= i {
			b.err = fmt.Errorf("%w: request %d depends on %d; a request may only depend on earlier ones", ErrNotBatchable, i, d)
			break
		}
	}
	return i
}

// Len returns the number of requests added.
func (b *Batch) Len() int { return len(b.items) }

// Send sends the requests and returns one result per request, in the order
// they were added. Where the dialect serves JSON $batch it packs them into
// calls of up to 20 (each call either all parallel or one chain of
// dependsOn, the two shapes Graph documents), one call at a time; requests
// that depend on requests of another call are sent once those answered.
// Items the service throttles inside a call (429) are sent again after its
// Retry-After (a backoff without one), with the items that failed only
// because they depend on them, as the client's retry policy allows (the
// root package's WithRetry: by default 3 more times, a Retry-After up to 2
// minutes, never past the context's deadline); items still throttled keep
// their 429 result with its Retry-After.
// Where the server answers $batch with 404, 415 or 501, or the client was
// built WithoutBatch, the requests are sent individually, at most 4 at a
// time, each after the requests it depends on; the client then remembers
// that the server has no $batch.
//
// Send's error is for the batch as a whole: a request that cannot be batched
// (before anything is sent), or the context ending (the results are then
// returned too; items not answered carry the context's error). Failures of
// single requests are in their results.
func (b *Batch) Send(ctx context.Context) ([]BatchResult, error) {
	if b.err != nil {
		return nil, b.err
	}
	if len(b.items) == 0 {
		return nil, nil
	}
	t := b.c.t.Load()
	s := &batchRun{c: b.c, t: t, items: b.items, res: make([]BatchResult, len(b.items)), done: make([]bool, len(b.items))}
	if b.c.noBatch || t.noBatch.Load() {
		s.fallback(ctx)
		return s.finish(ctx)
	}
	parts, err := s.encodeParts()
	if err != nil {
		return nil, err
	}
	s.parts = parts
	s.batched(ctx)
	return s.finish(ctx)
}

// batchRun is the state of one Send.
type batchRun struct {
	c     *Client
	t     *target // the target the batch was built for
	items []batchItem
	parts []batchPart
	res   []BatchResult
	done  []bool // res[i] is final
}

// finish reports the context's end, with the results.
func (s *batchRun) finish(ctx context.Context) ([]BatchResult, error) {
	if err := ctx.Err(); err != nil {
		for i := range s.res {
			if !s.done[i] {
				s.res[i] = BatchResult{Err: fmt.Errorf("odata: batch request %d not answered: %w", i, err)}
				s.done[i] = true
			}
		}
		return s.res, fmt.Errorf("odata: batch: %w", err)
	}
	return s.res, nil
}

// batchPart is one request of a $batch call, in the wire form.
type batchPart struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers,omitzero"`
	Body      jsontext.Value    `json:"body,omitzero"`
	DependsOn []string          `json:"dependsOn,omitzero"`
}

// batchAnswer is one response of a $batch call.
type batchAnswer struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    jsontext.Value    `json:"body"`
}

// Headers a batch item may not carry: the call's own.
var batchForbiddenHeaders = []string{"Authorization", "Host", "Content-Length", "Transfer-Encoding", "Connection"}

// encodeParts builds every item's wire form for s.t, so that bad input fails
// before any request.
func (s *batchRun) encodeParts() ([]batchPart, error) {
	parts := make([]batchPart, len(s.items))
	for i, it := range s.items {
		r := it.r
		switch strings.ToUpper(r.Method) {
		case http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		default:
			return nil, fmt.Errorf("%w: request %d: method %q", ErrNotBatchable, i, r.Method)
		}
		u, err := s.c.url(s.t, r)
		if err != nil {
			return nil, wrapf(err, "batch request %d", i)
		}
		p := batchPart{ID: strconv.Itoa(i + 1), Method: strings.ToUpper(r.Method), URL: u[len(s.t.root):]}
		h := http.Header{}
		if r.Body != nil {
			b, err := encode(s.t.dialect, r.Body, r.bodySchema())
			if err != nil {
				return nil, wrapf(err, "batch request %d", i)
			}
			p.Body = b
			h.Set("Content-Type", "application/json")
		}
		if r.IfMatch != "" {
			h.Set("If-Match", r.IfMatch)
		}
		pref := s.c.prefer
		if r.Query != nil {
			pref = pref.merge(r.Query.Prefer)
		}
		pref.apply(h)
		if r.trackChanges && s.t.dialect.v2 {
			h.Add("Prefer", "odata.track-changes")
		}
		for k, vs := range r.Header {
			for _, f := range batchForbiddenHeaders {
				if strings.EqualFold(k, f) {
					return nil, fmt.Errorf("%w: request %d sets %s, which belongs to the $batch call", ErrNotBatchable, i, f)
				}
			}
			for _, v := range vs {
				h.Add(k, v)
			}
		}
		if len(h) > 0 {
			p.Headers = make(map[string]string, len(h))
			for k, vs := range h {
				p.Headers[k] = strings.Join(vs, ", ")
			}
		}
		parts[i] = p
	}
	return parts, nil
}

// A batchCall is one $batch POST: the indexes it carries, in order, and
// whether they form one chain (each depends on the one before it).
type batchCall struct {
	idx   []int
	chain bool
}

// plan splits the items not yet answered into chains and levels. Items of
// a chain component (each depending on exactly the item before it, and
// nothing else depending on it) travel as one sequential call of dependsOn
// (pieces of 20, in order); every other item travels in an all-parallel
// call once what it depends on has answered, in dependency levels.
// Dependencies already answered do not count.
func (s *batchRun) plan() (chains [][]int, levels [][]int) {
	n := len(s.items)
	// Union-find over dependency edges, to find components.
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	live := make([][]int, n) // dependencies not yet answered
	for i, it := range s.items {
		if s.done[i] {
			continue
		}
		for _, d := range it.deps {
			if s.done[d] {
				continue
			}
			live[i] = append(live[i], d)
			if a, b := find(i), find(d); a != b {
				parent[a] = b
			}
		}
	}
	comps := map[int][]int{}
	var roots []int
	for i := range n {
		if s.done[i] {
			continue
		}
		r := find(i)
		if _, ok := comps[r]; !ok {
			roots = append(roots, r)
		}
		comps[r] = append(comps[r], i)
	}
	level := make([]int, n)
	for _, r := range roots {
		c := comps[r] // in index order
		isChain := len(c) > 1
		for k := 1; k < len(c) && isChain; k++ {
			d := live[c[k]]
			isChain = len(d) == 1 && d[0] == c[k-1]
		}
		if isChain {
			chains = append(chains, c)
			continue
		}
		for _, i := range c {
			l := 0
			for _, d := range live[i] {
				l = max(l, level[d]+1)
			}
			level[i] = l
			for len(levels) <= l {
				levels = append(levels, nil)
			}
			levels[l] = append(levels[l], i)
		}
	}
	for _, l := range levels {
		slices.Sort(l)
	}
	return chains, levels
}

// batched sends the items through $batch, one call at a time: Outlook runs
// at most 4 parts of a call at once, so parallel calls would only be
// throttled. Items the service throttled (429) are sent again, with the
// items that failed only because they depended on them, as the client's
// retry policy allows: each round is one more try of those items, waiting
// their largest Retry-After (a backoff without one). It stops when the
// context ends.
func (s *batchRun) batched(ctx context.Context) {
	r := s.c.retrier()
	for tries := 1; ; tries++ {
		if s.sendCalls(ctx) {
			return // fell back
		}
		again, wait, has := s.throttled()
		if len(again) == 0 || ctx.Err() != nil {
			return
		}
		if ok, _ := r.Retry(ctx, tries, wait, has); !ok {
			return // the items keep their 429, with its Retry-After
		}
		for _, i := range again {
			s.res[i], s.done[i] = BatchResult{}, false
		}
	}
}

// throttled returns the items to send again: those answered 429 and those
// that failed only because they depend on one, and the longest Retry-After
// the 429s carried (has is false when none carried one).
func (s *batchRun) throttled() (again []int, wait time.Duration, has bool) {
	in := make([]bool, len(s.items))
	for i, r := range s.res {
		switch {
		case r.Status == http.StatusTooManyRequests:
			if e, ok := errors.AsType[*Error](r.Err); ok && e.hasRetryAfter {
				wait, has = max(wait, e.RetryAfter), true
			}
		case errors.Is(r.Err, ErrFailedDependency):
			// Dependencies are earlier, so in[] is final for them.
			only := false
			for _, d := range s.items[i].deps {
				if s.res[d].Err == nil {
					continue
				}
				if !in[d] {
					only = false
					break
				}
				only = true
			}
			if !only {
				continue
			}
		default:
			continue
		}
		in[i] = true
		again = append(again, i)
	}
	return again, wait, has
}

// sendCalls plans and sends the $batch calls of the items not answered yet.
// It reports whether the server lacks $batch, in which case the fallback
// has answered them.
func (s *batchRun) sendCalls(ctx context.Context) (fellBack bool) {
	chains, levels := s.plan()
	var calls []batchCall
	for _, l := range levels {
		// Items of a level depend only on earlier levels, whose calls come
		// first and have answered by the time these are sent.
		for c := range slices.Chunk(l, MaxBatchCall) {
			calls = append(calls, batchCall{idx: c})
		}
	}
	for _, c := range chains {
		for p := range slices.Chunk(c, MaxBatchCall) {
			calls = append(calls, batchCall{idx: p, chain: true})
		}
	}
	for _, cl := range calls {
		if ctx.Err() != nil {
			return false
		}
		var send []int
		for _, i := range cl.idx {
			if s.done[i] {
				continue
			}
			if d, failed := s.failedDep(i); failed {
				s.res[i] = BatchResult{Err: fmt.Errorf("%w: request %d depends on request %d, which failed", ErrFailedDependency, i, d)}
				s.done[i] = true
				continue
			}
			send = append(send, i)
		}
		if len(send) == 0 {
			continue
		}
		if s.call(ctx, send, cl.chain) {
			// The server has no $batch: everything not yet answered goes
			// through the fallback, dependencies included.
			s.fallback(ctx)
			return true
		}
	}
	return false
}

// failedDep reports the first dependency of item i that failed, when all
// are answered.
func (s *batchRun) failedDep(i int) (int, bool) {
	for _, d := range s.items[i].deps {
		if s.done[d] && s.res[d].Err != nil {
			return d, true
		}
	}
	return 0, false
}

// call sends one $batch POST of the items idx and records their results. It
// reports whether the server lacks $batch (nothing was run; the caller falls
// back). When the context ends the items stay unanswered.
func (s *batchRun) call(ctx context.Context, idx []int, chain bool) (fellBack bool) {
	parts := make([]batchPart, len(idx))
	allGET := true
	for k, i := range idx {
		parts[k] = s.parts[i]
		parts[k].DependsOn = nil
		if chain && k > 0 {
			parts[k].DependsOn = []string{s.parts[idx[k-1]].ID}
		}
		allGET = allGET && parts[k].Method == http.MethodGet
	}
	body, err := json.Marshal(struct {
		Requests []batchPart `json:"requests"`
	}{parts}, encodeOptions)
	if err != nil {
		for _, i := range idx {
			s.res[i] = BatchResult{Err: fmt.Errorf("odata: encoding the $batch call: %w", err)}
			s.done[i] = true
		}
		return false
	}
	path := PathOf("$batch")
	if !s.t.dialect.v2 {
		path = RootPath("$batch") // Graph batches at the version root
	}
	req := &Request{Method: http.MethodPost, Path: path, wire: body, idempotent: allGET}
	var answers []batchAnswer
	err = s.c.sendRead(ctx, s.t, req, func(resp *http.Response) (err error) {
		answers, err = readBatchAnswers(resp)
		return err
	})
	if err != nil {
		if e, ok := errors.AsType[*Error](err); ok {
			switch e.StatusCode {
			case http.StatusNotFound, http.StatusUnsupportedMediaType, http.StatusNotImplemented:
				s.t.noBatch.Store(true)
				return true
			}
		}
		if ctx.Err() != nil {
			return false
		}
		for _, i := range idx {
			s.res[i] = BatchResult{Err: wrapf(err, "batch request %d", i)}
			s.done[i] = true
		}
		return false
	}
	now := s.c.now()
	byID := make(map[string]*batchAnswer, len(answers))
	for k := range answers {
		if _, dup := byID[answers[k].ID]; !dup {
			byID[answers[k].ID] = &answers[k]
		}
	}
	for _, i := range idx {
		p := &s.parts[i]
		a, ok := byID[p.ID]
		if !ok {
			s.res[i] = BatchResult{Err: fmt.Errorf("odata: batch request %d (%s %s): the $batch answer has no response for it", i, p.Method, urlPath(p.URL))}
		} else {
			s.res[i] = s.t.dialect.batchResult(p.Method, urlPath(s.t.rootURL.Path+p.URL), a, now)
		}
		s.done[i] = true
	}
	return false
}

// urlPath drops the query of a URL (it may hold tokens), for messages.
func urlPath(u string) string {
	p, _, _ := strings.Cut(u, "?")
	return p
}

// readBatchAnswers decodes a $batch answer envelope.
func readBatchAnswers(resp *http.Response) ([]batchAnswer, error) {
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("odata: reading the $batch answer: %w", err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || !isJSONType(mt) {
			return nil, fmt.Errorf("odata: the $batch answer is %q, not JSON", ct)
		}
	}
	return parseBatchAnswers(data)
}

// parseBatchAnswers decodes the body of a $batch answer.
func parseBatchAnswers(data []byte) ([]batchAnswer, error) {
	var env struct {
		Responses []batchAnswer `json:"responses"`
	}
	if err := json.Unmarshal(data, &env, decodeOptions); err != nil {
		return nil, fmt.Errorf("odata: decoding the $batch answer: %w", err)
	}
	for _, a := range env.Responses {
		if a.Status < 100 || a.Status > 999 {
			return nil, fmt.Errorf("odata: decoding the $batch answer: response %q has status %d", a.ID, a.Status)
		}
	}
	return env.Responses, nil
}

func isJSONType(mt string) bool { return mt == "application/json" || strings.HasSuffix(mt, "+json") }

// batchResult turns one $batch response, in dialect d, into a result.
func (d *Dialect) batchResult(method, path string, a *batchAnswer, now time.Time) BatchResult {
	r := BatchResult{Status: a.Status}
	if len(a.Headers) > 0 {
		r.Header = make(http.Header, len(a.Headers))
		for k, v := range a.Headers {
			r.Header.Set(k, v)
		}
	}
	body := []byte(a.Body)
	if k := jsontext.Value(body).Kind(); k == 'n' || len(bytes.TrimSpace(body)) == 0 {
		body = nil
	} else if k == '"' && !isJSONContent(r.Header) {
		// A non-JSON answer (text, or base64 for binary) comes as a string.
		var s string
		if err := json.Unmarshal(body, &s); err == nil {
			body = []byte(s)
		}
	}
	if a.Status < 200 || a.Status > 299 {
		e := newError(method, path, a.Status, r.Header, body, now)
		if a.Status == http.StatusFailedDependency {
			r.Err = fmt.Errorf("%w: %w", ErrFailedDependency, e)
		} else {
			r.Err = e
		}
		return r
	}
	r.body, r.dialect = body, d
	return r
}

// isJSONContent reports whether headers say the body is JSON; a body with
// no Content-Type is taken as JSON, the services' only form.
func isJSONContent(h http.Header) bool {
	ct := h.Get("Content-Type")
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && isJSONType(mt)
}

// fallback sends every item not yet answered as its own request, at most
// fallbackInFlight at a time, each once the items it depends on answered.
func (s *batchRun) fallback(ctx context.Context) {
	n := len(s.items)
	pending := make([]int, n)      // dependencies not yet answered
	dependents := make([][]int, n) // reverse edges
	var ready []int
	for i, it := range s.items {
		if s.done[i] {
			continue
		}
		for _, d := range it.deps {
			if !s.done[d] {
				pending[i]++
				dependents[d] = append(dependents[d], i)
			}
		}
		if pending[i] == 0 {
			ready = append(ready, i)
		}
	}
	type answer struct {
		i int
		r BatchResult
	}
	answers := make(chan answer)
	inFlight := 0
	// settle records the result of i and releases what depended on it.
	settle := func(i int, r BatchResult) {
		s.res[i] = r
		s.done[i] = true
		for _, j := range dependents[i] {
			if pending[j]--; pending[j] == 0 {
				ready = append(ready, j)
			}
		}
	}
	for {
		for inFlight < fallbackInFlight && len(ready) > 0 && ctx.Err() == nil {
			i := ready[0]
			ready = ready[1:]
			if d, failed := s.failedDep(i); failed {
				settle(i, BatchResult{Err: fmt.Errorf("%w: request %d depends on request %d, which failed", ErrFailedDependency, i, d)})
				continue
			}
			inFlight++
			go func() { answers <- answer{i, s.c.single(ctx, s.items[i].r)} }()
		}
		if inFlight == 0 {
			return // all answered, or the context ended and nothing is in flight
		}
		a := <-answers
		inFlight--
		settle(a.i, a.r)
	}
}

// single sends one request outside $batch and keeps its answer, in its
// wire form (BatchValue translates it by the type it decodes into). A read
// whose body breaks off mid-way is sent again (Client.read).
func (c *Client) single(ctx context.Context, r *Request) BatchResult {
	var res BatchResult
	err := c.read(ctx, r, func(resp *http.Response, t *target) error {
		res = BatchResult{Status: resp.StatusCode, Header: resp.Header}
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			return fmt.Errorf("odata: reading the response of %s %s: %w", r.Method, resp.Request.URL.Path, err)
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return nil
		}
		res.body, res.dialect = data, t.dialect
		return nil
	})
	if err != nil {
		res.Err, res.body = err, nil
		if e, ok := errors.AsType[*Error](err); ok {
			res.Status, res.Header = e.StatusCode, nil
		}
	}
	return res
}

// BatchValue decodes the entity in a batch item's answer into a T, as [Call]
// does for a single request. It returns the item's error if it failed, and
// nil and no error when the answer has no body (204, 202).
func BatchValue[T any](r BatchResult) (*T, error) {
	if r.Err != nil {
		return nil, r.Err
	}
	if len(r.body) == 0 {
		return nil, nil
	}
	if !isJSONContent(r.Header) {
		return nil, fmt.Errorf("odata: batch answer is %q, not JSON", r.Header.Get("Content-Type"))
	}
	v := new(T)
	if err := decodeBytes(r.dialect, r.body, v); err != nil {
		return nil, fmt.Errorf("odata: decoding a batch answer: %w", err)
	}
	return v, nil
}
