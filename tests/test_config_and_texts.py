"""Configuration is validated with one clear line per mistake; catalogs stay in step."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.config import DEFAULT_DATABASE_URL, ConfigError, load_settings
from bot.i18n import CATALOGS, Raw, resolve_language, t


def settings(**values: Any) -> Any:
    return load_settings(_env_file=None, **values)


def test_defaults_need_nothing_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS", "TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    s = settings()
    assert s.token is None
    assert s.database_url == DEFAULT_DATABASE_URL
    assert s.timezone == "Asia/Shanghai" and s.admin_ids == ()


def test_environment_is_read_and_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "111, 222;333")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db:5432/studio")
    monkeypatch.setenv("TELEGRAM_BASE_URL", "http://127.0.0.1:8081/bot")
    monkeypatch.setenv("TELEGRAM_PROXY", "")
    s = settings()
    assert s.admin_ids == (111, 222, 333)
    assert s.database_url == "postgresql+asyncpg://u@db:5432/studio"
    assert s.telegram_base_url == "http://127.0.0.1:8081/bot"
    assert s.telegram_proxy is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("telegram_bot_token", "not-a-token", "TELEGRAM_BOT_TOKEN"),
        ("database_url", "mysql://x", "DATABASE_URL"),
        ("timezone", "Mars/Olympus", "TIMEZONE"),
        ("admin_ids", "12,abc", "ADMIN_IDS"),
        ("telegram_proxy", "127.0.0.1:7890", "TELEGRAM_PROXY"),
        ("invite_ttl_days", 0, "INVITE_TTL_DAYS"),
    ],
)
def test_each_mistake_is_named(field: str, value: Any, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        settings(**{field: value})
    assert message in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    zh, en = CATALOGS["zh"], CATALOGS["en"]
    assert zh.keys() == en.keys()
    placeholder = r"{(\w+)(?::[^{}]*)?}"  # {days} or {days:day|days}
    for key in zh:
        assert set(re.findall(placeholder, zh[key])) == set(re.findall(placeholder, en[key])), key


def test_english_counts_agree_with_their_nouns() -> None:
    reminder = {"union": "Mengla", "year": 2026, "deadline": "2026-12-31"}
    assert "<b>1</b> day left." in t("en", "rem.deadline", days=1, **reminder)
    assert "<b>2</b> days left." in t("en", "rem.deadline", days=2, **reminder)
    assert "<b>0</b> days left." in t("en", "rem.deadline", days=0, **reminder)
    assert t("en", "report.unassessed", count=1).startswith("1 studio is not assessed")
    assert t("en", "report.unassessed", count=3).startswith("3 studios are not assessed")
    every_count = {n: 1 for n in re.findall(r"{(\w+)", " ".join(CATALOGS["en"].values()))}
    for key in CATALOGS["en"]:  # no "1 days" anywhere, whatever the count
        rendered = t("en", key, **every_count)
        assert not re.search(r"\b1 (days|studios|unions|members|achievements)\b", rendered), key


def test_placeholders_are_escaped_unless_raw() -> None:
    assert t("zh", "errors.unknown_command", command="<b>&") == (
        "我不认识 &lt;b&gt;&amp; 这个命令。发送 /help 看看能做什么，或者直接打字提问。"
    )
    assert "<b>x</b>" in t("zh", "start.invite_ok", role=Raw("<b>x</b>"), next="")


@pytest.mark.parametrize(
    ("chosen", "telegram", "expected"),
    [(None, None, "zh"), (None, "zh-hans", "zh"), (None, "en-US", "en"), ("zh", "en", "zh"),
     ("en", "zh", "en"), (None, "ru", "zh")],
)  # fmt: skip
def test_language_resolution(chosen: str | None, telegram: str | None, expected: str) -> None:
    assert resolve_language(chosen, telegram) == expected


def test_the_fast_path_formats_every_catalog_text_as_the_plural_aware_formatter_does() -> None:
    import string

    from bot.i18n import _FORMATTER, CATALOGS, t

    for lang, catalog in CATALOGS.items():
        for key, template in catalog.items():
            names = {
                f.split(".")[0].split("[")[0]
                for _, f, _, _ in string.Formatter().parse(template)
                if f
            }
            for value in ("1", "2", "<b>&"):
                params = dict.fromkeys(names, value)
                escaped = {
                    k: v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                    for k, v in params.items()
                }
                assert t(lang, key, **params) == _FORMATTER.format(template, **escaped), key
