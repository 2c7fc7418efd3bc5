// Package apitest holds tests of the module's public API as a whole: what
// the exported names of every public package may refer to.
package apitest
