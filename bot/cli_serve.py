"""`brandpilot serve slack|discord|all`: the chat surfaces, alone or Slack and Discord in one process."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Coroutine, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Annotated, Any

import typer

from bot.cli import app, fail, run_with_app, settings_or_exit
from config.settings import Settings

serve_app = typer.Typer(help="Run BrandPilot as a chat app.")
app.add_typer(serve_app, name="serve", no_args_is_help=True)
HttpOpt = Annotated[int | None, typer.Option("--http", help="Serve Slack's HTTP requests on this port.")]
SocketOpt = Annotated[bool, typer.Option("--socket", help="Connect to Slack over Socket Mode (needs SLACK_APP_TOKEN).")]
HostOpt = Annotated[str, typer.Option("--host", help="Interface to listen on.")]


@dataclass(frozen=True)
class SlackServing:
    """How Slack reaches BrandPilot: over HTTP on `port`, or over Socket Mode."""

    mode: str
    host: str
    port: int | None


def slack_serving(http: int | None, socket: bool, host: str) -> SlackServing:
    """Check the Slack options; a wrong combination stops with how to write it."""
    if (http is None) == (not socket):
        fail("Give exactly one of --http PORT or --socket.", code=2)
    if http is not None and not 0 < http < 65536:
        fail(f"--http {http} is not a port; use 1 to 65535, e.g. --http 3000.", code=2)
    return SlackServing("socket" if socket else "http", host, http)


def discord_token(settings: Settings) -> str:
    """DISCORD_BOT_TOKEN, or stop with where to get one."""
    token = settings.secret("discord_bot_token")
    if not token:
        fail(
            "Set DISCORD_BOT_TOKEN to the bot's token (Developer Portal > your application > Bot > Reset Token); "
            "README: Discord.",
            code=2,
        )
    return str(token)


@serve_app.command("slack")
def serve_slack(http: HttpOpt = None, socket: SocketOpt = False, host: HostOpt = "0.0.0.0") -> None:  # noqa: S104
    """HTTP: events at /slack/events with /healthz and /readyz. Socket Mode: no public URL needed."""
    slack = slack_serving(http, socket, host)
    settings = settings_or_exit()
    run_with_app(settings, lambda running: serve(running, slack=slack, discord=None))


@serve_app.command("discord")
def serve_discord() -> None:
    """Connect to Discord with DISCORD_BOT_TOKEN; /brandpilot syncs on start (to `discord.command_guilds` if set)."""
    settings = settings_or_exit()
    token = discord_token(settings)
    run_with_app(settings, lambda running: serve(running, slack=None, discord=token))


@serve_app.command("all")
def serve_all(http: HttpOpt = None, socket: SocketOpt = False, host: HostOpt = "0.0.0.0") -> None:  # noqa: S104
    """Slack (over HTTP or Socket Mode) and Discord in one process, sharing the assistant, workers and jobs."""
    slack = slack_serving(http, socket, host)
    settings = settings_or_exit()
    token = discord_token(settings)
    run_with_app(settings, lambda running: serve(running, slack=slack, discord=token))


def serve(running: Any, *, slack: SlackServing | None, discord: str | None) -> None:
    """Serve the surfaces asked for until SIGTERM or Ctrl-C, then stop the surfaces, the jobs and the workers."""
    from bot.jobs.worker import background_jobs
    from bot.runner import ProcessRunner, make_runner

    if slack is not None:
        from bot.slack.oauth import check_slack_settings

        check_slack_settings(running.settings, slack.mode)  # before any worker process starts
    runner = make_runner(running)
    jobs = ExitStack()
    try:
        if isinstance(runner, ProcessRunner):
            runner.wait_ready()  # a worker that can't open the assistant stops start-up, not every message later
        jobs.enter_context(background_jobs(running))  # publishing, unless a separate `brandpilot worker` runs
        surfaces = []
        if slack is not None:
            surfaces.append(_slack_surface(running, runner, slack, jobs))
        if discord is not None:
            surfaces.append(_discord_surface(running, runner, discord))
        import gc

        gc.collect()
        gc.freeze()  # the models and libraries loaded at start never need scanning again: no long GC pauses
        asyncio.run(_until_stopped(surfaces))
    finally:
        jobs.close()
        runner.close()


@dataclass
class Surface:
    """A chat surface to run: `run()` serves until `stop()` is called, or it fails; without `stop`, it is cancelled."""

    run: Callable[[], Coroutine[Any, Any, None]]
    stop: Callable[[], None] | None = None


def _slack_surface(running: Any, runner: Any, slack: SlackServing, jobs: ExitStack) -> Surface:
    from bot.slack.dispatch import dispatching
    from bot.slack.server import asgi_app, build_slack_app, serve_socket_mode

    settings = running.settings
    jobs.enter_context(dispatching(running, every=settings.publishing.poll_seconds))
    bolt = build_slack_app(running, mode=slack.mode, runner=runner)
    if slack.mode == "socket":
        return Surface(lambda: serve_socket_mode(bolt, str(settings.secret("slack_app_token"))))
    from bot.listening.webhooks import WebhookReceiver

    receiver = WebhookReceiver(settings, running.sessions, running.credentials)
    server = uvicorn_server(asgi_app(bolt, webhooks=receiver), slack.host, slack.port, settings.log_level.lower())
    return Surface(server.serve, lambda: setattr(server, "should_exit", True))


def _discord_surface(running: Any, runner: Any, token: str) -> Surface:
    import discord

    from bot.discord.client import BrandPilotBot, use_api
    from config.errors import ConfigError
    from config.settings import config_file_path

    use_api(running.settings.discord_api_url, running.settings.discord_gateway_url)
    bot = BrandPilotBot(running, runner)

    async def run() -> None:
        try:
            async with bot:
                await bot.start(token)
        except discord.LoginFailure as exc:
            problem = f"Discord refused the token ({exc}); reset it in the Developer Portal (Bot > Reset Token)."
            raise ConfigError("the environment", "DISCORD_BOT_TOKEN", problem) from exc
        except discord.PrivilegedIntentsRequired as exc:
            problem = (
                "un-mentioned follow-ups need the Message Content intent: turn it on in the Developer Portal "
                "(Bot > Privileged Gateway Intents), or set follow_up_without_mention to false."
            )
            raise ConfigError(str(config_file_path()[0]), "discord.follow_up_without_mention", problem) from exc

    def stop() -> None:
        asyncio.ensure_future(bot.close())  # noqa: RUF006 - awaited by `run`, which ends when the bot is closed

    return Surface(run, stop)


async def _until_stopped(surfaces: list[Surface]) -> None:
    """Run the surfaces together; SIGTERM / SIGINT, or one surface ending, stops them all; a failure is re-raised."""
    tasks = [asyncio.create_task(surface.run()) for surface in surfaces]
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)
    for sig in signals:
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on this platform, or not the main thread
            loop.add_signal_handler(sig, stopping.set)
    waiter = asyncio.create_task(stopping.wait())
    try:
        await asyncio.wait([*tasks, waiter], return_when=asyncio.FIRST_COMPLETED)
    finally:
        for sig in signals:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
        for surface, task in zip(surfaces, tasks, strict=True):
            if surface.stop is None:
                task.cancel()
            else:
                surface.stop()
        await asyncio.wait(tasks, timeout=10)
        for task in [*tasks, waiter]:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
    for result in results:
        if isinstance(result, Exception):
            raise result


def uvicorn_server(application: Any, host: str, port: int | None, log_level: str) -> Any:
    """Uvicorn's server for `application`, minus its own signal handling: `_until_stopped` stops every surface."""
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    return Server(uvicorn.Config(application, host=host, port=port, log_level=log_level, lifespan="on"))
