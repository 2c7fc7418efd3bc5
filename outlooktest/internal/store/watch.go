package store

// Waiting for changes: the front ends that tell clients of changes (Graph
// change notifications, EWS streaming notifications) learn of a write
// from the store rather than polling it. Every write happens under the
// store's lock, so the lock's release is where a watcher learns of it,
// still under the lock: what it reads there is what the write left, not
// what a later write made of it.

// watches are the watchers of a store. Their methods require the lock.
type watches map[*watch]struct{}

type watch struct {
	f func() (done bool)
}

// Watch calls f under the lock each time the lock is released (Unlock),
// until f reports done or stop is called: the one way the front ends learn
// of writes. Graph's subscriptions collect each write's notifications in
// f, as it happens, so that an entity created and deleted before the
// poster runs is notified twice, as Graph does; EWS streaming waits on a
// condition through Await. f runs under the lock and must neither take it
// nor block (it reads the store and hands what it found to its own
// goroutine). Watch requires the lock; stop takes it (calling it after f
// reported done is harmless).
func (st *Store) Watch(f func() (done bool)) (stop func()) {
	w := &watch{f: f}
	if st.watch == nil {
		st.watch = watches{}
	}
	st.watch[w] = struct{}{}
	return func() {
		st.mu.Lock()
		delete(st.watch, w)
		st.mu.Unlock()
	}
}

// Await returns a channel closed when cond, evaluated under the lock each
// time the lock is released, first reports true (at the next release, if
// it does now), and stop, which forgets the wait (a waiter that gives up).
// cond runs under the lock and must not take it. Await requires the lock;
// stop takes it.
func (st *Store) Await(cond func() bool) (changed <-chan struct{}, stop func()) {
	ch := make(chan struct{})
	return ch, st.Watch(func() bool {
		if !cond() {
			return false
		}
		close(ch)
		return true
	})
}

// wake runs the watches, forgetting those that are done.
func (ws watches) wake() {
	for w := range ws {
		if w.f() {
			delete(ws, w)
		}
	}
}
