#!/usr/bin/env bash
# The main job's offline rehearsal of an exchange: start the shipped Binance emulator on a
# free loopback port (its market clock starts at 2018-05-01 and runs ten days a second),
# download the history it has closed, then paper-trade examples/exchange_rehearsal.yaml
# (from 2018-06-01) on its live bars, each row waiting for its bar to close at the
# emulator, beside a replayed market (equities); then stop the emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
SPEED=864000  # ten market days a second
port="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
log="$(mktemp /tmp/tradewind-emulator.XXXXXX)"
"$BIN/tradewind" emulate binance --port "$port" --symbols BTCUSDT,ETHUSDT \
    --start 2018-05-01 --speed "$SPEED" >"$log" 2>&1 &
emulator=$!
stop_emulator() {
    kill -TERM "$emulator" 2>/dev/null || true
    wait "$emulator" 2>/dev/null || true
    grep "^stopped:" "$log" | sed 's/^/emulator /' || true
    rm -f "$log"
}
trap stop_emulator EXIT
for _ in $(seq 1 100); do
    grep -q "listening on" "$log" && break
    kill -0 "$emulator" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.1
done
grep -q "listening on" "$log" || { echo "the emulator did not start"; cat "$log"; exit 1; }
url="http://127.0.0.1:$port"
echo "rehearsal: Binance emulator $(head -n 1 "$log" | sed 's/^listening on //'), replaying 2018 from May 1 at ten days a second"
"$BIN/tradewind" data download --provider binance --endpoint "$url" --symbols BTCUSDT,ETHUSDT \
    --timeframe 1d --start 2018-01-01 --end 2018-05-01
TRADEWIND_MARKETS__CRYPTO__ENDPOINT="$url" "$BIN/tradewind" paper \
    --config examples/exchange_rehearsal.yaml --journal tradewind-data/rehearsal.sqlite
