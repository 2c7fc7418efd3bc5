package tz

// ianaAliases maps current IANA names to the older names CLDR's
// windowsZones.xml still lists (CLDR keeps a zone's first name as its stable
// identifier; the IANA "backward" file links the two). time.LoadLocation
// reports the name it was given, so a location loaded as "Asia/Kolkata" needs
// this table to find "India Standard Time". Kept by hand: add a line when
// IANA renames a zone that windowsZones.xml maps.
var ianaAliases = map[string]string{
	"Africa/Asmara":                  "Africa/Asmera",
	"America/Argentina/Buenos_Aires": "America/Buenos_Aires",
	"America/Argentina/Catamarca":    "America/Catamarca",
	"America/Argentina/Cordoba":      "America/Cordoba",
	"America/Argentina/Jujuy":        "America/Jujuy",
	"America/Argentina/Mendoza":      "America/Mendoza",
	"America/Atikokan":               "America/Coral_Harbour",
	"America/Indiana/Indianapolis":   "America/Indianapolis",
	"America/Kentucky/Louisville":    "America/Louisville",
	"America/Nuuk":                   "America/Godthab",
	"Asia/Ho_Chi_Minh":               "Asia/Saigon",
	"Asia/Kathmandu":                 "Asia/Katmandu",
	"Asia/Kolkata":                   "Asia/Calcutta",
	"Asia/Yangon":                    "Asia/Rangoon",
	"Atlantic/Faroe":                 "Atlantic/Faeroe",
	"Europe/Kyiv":                    "Europe/Kiev",
	"Europe/Uzhgorod":                "Europe/Kiev",
	"Europe/Zaporozhye":              "Europe/Kiev",
	"Pacific/Chuuk":                  "Pacific/Truk",
	"Pacific/Kanton":                 "Pacific/Enderbury",
	"Pacific/Pohnpei":                "Pacific/Ponape",
}
