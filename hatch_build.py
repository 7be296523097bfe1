"""Hatch build hook: record git branch, commit and build time into the package.

Values come from GIT_BRANCH / GIT_COMMIT / BUILD_TIMESTAMP when set (Docker build
args), else from git in the source tree, else "unknown".
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

_TARGET = Path("src/tradewind/_build_info.json")


def _git(root: str, *args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _env(name: str) -> str | None:
    # Docker passes unset build args as their default, "unknown": treat that as unset.
    value = os.environ.get(name, "").strip()
    return None if value in ("", "unknown") else value


def collect_build_info(root: str) -> dict[str, str]:
    branch = _env("GIT_BRANCH") or _git(root, "rev-parse", "--abbrev-ref", "HEAD")
    commit = _env("GIT_COMMIT") or _git(root, "rev-parse", "--short", "HEAD")
    built = _env("BUILD_TIMESTAMP") or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "branch": branch or "unknown",
        "commit": (commit or "unknown")[:12],
        "build_timestamp": built,
    }


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        target = Path(self.root) / _TARGET
        target.write_text(json.dumps(collect_build_info(self.root), indent=2) + "\n")
        build_data.setdefault("force_include", {})[str(target)] = "tradewind/_build_info.json"
