"""The shipped systemd unit is valid (``systemd-analyze verify``, where systemd is present)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

UNIT = Path(__file__).parent.parent / "contrib" / "loa.service"


def test_the_unit_runs_loa_with_a_config_and_keeps_secrets_out() -> None:
    text = UNIT.read_text(encoding="utf-8")
    assert "ExecStart=/opt/loa/.venv/bin/loa --config /etc/loa/loa.toml run" in text
    assert "EnvironmentFile=" in text and "TOKEN=" not in text.replace("_TOKEN=…", "")
    assert "RestartPreventExitStatus=2" in text  # a configuration error is not retried


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed")
def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    # verify checks that ExecStart exists: point it at an executable of this machine.
    unit = tmp_path / "loa.service"
    unit.write_text(
        UNIT.read_text(encoding="utf-8").replace(
            "/opt/loa/.venv/bin/loa", shutil.which("true") or "/bin/true"
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # verify exits 0 even for unknown keys; what it says about the unit is on stderr.
    problems = [line for line in result.stderr.splitlines() if str(unit) in line]
    assert result.returncode == 0 and problems == [], result.stderr
