"""``hepatrial serve`` starts gunicorn on a set-up study and serves pages and static files."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from hepatrial.protocol import seed_protocol_path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="hepatrial.edc.settings",
        HEPATRIAL_DATA_DIR=str(data_dir),
        HEPATRIAL_ADMIN_PASSWORD="Correct-Horse-42",
    )
    return env


def _cli(*args: str, data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "hepatrial.cli", *args, "--data-dir", str(data_dir)]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_serve_refuses_a_data_directory_without_a_study(tmp_path: Path) -> None:
    done = subprocess.run(
        _cli("serve", "--port", str(_free_port()), data_dir=tmp_path),
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "run `hepatrial init` first" in done.stderr


def test_serve_answers_the_login_page_and_the_stylesheet(tmp_path: Path) -> None:
    init = _cli("init", "--protocol", str(seed_protocol_path()), "--admin-name", "Ada Admin",
                data_dir=tmp_path)  # fmt: skip
    subprocess.run(init, env=_env(tmp_path), check=True, capture_output=True, timeout=300)
    port = _free_port()
    server = subprocess.Popen(
        _cli("serve", "--port", str(port), "--workers", "1", data_dir=tmp_path),
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        status, body = 0, b""
        while time.monotonic() < deadline:
            if server.poll() is not None:
                output = server.stdout.read().decode() if server.stdout else ""
                pytest.fail(f"hepatrial serve exited with {server.returncode}:\n{output}")
            try:
                status, body = _get(f"{base}/login/")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        assert status == 200
        assert b'name="username"' in body
        status, css = _get(f"{base}/static/web/hepatrial.css")
        assert status == 200
        assert b".skip-link" in css
        status, _ = _get(f"{base}/static/web/no-such-file.css")
        assert status == 404
    finally:
        server.terminate()
        server.wait(timeout=30)
