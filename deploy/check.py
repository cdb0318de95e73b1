"""Check the deployment files that can be checked without Docker or a running systemd.

Run from anywhere with the project's virtual environment (it needs PyYAML):

    .venv/bin/python deploy/check.py

- compose.yaml: the bot and PostgreSQL services, pg_isready health check, the bot waiting for a
  healthy database, its token from ../.env and DATABASE_URL pointing at the postgres service;
- Dockerfile: several stages, the runtime stage copying the built environment, prompts/ and
  exercises.yaml, and running as a non-root USER;
- quality-time.service: ``systemd-analyze verify`` (and an offline security score) when
  systemd-analyze exists; skipped with a message otherwise;
- .env.example and README.md: every setting in bot/config.py is listed, BOT_TOKEN is empty;
- grafana-dashboard.json: valid JSON, every panel querying the provisioned data source, every
  metric its PromQL names exported by the bot's metrics registry, and the panels an operator
  looks at first (lag between due and sent, 429s, errors, latency) present;
- the compose profile ``monitoring``: Prometheus and Grafana services in it, the files they
  mount present, Prometheus scraping the bot service on its METRICS_PORT (listening beyond
  loopback), Grafana's data source and dashboard folder matching the dashboard and the mounts.

Prints one line per problem and exits 1 if there is any.
"""

from __future__ import annotations

import ast
import json
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


DASHBOARD = DEPLOY / "grafana-dashboard.json"
PROMETHEUS = DEPLOY / "prometheus.yml"
GRAFANA_DATASOURCES = DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yaml"
GRAFANA_DASHBOARDS = DEPLOY / "grafana" / "provisioning" / "dashboards" / "quality-time.yaml"
MONITORING = "monitoring"
# Series Prometheus itself adds to every scrape.
PROMETHEUS_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
PROMQL_WORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
    "unless", "offset", "inf", "nan",
}  # fmt: skip
# What the first panels must show: (what, a regular expression one query must match).
FIRST_PANELS = (
    ("the lag between due and sent", r"quality_time_prompt_delay_seconds_bucket"),
    ("Telegram's 429s", r'quality_time_telegram_calls_total\{[^}]*outcome="429"'),
    ("errors", r"quality_time_errors_total"),
    ("update-handling latency", r"quality_time_update_seconds_bucket"),
)


def bot_metric_names() -> set[str] | None:
    """Every series name the bot's metrics registry exports (None: the bot cannot be imported)."""
    sys.path.insert(0, str(ROOT))
    try:
        from bot.kernel.metrics import Metrics, exported_names
    except ImportError:
        return None
    return exported_names(Metrics())


def promql_metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (functions, labels and keywords left out)."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # string literals
    expr = re.sub(r"\{[^}]*\}", " ", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", " ", expr)  # range selectors
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    names = set()
    for match in re.finditer(r"(?<![\w$])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?", expr):
        name, call = match.group(1), match.group(2)
        if not call and name.lower() not in PROMQL_WORDS:
            names.add(name)
    return names


def dashboard_queries(problems: list[str], datasource_uid: str | None) -> list[str]:
    """Every query of the dashboard, checking each panel's data source on the way."""
    try:
        dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(f"grafana-dashboard.json: not valid JSON: {exc}")
        return []
    panels = dashboard.get("panels") if isinstance(dashboard, dict) else None
    if not isinstance(panels, list) or not panels:
        problems.append("grafana-dashboard.json: no panels")
        return []
    queries = []
    for panel in panels:
        title = panel.get("title", "?")
        targets = panel.get("targets") or []
        if not targets:
            problems.append(f"grafana-dashboard.json: panel {title!r} has no query")
        for target in targets:
            source = target.get("datasource") or panel.get("datasource") or {}
            if datasource_uid is not None and source.get("uid") != datasource_uid:
                problems.append(
                    f"grafana-dashboard.json: panel {title!r} queries data source "
                    f"{source.get('uid')!r}, not the provisioned {datasource_uid!r}"
                )
            expr = target.get("expr")
            if not isinstance(expr, str) or not expr.strip():
                problems.append(f"grafana-dashboard.json: panel {title!r} has an empty query")
            else:
                queries.append(expr)
    return queries


def check_dashboard(problems: list[str]) -> None:
    """The dashboard's queries read only what the bot exports, and the first panels exist."""
    datasource_uid = None
    try:
        datasources = yaml.safe_load(GRAFANA_DATASOURCES.read_text(encoding="utf-8"))
        datasource_uid = datasources["datasources"][0]["uid"]
    except (OSError, yaml.YAMLError, KeyError, IndexError, TypeError) as exc:
        problems.append(f"{GRAFANA_DATASOURCES.relative_to(DEPLOY)}: no data source uid: {exc}")
    queries = dashboard_queries(problems, datasource_uid)
    exported = bot_metric_names()
    if exported is None:
        problems.append("grafana-dashboard.json: cannot import bot.kernel.metrics to check names")
        return
    for expr in queries:
        for name in sorted(promql_metric_names(expr) - exported - PROMETHEUS_SERIES):
            problems.append(f"grafana-dashboard.json: {name!r} is not a metric of the bot")
    for what, pattern in FIRST_PANELS:
        if not any(re.search(pattern, expr) for expr in queries):
            problems.append(f"grafana-dashboard.json: no panel shows {what}")


def _environment(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment if "=" in item)
    return {str(key): str(value) for key, value in environment.items()}


def _mounts(service: dict[str, Any]) -> dict[str, str]:
    """A service's bind mounts of this folder: container path -> host path."""
    mounts = {}
    for volume in service.get("volumes") or []:
        parts = str(volume).split(":")
        if len(parts) >= 2 and parts[0].startswith("."):
            mounts[parts[1]] = parts[0]
    return mounts


def check_monitoring(problems: list[str]) -> None:
    """The monitoring profile: its services, their files, and each pointed at the next."""
    try:
        doc = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return  # check_compose has said so
    services: dict[str, Any] = (doc or {}).get("services") or {}
    for name in ("prometheus", "grafana"):
        service = services.get(name)
        if not service:
            problems.append(f"compose.yaml: no service {name!r}")
            continue
        if MONITORING not in (service.get("profiles") or []):
            problems.append(f"compose.yaml: service {name!r} is not in the {MONITORING!r} profile")
        for host in _mounts(service).values():
            if not (DEPLOY / host).exists():
                problems.append(f"compose.yaml: {name} mounts {host}, which does not exist")
    prometheus, grafana = services.get("prometheus") or {}, services.get("grafana") or {}
    bot = _environment(services.get("bot") or {})
    port = bot.get("METRICS_PORT")
    if not port:
        problems.append("compose.yaml: the bot service sets no METRICS_PORT for Prometheus")
    if bot.get("METRICS_LISTEN", "127.0.0.1") in ("127.0.0.1", "localhost", "::1"):
        problems.append(
            "compose.yaml: the bot's METRICS_LISTEN is loopback: Prometheus cannot reach it"
        )
    if (
        prometheus
        and _mounts(prometheus).get("/etc/prometheus/prometheus.yml") != "./prometheus.yml"
    ):
        problems.append("compose.yaml: prometheus does not mount ./prometheus.yml as its config")
    try:
        config = yaml.safe_load(PROMETHEUS.read_text(encoding="utf-8"))
        targets = [
            target
            for job in config["scrape_configs"]
            for static in job.get("static_configs", [])
            for target in static.get("targets", [])
        ]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        problems.append(f"prometheus.yml: no scrape targets: {exc}")
        targets = []
    if port and f"bot:{port}" not in targets:
        problems.append(f"prometheus.yml: scrapes {targets}, not the bot service's bot:{port}")
    if grafana:
        mounts = _mounts(grafana)
        if mounts.get("/etc/grafana/provisioning") != "./grafana/provisioning":
            problems.append("compose.yaml: grafana does not mount ./grafana/provisioning")
        folders = [
            str(Path(c).parent) for c, h in mounts.items() if h == "./grafana-dashboard.json"
        ]
        try:
            providers = yaml.safe_load(GRAFANA_DASHBOARDS.read_text(encoding="utf-8"))
            paths = [p["options"]["path"] for p in providers["providers"]]
        except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
            problems.append(f"{GRAFANA_DASHBOARDS.relative_to(DEPLOY)}: no dashboard path: {exc}")
            paths = []
        if not folders:
            problems.append("compose.yaml: grafana does not mount ./grafana-dashboard.json")
        elif not set(folders) & set(paths):
            problems.append(f"Grafana loads dashboards from {paths}, the dashboard is in {folders}")
    try:
        datasource = yaml.safe_load(GRAFANA_DATASOURCES.read_text(encoding="utf-8"))
        url = str(datasource["datasources"][0]["url"])
    except (OSError, yaml.YAMLError, KeyError, IndexError, TypeError):
        return  # check_dashboard has said so
    if not url.startswith("http://prometheus:9090"):
        problems.append(f"Grafana's data source points at {url}, not the prometheus service")


def main() -> int:
    """Run every check and report."""
    problems: list[str] = []
    check_compose(problems)
    check_dashboard(problems)
    check_monitoring(problems)
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
