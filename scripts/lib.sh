# Shared by scripts/*: pinned Azurite on free loopback ports. Source it; it defines functions only.

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
azurite_js="$repo_root/tools/azurite/node_modules/azurite/dist/src/azurite.js"
# Where scripts/run keeps the state of a run (run.env, instances/, sandbox.log), relative to the repository root:
# .tools unless FLEXZENDESK_RUN_DIR names another, so two runs can live side by side (CI runs three at once).
run_dir=${FLEXZENDESK_RUN_DIR:-.tools}

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Builds the projects the scripts run (Release), unless the caller built the whole solution already: CI builds it once
# and sets FLEXZENDESK_PREBUILT=1, so no later script pays a build (a no-op build of what scripts/run runs costs ~10 s).
build_release() { # project or solution filter...
  [ "${FLEXZENDESK_PREBUILT:-0}" = "1" ] && return 0
  local project
  for project in "$@"; do dotnet build "$project" -c Release --nologo -v quiet --disable-build-servers || return 1; done
}

# Installs the Azurite version pinned in tools/azurite/package-lock.json (once).
ensure_azurite() {
  if [ ! -f "$azurite_js" ]; then
    echo "Installing Azurite (pinned in tools/azurite) ..." >&2
    npm ci --prefix "$repo_root/tools/azurite" --no-audit --no-fund --loglevel=error >&2
  fi
}

# Twilio's published OpenAPI JSON, the contract tier's judge of every Twilio request (FlexZendesk.Tests/Contracts): the
# npm package and version pinned in tools/twilio-oai/pin, checked against the integrity pinned beside it, fetched with
# npm pack (none of its code is installed or run) and three of its spec files unpacked into tools/twilio-oai/spec (ignored).
ensure_twilio_oai() {
  local dir="$repo_root/tools/twilio-oai" name version integrity tmp tgz actual file
  read -r name version integrity < "$dir/pin"
  if [ -f "$dir/spec/.pinned" ] && [ "$(cat "$dir/spec/.pinned")" = "$name@$version $integrity" ]; then return 0; fi
  echo "Fetching Twilio's OpenAPI JSON ($name@$version, pinned in tools/twilio-oai/pin) ..." >&2
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "$name@$version" --silent --loglevel=error >/dev/null) || { rm -rf "$tmp"; return 1; }
  tgz=$(ls "$tmp"/*.tgz)
  actual=$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tgz")
  if [ "$actual" != "$integrity" ]; then echo "$name@$version: integrity $actual, pinned $integrity" >&2; rm -rf "$tmp"; return 1; fi
  rm -rf "$dir/spec"; mkdir -p "$dir/spec"
  for file in twilio_taskrouter_v1.json twilio_api_v2010.json twilio_conversations_v1.json; do
    tar -xzf "$tgz" -O "package/twilio-oai/spec/json/$file" > "$dir/spec/$file" || { rm -rf "$tmp" "$dir/spec"; return 1; }
  done
  echo "$name@$version $integrity" > "$dir/spec/.pinned"
  rm -rf "$tmp"
}

# Debian's Chromium for the browser test (playwright-core drives it; no browser download), installed when missing.
ensure_chromium() {
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] && return 0
  echo "Installing Debian's chromium for the browser test ..." >&2
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >&2
}

# The Flex UI plugin's packages, as its package-lock.json pins them (installed once, again when the lock changes).
ensure_plugin_packages() {
  local dir="$repo_root/flex-plugin" stamp="$repo_root/flex-plugin/node_modules/.lock-hash" hash
  hash=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
    echo "Installing the Flex UI plugin's packages (pinned in flex-plugin/package-lock.json) ..." >&2
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >&2
    echo "$hash" > "$stamp"
  fi
}

# Prints the first URL an ASP.NET Core app logged as "Now listening on:" (it binds port 0 and reports the real
# port), waiting up to the given seconds while the process lives.
listening_url() { # log pid [seconds]
  local log=$1 pid=$2 deadline=$((SECONDS + ${3:-60})) url
  until url=$(grep -o 'Now listening on: http://[0-9.:]*' "$log" 2>/dev/null | head -1 | sed 's/^Now listening on: //') && [ -n "$url" ]; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 "$pid" 2>/dev/null; then cat "$log" >&2; echo "nothing listens (see the log above)" >&2; return 1; fi
    sleep 0.1
  done
  echo "$url"
}

# Starts Azurite in memory on ports the OS picks (port 0, read back from its start-up lines, so no port is picked
# in advance for another process to take first); sets AZURITE_PID and exports AzureWebJobsStorage.
start_azurite() {
  ensure_azurite
  local out blob queue table deadline=$((SECONDS + 60))
  out=$(mktemp)
  node "$azurite_js" --silent --disableTelemetry --inMemoryPersistence --skipApiVersionCheck --disableProductStyleUrl \
    --blobHost 127.0.0.1 --blobPort 0 --queueHost 127.0.0.1 --queuePort 0 \
    --tableHost 127.0.0.1 --tablePort 0 >"$out" 2>&1 &
  AZURITE_PID=$!
  until [ "$(grep -c 'service is successfully listening at' "$out")" -ge 3 ]; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 "$AZURITE_PID" 2>/dev/null; then cat "$out" >&2; echo "Azurite did not start" >&2; return 1; fi
    sleep 0.1
  done
  port_of() { grep -o "Azurite $1 service is successfully listening at http://127.0.0.1:[0-9]*" "$out" | grep -o '[0-9]*$'; }
  blob=$(port_of Blob); queue=$(port_of Queue); table=$(port_of Table)
  rm -f "$out"
  # Azurite's published development account key: not a secret, and never printed.
  local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
  echo "Azurite (in memory): blob 127.0.0.1:$blob, queue 127.0.0.1:$queue, table 127.0.0.1:$table" >&2
}

# Stops a process group started with setsid: TERM, then KILL after 5 s (an in-memory Azurite under load can ignore TERM).
# Starts scripts/run in its own process group with extra environment (NAME=value ...), its output in the log file;
# sets run_pid and returns once the app listens. Set an EXIT trap that runs stop_group "$run_pid" first.
start_run() { # log [NAME=value ...]
  local log=$1 deadline=$((SECONDS + 240)); shift
  rm -f "$repo_root/$run_dir/run.env"
  # Emptied here, not by the redirection below: that runs in the background job, maybe after the first check, which
  # would then find the previous run's "listening" line (a second start_run in one script returned at once).
  : > "$log"
  env "$@" setsid "$repo_root/scripts/run" >"$log" 2>&1 &
  run_pid=$!
  until grep -q "FlexZendesk listening on" "$log"; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 "$run_pid" 2>/dev/null; then
      cat "$log" >&2; echo "$(basename "$0"): the app did not start" >&2; exit 1
    fi
    sleep 0.5
  done
}

# Stops scripts/run's app instances gracefully (TERM, then waits up to 10 s), before stop_group takes the rest down,
# so their last log lines (the Zendesk budget's storage use) reach .tools/instances/*.log.
stop_instances() {
  local pids=() file
  for file in "$repo_root/$run_dir"/instances/*.pid; do [ -f "$file" ] && pids+=("$(cat "$file")"); done
  [ ${#pids[@]} -eq 0 ] && return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "${pids[@]}" 2>/dev/null || return 0; sleep 0.1; done
}

# Prints what the shared Zendesk budget cost the instances of the last run, summed from each instance's last log line:
# turns leased, turns that lapsed unused, storage transactions.
budget_use() {
  cat "$repo_root/$run_dir"/instances/*.log 2>/dev/null | grep 'Zendesk budget on this instance:' |
    sed 's/.*instance: //' | tr -c '0-9\n' ' ' |
    awk '{ turns += $1 + $4; lapsed += $2 + $5; storage += $3 + $6; n++ }
         END { printf "shared budget: %d instance(s) reported %d turns leased (%d lapsed unused) for %d storage transactions\n", n, turns, lapsed, storage }'
}

# Every live descendant of a process, children before their own children.
descendants() { # pid
  local child
  for child in $(pgrep -P "$1" || true); do echo "$child"; descendants "$child"; done
}

# Stops every descendant of a process (the caller passes its own $$): TERM, then KILL what is left after 5 s; then
# reaps the caller's own children, so none is left a zombie for an init that may not reap.
stop_descendants() { # pid
  local pids alive=""
  pids=$(descendants "$1")
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    for _ in $(seq 50); do
      # A zombie counts as gone: it is dead, only not reaped yet (the wait below reaps the caller's children).
      alive=$(ps -o pid=,stat= -p "$(echo $pids | tr ' ' ,)" 2>/dev/null | awk '$2 !~ /^Z/ { print $1 }' || true)
      [ -n "$alive" ] || break
      sleep 0.1
    done
    # shellcheck disable=SC2086
    [ -z "$alive" ] || kill -KILL $alive 2>/dev/null || true
  fi
  wait 2>/dev/null || true
}

stop_group() { # pid
  kill -TERM -- -"$1" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 -- -"$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- -"$1" 2>/dev/null || true
}
