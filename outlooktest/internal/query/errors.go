package query

import "fmt"

// Error is the OData error the fake server answers with when a query cannot
// be honoured. Status is 400 when Graph itself would refuse the query and 501
// when Graph would accept it but outlooktest does not implement it, so a test
// failing on 501 points at the fake, not at the code under test.
type Error struct {
	Status  int    // 400 or 501
	Code    string // the OData error code Graph sends, e.g. "RequestBroker--ParseUri"
	Message string // for people; names the offending option, property or construct

	// class says why the query was refused; this package's tests branch on it
	// to tell an unsupported construct from a syntax or type error.
	class errClass
}

type errClass uint8

const (
	classSyntax      errClass = iota // malformed input
	classUnknown                     // unknown property or option
	classType                        // operand types do not fit
	classUnsupported                 // valid OData that Graph (400) or outlooktest (501) does not support
	classRule                        // a Graph usage rule: InefficientFilter, SearchWithFilter, ...
)

// Error returns "query: <status> <code>: <message>".
func (e *Error) Error() string {
	return fmt.Sprintf("query: %d %s: %s", e.Status, e.Code, e.Message)
}

// Codes Graph answers with for Outlook resources.
const (
	codeParseURI          = "RequestBroker--ParseUri" // malformed or unknown name in $filter, $orderby, $select
	codeBadRequest        = "BadRequest"              // malformed option value ($top=x), unknown option
	codeNotImplemented    = "NotImplemented"          // 501: Graph supports it, outlooktest does not
	codeInefficientFilter = "InefficientFilter"
	codeSearchWithFilter  = "SearchWithFilter"
	codeSearchWithOrderBy = "SearchWithOrderBy"
)

func newError(class errClass, code, format string, args ...any) *Error {
	return &Error{Status: 400, Code: code, Message: fmt.Sprintf(format, args...), class: class}
}

// unsupported reports a construct that is valid OData but that Graph refuses
// on Outlook resources.
func unsupported(code, format string, args ...any) *Error {
	return newError(classUnsupported, code, format, args...)
}

// notImplemented reports what Graph supports but this fake does not.
func notImplemented(format string, args ...any) *Error {
	e := newError(classUnsupported, codeNotImplemented, format, args...)
	e.Status = 501
	return e
}

// quote shortens s for an error message: a query can be a few kilobytes and
// the message only needs enough to find the place.
func quote(s string) string {
	const max = 120
	if len(s) > max {
		// Cut on a rune boundary so the message stays valid UTF-8.
		i := max
		for i > 0 && s[i]&0xC0 == 0x80 {
			i--
		}
		s = s[:i] + "..."
	}
	return fmt.Sprintf("'%s'", s)
}
