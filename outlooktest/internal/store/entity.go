package store

// Entity is one stored resource. obj holds the Graph-form JSON the API shows
// (read-only properties included); the rest is bookkeeping.
type Entity struct {
	set       string
	id        string
	obj       Object
	parent    string // containing folder, calendar, calendar group or item (attachments)
	order     uint64
	createSeq uint64
	modSeq    uint64
	transient bool // an occurrence computed from its series master

	propSeq map[string]uint64 // property -> sequence number of its last write, after creation
	memos   []memo            // what front ends keep with it (Memo)
}

type memo struct{ key, v any }

// Set returns the entity set (collection) the entity belongs to, e.g. "messages".
func (e *Entity) Set() string { return e.set }

// ID returns the entity's id. A message's id changes when it moves.
func (e *Entity) ID() string { return e.id }

// Object returns the stored Graph-form object. It is the store's own: read
// it, never change it (write through Mailbox methods). Every write replaces
// top-level properties and never changes a nested value in place, so a
// shallow copy taken under the lock may be read after it is released.
func (e *Entity) Object() Object { return e.obj }

// Parent returns the id of what holds the entity: its folder, calendar,
// calendar group, or for an attachment its message or event.
func (e *Entity) Parent() string { return e.parent }

// ModSeq returns the change sequence number of the entity's last write.
func (e *Entity) ModSeq() uint64 { return e.modSeq }

// ChangedSince returns the properties whose last write came after seq, as
// recorded by property writes (Update, Apply, Write); a write that names
// no property (an attachment added) shows only in ModSeq.
func (e *Entity) ChangedSince(seq uint64) []string {
	var out []string
	for k, s := range e.propSeq {
		if s > seq {
			out = append(out, k)
		}
	}
	return out
}

// PropSeq returns the change sequence number of the last write of one
// property: its creation's, if no write since changed it. EWS's
// conflict resolution reads it to tell whether a write made since a
// client's change key touched what the client now sets.
func (e *Entity) PropSeq(prop string) uint64 {
	if s, ok := e.propSeq[prop]; ok {
		return s
	}
	return e.createSeq
}

// Transient reports whether the entity is an occurrence computed from its
// series master (Mailbox.Occurrence): it can be read, not changed.
func (e *Entity) Transient() bool { return e.transient }

// Memo returns what a front end kept with the entity under key (SetMemo),
// or nil. Keys are compared as map keys are; use an unexported type of the
// front end's own, as context keys do.
func (e *Entity) Memo(key any) any {
	for _, m := range e.memos {
		if m.key == key {
			return m.v
		}
	}
	return nil
}

// SetMemo keeps v with the entity under key, e.g. a front end's rendering of
// it; a value must say itself which version of the entity it was made from
// (ModSeq), since the store does not clear memos on writes.
func (e *Entity) SetMemo(key, v any) {
	for i := range e.memos {
		if e.memos[i].key == key {
			e.memos[i].v = v
			return
		}
	}
	e.memos = append(e.memos, memo{key, v})
}

// tomb records that an entity left a parent (deleted, or moved away), for
// change-tracking rounds that started before.
type tomb struct {
	seq    uint64
	set    string
	id     string
	parent string
}
