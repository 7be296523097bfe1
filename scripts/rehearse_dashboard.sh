#!/usr/bin/env bash
# The dashboard and REST API (`tradewind serve`) over the journal the documents' rehearsal
# left (crypto, forex and stocks paper-traded against three emulators): a throwaway viewer
# with a random password and a bearer token, the server on a free 127.0.0.1 port, the API
# without and with the token, a live change stream, a viewer's control refused; then the
# user is removed and the server stopped. Prints how to open the dashboard yourself.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
JOURNAL="${JOURNAL:-tradewind-data/documents-rehearsal.sqlite}"
port="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
work="$(mktemp -d /tmp/tradewind-dashboard.XXXXXX)"
user="rehearsal-$$"
server=""
finish() {
    [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    "$BIN/tradewind" user remove "$user" --journal "$JOURNAL" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap finish EXIT
"$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(24))' |
    "$BIN/tradewind" user add "$user" --role viewer --journal "$JOURNAL" --password-stdin >/dev/null
TRADEWIND_REHEARSAL_TOKEN="$("$BIN/tradewind" user token "$user" --journal "$JOURNAL" |
    grep -o 'twk_[A-Za-z0-9_-]*')"
export TRADEWIND_REHEARSAL_TOKEN
"$BIN/tradewind" serve --journal "$JOURNAL" --port "$port" --reports reports >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
    grep -q "Ctrl-C stops it" "$work/serve.log" && break
    kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
    sleep 0.1
done
echo "dashboard rehearsal: tradewind serve on http://127.0.0.1:$port over $JOURNAL"
"$BIN/python" scripts/dashboard_check.py "http://127.0.0.1:$port"
echo "Open the dashboard yourself (a user of your own, then the server; Ctrl-C stops it):"
echo "  $BIN/tradewind user add YOU --role operator --journal $JOURNAL"
echo "  $BIN/tradewind serve --journal $JOURNAL --config examples/documents_markets.yaml"
echo "  then http://127.0.0.1:8080/ in a browser (API docs at /api/docs)"
