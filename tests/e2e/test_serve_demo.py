"""``ledger serve --demo`` as a newcomer runs it: an empty directory, no configuration.

Given an empty working directory, when ``ledger serve --demo`` starts (the command behind
``scripts/run.sh``), then it migrates its own SQLite file, loads the demo, prints a token per
role, serves ``/docs``, and the printed department token reads the demo's reports.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_tokens(log: Path, process: subprocess.Popen[bytes], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        if "Open http://" in text:
            return text
        if process.poll() is not None:
            pytest.fail(f"ledger serve exited with {process.returncode}:\n{text[-2000:]}")
        time.sleep(0.5)
    pytest.fail("ledger serve --demo printed no tokens in time")


@pytest.mark.slow
def test_serve_demo_in_an_empty_directory_serves_docs_and_the_demo_data(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env["PYTHONPATH"] = str(ROOT)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--demo", "--port", str(port)],
            cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        text = wait_for_tokens(log, process, timeout=240)
        tokens = dict(re.findall(r"^\s+(department|auditor|admin)\s+(fl_\S+)$", text, re.MULTILINE))
        assert set(tokens) == {"department", "auditor", "admin"}
        assert re.search(r"^\s+finance_office 10108\s+fl_\S+$", text, re.MULTILINE)
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        assert httpx.get(f"{base}/docs", timeout=10).status_code == 200
        auth = {"Authorization": f"Bearer {tokens['department']}"}
        projects = httpx.get(f"{base}/v1/projects", headers=auth, timeout=30).json()
        assert "SX1331-A-2017-001" in [p["project_code"] for p in projects]
        assert (tmp_path / "fundledger.sqlite").exists()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
