package tz

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the machine's zone database
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		want    string // loc.String()
		wantErr string // substring of the error; "" for success
	}{
		{"Pacific Standard Time", "America/Los_Angeles", ""},
		{"W. Europe Standard Time", "Europe/Berlin", ""},
		{"India Standard Time", "Asia/Calcutta", ""},
		{"Pacific Standard Time (Mexico)", "America/Tijuana", ""},
		{"Dateline Standard Time", "Etc/GMT+12", ""},
		{"pacific standard time", "America/Los_Angeles", ""}, // case changed by a client
		{"Europe/Paris", "Europe/Paris", ""},
		{"Asia/Kolkata", "Asia/Kolkata", ""},
		{"America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires", ""},
		{"Etc/GMT-14", "Etc/GMT-14", ""},
		{"UTC", "UTC", ""},
		{"utc", "UTC", ""},
		{"tzone://Microsoft/Utc", "UTC", ""},
		{"Etc/UTC", "UTC", ""},
		{"GMT", "UTC", ""},
		{"", "", "empty name"},
		{"Local", "", `"Local"`},
		{"Mars/Olympus_Mons", "", "Mars/Olympus_Mons"},
		{"Pacific Standard", "", "Pacific Standard"},
		{"tzone://Microsoft/Custom", "", "tzone://Microsoft/Custom"},
		{"../../etc/passwd", "", "passwd"},
		{"/usr/share/zoneinfo/UTC", "", "zoneinfo"},
		{"Europe//Paris", "", "Europe//Paris"},
		{"Europe/Paris\x00", "", "Paris"},
		{strings.Repeat("A", 200), "", "200 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loc, err := Load(tc.name)
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("Load(%q) = %v, want an error", tc.name, loc)
				}
				if !errors.Is(err, ErrUnknownZone) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Load(%q) error = %v, want ErrUnknownZone mentioning %q", tc.name, err, tc.wantErr)
				}
				if loc != nil {
					t.Fatalf("Load(%q) returned a location with its error", tc.name)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load(%q): %v", tc.name, err)
			}
			if loc.String() != tc.want {
				t.Fatalf("Load(%q) = %s, want %s", tc.name, loc, tc.want)
			}
		})
	}
}

func TestLoadUTCIsTimeUTC(t *testing.T) {
	for _, n := range utcNames {
		loc, err := Load(n)
		if err != nil || loc != time.UTC {
			t.Errorf("Load(%q) = %v, %v; want time.UTC", n, loc, err)
		}
	}
}

// Every zone the table names must load, or a user meets the error at run time.
func TestTableZonesLoad(t *testing.T) {
	if len(windowsToIANA) < 130 || len(ianaToWindows) < 400 {
		t.Fatalf("table too small: %d Windows, %d IANA names", len(windowsToIANA), len(ianaToWindows))
	}
	for w, iana := range windowsToIANA {
		loc, err := Load(w)
		if err != nil {
			t.Errorf("Load(%q): %v", w, err)
			continue
		}
		if want := iana; loc.String() != want && loc != time.UTC {
			t.Errorf("Load(%q) = %s, want %s", w, loc, want)
		}
		// The default zone of a Windows name maps back to it.
		if got, ok := WindowsName(loc); !ok || got != w {
			t.Errorf("WindowsName(Load(%q)) = %q, %v", w, got, ok)
		}
	}
	for iana, w := range ianaToWindows {
		loc, err := Load(iana)
		if err != nil {
			t.Errorf("Load(%q): %v", iana, err)
			continue
		}
		if got, ok := WindowsName(loc); !ok || got != w {
			t.Errorf("WindowsName(%s) = %q, %v; want %q", iana, got, ok, w)
		}
	}
}

func TestAliases(t *testing.T) {
	for now, old := range ianaAliases {
		w, ok := ianaToWindows[old]
		if !ok {
			t.Errorf("alias %s -> %s: %s is not in the CLDR table", now, old, old)
			continue
		}
		if _, ok := ianaToWindows[now]; ok {
			t.Errorf("alias %s is in the CLDR table itself; drop it from aliases.go", now)
		}
		loc, err := Load(now)
		if err != nil {
			t.Errorf("Load(%q): %v", now, err)
			continue
		}
		if got, ok := WindowsName(loc); !ok || got != w {
			t.Errorf("WindowsName(%s) = %q, %v; want %q", now, got, ok, w)
		}
		// Both names must be the same zone today, or the alias is wrong.
		oldLoc, err := Load(old)
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range []time.Time{time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC)} {
			_, a := at.In(loc).Zone()
			_, b := at.In(oldLoc).Zone()
			if a != b {
				t.Errorf("%s and %s differ at %v: %d != %d", now, old, at, a, b)
			}
		}
	}
}

func TestWindowsName(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	vancouver, _ := time.LoadLocation("America/Vancouver")
	etcUTC, _ := time.LoadLocation("Etc/UTC")
	tests := []struct {
		loc  *time.Location
		want string
		ok   bool
	}{
		{time.UTC, "UTC", true},
		{etcUTC, "UTC", true},
		{berlin, "W. Europe Standard Time", true},
		{kolkata, "India Standard Time", true},
		{vancouver, "Pacific Standard Time", true},
		{nil, "", false},
		{time.Local, "", false},
		{time.FixedZone("UTC+3", 3*3600), "", false},
	}
	for _, tc := range tests {
		got, ok := WindowsName(tc.loc)
		if got != tc.want || ok != tc.ok {
			t.Errorf("WindowsName(%v) = %q, %v; want %q, %v", tc.loc, got, ok, tc.want, tc.ok)
		}
	}
}

// Without a zone database the error says how to embed one.
func TestLoadWithoutZoneDatabase(t *testing.T) {
	saved := loadLocation
	t.Cleanup(func() { loadLocation = saved })
	loadLocation = func(name string) (*time.Location, error) {
		return nil, errors.New("unknown time zone " + name)
	}
	for _, name := range []string{"Yukon Standard Time", "Pacific/Chatham"} {
		cache.Delete(windowsToIANA[name])
		cache.Delete(name)
		_, err := Load(name)
		if !errors.Is(err, ErrUnknownZone) || !strings.Contains(err.Error(), `import _ "time/tzdata"`) {
			t.Errorf("Load(%q) without a zone database: %v", name, err)
		}
	}
	// A database that is present does not get the hint for a wrong name.
	loadLocation = saved
	_, err := Load("Nowhere/Atlantis")
	if err == nil || strings.Contains(err.Error(), "tzdata") {
		t.Errorf("Load(Nowhere/Atlantis) = %v", err)
	}
}

func TestLoadCachesAndIsConcurrent(t *testing.T) {
	names := []string{"Tokyo Standard Time", "Asia/Tokyo", "E. Australia Standard Time", "Europe/Lisbon", "UTC"}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				for _, n := range names {
					if _, err := Load(n); err != nil {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	a, _ := Load("Tokyo Standard Time")
	b, _ := Load("Asia/Tokyo")
	if a != b {
		t.Error("the Windows name and its IANA zone gave two *time.Location values; the cache is keyed wrongly")
	}
}

// table.go must be what gen.go makes from the committed XML.
func TestGeneratedTableUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator with the go command")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	dir := t.TempDir()
	for _, f := range []string{"gen.go", "data/windowsZones.xml"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.CommandContext(t.Context(), gobin, "run", "gen.go")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GO111MODULE=off", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run gen.go: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, "table.go"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("table.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("table.go is stale: run go generate ./internal/tz")
	}
}

func FuzzLoad(f *testing.F) {
	for _, s := range []string{"Pacific Standard Time", "Europe/Berlin", "UTC", "tzone://Microsoft/Utc", "", "Local", "../x", "Etc/GMT+5", "W. EUROPE STANDARD TIME"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		loc, err := Load(name)
		if (loc == nil) == (err == nil) {
			t.Fatalf("Load(%q) = %v, %v", name, loc, err)
		}
		if err != nil {
			if !errors.Is(err, ErrUnknownZone) {
				t.Fatalf("Load(%q) error does not wrap ErrUnknownZone: %v", name, err)
			}
			return
		}
		if loc == time.Local {
			t.Fatalf("Load(%q) gave time.Local", name)
		}
		if _, ok := windowsToIANA[name]; ok {
			if w, ok := WindowsName(loc); !ok || !strings.EqualFold(w, name) && loc != time.UTC {
				t.Fatalf("WindowsName(Load(%q)) = %q, %v", name, w, ok)
			}
		}
	})
}

func BenchmarkLoad(b *testing.B) {
	for _, name := range []string{"Pacific Standard Time", "Europe/Berlin", "UTC"} {
		b.Run(strings.ReplaceAll(name, "/", "_"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Load(name); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
