// Package heapbound holds no code: its tests are the standing proof that
// what a response costs the SDK in memory is bounded by the bytes it
// accepts to receive, not by what a hostile server makes them decode into.
//
// Each shape (a page of many tiny elements, many tiny nested elements,
// deep nesting, a huge string, an endless stream, a 2 GB body) is served
// to a listing of messages through the SDK's transport and odata client,
// in both dialects, and the peak heap while the SDK reads and refuses it,
// read through runtime/metrics, must stay within a small multiple of the
// response size limit. Valid pages are the control: iterating many of them
// holds about one page at a time.
//
// The tests do not build with -race, which changes what is allocated.
package heapbound
