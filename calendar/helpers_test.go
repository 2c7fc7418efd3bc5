package calendar_test

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the machine's zone database

	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/odata"
)

// The shared harness of the service packages' tests, under the short names
// these tests use.
type env = servicetest.Env

const (
	cloudAddr  = servicetest.CloudAddr
	onPremAddr = servicetest.OnPremAddr
	onPremHost = servicetest.OnPremHost
)

// The locations these tests run in: Exchange Online (Graph), and on
// premises through EWS (the default) and through the REST API v2.0.
const (
	cloud = servicetest.Cloud
	ews   = servicetest.EWS
	rest  = servicetest.REST
)

var (
	newEnv      = servicetest.NewEnv
	eachDialect = servicetest.AllLocations.Each
)

// noErr fails the test on err, naming a 501 of the fake as a regression.
func noErr(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if oe, ok := errors.AsType[*odata.Error](err); ok && oe.StatusCode == 501 {
		t.Fatalf("%s: outlooktest answered 501 for an operation it serves: %v", what, err)
	}
	t.Fatalf("%s: %v", what, err)
}

// day is the Monday the tests' events happen on.
var day = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// at is an event boundary at hour h (and minute m) of day+d days, in UTC.
func at(d, h, m int) time.Time {
	return day.AddDate(0, 0, d).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}
