// Package tz resolves the time zone names the Outlook APIs send: Windows
// names ("W. Europe Standard Time"), IANA names ("Europe/Berlin") and the
// UTC spellings, through a table generated from CLDR's windowsZones.xml (see
// data/README.md).
//
// Locations come from the IANA zone database of the system (as with
// time.LoadLocation). A program that runs where there is none (a scratch
// container, some Windows hosts) should import _ "time/tzdata" in its main
// package; the SDK does not, because that adds about 450 KB to every binary.
package tz

//go:generate go run gen.go

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// ErrUnknownZone is wrapped by the errors of Load: the name is neither a
// Windows zone CLDR knows nor an IANA zone the zone database holds. A wrong
// zone is never replaced by UTC, since that would move the user's meetings.
var ErrUnknownZone = errors.New("unknown time zone")

// utcNames are spelled out rather than loaded so that they resolve to
// time.UTC itself, with or without a zone database, and so that Graph's
// "tzone://Microsoft/Utc" is understood.
var utcNames = []string{
	"UTC", "tzone://Microsoft/Utc", "Etc/UTC", "Etc/GMT", "GMT", "Etc/UCT", "UCT",
	"Etc/Universal", "Universal", "Etc/Zulu", "Zulu", "Etc/Greenwich", "Greenwich",
}

// cache holds loaded locations by IANA name. Only successes are kept, and
// only under the resolved IANA name, so names sent by a server cannot grow it
// beyond the size of the zone database.
var cache sync.Map // string -> *time.Location

// loadLocation is time.LoadLocation; tests replace it to act out a system
// without a zone database.
var loadLocation = time.LoadLocation

// windowsFold maps lower-cased Windows names to their table spelling, for
// servers or users that change the case. Built on first need.
var windowsFold = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, len(windowsToIANA))
	for w := range windowsToIANA {
		m[strings.ToLower(w)] = w
	}
	return m
})

// Load returns the location of a Windows zone name (mapped to CLDR's default
// IANA zone for it, territory "001"), an IANA zone name, or one of the UTC
// spellings ("UTC", "Etc/UTC", "tzone://Microsoft/Utc", ...), which give
// time.UTC. Windows names match case-insensitively, IANA names exactly.
//
// An empty name, "Local", a custom zone ("tzone://Microsoft/Custom") and any
// name the zone database does not hold give an error wrapping
// [ErrUnknownZone]; when the database itself is missing the error says how to
// embed one. Load is safe for concurrent use and caches what it loads.
func Load(name string) (*time.Location, error) {
	// Fast path: the names servers send, already loaded.
	if name == "UTC" {
		return time.UTC, nil
	}
	key := name
	if iana, ok := windowsToIANA[name]; ok {
		key = iana
	}
	if v, ok := cache.Load(key); ok {
		return v.(*time.Location), nil
	}
	iana, err := resolve(name)
	if err != nil {
		return nil, err
	}
	if iana == "UTC" {
		return time.UTC, nil
	}
	if v, ok := cache.Load(iana); ok {
		return v.(*time.Location), nil
	}
	loc, err := loadLocation(iana)
	if err != nil {
		return nil, notFound(name, iana, err)
	}
	v, _ := cache.LoadOrStore(iana, loc)
	return v.(*time.Location), nil
}

// resolve returns the IANA name to load for name, or "UTC".
func resolve(name string) (string, error) {
	switch {
	case name == "":
		return "", fmt.Errorf("%w: empty name", ErrUnknownZone)
	case len(name) > 128:
		return "", fmt.Errorf("%w: name of %d bytes", ErrUnknownZone, len(name))
	}
	for _, u := range utcNames {
		if strings.EqualFold(name, u) {
			return "UTC", nil
		}
	}
	if iana, ok := windowsToIANA[name]; ok {
		return iana, nil
	}
	if w, ok := windowsFold()[strings.ToLower(name)]; ok {
		return windowsToIANA[w], nil
	}
	if name == "Local" || !validIANA(name) {
		return "", fmt.Errorf("%w: %q", ErrUnknownZone, name)
	}
	return name, nil
}

// validIANA reports whether name has the shape of an IANA zone name, so that
// text that cannot be one is refused before the zone database is searched.
func validIANA(name string) bool {
	if name[0] == '/' || name[len(name)-1] == '/' || strings.Contains(name, "..") || strings.Contains(name, "//") {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '/', c == '_', c == '-', c == '+', c == '.':
		default:
			return false
		}
	}
	return true
}

// notFound builds the error for a name whose IANA zone did not load.
func notFound(name, iana string, err error) error {
	what := fmt.Sprintf("%q", name)
	if iana != name {
		what = fmt.Sprintf("%q (Windows name for %s)", name, iana)
	}
	if _, probe := loadLocation("Europe/Berlin"); probe != nil {
		return fmt.Errorf("%w: %s: no IANA time zone database on this system (install tzdata, set ZONEINFO, or import _ \"time/tzdata\" in the main package): %v",
			ErrUnknownZone, what, err)
	}
	return fmt.Errorf("%w: %s: %v", ErrUnknownZone, what, err)
}

// WindowsName returns the Windows zone name of loc, for sending times in the
// form Exchange on-premises and older clients expect: "Pacific Standard Time"
// for America/Los_Angeles or America/Vancouver, "UTC" for time.UTC. It
// reports false for a nil location, time.Local and zones CLDR does not map
// (fixed offsets made with time.FixedZone, for example).
func WindowsName(loc *time.Location) (string, bool) {
	if loc == nil {
		return "", false
	}
	if loc == time.UTC {
		return "UTC", true
	}
	name := loc.String()
	if w, ok := ianaToWindows[name]; ok {
		return w, true
	}
	if old, ok := ianaAliases[name]; ok {
		if w, ok := ianaToWindows[old]; ok {
			return w, true
		}
	}
	for _, u := range utcNames {
		if name == u {
			return "UTC", true
		}
	}
	return "", false
}
