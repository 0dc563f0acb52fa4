#!/usr/bin/env bash
# Builds the hospital EHR (HAPI FHIR's JPA server, R4, embedded H2; scripts/hospital/hapi-fhir)
# from Maven Central once, into $ACTION_EHR_CACHE (default ~/.cache/action-ehr)/hapi-fhir/<stamp>/.
# The stamp is the HAPI version and a hash of the project files, so a change builds anew and a
# finished build is skipped. Prints the jar's path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
project="$here/hapi-fhir"
cache="${ACTION_EHR_CACHE:-$HOME/.cache/action-ehr}"
hapi_version="$(sed -n 's|.*<hapi.version>\(.*\)</hapi.version>.*|\1|p' "$project/pom.xml")"
hash="$(cd "$project" && find pom.xml src -type f | sort | xargs sha256sum | sha256sum | cut -c1-12)"
stamp="$hapi_version-$hash"
dir="$cache/hapi-fhir/$stamp"
jar="$dir/ehr-fhir-server.jar"
if [ -f "$jar" ]; then
  echo "hapi-fhir $stamp: cached at $jar" >&2
  echo "$jar"
  exit 0
fi
# HAPI 8 needs Java 17 or newer; the machine's default is 17.
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/java-17-openjdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
fi
command -v mvn >/dev/null || { echo "hapi-fhir: Maven (mvn) is needed to build the EHR server" >&2; exit 1; }
mkdir -p "$dir"
work="$dir/.build-$$"
rm -rf "$work"
cp -r "$project" "$work"
trap 'rm -rf "$work"' EXIT
t0=$(date +%s)
echo "hapi-fhir: building HAPI FHIR $hapi_version JPA server with Maven (downloads ~300 MB once)" >&2
(cd "$work" && mvn -B -q package -DskipTests >&2)
# Atomic: a reader sees no jar or the whole one.
mv "$work/target/ehr-fhir-server.jar" "$jar.tmp" && mv "$jar.tmp" "$jar"
echo "$stamp" >"$dir/version"
echo "hapi-fhir: built in $(($(date +%s) - t0)) s: $jar ($(du -h "$jar" | cut -f1))" >&2
echo "$jar"
