"""`tradewind --version`: version, git branch, short commit and build time."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

from tradewind.__about__ import __version__
from tradewind.app.build_info import build_info, version_string

ROOT = Path(__file__).resolve().parents[1]


def _load_hook_module():
    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_version_string_names_version_branch_commit_and_build_time(monkeypatch):
    monkeypatch.setenv("GIT_BRANCH", "release/1.2")
    monkeypatch.setenv("GIT_COMMIT", "abcdef1234567890")
    monkeypatch.setenv("BUILD_TIMESTAMP", "2026-01-02T03:04:05Z")
    text = version_string()
    assert text == f"tradewind {__version__} (release/1.2@abcdef123456, built 2026-01-02T03:04:05Z)"


def test_installed_package_records_build_metadata_from_git(monkeypatch):
    for name in ("GIT_BRANCH", "GIT_COMMIT", "BUILD_TIMESTAMP"):
        monkeypatch.delenv(name, raising=False)
    info = build_info()
    assert info.version == __version__
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", info.build_timestamp)
    if (ROOT / ".git").exists():  # installed from a checkout: git supplied branch and commit
        assert re.fullmatch(r"[0-9a-f]{7,12}", info.commit), info.commit
        assert info.branch not in ("", "unknown")


def test_build_hook_prefers_docker_build_args_and_ignores_unknown(monkeypatch, tmp_path):
    hook = _load_hook_module()
    monkeypatch.setenv("GIT_BRANCH", "main")
    monkeypatch.setenv("GIT_COMMIT", "0123456789abcdef")
    monkeypatch.setenv("BUILD_TIMESTAMP", "unknown")
    info = hook.collect_build_info(str(tmp_path))  # not a git checkout
    assert info["branch"] == "main"
    assert info["commit"] == "0123456789ab"
    assert info["build_timestamp"] != "unknown"  # "unknown" build arg means unset: use now


def test_build_hook_outside_git_without_args_says_unknown(monkeypatch, tmp_path):
    hook = _load_hook_module()
    for name in ("GIT_BRANCH", "GIT_COMMIT", "BUILD_TIMESTAMP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "no-such-git-dir"))
    info = hook.collect_build_info(str(tmp_path))
    assert info["branch"] == "unknown"
    assert info["commit"] == "unknown"


def test_cli_version_flag_prints_the_version_line():
    result = subprocess.run(
        [sys.executable, "-m", "tradewind.cli.main", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"tradewind {__version__} (")
    assert "built " in result.stdout
