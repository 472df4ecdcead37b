"""Mounting the dashboard's static files on the API application.

The dashboard is plain files (no build step, no CDN): the app factory calls
``mount_dashboard(app)`` once and the files are served at ``/dashboard/``. Data never passes
through this module; the browser fetches it from the JSON API with its own bearer token.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"
MOUNT_PATH = "/dashboard"


def mount_dashboard(app: FastAPI) -> None:
    """Serve ``dashboard/static`` at ``/dashboard/`` (``/dashboard`` redirects there).

    The redirect keeps relative URLs in ``index.html`` (``js/app.js``, ``vendor/...``)
    resolving under the mount whichever form the user typed.
    Calling it twice (the app factory and a test both mounting) leaves one mount.
    """
    if any(getattr(route, "name", None) == "dashboard" for route in app.routes):
        return

    @app.api_route(MOUNT_PATH, methods=["GET", "HEAD"], include_in_schema=False)
    def dashboard_root() -> RedirectResponse:
        """Send ``/dashboard`` to ``/dashboard/`` so relative asset paths resolve."""
        return RedirectResponse(url=f"{MOUNT_PATH}/", status_code=307)

    app.mount(MOUNT_PATH, StaticFiles(directory=STATIC_DIR, html=True), name="dashboard")
