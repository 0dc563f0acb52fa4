#!/usr/bin/env bash
# Installs everything the workstation and its tests need on a fresh Debian machine:
# system packages (Chromium for the UI without Electron, Xvfb, SoftHSM2 as the smart card,
# OpenSSL for test certificates) and the npm packages. Safe to run again: it skips what is
# already there.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(chromium xvfb softhsm2 opensc openssl fonts-dejavu-core python3 make g++
  dicom3tools python3-pydicom dcmtk libgdcm-tools
  python3-numpy python3-scipy python3-matplotlib python3-six python3-pip)
# Each hospital's PACS: Orthanc with its DICOMweb plugin (scripts/hospital/orthanc.ts).
DEBIAN_PACKAGES+=(orthanc orthanc-dicomweb)
# Each hospital's EHR: HAPI FHIR built with Maven (scripts/hospital/build-hapi-fhir.sh).
DEBIAN_PACKAGES+=(openjdk-17-jdk-headless maven)
# pdftotext: the tests read the exported dose-history PDF back as text.
DEBIAN_PACKAGES+=(poppler-utils)

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The Node of the shipped Electron's major, from the npm registry where the machine's is
# older; everything below (npm ci, native modules) runs on it.
# shellcheck source=node-runtime.sh
source scripts/node-runtime.sh
ehr_install_node
ehr_use_node
echo "setup: Node.js $(node --version) at $(command -v node)"

# Native modules (better-sqlite3, pkcs11js) compile against that Node's headers
# instead of downloading them.
node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [ -f "$node_prefix/include/node/node.h" ]; then
  export npm_config_nodedir="$node_prefix"
fi

# Electron's binary is a separate download that only some machines can reach; ask for it
# with EHR_WITH_ELECTRON=1. Everything but the thin Electron entry runs under Node anyway.
if [ "${EHR_WITH_ELECTRON:-0}" != "1" ]; then
  export ELECTRON_SKIP_BINARY_DOWNLOAD=1
fi

install_npm() { # folder
  local dir="$1" stamp="$1/node_modules/.ehr-setup-stamp"
  local want
  # A new Node (another ABI for native modules) installs again too.
  want="$( (cat "$dir/package-lock.json"; node --version) | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "setup: npm packages in $dir are up to date"
    return
  fi
  echo "setup: npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund)
  echo "$want" >"$stamp"
}

install_npm .
[ -f chaincode/package-lock.json ] && install_npm chaincode

# Real servers for the tests and the local network, built from their Go modules once and
# cached outside the repo (~/.cache/action-ehr, or $ACTION_EHR_CACHE), keyed by version.
echo "setup: Hyperledger Fabric and Fabric CA binaries"
bash scripts/devnet/build-fabric.sh
echo "setup: MinIO (S3-compatible storage for tests)"
npx tsx scripts/s3/minio.ts build
echo "setup: HAPI FHIR JPA server (each hospital's EHR)"
bash scripts/hospital/build-hapi-fhir.sh >/dev/null

# dicompyler-core, the reference the RT benchmark measures our DVH and summation against,
# is on PyPI only: installed for the system Python (its numpy/scipy/pydicom come from
# Debian above) into the cache, which bench/rt.bench.ts puts on PYTHONPATH.
DICOMPYLER_VERSION=0.5.6
dicompyler_dir="${ACTION_EHR_CACHE:-$HOME/.cache/action-ehr}/python/dicompyler-core-$DICOMPYLER_VERSION"
if [ ! -d "$dicompyler_dir/dicompylercore" ]; then
  echo "setup: dicompyler-core $DICOMPYLER_VERSION (benchmark reference)"
  /usr/bin/python3 -m pip install -q --no-deps --target "$dicompyler_dir" "dicompyler-core==$DICOMPYLER_VERSION"
fi

if [ "${EHR_WITH_ELECTRON:-0}" = "1" ]; then
  echo "setup: fetching the Electron binary and rebuilding native modules for it"
  node node_modules/electron/install.js
  npx electron-builder install-app-deps
fi
echo "setup: done"
