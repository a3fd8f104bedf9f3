"""Model text streamed into a Slack thread as it is written (chat.startStream / appendStream / stopStream)."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.slack.mrkdwn import ZERO_WIDTH

log = logging.getLogger(__name__)
FLUSH_CHARS = 200  # send once this much text is waiting…
FLUSH_SECONDS = 0.6  # …or this long after the last send, whichever comes first
_SPECIAL = re.compile(r"(<)([!@#])|@(channel|here|everyone)\b", re.IGNORECASE)
_DONE = object()


def defuse(text: str) -> str:
    """Streamed text can't form `<!here>`, `<@U…>`, `<#C…>` or ping with a plain `@channel`."""

    def broken(match: re.Match[str]) -> str:
        return match.group(1) + ZERO_WIDTH + match.group(2) if match.group(1) else "@" + ZERO_WIDTH + match.group(3)

    return _SPECIAL.sub(broken, text)


class TextStream:
    """Receives pieces of text from the worker thread and streams them into the thread, batched.

    Nothing depends on it succeeding: if Slack refuses to stream (an older workspace, a missing scope), the
    stream stops quietly and the finished reply is posted the usual way.
    """

    def __init__(self, client: Any, *, channel: str, thread_ts: str, team: str | None, user: str) -> None:
        """Stream as a reply in `thread_ts`, addressed to the person who asked (Slack needs them in channels)."""
        self.client = client
        self.channel, self.thread_ts, self.team, self.user = channel, thread_ts, team, user
        self.ts: str | None = None  # the streamed message, once started
        self.failed = False
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._task = asyncio.create_task(self._pump())

    def feed(self, piece: str) -> None:
        """Called from the thread that runs the turn, for each piece of text as the model writes it."""
        self._loop.call_soon_threadsafe(self._queue.put_nowait, piece)

    async def finish(self) -> str | None:
        """Send what is left and stop the stream; the streamed message's ts, or None if nothing was streamed."""
        self._loop.call_soon(self._queue.put_nowait, _DONE)  # after any piece still being handed over
        await self._task
        if self.ts:  # even after a failed append: a stream left open would show as still being written
            await self._call(self.client.chat_stopStream, channel=self.channel, ts=self.ts)
        return self.ts

    async def _pump(self) -> None:
        try:
            await self._forward()
        except Exception:  # streaming is a nicety: whatever goes wrong, the finished reply is still posted
            log.exception("streaming into %s stopped", self.channel)
            self.failed = True

    async def _forward(self) -> None:
        pending, last_sent, done = "", time.monotonic(), False
        while not done:
            timeout = max(FLUSH_SECONDS - (time.monotonic() - last_sent), 0.01) if pending else None
            try:
                item = await asyncio.wait_for(self._queue.get(), timeout)
            except TimeoutError:
                item = None
            if item is _DONE:
                done = True
            elif item:
                pending += item
            due = done or len(pending) >= FLUSH_CHARS or time.monotonic() - last_sent >= FLUSH_SECONDS
            if pending and due:
                cut = len(pending) if done else _safe_cut(pending)
                if cut:
                    await self._send(pending[:cut])
                    pending, last_sent = pending[cut:], time.monotonic()

    async def _send(self, text: str) -> None:
        if self.failed:
            return
        text = defuse(text)
        if self.ts is None:
            started = await self._call(
                self.client.chat_startStream,
                channel=self.channel,
                thread_ts=self.thread_ts,
                markdown_text=text,
                recipient_team_id=self.team or None,
                recipient_user_id=self.user,
            )
            self.ts = str(started["ts"]) if started else None
            return
        await self._call(self.client.chat_appendStream, channel=self.channel, ts=self.ts, markdown_text=text)

    async def _call(self, method: Any, **kwargs: Any) -> Any:
        try:
            return await method(**kwargs)
        except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
            log.warning("streaming into %s stopped (%s); the reply is posted whole instead", self.channel, error)
            self.failed = True
            return None


def _safe_cut(text: str) -> int:
    """Where to cut waiting text so a word (and a mention being written) is never split: after the last space."""
    return max(text.rfind(" "), text.rfind("\n")) + 1
