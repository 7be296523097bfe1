"""Version and build metadata: version, git branch, short commit, build time.

Kept for its callers; the one implementation is `tradewind.version` (standard library
only, so every layer and the MMIN façade can read it).
"""

from __future__ import annotations

from tradewind.version import BuildInfo, build_info, version_string

__all__ = ["BuildInfo", "build_info", "version_string"]
