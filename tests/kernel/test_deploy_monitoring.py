"""deploy/check.py on the dashboard and the monitoring profile: passes as shipped, and fails."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def check() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_check", ROOT / "deploy" / "check.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_dashboard_and_monitoring_profile_pass_the_check(check: ModuleType) -> None:
    problems: list[str] = []
    check.check_dashboard(problems)
    check.check_monitoring(problems)
    assert problems == []


def test_promql_names_are_told_from_functions_labels_and_keywords(check: ModuleType) -> None:
    expr = (
        'histogram_quantile(0.95, sum by (le, method) (rate(quality_time_x_bucket{method!="a b"}'
        "[$__rate_interval]))) / on (job) group_left up offset 5m"
    )
    assert check.promql_metric_names(expr) == {"quality_time_x_bucket", "up"}


def test_a_misspelled_metric_and_a_missing_first_panel_are_reported(
    check: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dashboard = json.loads((ROOT / "deploy" / "grafana-dashboard.json").read_text())
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            target["expr"] = target["expr"].replace("telegram_calls_total", "telegram_call_total")
    broken = tmp_path / "dashboard.json"
    broken.write_text(json.dumps(dashboard))
    monkeypatch.setattr(check, "DASHBOARD", broken)

    problems: list[str] = []
    check.check_dashboard(problems)

    assert (
        "grafana-dashboard.json: 'quality_time_telegram_call_total' is not a metric of the bot"
        in problems
    )
    assert "grafana-dashboard.json: no panel shows Telegram's 429s" in problems
