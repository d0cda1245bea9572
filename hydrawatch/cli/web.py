"""`hydrawatch serve`: the web app (review console, public list, JSON API)."""

from __future__ import annotations

import typer

from hydrawatch.cli.app import DbOption, app

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve_app(db: str | None, host: str, port: int, *, log_level: str = "info") -> None:
    import uvicorn

    from hydrawatch.web import create_app

    # On loopback the traffic never leaves the machine; elsewhere put it behind HTTPS and
    # the session cookie is marked Secure.
    web = create_app(db, https_only=host not in LOOPBACK)
    uvicorn.run(web, host=host, port=port, log_level=log_level, proxy_headers=False,
                server_header=False)


@app.command("serve")
def serve(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
          port: int = typer.Option(8000, "--port", help="Port to listen on."),
          db: str = DbOption) -> None:
    """Serve the web app: review console, dashboard, admin, public list and JSON API."""
    typer.echo(f"hydrawatch web app on http://{host}:{port}/ (Ctrl-C to stop)")
    serve_app(db, host, port)
