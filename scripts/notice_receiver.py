"""A local stand-in for a notification service: prints each notice posted to it.

    python scripts/notice_receiver.py --port 8767 [--out notices.jsonl]
    export TRADEWIND_NOTIFY_URLS=json://127.0.0.1:8767/notices

Accepts apprise's `json://` posts (title, message) on 127.0.0.1 only; each notice is
printed as one line and, with --out, appended to a JSON-lines file.
"""

from __future__ import annotations

import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    out: Path | None = args.out

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            size = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(size) or b"{}")
            line = f"notice: {payload.get('title', '')}: {payload.get('message', '')}"
            print(line, flush=True)
            if out is not None:
                with out.open("a") as sink:
                    sink.write(json.dumps(payload) + "\n")
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return  # one line per notice is enough

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"listening on http://127.0.0.1:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
