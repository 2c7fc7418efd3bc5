#!/usr/bin/env bash
# Checks what README.md tells a new user to do before the module is
# published: a module of their own that uses this checkout, once through a
# go.work workspace and once through a replace directive, builds the
# README's program, and passes the README's outlooktest test. The program
# and the test are taken from README.md itself (the Go blocks after the
# "consumer:main.go" and "consumer:main_test.go" markers), so the README
# cannot drift from what works. Needs no network beyond the module proxy
# (or the module cache) the project's own tests use.
#
#	bash examples/consumer-check.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# block NAME prints the Go block that follows <!-- consumer:NAME --> in the README.
block() {
	awk -v marker="<!-- consumer:$1 -->" '
		$0 == marker { armed = 1; next }
		armed && /^```go$/ { inside = 1; next }
		inside && /^```$/ { exit }
		inside { print }
	' "$repo/README.md"
}

for mode in workspace replace; do
	dir="$work/$mode/myapp"
	mkdir -p "$dir"
	cd "$dir"
	block main.go >main.go
	block main_test.go >main_test.go
	if [ ! -s main.go ] || [ ! -s main_test.go ]; then
		echo "README.md lacks the consumer:main.go or consumer:main_test.go block" >&2
		exit 1
	fi
	go mod init example.com/myapp >/dev/null 2>&1
	go mod edit -go=1.26.0
	case $mode in
	workspace)
		# README: go work init . ../outlook
		ln -s "$repo" ../outlook
		go work init . ../outlook
		;;
	replace)
		# README: go mod edit -require=... -replace=... && go mod tidy
		ln -s "$repo" ../outlook
		go mod edit -require=github.com/exchangekit/outlook@v0.0.0 -replace=github.com/exchangekit/outlook=../outlook
		go mod tidy
		;;
	esac
	echo "== consumer ($mode): go test (builds the program and its test, vets them, runs the test)"
	go test -count=1 ./...
done
