"""Version and build metadata: version, git branch, short commit, build time."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib import resources

from tradewind.__about__ import __version__

_UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class BuildInfo:
    version: str
    branch: str
    commit: str
    build_timestamp: str


def build_info() -> BuildInfo:
    """Build metadata recorded at install time; GIT_BRANCH / GIT_COMMIT / BUILD_TIMESTAMP
    in the environment take precedence (as a Docker image sets them)."""
    recorded: dict[str, str] = {}
    try:
        text = resources.files("tradewind").joinpath("_build_info.json").read_text()
        recorded = json.loads(text)
    except (FileNotFoundError, ValueError, OSError):
        recorded = {}

    def pick(env: str, key: str) -> str:
        return os.environ.get(env) or recorded.get(key) or _UNKNOWN

    return BuildInfo(
        version=__version__,
        branch=pick("GIT_BRANCH", "branch"),
        commit=pick("GIT_COMMIT", "commit")[:12],
        build_timestamp=pick("BUILD_TIMESTAMP", "build_timestamp"),
    )


def version_string() -> str:
    """One line such as `tradewind 0.1.0 (main@1a2b3c4, built 2026-11-21T09:00:00Z)`."""
    info = build_info()
    return f"tradewind {info.version} ({info.branch}@{info.commit}, built {info.build_timestamp})"
