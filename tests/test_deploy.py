"""The production compose file: its shape, without a Docker engine.

``docker compose config`` is the real check where Docker is installed; here the file is read
as YAML and the promises of README.md ("Production") are checked: two app replicas behind a
proxy that waits until both are healthy, health checks everywhere, Neo4j's memory sized for
the documented import, and every setting (secrets above all) from ``.env``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HEALTH = "/api/v1/health"
VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)(?::?[-?][^}]*)?\}")
SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN", "AUTH", "KEY")
IMPORT_TRANSACTION = 1.1 * 2**30
"""One import of 20,000 actors and 100,000 links in one transaction: about 1.1 GB."""


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f"not KEY=value: {line!r}"
            values[key.strip()] = value.strip()
    return values


def app_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services that run wijknet: they are built from this repository."""
    return {name: s for name, s in compose["services"].items() if "build" in s}


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def default(value: str, env_example: dict[str, str]) -> str:
    """``${VAR:-default}`` as compose would fill it in from ``.env.example``."""
    match = VARIABLE.fullmatch(value)
    if not match:
        return value
    if env_example.get(match[1]):
        return env_example[match[1]]
    fallback = re.fullmatch(r"\$\{[A-Z0-9_]+:?-([^}]*)\}", value)
    assert fallback, f"{value} has no default and no value in .env.example"
    return fallback[1]


def size(text: str) -> float:
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmgKMG]?)[bB]?", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[unit.lower()]


def test_two_app_replicas_on_neo4j(compose: dict[str, Any]) -> None:
    apps = app_services(compose)
    replicas = sum(s.get("deploy", {}).get("replicas", 1) for s in apps.values())
    assert replicas >= 2
    for name, service in apps.items():
        env = environment(service)
        assert env["WIJKNET_DATABASE"].startswith(("neo4j://neo4j:", "bolt://neo4j:")), name
        assert service["depends_on"]["neo4j"]["condition"] == "service_healthy", name
        # shared state lives in Neo4j: no file of its own, no port of its own
        assert not service.get("volumes"), f"{name} keeps local state"
        assert "WIJKNET_ACCOUNTS_DATABASE" not in env and "WIJKNET_UPLOAD_DIR" not in env
        assert not service.get("ports"), f"{name} is reachable around the proxy"


def test_every_service_has_a_health_check(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        check = service.get("healthcheck")
        assert check and check.get("test"), f"{name} has no health check"
        assert not check.get("disable"), name
    for name, service in app_services(compose).items():
        assert HEALTH in " ".join(service["healthcheck"]["test"]), name


def test_the_proxy_waits_for_healthy_apps_and_spreads_the_load(compose: dict[str, Any]) -> None:
    apps = app_services(compose)
    proxies = [
        (name, s)
        for name, s in compose["services"].items()
        if set(apps) <= set(s.get("depends_on") or {})
    ]
    assert len(proxies) == 1, "one proxy depends on every app service"
    name, proxy = proxies[0]
    for app in apps:
        assert proxy["depends_on"][app]["condition"] == "service_healthy"
    assert proxy.get("ports"), "the proxy publishes the site"
    mounted = [v.split(":")[0] for v in proxy.get("volumes", []) if isinstance(v, str)]
    configs = [ROOT / m for m in mounted if m.startswith("./deploy/")]
    assert configs and all(c.is_file() for c in configs), mounted
    text = "\n".join(c.read_text(encoding="utf-8") for c in configs)
    for app in apps:
        assert f"{app}:8000" in text, f"the proxy does not send requests to {app}"
    assert HEALTH in text, "the proxy does not check the apps' health"


def test_the_app_answers_on_the_health_endpoint(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    settings = Settings(
        database=f"sqlite:///{tmp_path / 'graph.db'}",
        accounts_database=str(tmp_path / "accounts.db"),
    )
    with TestClient(create_app(settings)) as client:
        answer = client.get(HEALTH)
    assert answer.status_code == 200 and answer.json()["ok"] is True
    assert HEALTH in (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_secrets_and_settings_come_from_env(
    compose: dict[str, Any], env_example: dict[str, str]
) -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(VARIABLE.findall(text))
    assert "NEO4J_PASSWORD" in used
    missing = used - set(env_example)
    assert not missing, f"not in .env.example: {sorted(missing)}"
    for name, service in compose["services"].items():
        for key, value in environment(service).items():
            if any(word in key for word in SECRET_WORDS):
                assert VARIABLE.search(value), f"{name}: {key} is written in the file"
    for key, value in env_example.items():
        if any(word in key for word in SECRET_WORDS):
            assert value == "", f".env.example gives {key} a value: leave secrets empty"


def test_neo4j_memory_fits_the_documented_import(
    compose: dict[str, Any], env_example: dict[str, str]
) -> None:
    env = environment(compose["services"]["neo4j"])
    heap = size(default(env["NEO4J_server_memory_heap_max__size"], env_example))
    tx_max = size(default(env["NEO4J_db_memory_transaction_max"], env_example))
    tx_total = size(default(env["NEO4J_db_memory_transaction_total_max"], env_example))
    assert tx_max >= IMPORT_TRANSACTION
    assert tx_max <= tx_total < heap
    assert env["NEO4J_AUTH"].startswith("neo4j/${NEO4J_PASSWORD")
