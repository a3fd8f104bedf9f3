from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography.fernet import Fernet
from fake_platforms.linkedin_api import linkedin_api
from fake_platforms.server import FakeApi, Response, file_host, serve
from fake_platforms.x_api import x_api
from sqlalchemy import select, update
from typer.testing import CliRunner

from bot.alerts import AlertService
from bot.app import App, open_app
from bot.cli import app as cli
from bot.jobs.publish_reports import Reporter
from bot.jobs.publisher import STALE_CLAIM, Publisher
from bot.turns import InputError, Turn
from config.settings import load_settings
from memory import queue
from memory.history import HistoryStore
from memory.models import Alert, PublishAttempt, ScheduledPost, ThreadNotice
from tools.platforms.base import Credentials, media_in
from tools.platforms.factory import app_credentials, make_clients

X_USER = "2244994945"
LI_ORG = "urn:li:organization:2414183"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def fakes() -> Iterator[dict[str, FakeApi]]:
    with serve(x_api()) as x, serve(linkedin_api()) as li:
        yield {"x": x, "linkedin": li}


@pytest.fixture
def world(brandpilot_home, monkeypatch, fakes) -> Iterator[App]:
    monkeypatch.setenv("PLATFORM_TOKEN_ENCRYPTION_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("X_API_URL", fakes["x"].url)
    monkeypatch.setenv("X_CLIENT_ID", "x-client")
    monkeypatch.setenv("X_CLIENT_SECRET", "x-secret")
    monkeypatch.setenv("LINKEDIN_API_URL", fakes["linkedin"].url)
    monkeypatch.setenv("LINKEDIN_OAUTH_URL", fakes["linkedin"].url)
    with open_app(load_settings()) as app:
        yield app


def connect(app: App, platform: str = "x", token: str = "x-token", **extra) -> None:
    account = {"x": X_USER, "linkedin": LI_ORG}[platform]
    credentials = Credentials(token, account, **extra)
    app.credentials.save(app.settings.default_brand_id(), platform, credentials, account_name="acct", actor="test")


def approve(app: App, thread: str, request: str, *, edit: str | None = None) -> ScheduledPost:
    app.service.handle_turn(Turn(thread, "maya", request))
    if edit is not None:
        app.service.decide(thread, {"action": "edit", "text": edit}, user="maya")
    result = app.service.decide(thread, {"action": "approve"}, user="maya")
    with app.sessions() as session:
        return session.get(ScheduledPost, result.outcomes[0]["post_id"])


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def publisher(app: App, http: httpx.Client, clock: Clock, **options) -> Publisher:
    return Publisher(
        app.sessions,
        clients=make_clients(app.settings, http),
        credentials=app.credentials,
        coordinator=app.coordinator,
        reporter=Reporter(app.sessions, AlertService(app.sessions)),
        options=app.settings.publishing.model_copy(update=options),
        app_credentials=app_credentials(app.settings),
        clock=clock,
    )


def alerts_of(app: App, kind: str) -> list[Alert]:
    with app.sessions() as session:
        return list(session.scalars(select(Alert).where(Alert.kind == kind)))


def notices_of(app: App, thread: str) -> list[str]:
    with app.sessions() as session:
        return [n.text for n in session.scalars(select(ThreadNotice).where(ThreadNotice.thread_key == thread))]


def stored(app: App, post_id: str) -> ScheduledPost:
    with app.sessions() as session:
        return session.get(ScheduledPost, post_id)


def test_without_an_account_the_post_is_a_labelled_dry_run_published_once(world, http):
    post = approve(world, "cli:dry", "write a tweet about our winter candle sale")
    assert post.dry_run
    clock = Clock(post.scheduled_for - timedelta(minutes=1))
    assert publisher(world, http, clock).run_once() == []
    clock.now = post.scheduled_for + timedelta(minutes=1)
    [published] = publisher(world, http, clock).run_once()
    assert published["status"] == "dry_run_published"
    assert publisher(world, http, clock).run_once() == []
    with world.sessions() as session:
        [attempt] = session.scalars(select(PublishAttempt)).all()
    assert "dry run" in attempt.detail
    assert HistoryStore(world.sessions).outcomes("harbor-pine") == []  # a dry run never went out


def test_a_connected_account_publishes_for_real_and_the_thread_hears_the_link(world, http, fakes):
    connect(world)
    post = approve(world, "cli:real", "write a tweet about our winter candle sale")
    assert not post.dry_run
    [published] = publisher(world, http, Clock(post.scheduled_for + timedelta(minutes=1))).run_once()
    [tweet] = fakes["x"].state["tweets"].values()
    assert published["status"] == "published" and published["external_id"] == tweet["id"]
    assert published["url"] == f"https://x.com/i/web/status/{tweet['id']}"
    [request] = fakes["x"].of("POST", "/2/tweets")
    assert request.headers["authorization"] == "Bearer x-token" and request.json() == {"text": post.text}
    assert any("is live" in n and tweet["id"] in n for n in notices_of(world, "cli:real"))
    [history] = HistoryStore(world.sessions).outcomes("harbor-pine")  # what best times and hashtags learn from
    assert (history.platform, history.text) == ("x", post.text) and history.published_at is not None


def test_an_x_thread_goes_out_as_replies_in_order(world, http, fakes):
    connect(world)
    long = " ".join(f"Sentence number {i} about our fog bell candle and how it is poured by hand." for i in range(9))
    post = approve(world, "cli:thread", "write a tweet about our candles", edit=long)
    publisher(world, http, Clock(post.scheduled_for + timedelta(minutes=1))).run_once()
    bodies = [r.json() for r in fakes["x"].of("POST", "/2/tweets")]
    assert len(bodies) >= 2 and "reply" not in bodies[0]
    ids = list(fakes["x"].state["tweets"])
    for previous, body in zip(ids, bodies[1:], strict=False):
        assert body["reply"] == {"in_reply_to_tweet_id": previous}
    assert bodies[0]["text"].endswith(f"1/{len(bodies)}")


def test_a_rate_limit_waits_for_the_reset_then_publishes_once(world, http, fakes):
    connect(world)
    post = approve(world, "cli:429", "write a tweet about our winter candle sale")
    clock = Clock(post.scheduled_for + timedelta(minutes=1))
    reset = int(datetime.now(UTC).timestamp()) + 600
    fakes["x"].fail_next(
        "POST", "/2/tweets", Response(429, {"title": "Too Many Requests"}, {"x-rate-limit-reset": str(reset)})
    )
    [first] = publisher(world, http, clock).run_once()
    assert first["status"] == "scheduled"
    waiting = stored(world, post.id)
    assert waiting.attempts == 1 and waiting.next_attempt_at >= clock.now + timedelta(seconds=500)
    assert publisher(world, http, clock).run_once() == []  # not before its time
    clock.now = waiting.next_attempt_at + timedelta(seconds=1)
    [second] = publisher(world, http, clock).run_once()
    assert second["status"] == "published" and len(fakes["x"].state["tweets"]) == 1
    assert any("attempt 2" in n for n in notices_of(world, "cli:429"))


def test_server_errors_are_retried_until_the_limit_then_reported(world, http, fakes):
    connect(world)
    post = approve(world, "cli:503", "write a tweet about our winter candle sale")
    clock = Clock(post.scheduled_for + timedelta(minutes=1))
    for _ in range(3):
        fakes["x"].fail_next("POST", "/2/tweets", Response(503, {"title": "Service Unavailable"}))
    work = publisher(world, http, clock, max_attempts=3)
    for expected in ("scheduled", "scheduled", "failed"):
        [result] = work.run_once()
        assert result["status"] == expected
        clock.now += timedelta(hours=2)
    assert len(fakes["x"].of("POST", "/2/tweets")) == 3 and not fakes["x"].state["tweets"]
    [alert] = alerts_of(world, "publish_failed")
    assert "gave up after 3 attempts" in alert.summary and "queue retry" in alert.summary
    assert any("was not published" in n for n in notices_of(world, "cli:503"))


def test_a_permanent_refusal_is_not_retried_and_is_reported(world, http, fakes):
    connect(world)
    post = approve(world, "cli:403", "write a tweet about our winter candle sale")
    fakes["x"].state["tweets"]["1"] = {"id": "1", "text": post.text}  # X refuses duplicate content
    [result] = publisher(world, http, Clock(post.scheduled_for + timedelta(minutes=1))).run_once()
    assert result["status"] == "failed" and stored(world, post.id).attempts == 1
    assert len(fakes["x"].of("POST", "/2/tweets")) == 1
    [alert] = alerts_of(world, "publish_failed")
    assert "duplicate" in alert.summary.lower()


def test_a_failure_is_never_recorded_without_its_alert(world, http, fakes, monkeypatch):
    connect(world)
    post = approve(world, "cli:crash", "write a tweet about our winter candle sale")
    fakes["x"].state["tweets"]["1"] = {"id": "1", "text": post.text}  # X refuses duplicate content
    original = AlertService.raise_alert

    def crash(*args, **kwargs):  # the process dies while the failure is being reported
        raise RuntimeError("worker killed")

    monkeypatch.setattr(AlertService, "raise_alert", crash)
    clock = Clock(post.scheduled_for + timedelta(minutes=1))
    assert publisher(world, http, clock).run_once() == []
    assert stored(world, post.id).status != "failed"  # the failure and its alert commit together, or neither

    monkeypatch.setattr(AlertService, "raise_alert", original)
    with world.sessions.begin() as session:
        session.execute(update(ScheduledPost).values(updated_at=datetime.now(UTC) - STALE_CLAIM * 2))
    publisher(world, http, clock).run_once()
    assert stored(world, post.id).status == "uncertain"  # it was sent before the crash: never resent blindly
    assert alerts_of(world, "publish_uncertain") and len(fakes["x"].of("POST", "/2/tweets")) == 1


def test_a_refused_token_is_refreshed_once_and_the_new_one_stored(world, http, fakes):
    connect(world, token="x-expired", refresh_token="x-refresh")
    post = approve(world, "cli:401", "write a tweet about our winter candle sale")
    [result] = publisher(world, http, Clock(post.scheduled_for + timedelta(minutes=1))).run_once()
    assert result["status"] == "published"
    [refresh] = fakes["x"].of("POST", "/2/oauth2/token")
    assert refresh.form()["grant_type"] == "refresh_token" and refresh.form()["refresh_token"] == "x-refresh"
    fresh = world.credentials.get(world.settings.default_brand_id(), "x")
    assert fresh.access_token in fakes["x"].state["tokens"] and fresh.refresh_token != "x-refresh"


def test_a_crash_after_sending_never_posts_twice(world, http, fakes):
    connect(world)
    post = approve(world, "cli:crash", "write a tweet about our winter candle sale")
    clock = Clock(post.scheduled_for + timedelta(minutes=1))
    crashing = publisher(world, http, clock)
    real = crashing.clients["x"]

    class CrashAfterSend:
        platform = "x"

        def publish(self, post, credentials):
            real.publish(post, credentials)
            raise KeyboardInterrupt  # the process dies before recording the platform's answer

    crashing.clients = {"x": CrashAfterSend()}
    with pytest.raises(KeyboardInterrupt):
        crashing.run_once()
    assert stored(world, post.id).status == "publishing"
    clock.now += STALE_CLAIM + timedelta(minutes=1)
    with world.sessions.begin() as session:  # the claim's last change is older than the lease
        session.execute(update(ScheduledPost).values(updated_at=datetime.now(UTC) - STALE_CLAIM * 2))
    assert publisher(world, http, clock).run_once() == []
    assert stored(world, post.id).status == "uncertain" and len(fakes["x"].state["tweets"]) == 1
    [alert] = alerts_of(world, "publish_uncertain")
    assert f"queue confirm {post.id}" in alert.summary
    result = CliRunner().invoke(cli, ["queue", "confirm", post.id, "--url", "https://x.com/i/web/status/1"])
    assert result.exit_code == 0, result.output
    assert stored(world, post.id).status == "published"


def test_a_claim_that_never_sent_is_simply_published_later(world, http, fakes):
    connect(world)
    post = approve(world, "cli:lost", "write a tweet about our winter candle sale")
    clock = Clock(post.scheduled_for + timedelta(minutes=1))
    with world.sessions.begin() as session:  # a worker claimed it and died before sending
        from memory.repository import claim_due_posts

        claim_due_posts(session, clock.now, 10)
        session.execute(update(ScheduledPost).values(updated_at=datetime.now(UTC) - STALE_CLAIM * 2))
    [result] = publisher(world, http, clock).run_once()
    assert result["status"] == "published" and len(fakes["x"].state["tweets"]) == 1


def test_a_paused_queue_holds_posts_reports_them_late_and_resumes(world, http, fakes):
    connect(world)
    post = approve(world, "cli:pause", "write a tweet about our winter candle sale")
    brand = world.settings.default_brand_id()
    assert CliRunner().invoke(cli, ["queue", "pause", "--brand", brand, "--reason", "crisis"]).exit_code == 0
    clock = Clock(post.scheduled_for + timedelta(minutes=30))
    assert publisher(world, http, clock).run_once() == []
    assert not fakes["x"].state["tweets"]
    [late] = alerts_of(world, "publish_late")
    assert "paused" in late.summary and "queue resume" in late.summary
    publisher(world, http, clock).run_once()
    assert len(alerts_of(world, "publish_late")) == 1  # one alert per late post, however often the worker runs
    assert CliRunner().invoke(cli, ["queue", "resume", "--brand", brand]).exit_code == 0
    [result] = publisher(world, http, clock).run_once()
    assert result["status"] == "published"


def test_a_post_left_waiting_is_reported_late(world, http):
    post = approve(world, "cli:late", "write a tweet about our winter candle sale")
    with world.sessions.begin() as session:  # as if no worker ran and a claim got stuck
        session.execute(update(ScheduledPost).values(status="publishing", updated_at=datetime.now(UTC)))
    publisher(world, http, Clock(post.scheduled_for + timedelta(minutes=20))).run_once()
    [late] = alerts_of(world, "publish_late")
    assert "20 minutes late" in late.summary and "brandpilot worker" in late.summary
    assert any("late" in n for n in notices_of(world, "cli:late"))


def test_tokens_expiring_within_a_week_are_reported_once(world, http):
    soon = datetime.now(UTC) + timedelta(days=3)
    connect(world, expires_at=soon)  # no refresh token: only a person can renew it
    connect(world, "linkedin", "li-token", expires_at=datetime.now(UTC) + timedelta(days=30))
    work = publisher(world, http, Clock(datetime.now(UTC)))
    assert work.check_tokens() == 1
    work.check_tokens()
    [alert] = alerts_of(world, "token_expiring")
    assert "X token" in alert.summary and "platforms connect x" in alert.summary


def test_an_expiring_token_is_told_in_the_threads_of_the_posts_waiting_on_it(world, http):
    connect(world, expires_at=datetime.now(UTC) + timedelta(days=3))
    connect(world, "linkedin", "li-token", expires_at=datetime.now(UTC) + timedelta(days=30))
    approve(world, "cli:wait1", "write a tweet about our winter candle sale")
    approve(world, "cli:wait2", "pls tweet that the fog bell candle is back in stock")
    approve(world, "cli:other", "draft a linkedin post about our new workshop tours")
    work = publisher(world, http, Clock(datetime.now(UTC)))

    work.check_tokens()
    work.check_tokens()

    for thread in ("cli:wait1", "cli:wait2"):
        [notice] = [n for n in notices_of(world, thread) if "token" in n]
        assert "X token" in notice and "platforms connect x" in notice
    assert not [n for n in notices_of(world, "cli:other") if "token" in n]


def test_a_retired_linkedin_version_fails_the_post_and_raises_a_critical_alert(world, http, fakes, monkeypatch):
    connect(world, "linkedin", "li-token")
    fakes["linkedin"].state["active_versions"] = {"202601"}  # the configured 202511 was sunset
    post = approve(world, "cli:li", "draft a linkedin post about our new workshop tours")
    [result] = publisher(world, http, Clock(post.scheduled_for + timedelta(minutes=1))).run_once()
    assert result["status"] == "failed"
    [request] = fakes["linkedin"].of("POST", "/rest/posts")
    assert request.headers["linkedin-version"] == "202511"
    [alert] = alerts_of(world, "api_version")
    assert alert.severity == "critical" and "LINKEDIN_API_VERSION" in alert.summary


def test_the_rate_budget_holds_the_second_post_without_counting_an_attempt(world, http, fakes):
    connect(world)
    first = approve(world, "cli:rate1", "write a tweet about our winter candle sale")
    approve(world, "cli:rate2", "pls tweet that the fog bell candle is back in stock")
    clock = Clock(first.scheduled_for + timedelta(days=2))
    limits = {"x": {"limit": 1, "per_seconds": 3600}}
    rate_limits = world.settings.publishing.model_validate({"rate_limits": limits}).rate_limits
    results = publisher(world, http, clock, rate_limits=rate_limits, concurrency=1).run_once()
    statuses = sorted(r["status"] for r in results)
    assert statuses == ["published", "scheduled"] and len(fakes["x"].state["tweets"]) == 1
    with world.sessions() as session:
        held = session.scalars(select(ScheduledPost).where(ScheduledPost.status == "scheduled")).one()
    assert held.attempts == 0 and held.next_attempt_at is not None


def test_status_shows_accounts_queue_and_pause(world):
    connect(world, expires_at=datetime.now(UTC) + timedelta(days=2))
    approve(world, "cli:status", "write a tweet about our winter candle sale")
    with world.sessions.begin() as session:
        queue.pause(session, world.settings.default_brand_id(), actor="maya", reason="launch hold")
    result = CliRunner().invoke(cli, ["status"])
    assert result.exit_code == 0, result.output
    assert "PAUSED by maya (launch hold)" in result.output
    assert "X: acct, token expires in 1 days ⚠" in result.output or "X: acct, token expires in 2 days" in result.output
    assert "1 waiting" in result.output


def test_media_named_in_the_draft_is_uploaded_and_the_markers_are_not_published(world, http, fakes):
    connect(world)
    with serve(file_host(b"\x89PNG fake image", "image/png")) as cdn:
        text = f"The Fog Bell is back in stock.\n[image: {cdn.url}/fog-bell.png]\n[alt: A lit candle on a shelf]"
        post = approve(world, "cli:media", "write a tweet about our candles", edit=text)
        [result] = publisher(world, http, Clock(post.scheduled_for + timedelta(minutes=1))).run_once()
    assert result["status"] == "published"
    [upload] = fakes["x"].of("POST", "/2/media/upload")
    [media_id] = fakes["x"].state["media"]
    assert fakes["x"].state["media"][media_id]["alt_text"] == "A lit candle on a shelf"
    [tweet] = [r.json() for r in fakes["x"].of("POST", "/2/tweets")]
    assert tweet == {"text": "The Fog Bell is back in stock.", "media": {"media_ids": [media_id]}}
    assert upload.headers["authorization"] == "Bearer x-token"


def test_an_approved_x_reply_is_published_under_the_post_it_answers(world, http, fakes):
    connect(world)
    fakes["x"].state["tweets"]["1861234567890"] = {"id": "1861234567890", "text": "do you ship to Canada?"}
    text = "[reply to: https://x.com/sam_k/status/1861234567890]\n\nWe do! Shipping to Canada takes 5 to 7 days."
    post = approve(world, "cli:reply", "reply to @sam_k on X: 'do you ship to Canada?'", edit=text)

    [result] = publisher(world, http, Clock(post.scheduled_for + timedelta(minutes=1))).run_once()

    assert result["status"] == "published"
    [tweet] = [r.json() for r in fakes["x"].of("POST", "/2/tweets")]
    assert tweet == {
        "text": "We do! Shipping to Canada takes 5 to 7 days.",
        "reply": {"in_reply_to_tweet_id": "1861234567890"},
    }


def test_an_approved_linkedin_document_post_uploads_the_pdf_and_posts_it_with_its_title(world, http, fakes):
    connect(world, "linkedin", "li-token")
    with serve(file_host(b"%PDF-1.7 guide", "application/pdf")) as cdn:
        text = (
            "[title: The first-burn guide]\n\nSix pages on getting a clean first burn.\n\n"
            f"[document: {cdn.url}/guides/first-burn.pdf]"
        )
        post = approve(world, "cli:doc", "LinkedIn document post about the first burn", edit=text)
        [result] = publisher(world, http, Clock(post.scheduled_for + timedelta(minutes=1))).run_once()

    assert result["status"] == "published"
    [urn] = fakes["linkedin"].state["documents"]
    assert fakes["linkedin"].state["documents"][urn] == b"%PDF-1.7 guide"
    [create] = [r.json() for r in fakes["linkedin"].of("POST", "/rest/posts")]
    assert create["content"] == {"media": {"title": "The first-burn guide", "id": urn}}
    assert create["commentary"] == "Six pages on getting a clean first burn."


def test_media_that_is_not_a_web_address_is_stopped_at_approval_and_again_before_sending(world, fakes):
    connect(world)
    text = "The Fog Bell is back.\n[image: fog-bell.png]\n[alt: A lit candle]"
    world.service.handle_turn(Turn("cli:badmedia", "maya", "write a tweet about our candles"))
    world.service.decide("cli:badmedia", {"action": "edit", "text": text}, user="maya")
    with pytest.raises(InputError, match="draft-media-address"):
        world.service.decide("cli:badmedia", {"action": "approve"}, user="maya")
    with pytest.raises(ValueError, match=r"\[image: https://"):  # the publisher's own check, should one slip by
        media_in(text)
    assert not fakes["x"].requests


def test_a_dropped_answer_to_a_create_call_is_uncertain_not_resent(world, http, fakes):
    connect(world)
    post = approve(world, "cli:drop", "write a tweet about our winter candle sale")
    fakes["x"].drop_next("POST", "/2/tweets")
    clock = Clock(post.scheduled_for + timedelta(minutes=1))
    [result] = publisher(world, http, clock).run_once()
    assert result["status"] == "uncertain"
    clock.now += timedelta(hours=3)
    assert publisher(world, http, clock).run_once() == []
    assert len(fakes["x"].of("POST", "/2/tweets")) == 1
    [alert] = alerts_of(world, "publish_uncertain")
    assert "may have received it" in alert.summary


def test_a_claim_recovered_by_another_worker_is_never_sent_by_the_first(world, http, fakes):
    connect(world)
    post = approve(world, "cli:lease", "write a tweet about our winter candle sale")
    now = post.scheduled_for + timedelta(minutes=1)
    with world.sessions.begin() as session:
        from memory.repository import claim_due_posts

        [claimed] = claim_due_posts(session, now, 10)
        claimed_at = claimed.updated_at
        session.execute(update(ScheduledPost).values(updated_at=datetime.now(UTC) - STALE_CLAIM * 2))
    [republished] = publisher(world, http, Clock(now)).run_once()  # a second worker recovers and publishes it
    assert republished["status"] == "published"
    with world.sessions.begin() as session:  # the first worker, slow, reaches the post only now
        assert queue.mark_sending(session, post.id, claimed_at=claimed_at) == "lost"
    assert len(fakes["x"].of("POST", "/2/tweets")) == 1


def test_a_pause_after_the_claim_still_stops_the_send(world, http, fakes):
    connect(world)
    post = approve(world, "cli:latepause", "write a tweet about our winter candle sale")
    now = post.scheduled_for + timedelta(minutes=1)
    with world.sessions.begin() as session:
        from memory.repository import claim_due_posts

        [claimed] = claim_due_posts(session, now, 10)
        queue.pause(session, world.settings.default_brand_id(), actor="maya", reason="crisis")
    with world.sessions.begin() as session:
        assert queue.mark_sending(session, post.id, claimed_at=claimed.updated_at) == "paused"
    assert not fakes["x"].requests


def test_a_post_retried_by_a_person_that_fails_again_is_reported_again(world, http, fakes):
    connect(world)
    post = approve(world, "cli:again", "write a tweet about our winter candle sale")
    clock = Clock(post.scheduled_for + timedelta(minutes=1))
    for _ in range(2):
        fakes["x"].fail_next("POST", "/2/tweets", Response(403, {"title": "Forbidden", "detail": "Not allowed."}))
    assert publisher(world, http, clock).run_once()[0]["status"] == "failed"
    assert CliRunner().invoke(cli, ["queue", "retry", post.id]).exit_code == 0
    clock.now = datetime.now(UTC) + timedelta(minutes=1)
    assert publisher(world, http, clock).run_once()[0]["status"] == "failed"
    assert len(alerts_of(world, "publish_failed")) == 2
    assert sum("was not published" in n for n in notices_of(world, "cli:again")) == 2


def test_a_duplicate_answer_on_a_retry_means_the_first_attempt_probably_landed(world, http, fakes):
    connect(world)
    post = approve(world, "cli:dup", "write a tweet about our winter candle sale")
    clock = Clock(post.scheduled_for + timedelta(minutes=1))
    fakes["x"].fail_next("POST", "/2/tweets", Response(503, {"title": "Service Unavailable"}))
    assert publisher(world, http, clock).run_once()[0]["status"] == "scheduled"
    fakes["x"].state["tweets"]["1"] = {"id": "1", "text": post.text}  # as if the 503 attempt had gone through
    clock.now += timedelta(hours=2)
    assert publisher(world, http, clock).run_once()[0]["status"] == "uncertain"


def test_queue_commands_refuse_posts_in_the_wrong_state_in_plain_words(world):
    post = approve(world, "cli:state", "write a tweet about our winter candle sale")
    result = CliRunner().invoke(cli, ["queue", "confirm", post.id])
    assert result.exit_code == 1 and "cannot confirm post" in result.output and "scheduled" in result.output


def test_a_token_that_can_be_refreshed_is_renewed_ahead_of_expiry_instead_of_alerting(world, http, fakes):
    connect(world, expires_at=datetime.now(UTC) + timedelta(days=2), refresh_token="x-refresh")
    assert publisher(world, http, Clock(datetime.now(UTC))).check_tokens() == 0
    [refresh] = fakes["x"].of("POST", "/2/oauth2/token")
    assert refresh.form()["refresh_token"] == "x-refresh"
    assert alerts_of(world, "token_expiring") == []
    stored_credentials = world.credentials.get(world.settings.default_brand_id(), "x")
    assert stored_credentials.refresh_token != "x-refresh"
