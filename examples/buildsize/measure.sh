#!/usr/bin/env bash
# Measures what a program pays to build with exchangekit/outlook and with
# Microsoft's Graph SDK for Go (github.com/microsoftgraph/msgraph-sdk-go):
# two equivalent programs (sign in with a client secret, list ten subjects of
# a mailbox's inbox), each in its own module here so neither the project's
# go.mod nor the other side's dependency versions change what is measured.
#
# For each side: a cold build (an empty build cache, the standard library
# built beforehand and not counted, modules already downloaded) timed by
# /usr/bin/time -v (wall time, CPU time, peak resident memory of the go
# command and the compilers it ran), a rebuild after main.go changes (the
# SDK cached), and the binary's size (ls -l), as built and stripped.
# Takes a few minutes; needs the module proxy once, for msgraph-sdk-go.
#
#	bash examples/buildsize/measure.sh
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "$(go version), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-30s %10s %9s %11s %13s %12s %12s\n' side sdk "cold wall" "cold CPU" "cold peak" "rebuild wall" binary stripped
for side in outlook msgraph; do
	(cd "$side" && go mod download)
	cache="$work/cache-$side"
	mkdir -p "$cache"
	GOCACHE="$cache" go build std
	(cd "$side" && GOCACHE="$cache" /usr/bin/time -v -o "$work/$side.time" go build -o "$work/$side" .)
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$side.time")
	user=$(sed -n 's/.*User time (seconds): //p' "$work/$side.time")
	sys=$(sed -n 's/.*System time (seconds): //p' "$work/$side.time")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$side.time")
	# A rebuild after the program's own code changes: the SDK comes from the cache.
	cp "$side/main.go" "$work/main.go.orig"
	echo "// $(date +%s%N)" >>"$side/main.go"
	(cd "$side" && GOCACHE="$cache" /usr/bin/time -v -o "$work/$side.rebuild" go build -o "$work/$side" .)
	cp "$work/main.go.orig" "$side/main.go"
	rewall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$side.rebuild")
	size=$(ls -l "$work/$side" | awk '{print $5}')
	(cd "$side" && GOCACHE="$cache" go build -ldflags='-s -w' -o "$work/$side-stripped" .)
	stripped=$(ls -l "$work/$side-stripped" | awk '{print $5}')
	if [ "$side" = outlook ]; then
		sdk="exchangekit/outlook@$(git -C ../.. rev-parse --short HEAD 2>/dev/null || echo checkout)"
	else
		sdk=$(cd "$side" && go list -m -f '{{.Path}}@{{.Version}}' github.com/microsoftgraph/msgraph-sdk-go)
		sdk=${sdk#github.com/microsoftgraph/}
	fi
	printf '%-8s %-30s %10s %8.1fs %8d MiB %13s %8.1f MiB %8.1f MiB\n' "$side" "$sdk" "$wall" \
		"$(echo "$user + $sys" | bc)" $((rss / 1024)) "$rewall" \
		"$(echo "scale=1; $size / 1048576" | bc)" "$(echo "scale=1; $stripped / 1048576" | bc)"
done
