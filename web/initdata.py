"""Telegram Mini App `initData`, verified as Telegram specifies
(https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app):
secret = HMAC-SHA256(key="WebAppData", msg=bot token); the hash is
HMAC-SHA256(key=secret, msg=the other fields as sorted "key=value" lines), hex."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

MAX_AGE_S = 24 * 3600  # older than a day is refused (issue 13)
FUTURE_SKEW_S = 300


class InitDataError(ValueError):
    pass


def _check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))


def sign(fields: dict[str, str], bot_token: str) -> str:
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    return hmac.new(secret, _check_string(fields).encode(), hashlib.sha256).hexdigest()


def verify(init_data: str, bot_token: str, now: datetime) -> dict[str, Any]:
    """The Telegram user the data was signed for; InitDataError when forged or stale."""
    try:
        fields = dict(parse_qsl(init_data, keep_blank_values=True, strict_parsing=True))
    except ValueError as exc:
        raise InitDataError("unreadable") from exc
    given = fields.pop("hash", "")
    if not given or not hmac.compare_digest(sign(fields, bot_token), given):
        raise InitDataError("bad signature")
    try:
        age = now.timestamp() - int(fields["auth_date"])
        user = json.loads(fields["user"])
        user_id = int(user["id"])
    except (KeyError, ValueError, TypeError) as exc:
        raise InitDataError("incomplete") from exc
    if age > MAX_AGE_S or age < -FUTURE_SKEW_S:
        raise InitDataError("stale")
    return {**user, "id": user_id}
