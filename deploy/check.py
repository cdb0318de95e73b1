"""Check the deployment files that can be checked without Docker or a running systemd.

Run from anywhere with the project's virtual environment (it needs PyYAML):

    .venv/bin/python deploy/check.py

- compose.yaml: the bot and PostgreSQL services, pg_isready health check, the bot waiting for a
  healthy database, its token from ../.env and DATABASE_URL pointing at the postgres service;
- Dockerfile: several stages, the runtime stage copying the built environment, prompts/ and
  exercises.yaml, and running as a non-root USER;
- quality-time.service: ``systemd-analyze verify`` (and an offline security score) when
  systemd-analyze exists; skipped with a message otherwise;
- .env.example and README.md: every setting in bot/config.py is listed, BOT_TOKEN is empty.

Prints one line per problem and exits 1 if there is any.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent
UNIT = DEPLOY / "quality-time.service"
INSTALLED_BINARY = "/opt/quality-time/.venv/bin/quality-time"
# systemd-analyze's overall exposure times ten; the unit scores about 1.1 ("OK").
MAX_EXPOSURE = 20


def check_compose(problems: list[str]) -> None:
    """The compose file: services, health check, start order, token and database."""
    try:
        doc = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(f"compose.yaml: cannot read it as YAML: {exc}")
        return
    services: dict[str, Any] = (doc or {}).get("services") or {}
    for name in ("bot", "postgres"):
        if name not in services:
            problems.append(f"compose.yaml: no service {name!r}")
    postgres, bot = services.get("postgres") or {}, services.get("bot") or {}
    if postgres and not str(postgres.get("image", "")).startswith("postgres:16"):
        problems.append("compose.yaml: postgres should use the postgres:16 image")
    test = (postgres.get("healthcheck") or {}).get("test")
    if postgres and "pg_isready" not in " ".join(test if isinstance(test, list) else [str(test)]):
        problems.append("compose.yaml: postgres needs a healthcheck running pg_isready")
    if postgres and not postgres.get("volumes"):
        problems.append("compose.yaml: postgres keeps its data in no volume")
    if not bot:
        return
    depends = bot.get("depends_on") or {}
    condition = depends.get("postgres", {}).get("condition") if isinstance(depends, dict) else None
    if condition != "service_healthy":
        problems.append("compose.yaml: bot must depend on postgres with condition service_healthy")
    env_file = bot.get("env_file")
    env_files = env_file if isinstance(env_file, list) else [env_file]
    if "../.env" not in [e.get("path") if isinstance(e, dict) else e for e in env_files]:
        problems.append("compose.yaml: bot should read its token from env_file ../.env")
    environment = bot.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment if "=" in item)
    if "@postgres:" not in str(environment.get("DATABASE_URL", "")):
        problems.append("compose.yaml: the bot's DATABASE_URL should point at the postgres service")
    build = bot.get("build")
    if isinstance(build, dict):
        if (DEPLOY / str(build.get("context", "."))).resolve() != ROOT:
            problems.append("compose.yaml: the bot's build context should be the repository root")
        elif not (ROOT / str(build.get("dockerfile", "Dockerfile"))).is_file():
            problems.append(f"compose.yaml: build.dockerfile {build.get('dockerfile')!r} not found")


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """Split a Dockerfile into (INSTRUCTION, arguments), joining continued lines."""
    joined = re.sub(r"\\[ \t]*\n", " ", text)
    result = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            result.append((word.upper(), rest.strip()))
    return result


def check_dockerfile(problems: list[str]) -> None:
    """The Dockerfile: multi-stage, copies what the bot reads, ends as a non-root user."""
    path = DEPLOY / "Dockerfile"
    try:
        instructions = dockerfile_instructions(path.read_text(encoding="utf-8"))
    except OSError as exc:
        problems.append(f"Dockerfile: cannot read it: {exc}")
        return
    froms = [i for i, (word, _) in enumerate(instructions) if word == "FROM"]
    if len(froms) < 2:
        problems.append("Dockerfile: expected a multi-stage build (two or more FROM lines)")
        return
    final = instructions[froms[-1] :]
    copies = [args for word, args in final if word == "COPY"]
    if not any(args.startswith("--from=") for args in copies):
        problems.append("Dockerfile: the final stage copies nothing from the builder stage")
    for needed in ("prompts", "exercises.yaml"):
        if not any(needed in args.split() for args in copies):
            problems.append(f"Dockerfile: the final stage does not copy {needed}")
    for word, args in final:
        if word == "COPY" and not args.startswith("--from="):
            for source in args.split()[:-1]:
                if not source.startswith("--") and not (ROOT / source).exists():
                    problems.append(f"Dockerfile: COPY source {source!r} is not in the repository")
    users = [args for word, args in final if word == "USER"]
    if not users:
        problems.append("Dockerfile: the final stage has no USER (it would run as root)")
    elif users[-1].split(":")[0] in ("root", "0"):
        problems.append(f"Dockerfile: the final USER is root ({users[-1]})")
    if not any(word in ("CMD", "ENTRYPOINT") for word, _ in final):
        problems.append("Dockerfile: no CMD or ENTRYPOINT")


def setting_names() -> list[str]:
    """Environment variable names of every field of Settings in bot/config.py."""
    tree = ast.parse((ROOT / "bot" / "config.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "Settings":
            return [
                item.target.id.upper()
                for item in node.body
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
            ]
    return []


def check_settings_documented(problems: list[str]) -> None:
    """.env.example and README.md name every setting; the example's token is empty."""
    names = setting_names()
    if not names:
        problems.append("bot/config.py: no Settings fields found")
        return
    example = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    for name in names:
        if name not in listed:
            problems.append(f".env.example: setting {name} is missing")
    if not re.search(r"^BOT_TOKEN=[ \t]*$", example, flags=re.MULTILINE):
        problems.append(".env.example: BOT_TOKEN must be present and empty")
    readme = ROOT / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        for name in names:
            if f"`{name}`" not in text:
                problems.append(f"README.md: setting {name} is not in the configuration table")


def check_unit(problems: list[str]) -> None:
    """systemd-analyze verify, with the install path stubbed when it does not exist here."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        print("skipped: systemd-analyze is not installed, quality-time.service not verified")
        return
    with tempfile.TemporaryDirectory() as tmp:
        text = UNIT.read_text(encoding="utf-8")
        if not Path(INSTALLED_BINARY).exists():
            # The unit names where the bot is installed; verify checks the binary exists.
            stub = Path(tmp) / "quality-time"
            stub.write_text("#!/bin/sh\n", encoding="utf-8")
            stub.chmod(0o755)
            text = text.replace(INSTALLED_BINARY, str(stub))
        unit = Path(tmp) / UNIT.name
        unit.write_text(text, encoding="utf-8")
        # S603: a fixed command on a file this script wrote.
        verify = subprocess.run(  # noqa: S603
            [analyze, "verify", str(unit)], capture_output=True, text=True, check=False
        )
        # verify exits 0 on unknown keys and bad values ("..., ignoring"): any output fails.
        output = (verify.stdout + verify.stderr).strip()
        if verify.returncode != 0 or output:
            problems.append(f"quality-time.service: systemd-analyze verify: {output or 'failed'}")
        security = subprocess.run(  # noqa: S603
            [analyze, "security", "--offline=yes", f"--threshold={MAX_EXPOSURE}", str(unit)],
            capture_output=True,
            text=True,
            check=False,
        )
        if "--offline" in security.stderr or "--threshold" in security.stderr:
            print("skipped: this systemd-analyze cannot score a unit file offline")
        elif security.returncode != 0:
            score = security.stdout.strip().splitlines()[-1:] or [security.stderr.strip()]
            problems.append(
                f"quality-time.service: sandboxing weaker than {MAX_EXPOSURE / 10}: {score[0]}"
            )


def main() -> int:
    """Run every check and report."""
    problems: list[str] = []
    check_compose(problems)
    check_dockerfile(problems)
    check_settings_documented(problems)
    check_unit(problems)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"deploy check: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("deploy check: no problems found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
