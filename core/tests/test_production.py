"""Production mode refuses to start unsafe (issue: DEBUG off ran with the public
development key; no Secure cookies, HSTS or SSL redirect; no CSP)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, var_dir, **env):
    # Not this test run's settings (browser tests allow async-unsafe calls in-process).
    leave_out = ("POOLCRM_", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if not k.startswith(leave_out)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={
            **base,
            "POOLCRM_VAR_DIR": os.environ.get("POOLCRM_VAR_DIR", str(ROOT / "var")),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_without_a_secret_key_does_not_start(tmp_path):
    run = manage("check", var_dir=tmp_path, POOLCRM_DEBUG="0")
    assert run.returncode != 0
    assert "POOLCRM_SECRET_KEY is not set" in run.stderr


def test_production_mode_passes_the_deployment_checks(tmp_path):
    """Before any migration too (a new server's empty database)."""
    run = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        var_dir=tmp_path,
        POOLCRM_DEBUG="0",
        POOLCRM_HTTPS="1",
        POOLCRM_SECRET_KEY=secrets.token_urlsafe(50),
        POOLCRM_ALLOWED_HOSTS="crm.example.com",
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


def test_no_template_holds_inline_script_or_style():
    """What the Content-Security-Policy would block; the browser tests fail on it too."""
    import re

    inline = re.compile(r"""\sstyle=|\son[a-z]+=|<script(?![^>]*\ssrc=)|<style""", re.I)
    found = []
    for path in ROOT.rglob("*.html"):
        parts = path.relative_to(ROOT).parts
        if "templates" not in parts or parts[0].startswith(".") or parts[0] == "var":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if inline.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    assert not found, found
