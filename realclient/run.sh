#!/usr/bin/env bash
# Real-client suite: Microsoft's Adaptive Cards library, the Teams manifest
# schema and the Microsoft 365 Agents Playground driven by headless Chromium.
# Run from the repo root with the project's venv active: bash realclient/run.sh
set -euo pipefail

RC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$RC")"
OUT="${RC_OUT:-$RC/out}"
export RC_OUT="$OUT"

# --- installs (idempotent; CI starts from a bare machine) --------------------
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# The one font the card walk's host config names (render/hostconfig.json).
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update && apt-get install -y "${missing[@]}"
fi
# The referat draft's Word file is opened in LibreOffice headless, its PDF read with
# poppler; DejaVu gives the PDF a font with æøå. Without recommends: a minute, not five.
LO_NEED=()
command -v soffice >/dev/null || LO_NEED+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null || LO_NEED+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || LO_NEED+=(fonts-dejavu-core)
if [ "${#LO_NEED[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update && apt-get install -y --no-install-recommends "${LO_NEED[@]}"
fi
# Never let playwright fetch its own browsers: Debian's chromium is the one we test with.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# The npm cache on the machine, when there is one, instead of asking the registry again.
(cd "$RC" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)

env -C "$REPO" python -c 'import app' || { echo "realclient: 'python' cannot import app.py; activate the project venv" >&2; exit 2; }

# --- bot + playground ---------------------------------------------------------
WORK="$(mktemp -d /tmp/realclient.XXXXXX)"
mkdir -p "$OUT/logs" "$WORK/playground"
BOT_PID=""; PG_PID=""; TEST_PID=""
cleanup() {
  # Only what this script started, by pid; the test run is its own process group
  # so that its per-file children and browsers go with it.
  [ -n "$TEST_PID" ] && kill -- "-$TEST_PID" 2>/dev/null
  for pid in $PG_PID $BOT_PID; do kill "$pid" 2>/dev/null || true; done
  for pid in $TEST_PID $PG_PID $BOT_PID; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { python -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null; }
any_port() { python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
BOT_PORT="${RC_BOT_PORT:-3978}";  port_free "$BOT_PORT" || BOT_PORT="$(any_port)"
PG_PORT="${RC_PG_PORT:-56150}";   port_free "$PG_PORT"  || PG_PORT="$(any_port)"

# `env -C` execs the program itself, so $! is the real server's pid.
env -C "$REPO" PORT="$BOT_PORT" HOST=127.0.0.1 DATABASE_URL="sqlite:///$WORK/rc.db" \
  MicrosoftAppId= MicrosoftAppPassword= \
  python app.py >"$OUT/logs/bot.log" 2>&1 </dev/null &
BOT_PID=$!

cp "$RC/playground.yml" "$WORK/playground/.m365agentsplayground.yml"
env -C "$WORK/playground" TEAMSAPPTESTER_BROWSER=none \
  node "$RC/node_modules/@microsoft/m365agentsplayground/cli.js" \
  -e "http://127.0.0.1:$BOT_PORT/api/messages" -c msteams -p "$PG_PORT" --disable-telemetry \
  >"$OUT/logs/playground.log" 2>&1 </dev/null &
PG_PID=$!

export RC_TMP="$WORK"
export RC_BOT_URL="http://127.0.0.1:$BOT_PORT" RC_PLAYGROUND_URL="http://127.0.0.1:$PG_PORT"
export RC_BOT_LOG="$OUT/logs/bot.log" RC_PLAYGROUND_LOG="$OUT/logs/playground.log"
echo "realclient: bot pid $BOT_PID on $RC_BOT_URL, playground pid $PG_PID on $RC_PLAYGROUND_URL"

# --- tests: one file at a time, so each failure names its client --------------
# In the background and waited for, so that INT/TERM reach the trap at once
# instead of after the whole run.
env -C "$RC" setsid node --test --test-concurrency=1 --test-timeout=180000 \
  --test-reporter=spec tests/ </dev/null &
TEST_PID=$!
set +e
wait "$TEST_PID"
status=$?
set -e
TEST_PID=""
echo "realclient: pictures in $OUT/cards and $OUT/playground, logs in $OUT/logs"
exit "$status"
