# Shared by scripts/*: pinned Azurite on free loopback ports. Source it; it defines functions only.

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
azurite_js="$repo_root/tools/azurite/node_modules/azurite/dist/src/azurite.js"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Installs the Azurite version pinned in tools/azurite/package-lock.json (once).
ensure_azurite() {
  if [ ! -f "$azurite_js" ]; then
    echo "Installing Azurite (pinned in tools/azurite) ..." >&2
    npm ci --prefix "$repo_root/tools/azurite" --no-audit --no-fund --loglevel=error >&2
  fi
}

# Prints a TCP port that is free on 127.0.0.1 right now (10000-10002 may be taken on shared machines).
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

wait_port() { # port [seconds]
  local port=$1 deadline=$((SECONDS + ${2:-30}))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "nothing listens on 127.0.0.1:$port" >&2; return 1; }
    sleep 0.1
  done
}

# Starts Azurite in memory on free ports; sets AZURITE_PID and exports AzureWebJobsStorage.
start_azurite() {
  ensure_azurite
  local blob queue table
  blob=$(free_port); queue=$(free_port); table=$(free_port)
  node "$azurite_js" --silent --disableTelemetry --inMemoryPersistence --skipApiVersionCheck --disableProductStyleUrl \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" >/dev/null 2>&1 &
  AZURITE_PID=$!
  wait_port "$blob" && wait_port "$queue" && wait_port "$table"
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
  rm -f "$repo_root/.tools/run.env"
  env "$@" setsid "$repo_root/scripts/run" >"$log" 2>&1 &
  run_pid=$!
  until grep -q "FlexZendesk listening on" "$log"; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 "$run_pid" 2>/dev/null; then
      cat "$log" >&2; echo "$(basename "$0"): the app did not start" >&2; exit 1
    fi
    sleep 0.5
  done
}

stop_group() { # pid
  kill -TERM -- -"$1" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 -- -"$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- -"$1" 2>/dev/null || true
}
