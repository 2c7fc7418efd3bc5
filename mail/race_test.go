//go:build race

package mail_test

// raceSlack is how many more pages the race detector's bookkeeping adds.
const raceSlack = 4
