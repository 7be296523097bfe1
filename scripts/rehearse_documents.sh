#!/usr/bin/env bash
# The documents' three markets (examples/documents_markets.yaml: crypto on binance, forex
# on oanda, stocks on interactive_brokers) paper-traded offline against three shipped
# emulators at once.
#
# 1. Each emulator starts on a free loopback port at 2017-09-04 and the history before
#    that is downloaded from it with `tradewind data download`.
# 2. They restart on the same ports with fresh clocks at 2017-09-04, replaying twenty
#    market hours a second, and the YAML, as written, paper-trades two weeks on their
#    live bars: each row waits for its bars to close there. Only what the bundled data
#    lacks is overridden from the environment (BTCUSDT 1h instead of BTCUSDT/ETHUSDT 5m,
#    no GBP_USD, no AAPL or SPY in 2017: MSFT and JPM instead).
#
#   scripts/rehearse_documents.sh    everything healthy (rows paced at the emulators' speed)
#   FAILURES=outage,auth,timeout scripts/rehearse_documents.sh  (or FAILURES=1: all three)
#       the documents' failure table, by hand; each market's lines say what it did:
#       outage:  the Binance emulator is down as the run starts and back (same port, same
#                state) 4 s later -> crypto pauses, retries, resumes; the others trade on
#       auth:    OANDA gets a wrong token -> forex stops at once; the others trade on
#       timeout: IB leaves one request in ten unanswered -> stocks pause and retry
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
SPEED=72000  # twenty market hours a second
START=2017-09-04
work="$(mktemp -d /tmp/tradewind-rehearsal.XXXXXX)"
pids=()
free_port() {
    "$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
emulate() {  # emulate NAME PORT STATE ARGS...: start `tradewind emulate`, wait until it listens
    local name="$1" port="$2" state="$3" log
    shift 3
    log="$work/$name-$state.log"
    "$BIN/tradewind" emulate "$name" --port "$port" --start "$START" --speed "$SPEED" \
        --state "$work/$name-$state.json" "$@" >"$log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 150); do
        grep -qs "listening on" "$log" && break
        sleep 0.1
    done
    grep -qs "listening on" "$log" || { echo "$name did not start"; cat "$log"; exit 1; }
}
stop_emulators() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pids=()
}
finish() {
    [ -f "$work/binance.pid" ] && pids+=("$(cat "$work/binance.pid")")
    stop_emulators
    for log in "$work"/*-live*.log; do
        grep "^stopped:" "$log" 2>/dev/null | sed "s/^/$(basename "$log" | cut -d- -f1) emulator /" || true
    done
    rm -rf "$work"
}
trap finish EXIT

binance="$(free_port)"; oanda="$(free_port)"; ib="$(free_port)"
export TRADEWIND_OANDA_TOKEN=tradewind-oanda-emulator-token  # the emulator's made-up token
export TRADEWIND_IB_CLIENT_ID=11
emulate binance "$binance" history --symbols BTCUSDT
emulate oanda "$oanda" history --symbols EUR_USD
emulate ib "$ib" history --symbols MSFT,JPM
echo "rehearsal: binance http://127.0.0.1:$binance, oanda http://127.0.0.1:$oanda, ib 127.0.0.1:$ib"
"$BIN/tradewind" data download --provider binance --endpoint "http://127.0.0.1:$binance" \
    --symbols BTCUSDT --timeframe 1h --start 2017-08-01 --end "$START"
"$BIN/tradewind" data download --provider oanda --endpoint "http://127.0.0.1:$oanda" \
    --symbols EUR_USD --timeframe 1h --start 2017-08-01 --end "$START"
"$BIN/tradewind" data download --provider interactive_brokers --endpoint "tcp://127.0.0.1:$ib" \
    --symbols MSFT,JPM --timeframe 1d --start 2017-03-01 --end "$START"
stop_emulators

failing() { [[ ",${FAILURES:-}," == *",$1,"* || "${FAILURES:-}" == 1 ]]; }
ib_faults=()
if failing auth; then
    export TRADEWIND_OANDA_TOKEN=not-the-token  # OANDA refuses it: forex stops
fi
if failing timeout; then
    # one IB request in ten goes unanswered; stocks give a request 1.5 s before they
    # count it lost, pause and retry
    ib_faults=(--faults timeout=0.1 --seed 7)
    export TRADEWIND_MARKETS__STOCKS__REQUEST_TIMEOUT_MS=1500
fi
emulate binance "$binance" live --symbols BTCUSDT
emulate oanda "$oanda" live --symbols EUR_USD
emulate ib "$ib" live --symbols MSFT,JPM "${ib_faults[@]}"
echo "rehearsal: the three emulators restarted at $START, twenty market hours a second"
if failing outage; then
    kill -TERM "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
    echo "rehearsal: the Binance emulator is down as the run starts"
    (  # and comes back on the same port and state 4 s after the run started trading
        until grep -q "^crypto: venue" "$work/paper.out" 2>/dev/null; do sleep 0.2; done
        sleep 4
        "$BIN/tradewind" emulate binance --port "$binance" --symbols BTCUSDT \
            --state "$work/binance-live.json" --speed "$SPEED" >"$work/binance-live2.log" 2>&1 &
        echo $! >"$work/binance.pid"
        echo "rehearsal: the Binance emulator is back on the same port and state"
    ) &
fi
TRADEWIND_MODE=paper \
TRADEWIND_DATA__START="$START" TRADEWIND_DATA__END=2017-09-16 \
TRADEWIND_DATA__ALIGNMENT__TIMELINE=1h TRADEWIND_MMIN__CROSS_MARKET_SIGNALS_REQUIRED=0 \
TRADEWIND_MARKETS__CRYPTO__ENDPOINT="http://127.0.0.1:$binance" \
TRADEWIND_MARKETS__CRYPTO__SYMBOLS='["BTCUSDT"]' TRADEWIND_MARKETS__CRYPTO__TIMEFRAME=1h \
TRADEWIND_MARKETS__CRYPTO__QUOTE_CURRENCY=USD \
TRADEWIND_MARKETS__FOREX__ENDPOINT="http://127.0.0.1:$oanda" \
TRADEWIND_MARKETS__FOREX__SYMBOLS='["EUR_USD"]' \
TRADEWIND_MARKETS__STOCKS__ENDPOINT="tcp://127.0.0.1:$ib" \
TRADEWIND_MARKETS__STOCKS__SYMBOLS='["MSFT","JPM"]' \
    "$BIN/tradewind" paper --config examples/documents_markets.yaml --speed "$SPEED" \
    --journal "tradewind-data/documents-rehearsal.sqlite" | tee "$work/paper.out"
