# Sourced by setup, test and the npm scripts: puts the Node.js of the Electron we ship
# first on PATH, so tests and tools run on the same Node major as the app (Electron 45
# ships Node 24; test/unit/node-runtime.test.ts keeps scripts/node-version in step with
# it). Where the machine's own Node is older, `npm run setup` unpacks that Node from the
# npm registry's node-linux-<arch> package into the cache; the system Node is not touched.
EHR_NODE_VERSION="$(tr -d '[:space:]' <"$(dirname "${BASH_SOURCE[0]}")/node-version")"
EHR_NODE_MAJOR="${EHR_NODE_VERSION%%.*}"
case "$(uname -m)" in
  x86_64 | amd64) ehr_node_arch=x64 ;;
  aarch64 | arm64) ehr_node_arch=arm64 ;;
  *) ehr_node_arch="$(uname -m)" ;;
esac
EHR_NODE_DIR="${ACTION_EHR_CACHE:-$HOME/.cache/action-ehr}/node-v$EHR_NODE_VERSION-linux-$ehr_node_arch"

ehr_system_node_major() {
  local v
  v="$(PATH="${PATH//"$EHR_NODE_DIR/bin:"/}" node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  echo "$v"
}

# Unpacks the pinned Node when the machine's is older (setup only).
ehr_install_node() {
  [ "$(ehr_system_node_major)" -ge "$EHR_NODE_MAJOR" ] && return 0
  [ -x "$EHR_NODE_DIR/bin/node" ] && return 0
  echo "setup: Node.js $EHR_NODE_VERSION (the Node major of the shipped Electron) into $EHR_NODE_DIR"
  local tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack "node-linux-$ehr_node_arch@$EHR_NODE_VERSION" --silent >/dev/null)
  mkdir -p "$EHR_NODE_DIR"
  tar xzf "$tmp"/node-linux-*.tgz -C "$EHR_NODE_DIR" --strip-components=1
  rm -rf "$tmp"
  "$EHR_NODE_DIR/bin/node" --version >/dev/null
}

# Puts that Node first on PATH when it is installed and the machine's is older.
ehr_use_node() {
  if [ -x "$EHR_NODE_DIR/bin/node" ] && [ "$(ehr_system_node_major)" -lt "$EHR_NODE_MAJOR" ]; then
    case ":$PATH:" in
      *":$EHR_NODE_DIR/bin:"*) ;;
      *) export PATH="$EHR_NODE_DIR/bin:$PATH" ;;
    esac
  fi
}
ehr_use_node
