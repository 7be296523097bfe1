"""Version and build metadata: version, git branch, commit and build time.

The names the scaling document prints (`GIT_COMMIT_SHORT`, `get_full_version_info()`,
...) are read on first use, not at import: from the environment (`GIT_BRANCH`,
`GIT_COMMIT`, `BUILD_TIMESTAMP`, as a Docker image sets them) or else from what the
build recorded in the installed package. Standard library only.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from importlib import resources

from tradewind.__about__ import __version__

# VERSION, GIT_BRANCH, GIT_COMMIT, GIT_COMMIT_SHORT, BUILD_TIMESTAMP: see __getattr__.
__all__ = [
    "BuildInfo",
    "build_info",
    "get_full_version_info",
    "get_version_string",
    "version_string",
]

UNKNOWN = "unknown"
SHORT_COMMIT_CHARS = 7


@dataclass(frozen=True, slots=True)
class BuildInfo:
    version: str
    branch: str
    commit: str
    build_timestamp: str

    @property
    def commit_short(self) -> str:
        return self.commit[:SHORT_COMMIT_CHARS]


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
        return os.environ.get(env) or recorded.get(key) or UNKNOWN

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


def get_version_string() -> str:
    """The scaling document's name for `version_string()`."""
    return version_string()


def get_full_version_info() -> dict[str, str]:
    """`version`, `branch`, `commit`, `commit_short`, `build_timestamp` and
    `version_string` (the one-line form)."""
    info = build_info()
    return {**asdict(info), "commit_short": info.commit_short, "version_string": version_string()}


def __getattr__(name: str) -> str:
    # The document's module-level constants, read lazily (nothing is read at import).
    fields = {
        "VERSION": "version",
        "GIT_BRANCH": "branch",
        "GIT_COMMIT": "commit",
        "GIT_COMMIT_SHORT": "commit_short",
        "BUILD_TIMESTAMP": "build_timestamp",
    }
    if name not in fields:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return str(getattr(build_info(), fields[name]))
