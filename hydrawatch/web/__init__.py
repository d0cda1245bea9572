"""The web app: review console, case pages, hydra families, dashboard, admin and the
public site (FastAPI + Jinja2, server-rendered, usable without JavaScript). It only calls
the Python API; see ``app.create_app``."""

from hydrawatch.web.app import create_app

__all__ = ["create_app"]
