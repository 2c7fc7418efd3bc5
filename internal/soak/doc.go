// Package soak holds no code: its tests are the standing proof that the SDK
// keeps its promises under a bad network, in every location it serves.
//
// Each case runs against outlooktest with a storm on the mailboxes' host
// (20% of requests throttled with Retry-After, 5% answered 503, 1% each
// dropped before the answer, after the headers and half way through the
// body, or answered with a body cut short, and 1% whose answer is lost after
// the server acted on them) and checks what the user would check: a long
// listing yields every message once and in order, a send reported done
// arrived once and no send arrived twice, a change-tracking replica killed
// at random points and resumed equals the mailbox, and many goroutines on
// many mailboxes never exceed the per-mailbox request limit, deadlock or
// leak goroutines.
//
// The storm is seeded: OUTLOOK_SOAK_SEED replays the run a failing test
// names. Tests skip in -short mode.
package soak
