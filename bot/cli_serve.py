"""`brandpilot serve slack --http PORT | --socket`: the Slack surface over HTTP or Socket Mode."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Annotated, Any

import typer

from bot.cli import app, fail, run_with_app, settings_or_exit

serve_app = typer.Typer(help="Run BrandPilot as a chat app.")
app.add_typer(serve_app, name="serve", no_args_is_help=True)


@serve_app.command("slack")
def serve_slack(
    http: Annotated[int | None, typer.Option("--http", help="Serve Slack's HTTP requests on this port.")] = None,
    socket: Annotated[bool, typer.Option("--socket", help="Connect over Socket Mode (needs SLACK_APP_TOKEN).")] = False,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "0.0.0.0",  # noqa: S104
) -> None:
    """HTTP: events at /slack/events with /healthz and /readyz. Socket Mode: no public URL needed."""
    if (http is None) == (not socket):
        fail("Give exactly one of --http PORT or --socket.", code=2)
    if http is not None and not 0 < http < 65536:
        fail(f"--http {http} is not a port; use 1 to 65535, e.g. --http 3000.", code=2)
    settings = settings_or_exit()

    def serve(running: Any) -> None:
        from bot.jobs.worker import background_jobs
        from bot.runner import ProcessRunner, make_runner
        from bot.slack.dispatch import dispatching
        from bot.slack.oauth import check_slack_settings
        from bot.slack.server import asgi_app, build_slack_app, serve_socket_mode

        mode = "socket" if socket else "http"
        check_slack_settings(settings, mode)  # before any worker process starts
        runner = make_runner(running)
        if isinstance(runner, ProcessRunner):
            runner.wait_ready()  # a worker that can't open the assistant stops start-up, not every message later
        jobs = ExitStack()
        try:
            jobs.enter_context(background_jobs(running))  # publishing, unless a separate `brandpilot worker` runs
            jobs.enter_context(dispatching(running, every=settings.publishing.poll_seconds))
            bolt = build_slack_app(running, mode=mode, runner=runner)
            import gc

            gc.collect()
            gc.freeze()  # the models and libraries loaded at start never need scanning again: no long GC pauses
            if socket:
                import asyncio

                asyncio.run(serve_socket_mode(bolt, str(settings.secret("slack_app_token"))))
                return
            import uvicorn

            level = settings.log_level.lower()
            from bot.listening.webhooks import WebhookReceiver

            receiver = WebhookReceiver(settings, running.sessions, running.credentials)
            application = asgi_app(bolt, on_shutdown=runner.close, webhooks=receiver)  # SIGTERM ends by re-raising
            uvicorn.run(application, host=host, port=http, log_level=level, lifespan="on")
        finally:
            jobs.close()
            runner.close()

    run_with_app(settings, serve)


@serve_app.command("discord")
def serve_discord() -> None:
    """Connect to Discord with DISCORD_BOT_TOKEN; /brandpilot syncs on start (to `discord.command_guilds` if set)."""
    settings = settings_or_exit()
    token = settings.secret("discord_bot_token")
    if not token:
        fail(
            "Set DISCORD_BOT_TOKEN to the bot's token (Developer Portal > your application > Bot > Reset Token); "
            "README: Discord.",
            code=2,
        )

    def serve(running: Any) -> None:
        import asyncio

        from bot.discord.client import BrandPilotBot, use_api
        from bot.jobs.worker import background_jobs
        from bot.runner import make_runner

        runner = make_runner(running)
        jobs = ExitStack()
        try:
            jobs.enter_context(background_jobs(running))  # publishing, unless a separate `brandpilot worker` runs
            use_api(settings.discord_api_url)
            asyncio.run(BrandPilotBot(running, runner).start(str(token)))
        finally:
            jobs.close()
            runner.close()

    run_with_app(settings, serve)
