#!/usr/bin/env bash
# The main job's offline rehearsal of operator mode (`tradewind live`) against the shipped
# Binance emulator: the refusal without promotion, the promotion (by override, journaled:
# a rehearsal has no paper record), the confirmed start, a HARD stop from another shell
# (checked at the venue with ccxt), a resume, the audit, and the notices a local receiver
# got. Everything on 127.0.0.1; the rehearsal's journal is started afresh each time.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
SPEED=864000  # ten market days a second
CONFIG=examples/live_rehearsal.yaml
JOURNAL=tradewind-data/live-rehearsal.sqlite
free_port() { "$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port="$(free_port)"; notices_port="$(free_port)"
url="http://127.0.0.1:$port"
work="$(mktemp -d /tmp/tradewind-live.XXXXXX)"
start_emulator() {  # a fresh market clock at 2018-05-31, ten days a second
    "$BIN/tradewind" emulate binance --port "$port" --symbols BTCUSDT,ETHUSDT \
        --start 2018-05-31 --speed "$SPEED" >"$work/emulator.log" 2>&1 &
    emulator=$!
    for _ in $(seq 1 100); do
        grep -q "listening on" "$work/emulator.log" && return 0
        sleep 0.1
    done
    cat "$work/emulator.log"; exit 1
}
"$BIN/python" scripts/notice_receiver.py --port "$notices_port" >"$work/notices.log" 2>&1 &
receiver=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/notices.log" && break; sleep 0.1; done
live=""
finish() {
    [ -n "$live" ] && kill -TERM "$live" 2>/dev/null || true
    kill -TERM $emulator "$receiver" 2>/dev/null || true
    wait $emulator "$receiver" 2>/dev/null || true
    [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap finish EXIT
emulator=""
start_emulator
export TRADEWIND_CCXT_API_KEY=rehearsal-key TRADEWIND_CCXT_SECRET=rehearsal-secret
export TRADEWIND_MARKETS__CRYPTO__ENDPOINT="$url"
export TRADEWIND_NOTIFY_URLS="json://127.0.0.1:$notices_port/notices"
echo "live rehearsal: Binance emulator at $url (2018 from May 31, ten days a second); notices to a receiver on port $notices_port"
"$BIN/tradewind" data download --provider binance --endpoint "$url" --symbols BTCUSDT,ETHUSDT \
    --timeframe 1d --start 2018-01-01 --end 2018-05-31 >/dev/null
rm -f "$JOURNAL" "$JOURNAL"-*
kill -TERM "$emulator"; wait "$emulator" 2>/dev/null || true
if "$BIN/tradewind" live --config "$CONFIG" --confirm 100000001 >"$work/refused.log" 2>&1; then
    echo "live started without a promotion"; exit 1
fi
echo "without a promotion: $(grep -m1 'is at stage' "$work/refused.log" | sed 's/^ *//')"
"$BIN/tradewind" promote --config "$CONFIG" --market crypto --to paper | tail -n 1
"$BIN/tradewind" promote --config "$CONFIG" --market crypto --to operator --override \
    --reason "offline rehearsal against the emulator" | tail -n 1
start_emulator  # a fresh clock: the live run starts on its first day, however long the above took
"$BIN/tradewind" live --config "$CONFIG" --confirm 100000001 >"$work/live.log" 2>&1 &
live=$!
"$BIN/python" - "$url" <<'PY'
import sys, time
sys.path.insert(0, "scripts")
from ccxt_against_emulator import client
venue = client(sys.argv[1], "rehearsal-key", "rehearsal-secret")
deadline = time.monotonic() + 20
while time.monotonic() < deadline:  # until the strategy holds something at the venue
    held = {k: v for k, v in venue.fetch_balance()["total"].items() if v and k != "USDT"}
    if held:
        print(f"at the venue before the HARD stop: holdings {held} besides USDT")
        break
    time.sleep(0.2)
PY
"$BIN/tradewind" stop --hard --config "$CONFIG" --reason "rehearsal: test the kill switch"
"$BIN/python" - "$url" <<'PY'
import sys
sys.path.insert(0, "scripts")
from ccxt_against_emulator import client
venue = client(sys.argv[1], "rehearsal-key", "rehearsal-secret")
venue.load_markets()
orders = sum(len(venue.fetch_open_orders(s)) for s in ("BTC/USDT", "ETH/USDT"))
held = {k: v for k, v in venue.fetch_balance()["total"].items() if v and k != "USDT"}
print(f"at the venue after the HARD stop: {orders} open orders, holdings {held or 'none'} besides USDT")
PY
sleep 2
"$BIN/tradewind" resume --config "$CONFIG" --reason "rehearsal: trade again"
wait "$live"; live=""
sed -n '/^crypto:/,$p' "$work/live.log"
"$BIN/tradewind" controls --config "$CONFIG" --limit 5 | tail -n 4
sleep 1
echo "notices received: $(grep -c '^notice:' "$work/notices.log" || true)"
grep '^notice:' "$work/notices.log" | grep -E 'HARD|RESUME|LIVE' | head -n 4 || true
