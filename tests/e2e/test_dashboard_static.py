"""The dashboard's files are served by the service itself (no CDN, no build step).

Given an app with the dashboard mounted, when a browser asks for ``/dashboard``, then it reaches
the page, its ES modules and the vendored ECharts file from the same origin.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from dashboard.router import STATIC_DIR, mount_dashboard


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    mount_dashboard(app)
    return TestClient(app)


def test_dashboard_without_trailing_slash_redirects_to_the_page(client: TestClient) -> None:
    response = client.get("/dashboard", follow_redirects=False)

    assert response.status_code == 307
    assert response.headers["location"] == "/dashboard/"


def test_dashboard_page_is_chinese_and_loads_its_modules_and_charts_locally(client: TestClient) -> None:
    response = client.get("/dashboard/")

    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.text
    sources = re.findall(r'(?:src|href)="([^"#]+)"', response.text)
    assert "vendor/echarts.min.js" in sources and "js/app.js" in sources
    assert all(not source.startswith(("http:", "https:", "//")) for source in sources)
    for source in (s for s in sources if not s.startswith("data:")):  # inline, nothing to fetch
        assert client.get(f"/dashboard/{source}").status_code == 200, source


def test_every_module_import_resolves_to_a_served_file(client: TestClient) -> None:
    modules = sorted((STATIC_DIR / "js").rglob("*.js"))
    assert modules, "the dashboard has ES modules"
    for module in modules:
        for target in re.findall(r'from "(\.{1,2}/[^"]+)"', module.read_text(encoding="utf-8")):
            path = (module.parent / target).resolve().relative_to(STATIC_DIR)
            response = client.get(f"/dashboard/{path.as_posix()}")
            assert response.status_code == 200, f"{module.name} imports {target}"
            assert "javascript" in response.headers["content-type"]


def test_vendored_echarts_is_the_apache_licensed_release(client: TestClient) -> None:
    response = client.get("/dashboard/vendor/echarts.min.js")

    assert response.status_code == 200
    assert "Apache License, Version 2.0" in response.text[:2000]
    assert (STATIC_DIR / "vendor" / "ECHARTS-LICENSE.txt").is_file()


def test_every_label_the_pages_ask_for_is_in_the_dictionary() -> None:
    i18n = (STATIC_DIR / "js" / "i18n.js").read_text(encoding="utf-8")
    known = set(re.findall(r'^\s+"([\w.-]+)":', i18n, flags=re.MULTILINE))
    asked = {key for module in (STATIC_DIR / "js").rglob("*.js")
             for key in re.findall(r'\bt\("([\w.-]+)"', module.read_text(encoding="utf-8"))}

    assert asked, "the pages use labels"
    assert asked - known == set()


def test_vendored_echarts_is_the_release_the_docs_name() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "dashboard.md").read_text(encoding="utf-8")
    digest = hashlib.sha256((STATIC_DIR / "vendor" / "echarts.min.js").read_bytes()).hexdigest()

    assert f"`{digest}`" in docs, "update the version and sha256 in docs/dashboard.md"
