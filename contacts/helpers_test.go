package contacts_test

import (
	_ "time/tzdata" // tests must not depend on the machine's zone database

	"github.com/exchangekit/outlook/internal/servicetest"
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
