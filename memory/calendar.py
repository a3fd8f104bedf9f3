"""The content calendar in the database: planned slots beside the posts already in the publishing queue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, bindparam, delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from memory.db import run_once, write_transaction
from memory.models import CalendarEntry, ScheduledPost, utcnow
from memory.precompiled import Precompiled
from memory.repository import NotFoundError
from tools.analytics.calendar_plan import Busy, PlannedSlot

LIVE_POSTS = ("scheduled", "publishing", "published", "uncertain", "dry_run_published")
OPEN_ENTRIES = ("planned", "drafted")
SHORT_ID = 8  # the calendar shows ids this long
MATCH_WITHIN = timedelta(hours=12)  # a post this close to a planned slot on its platform fills the slot
_ANY_PLANNED = Precompiled(
    select(CalendarEntry.id)
    .where(
        CalendarEntry.brand_id == bindparam("brand"),
        CalendarEntry.platform == bindparam("platform"),
        CalendarEntry.status == "planned",
        CalendarEntry.slot_at >= bindparam("start"),
        CalendarEntry.slot_at < bindparam("end"),
    )
    .limit(1)
)


@dataclass(frozen=True)
class CalendarItem:
    """One line of the calendar: a planned slot, or a post in the queue (`kind` says which)."""

    id: str
    kind: str  # "planned" or "post"
    platform: str
    at: datetime
    status: str
    pillar: str | None = None
    format: str | None = None
    campaign: str | None = None
    idea: str = ""
    why: str = ""
    text: str = ""
    filled_by: str | None = None  # for a planned slot: the scheduled post that covers it


class CalendarStore:
    """Reads and writes a brand's calendar."""

    def __init__(self, sessions: sessionmaker[Session], *, probes: Engine | None = None) -> None:
        """`probes`: an engine without pre-ping for the one-statement read drafting makes on every turn."""
        self._sessions = sessions
        self._probes = probes or sessions.kw["bind"]

    def busy(self, brand_id: str, start: datetime, end: datetime) -> list[Busy]:
        """What already occupies the period: queued or published posts and open calendar slots."""
        with self._sessions() as session:
            posts, entries = _rows(session, brand_id, start, end)
        busy = [Busy(p.platform, p.scheduled_for, f"scheduled post {p.id[:8]}") for p in posts]
        for item in _matched(posts, entries):
            if item.kind == "planned" and item.status in OPEN_ENTRIES:
                label = f"calendar: {item.pillar}"
                busy.append(Busy(item.platform, item.at, label, planned=item.status == "planned"))
        return busy

    def items(self, brand_id: str, start: datetime, end: datetime) -> list[CalendarItem]:
        """The calendar for the period in time order: planned slots, and the queued posts no slot covers.

        A post on a slot's platform within 12 hours of it fills the slot (the closest post wins) and is shown as
        that slot, so a plan and the posts written from it don't appear twice.
        """
        with self._sessions() as session:
            posts, entries = _rows(session, brand_id, start, end)
        return sorted(_matched(posts, entries), key=lambda item: (item.at, item.platform, item.kind))

    def next_open_slot(self, brand_id: str, platform: str, start: datetime, end: datetime) -> datetime | None:
        """The earliest slot on the platform in the period that is still only planned and no queued post fills.

        Drafting asks this on every turn, and most brands have nothing planned on most platforms, so one precompiled
        statement (autocommitted on Postgres) answers that case before any session is opened.
        """
        params = {"brand": brand_id, "platform": platform, "start": start, "end": end}
        if run_once(self._probes, lambda connection: _ANY_PLANNED.first(connection, params)) is None:
            return None
        with self._sessions() as session:
            entries = session.scalars(
                select(CalendarEntry)
                .where(
                    CalendarEntry.brand_id == brand_id,
                    CalendarEntry.slot_at >= start,
                    CalendarEntry.slot_at < end,
                    CalendarEntry.platform == platform,
                    CalendarEntry.status == "planned",
                )
                .order_by(CalendarEntry.slot_at)
            ).all()
            if not entries:
                return None
            posts = session.scalars(
                select(ScheduledPost).where(
                    ScheduledPost.brand_id == brand_id,
                    ScheduledPost.platform == platform,
                    ScheduledPost.status.in_(LIVE_POSTS),
                    ScheduledPost.scheduled_for >= start - MATCH_WITHIN,
                    ScheduledPost.scheduled_for < end + MATCH_WITHIN,
                )
            ).all()
        free = [i.at for i in _matched(posts, entries) if i.kind == "planned" and i.status == "planned"]
        return min(free, default=None)

    def add(
        self,
        brand_id: str,
        slots: Sequence[PlannedSlot],
        *,
        created_by: str,
        ideas: Sequence[str] = (),
        replace: tuple[datetime, datetime] | None = None,
    ) -> list[str]:
        """Store planned slots (with an idea each, when given) in one transaction and return their ids.

        `replace` first removes the brand's still-`planned` slots in that period on the platforms being
        planned, so planning a period again gives one plan, not two; drafted or scheduled slots stay.
        """
        rows = [
            CalendarEntry(
                brand_id=brand_id,
                platform=slot.platform,
                slot_at=slot.at,
                pillar=slot.pillar[:128],
                format=slot.format,
                campaign=slot.campaign,
                idea=ideas[i] if i < len(ideas) else "",
                why=slot.why,
                created_by=created_by,
            )
            for i, slot in enumerate(slots)
        ]
        with write_transaction(self._sessions) as session:
            if replace is not None:
                posts, entries = _rows(session, brand_id, *replace)
                platforms = {slot.platform for slot in slots}
                stale = [
                    item.id
                    for item in _matched(posts, entries)
                    if item.kind == "planned" and item.status == "planned" and item.platform in platforms
                ]
                session.execute(delete(CalendarEntry).where(CalendarEntry.id.in_(stale)))
            session.add_all(rows)
            session.flush()
            return [row.id for row in rows]

    def set_status(self, brand_id: str, entry_id: str, status: str) -> None:
        """Mark one slot drafted, done or skipped, by its id or the first 8 characters of it.

        Raises:
            NotFoundError: the brand has no such slot, or the prefix fits several (nothing is changed).
        """
        if len(entry_id.strip()) < SHORT_ID:
            raise NotFoundError(
                f"give the calendar slot's id as the calendar shows it (at least {SHORT_ID} characters)"
            )
        with write_transaction(self._sessions) as session:
            changed = session.execute(
                update(CalendarEntry)
                .where(CalendarEntry.brand_id == brand_id, CalendarEntry.id.startswith(entry_id.strip()))
                .values(status=status, updated_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            if changed.rowcount != 1:
                raise NotFoundError(
                    f"no single calendar slot {entry_id!r} for this brand; copy the id shown by the calendar"
                )


def _rows(session: Session, brand_id: str, start: datetime, end: datetime) -> tuple[list, list]:
    posts = session.scalars(
        select(ScheduledPost).where(
            ScheduledPost.brand_id == brand_id,
            ScheduledPost.status.in_(LIVE_POSTS),
            ScheduledPost.scheduled_for >= start,
            ScheduledPost.scheduled_for < end,
        )
    ).all()
    entries = session.scalars(
        select(CalendarEntry).where(
            CalendarEntry.brand_id == brand_id, CalendarEntry.slot_at >= start, CalendarEntry.slot_at < end
        )
    ).all()
    return list(posts), list(entries)


def _matched(posts: Sequence[ScheduledPost], entries: Sequence[CalendarEntry]) -> list[CalendarItem]:
    """Planned slots (skipped ones left out) with the post that fills each, then the posts no slot took.

    Pairs are made nearest first across the whole period, so a post goes to the slot it is closest to.
    """
    pairs = sorted(
        (abs(post.scheduled_for - entry.slot_at), entry.id, post.id)
        for entry in entries
        if entry.status != "skipped"
        for post in posts
        if post.platform == entry.platform and abs(post.scheduled_for - entry.slot_at) <= MATCH_WITHIN
    )
    filled: dict[str, str] = {}
    taken: set[str] = set()
    for _, entry_id, post_id in pairs:
        if entry_id not in filled and post_id not in taken:
            filled[entry_id] = post_id
            taken.add(post_id)
    items = [
        _entry_item(entry, filled.get(entry.id) or entry.scheduled_post_id)
        for entry in entries
        if entry.status != "skipped"
    ]
    return items + [_post_item(post) for post in posts if post.id not in taken]


def _post_item(post: ScheduledPost) -> CalendarItem:
    return CalendarItem(
        id=post.id, kind="post", platform=post.platform, at=post.scheduled_for, status=post.status, text=post.text
    )


def _entry_item(entry: CalendarEntry, filled_by: str | None) -> CalendarItem:
    return CalendarItem(
        id=entry.id,
        kind="planned",
        platform=entry.platform,
        at=entry.slot_at,
        status="scheduled" if filled_by and entry.status in OPEN_ENTRIES else entry.status,
        pillar=entry.pillar,
        format=entry.format,
        campaign=entry.campaign,
        idea=entry.idea,
        why=entry.why,
        filled_by=filled_by,
    )
