#!/usr/bin/env bash
# Builds the Fabric binaries the devnet needs from their Go modules and caches them outside the repo:
#   $ACTION_EHR_CACHE (default ~/.cache/action-ehr)/fabric/<version>/bin   peer orderer configtxgen osnadmin
#   $ACTION_EHR_CACHE/fabric-ca/<version>/bin                             fabric-ca-server fabric-ca-client
# A `.complete` stamp marks a finished build, so later runs return at once.
#
# Bash rather than TypeScript: this is a straight sequence of `go` commands.
#
# Why not `go install module/cmd/x@version`: the module proxy reachable here refuses version listing
# (403), which `go install` needs to look up deprecations, and sum.golang.org is not reachable. So the
# exact pinned versions are fetched with `go mod download` (checksum database skipped for the two
# hyperledger modules only: GONOSUMDB; their hashes are checked against versions.env instead) and
# built inside the module dirs; their dependencies come from the module proxy and are verified
# against the modules' own go.sum.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck disable=SC1091
source "$HERE/versions.env"
CACHE="${ACTION_EHR_CACHE:-$HOME/.cache/action-ehr}"
FAB_DIR="$CACHE/fabric/$FABRIC_VERSION"
CA_DIR="$CACHE/fabric-ca/$FABRIC_CA_VERSION"
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/hyperledger/fabric,github.com/hyperledger/fabric-ca"
export GOFLAGS="-buildvcs=false -mod=readonly"
export CGO_ENABLED=1

log() { printf '[devnet build %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

command -v go >/dev/null || { echo "go is not installed; install Go >= 1.22" >&2; exit 1; }
mkdir -p "$CACHE"
exec 9>"$CACHE/.build.lock"
if ! flock -n 9; then log "another build is running; waiting for it"; flock 9; fi

moddir() { # module version expected-h1-sum -> dir in the Go module cache (downloads if missing)
  local out
  out="$(cd /tmp && go mod download -json "$1@$2")" || { echo "$out" >&2; return 1; }
  node -e '
    const [json, want] = process.argv.slice(1);
    const j = JSON.parse(json);
    if (j.Error) { console.error(j.Error); process.exit(1); }
    if (j.Sum !== want) { console.error(`${j.Path}@${j.Version}: module hash ${j.Sum}, expected ${want} (versions.env)`); process.exit(1); }
    console.log(j.Dir);' "$out" "$3"
}

# Heartbeat so a long silent `go build` still shows progress.
progress() { local t0=$SECONDS; while sleep 30; do log "… still building $1 ($((SECONDS - t0))s)"; done; }

build() { # label dir module version sum ldflags tags cmds...
  local label=$1 dir=$2 mod=$3 ver=$4 sum=$5 ldflags=$6 tags=$7; shift 7
  if [[ -f "$dir/.complete" ]]; then log "$label $ver: cached in $dir/bin"; return 0; fi
  log "$label $ver: fetching module"
  local src; src="$(moddir "$mod" "$ver" "$sum")"
  log "$label $ver: source $src"
  mkdir -p "$dir/bin"
  local t0=$SECONDS
  progress "$label" 9>&- & local hb=$!
  trap 'kill $hb 2>/dev/null || true' RETURN
  for c in "$@"; do
    if [[ -x "$dir/bin/$c" ]]; then log "$label: $c already built"; continue; fi
    log "$label: building $c"
    (cd "$src" && go build -tags "$tags" -ldflags "$ldflags" -o "$dir/bin/$c.tmp" "./cmd/$c")
    mv "$dir/bin/$c.tmp" "$dir/bin/$c"
    log "$label: $c done ($((SECONDS - t0))s so far)"
  done
  echo "$src" > "$dir/source.path"
  date -u +%FT%TZ > "$dir/.complete"
  log "$label $ver: built in $((SECONDS - t0))s"
}

build fabric "$FAB_DIR" "$FABRIC_MODULE" "$FABRIC_VERSION" "$FABRIC_SUM" \
  "-X github.com/hyperledger/fabric/common/metadata.Version=$FABRIC_LABEL -X github.com/hyperledger/fabric/common/metadata.CommitSHA=${FABRIC_VERSION##*-}" "" \
  peer orderer configtxgen osnadmin
build fabric-ca "$CA_DIR" "$FABRIC_CA_MODULE" "$FABRIC_CA_VERSION" "$FABRIC_CA_SUM" \
  "-X github.com/hyperledger/fabric-ca/lib/metadata.Version=${FABRIC_CA_VERSION#v}" "" \
  fabric-ca-server fabric-ca-client
"$FAB_DIR/bin/peer" version | head -3
"$CA_DIR/bin/fabric-ca-server" version | head -2
log "all binaries ready"
