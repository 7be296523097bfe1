"""Coinbase request authentication: legacy HMAC keys and CDP JWT keys (ES256 and EdDSA).

The secret decides the scheme, as ccxt decides it:

- a PEM EC private key (`-----BEGIN EC PRIVATE KEY-----`, P-256): `Authorization: Bearer
  <JWT>` signed ES256, with `kid` and `sub` the api key and `uri` = `METHOD host/path`;
- 88 characters or ending in `=` (a base64 Ed25519 seed + public key): a JWT signed EdDSA,
  with `uris` = [`METHOD host/path`];
- anything else: HMAC headers `CB-ACCESS-KEY`, `CB-ACCESS-TIMESTAMP` (unix seconds) and
  `CB-ACCESS-SIGN` = hex HMAC-SHA256(secret, timestamp + METHOD + path + payload), the
  payload being the JSON body, `?query` for a v2 GET and nothing for a v3 GET.

Times are checked against the AUTH clock (the wall clock minus the skew fault): an HMAC
timestamp more than `window_s` away is `request timestamp expired`; a JWT is refused
after `exp` or more than `window_s` before `nbf`. Every refusal is HTTP 401
`{"errors": [{"id": "authentication_error", "message": ...}]}`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from tradewind.venues.ccxt.emulator.coinbase_wire import CoinbaseError, errors_error
from tradewind.venues.emulation import EmulatorRequest

__all__ = ["Authenticator", "Credential", "credential_of"]

_HMAC, _ES256, _EDDSA = "hmac", "ES256", "EdDSA"


@dataclass(frozen=True, slots=True)
class Credential:
    """One api key's scheme and what verifies it (the HMAC secret or a public key)."""

    scheme: str
    secret: bytes = b""
    public_key: Any = None


def credential_of(key: str, secret: str) -> Credential:
    """The credential a secret stands for; raises ValueError naming the key if unusable."""
    if secret.startswith("-----BEGIN"):
        try:
            private = load_pem_private_key(secret.encode(), password=None)
        except (ValueError, TypeError):
            raise ValueError(f"credentials[{key!r}]: expected a PEM EC private key") from None
        if not isinstance(private, ec.EllipticCurvePrivateKey) or not isinstance(
            private.curve, ec.SECP256R1
        ):
            raise ValueError(f"credentials[{key!r}]: expected a P-256 (ES256) private key")
        return Credential(_ES256, public_key=private.public_key())
    if len(secret) == 88 or secret.endswith("="):
        try:
            raw = base64.b64decode(secret, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) < 32:
            raise ValueError(f"credentials[{key!r}]: expected a base64 Ed25519 key (88 characters)")
        private_ed = ed25519.Ed25519PrivateKey.from_private_bytes(raw[:32])
        return Credential(_EDDSA, public_key=private_ed.public_key())
    return Credential(_HMAC, secret=secret.encode())


class Authenticator:
    """Verifies signed requests; `authenticate` returns the api key or raises a 401."""

    def __init__(self, credentials: Mapping[str, str], window_s: int = 30) -> None:
        self._credentials = {key: credential_of(key, s) for key, s in credentials.items()}
        self.window_s = window_s

    def authenticate(self, request: EmulatorRequest, auth_now_ms: int) -> str:
        """The api key of a correctly signed request, else CoinbaseError(401)."""
        authorization = request.headers.get("authorization") or ""
        if authorization.startswith("Bearer "):
            return self._jwt(request, authorization[len("Bearer ") :], auth_now_ms // 1000)
        return self._hmac(request, auth_now_ms // 1000)

    # -- HMAC ----------------------------------------------------------------------------
    def _hmac(self, request: EmulatorRequest, now_s: int) -> str:
        key = request.headers.get("cb-access-key") or ""
        credential = self._credentials.get(key)
        if credential is None or credential.scheme != _HMAC:
            raise _refused("invalid api key")
        stamp = request.headers.get("cb-access-timestamp") or ""
        if not stamp.isdigit():
            raise _refused("invalid timestamp")
        message = stamp + request.method + request.path + _payload(request)
        expected = hmac.new(credential.secret, message.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.headers.get("cb-access-sign") or ""):
            raise _refused("invalid signature")
        if abs(now_s - int(stamp)) > self.window_s:
            raise _refused("request timestamp expired")
        return key

    # -- JWT -----------------------------------------------------------------------------
    def _jwt(self, request: EmulatorRequest, token: str, now_s: int) -> str:
        parts = token.split(".")
        if len(parts) != 3:
            raise _refused("invalid token")
        header, claims = _segment(parts[0]), _segment(parts[1])
        key = str(header.get("kid") or "")
        credential = self._credentials.get(key)
        if credential is None or credential.scheme != header.get("alg"):
            raise _refused("invalid api key")
        signed = f"{parts[0]}.{parts[1]}".encode()
        if not _verify(credential, _b64url(parts[2]), signed):
            raise _refused("invalid signature")
        if claims.get("sub") != key:
            raise _refused("invalid token subject")
        if not _int(claims.get("nbf")) - self.window_s <= now_s < _int(claims.get("exp")):
            raise _refused("request timestamp expired")
        uris = claims.get("uris") if credential.scheme == _EDDSA else [claims.get("uri")]
        if not isinstance(uris, list) or not any(_uri_matches(u, request) for u in uris):
            raise _refused("invalid token uri")
        return key


def _refused(message: str) -> CoinbaseError:
    return errors_error(401, "authentication_error", message)


def _payload(request: EmulatorRequest) -> str:
    if request.method != "GET":
        return request.body.decode("utf-8", "replace")
    if request.path.startswith("/v2/") and request.query:
        return "?" + request.query
    return ""


def _b64url(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise _refused("invalid token") from None


def _segment(text: str) -> dict[str, Any]:
    try:
        loaded = json.loads(_b64url(text))
    except ValueError:
        raise _refused("invalid token") from None
    if not isinstance(loaded, dict):
        raise _refused("invalid token")
    return loaded


def _verify(credential: Credential, signature: bytes, signed: bytes) -> bool:
    try:
        if credential.scheme == _ES256:
            if len(signature) != 64:
                return False
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            der = encode_dss_signature(r, s)
            credential.public_key.verify(der, signed, ec.ECDSA(hashes.SHA256()))
        else:
            credential.public_key.verify(signature, signed)
    except InvalidSignature:
        return False
    return True


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _refused("invalid token claims") from None


def _uri_matches(uri: Any, request: EmulatorRequest) -> bool:
    """`METHOD host/path` (ccxt keeps the scheme of a non-https URL) for this request."""
    if not isinstance(uri, str):
        return False
    method, _, target = uri.partition(" ")
    _, _, path = target.split("://", 1)[-1].partition("/")
    return method == request.method and "/" + path == request.path
