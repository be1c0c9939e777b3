"""``loa check --live``: each platform's raw answers, token redacted, recorded (issue 21)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import texts
from loa.cli import main
from tests.e2e_support import TELEGRAM_TOKEN, ZALO_TOKEN, Options, write_config
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.support.server import serve

TG_ADMIN, ZALO_ADMIN = 9001, "zadmin01"


def test_live_probe_prints_and_records_raw_answers_without_the_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    telegram, zalo = TelegramEmulator(), ZaloEmulator(ZALO_TOKEN)
    telegram.add_chat(TG_ADMIN)
    zalo.add_chats([ZALO_ADMIN])
    record = tmp_path / "answers.json"
    with serve(telegram.app) as tg_url, serve(zalo.app) as zalo_url:
        options = Options(telegram_admins=[TG_ADMIN], zalo_admins=[ZALO_ADMIN])
        config = write_config(tmp_path, tg_url, zalo_url, options)
        status = main(
            ["--config", str(config), "check", "--live", "--send-test", "--record", str(record)]
        )
    out, err = capsys.readouterr()
    assert status == 0, out + err
    assert TELEGRAM_TOKEN not in out + err and ZALO_TOKEN not in out + err
    lines = out.splitlines()
    assert lines[0].startswith('zalo getMe: HTTP 200 {"ok": true')  # Zalo first
    assert 'zalo a method that does not exist: HTTP 200 {"ok": false, "error_code": 404' in out
    assert 'zalo sendMessage to a chat id that cannot exist: HTTP 200 {"ok": false' in out
    assert 'telegram a method that does not exist: HTTP 404 {"ok": false' in out
    assert "telegram getWebhookInfo: HTTP 200" in out
    # The test message went to the first administrator of each platform, and only there.
    assert [s.text for s in zalo.sent()] == [texts.LIVE_CHECK_TEST]
    assert [s.chat_id for s in zalo.sent()] == [ZALO_ADMIN]
    assert [m.chat_id for m in telegram.sent] == [TG_ADMIN]
    recorded = json.loads(record.read_text(encoding="utf-8"))
    assert len(recorded) == 10 and ZALO_TOKEN not in record.read_text(encoding="utf-8")
    assert {r["platform"] for r in recorded} == {"zalo", "telegram"}
    assert recorded[0]["method"] == "getMe" and recorded[0]["body"]["ok"] is True


def test_a_refused_token_fails_the_probe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    telegram, zalo = TelegramEmulator(), ZaloEmulator("e2e:another-token")
    with serve(telegram.app) as tg_url, serve(zalo.app) as zalo_url:
        config = write_config(tmp_path, tg_url, zalo_url, Options())
        status = main(["--config", str(config), "check", "--live"])
    out, _ = capsys.readouterr()
    assert status == 1
    assert 'zalo getMe: HTTP 200 {"ok": false, "error_code": 401' in out
    assert zalo.sent() == [] and telegram.sent == []  # no --send-test: nothing sent
