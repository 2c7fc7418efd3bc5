package store

// Waiting for changes: a front end that pushes notices of changes (EWS
// streaming notifications) waits for a write to the mailboxes it watches
// rather than polling them. Every write happens under the store's lock,
// so the lock's release is where a waiter learns of it.

// watches are the waiters of a store. Their methods require the lock.
type watches map[*watch]struct{}

type watch struct {
	cond func() bool
	ch   chan struct{}
}

// Watch returns a channel closed when cond, evaluated under the lock each
// time the lock is released, first reports true (at once, at the next
// release, if it does now), and stop, which forgets the watch (a waiter
// that gives up; calling it after the channel closed is harmless). cond
// runs under the lock and must not take it. It requires the lock; stop
// takes it.
func (st *Store) Watch(cond func() bool) (changed <-chan struct{}, stop func()) {
	w := &watch{cond: cond, ch: make(chan struct{})}
	if st.watch == nil {
		st.watch = watches{}
	}
	st.watch[w] = struct{}{}
	return w.ch, func() {
		st.mu.Lock()
		delete(st.watch, w)
		st.mu.Unlock()
	}
}

// wake closes the channels of the watches whose condition holds.
func (ws watches) wake() {
	for w := range ws {
		if w.cond() {
			close(w.ch)
			delete(ws, w)
		}
	}
}
