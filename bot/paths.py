"""Where the project's data files live."""

from __future__ import annotations

from pathlib import Path


def project_root() -> Path:
    """Return the folder holding ``prompts/`` and ``exercises.yaml``.

    The working directory wins (a deployment keeps its own copies there); otherwise the source
    checkout the package was installed from in editable mode.
    """
    cwd = Path.cwd()
    if (cwd / "prompts").is_dir():
        return cwd
    return Path(__file__).resolve().parent.parent
