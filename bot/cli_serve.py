"""`brandpilot serve slack --http PORT`: the Slack surface behind an ASGI server."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from bot.cli import app, fail, run_with_app, settings_or_exit

serve_app = typer.Typer(help="Run BrandPilot as a chat app.")
app.add_typer(serve_app, name="serve", no_args_is_help=True)


@serve_app.command("slack")
def serve_slack(
    http: Annotated[int | None, typer.Option("--http", help="Serve Slack's HTTP requests on this port.")] = None,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "0.0.0.0",  # noqa: S104
) -> None:
    """Serve events at /slack/events, with /healthz and /readyz; needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET."""
    if http is None:
        fail("Give --http PORT (Socket Mode, --socket, is not available yet).", code=2)
    if not 0 < http < 65536:
        fail(f"--http {http} is not a port; use 1 to 65535, e.g. --http 3000.", code=2)
    settings = settings_or_exit()

    def serve(running: Any) -> None:
        import uvicorn

        from bot.slack.server import asgi_app, build_slack_app

        application = asgi_app(build_slack_app(running))
        uvicorn.run(application, host=host, port=http, log_level=settings.log_level.lower(), lifespan="off")

    run_with_app(settings, serve)
