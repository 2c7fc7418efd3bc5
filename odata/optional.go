package odata

import (
	"bytes"

	"github.com/go-json-experiment/json"
)

// Optional is one property of an update (PATCH) body, with three states:
// absent (the zero value: the property is not sent and the server leaves it
// alone), null (sent as null: the server clears it) and set (sent with a
// value). Use it in update types with the `omitzero` tag option:
//
//	type MessageUpdate struct {
//		IsRead     odata.Optional[bool]     `json:"isRead,omitzero"`
//		Categories odata.Optional[[]string] `json:"categories,omitzero"`
//	}
//	u := MessageUpdate{IsRead: odata.Set(true)} // sends {"isRead":true}
type Optional[T any] struct {
	v     T
	state optState
}

type optState uint8

const (
	optAbsent optState = iota
	optNull
	optSet
)

// Set returns an Optional holding v.
func Set[T any](v T) Optional[T] { return Optional[T]{v: v, state: optSet} }

// Null returns an Optional that clears the property (sent as JSON null).
func Null[T any]() Optional[T] { return Optional[T]{state: optNull} }

// IsZero reports whether o is absent; it lets `omitzero` leave the property out.
func (o Optional[T]) IsZero() bool { return o.state == optAbsent }

// IsNull reports whether o clears the property.
func (o Optional[T]) IsNull() bool { return o.state == optNull }

// Get returns the value and whether o holds one.
func (o Optional[T]) Get() (T, bool) { return o.v, o.state == optSet }

// MarshalJSON writes null or the value. An absent Optional, written without
// `omitzero`, is written as null too.
func (o Optional[T]) MarshalJSON() ([]byte, error) {
	if o.state != optSet {
		return []byte("null"), nil
	}
	return json.Marshal(o.v)
}

// UnmarshalJSON reads null as Null and anything else as Set.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*o = Null[T]()
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*o = Set(v)
	return nil
}
