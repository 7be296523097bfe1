"""The dashboard of `tradewind serve`: server-rendered pages (Jinja2 + HTMX, charts with
the vendored lightweight-charts), one tab per market class plus ALL MARKETS, live
through the API's change stream. `server.create_app` assembles API and pages."""

__all__: list[str] = []
