"""The REST API of `tradewind serve` (`/api/v1/...`): reads the journal through
`tradewind.app.monitor` and sends operator commands through the journal's control
channel. Authentication, security headers and the live change feed live here too; the
HTML dashboard (`tradewind.web`) builds on them."""

__all__: list[str] = []
