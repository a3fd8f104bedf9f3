"""The content strategist through the graph: plans stored on the calendar, times learned from history, predictions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from fakes import ScriptedChatModel
from graph_runs import pending, run
from history_rows import ZONE, add_history

from memory.calendar import CalendarStore

NEXT_WEEK = [date(2026, 11, 30) + timedelta(days=n) for n in range(7)]  # FIXED_NOW is Friday 27 November 2026


def reply_of(snapshot) -> str:
    return snapshot.values["messages"][-1].content


def planned(sessions, start=NEXT_WEEK[0], days=7):
    first = datetime(start.year, start.month, start.day, tzinfo=ZONE)
    return [i for i in CalendarStore(sessions).items("harbor-pine", first, first + timedelta(days=days))]


def test_a_plan_is_stored_on_the_calendar_at_the_hours_the_history_favours(graph, strategy_context, sessions):
    add_history(sessions, "instagram", weekday=1, hour=8, posts=12, rate=0.08)  # Tuesdays 08:00 do best
    add_history(sessions, "instagram", weekday=1, hour=11, posts=12, rate=0.02)
    snapshot = run(graph, strategy_context(), "plan our content calendar for next week on instagram and linkedin")
    reply = reply_of(snapshot)
    items = planned(sessions)
    assert snapshot.values["route"]["agent"] == "content_strategist" and not pending(snapshot)
    assert {i.platform for i in items} == {"instagram", "linkedin"}
    assert sum(i.platform == "instagram" for i in items) == 7 and sum(i.platform == "linkedin" for i in items) == 2
    tuesday = [i for i in items if i.platform == "instagram" and i.at.astimezone(ZONE).date() == NEXT_WEEK[1]]
    assert [i.at.astimezone(ZONE).hour for i in tuesday] == [8]
    assert "from 12 of your posts" in tuesday[0].why
    assert all(i.at.astimezone(ZONE).weekday() < 5 for i in items if i.platform == "linkedin")  # the pack's weekdays
    assert all(i.idea and i.pillar for i in items)
    assert "learned from 24 of your measured posts" in reply and "saved them on the calendar" in reply
    assert all(i.id[:8] in reply for i in items)


def test_planning_keeps_clear_of_a_post_already_scheduled_and_replanning_replaces(graph, strategy_context, sessions):
    add_history(sessions, "linkedin", weekday=1, hour=9, posts=10, rate=0.09)
    add_history(sessions, "linkedin", weekday=3, hour=14, posts=10, rate=0.01)
    first = run(graph, strategy_context(), "plan next week's content calendar for linkedin", thread="a")
    assert "2 posts" in reply_of(first)
    before = planned(sessions)
    tuesday_nine = next(i.at for i in before if i.at.astimezone(ZONE).weekday() == 1)
    assert tuesday_nine.astimezone(ZONE).hour == 9
    CalendarStore(sessions).set_status("harbor-pine", before[0].id, "drafted")  # someone is writing that one
    again = reply_of(run(graph, strategy_context(), "plan next week's content calendar for linkedin", thread="b"))
    after = planned(sessions)
    drafted = [i for i in after if i.status == "drafted"]
    fresh = [i for i in after if i.status == "planned"]
    assert len(drafted) == 1 and len(fresh) == 1  # the planned slot was replaced; the drafted one kept and counted
    assert abs(fresh[0].at - drafted[0].at) >= timedelta(hours=4)
    assert "LinkedIn already has 1 queued or drafted" in again


def test_the_calendar_is_shown_for_the_period_asked(graph, strategy_context, sessions):
    empty = run(graph, strategy_context(), "show me the content calendar for next week", thread="a")
    assert "Nothing is on the calendar" in reply_of(empty)
    run(graph, strategy_context(), "plan next week's content calendar for linkedin", thread="b")
    shown = reply_of(run(graph, strategy_context(), "show me the content calendar for next week", thread="c"))
    assert "2 planned slots" in shown and shown.count("LinkedIn") == 2


def test_a_period_that_cannot_be_planned_gets_a_clear_answer(graph, strategy_context, sessions):
    reply = reply_of(run(graph, strategy_context(), "build a content calendar for the next 20 weeks"))
    assert "couldn't tell which dates to plan" in reply and planned(sessions, days=200) == []


def test_best_times_show_the_evidence_and_stay_inside_the_playbook_days(graph, strategy_context, sessions):
    add_history(sessions, "linkedin", weekday=3, hour=8, posts=9, rate=0.07)
    add_history(sessions, "linkedin", weekday=0, hour=15, posts=9, rate=0.01)
    reply = reply_of(run(graph, strategy_context(), "when should we post on linkedin?"))
    assert "Thursday 08:00" in reply.split("\n- ")[1] and "9 of your posts there averaged 7.00%" in reply
    assert "Saturday" not in reply and "Sunday" not in reply  # the sample pack limits LinkedIn to weekdays


def test_best_times_without_history_say_they_are_a_prior(graph, strategy_context):
    reply = reply_of(run(graph, strategy_context(), "what's the best time to post on tiktok"))
    assert "No measured posts here yet" in reply and "prior" in reply


def test_two_quoted_posts_are_ranked_with_intervals_and_an_honest_verdict(graph, strategy_context, sessions):
    add_history(sessions, "instagram", weekday=2, hour=9, posts=12, rate=0.03)
    add_history(sessions, "instagram", weekday=4, hour=12, posts=12, rate=0.02, text="Low Tide restock #LowTide")
    reply = reply_of(
        run(
            graph,
            strategy_context(),
            'which will perform better on instagram: "Low Tide is back on Friday" or '
            '"Our new winter scent, Blueberry Barrens, pours this week. Tell us which scent reminds you of home?"',
        )
    )
    assert "Predicted engagement on Instagram" in reply
    assert reply.count("80% of posts like it land between") == 2
    assert "intervals overlap" in reply or "lead is likely real" in reply


def test_a_prediction_without_a_post_asks_for_one(graph, strategy_context):
    reply = reply_of(run(graph, strategy_context(), "predict engagement for our next post"))
    assert "Paste the post" in reply


def test_cadence_comes_from_the_pack_beside_what_was_actually_posted(graph, strategy_context, sessions):
    add_history(sessions, "x", weekday=0, hour=9, posts=4, rate=0.02)  # 4 posts in the last 8 weeks
    reply = reply_of(run(graph, strategy_context(), "how often should we be posting on x and instagram?"))
    assert "- X: 7.5 posts a week" in reply and "Actual lately: 0.5 a week" in reply
    assert "- Instagram:" in reply and "brand.yaml" in reply


def test_offline_ideas_each_cite_a_brand_passage(graph, strategy_context):
    reply = reply_of(run(graph, strategy_context(), "give me 5 content ideas for winter"))
    ideas = [line for line in reply.splitlines() if line[:2] in {"1.", "2.", "3.", "4.", "5."}]
    assert len(ideas) == 5 and all("§" in idea for idea in ideas)
    assert "Offline mode" in reply


def test_the_model_writes_slot_ideas_and_a_bad_answer_falls_back_to_cited_ones(graph, strategy_context, sessions):
    good = ScriptedChatModel.with_script(["1. Wick-trim tip reel\n2. Pour-day photo\n"] * 3)
    run(graph, strategy_context(llm=good), "plan the content calendar for linkedin next week", thread="a")
    assert sorted(i.idea for i in planned(sessions)) == ["Pour-day photo", "Wick-trim tip reel"]
    vague = ScriptedChatModel.with_script(["Here are some ideas!"] * 3)
    run(graph, strategy_context(llm=vague), "plan the content calendar for linkedin next week", thread="b")
    assert all("§" in i.idea for i in planned(sessions))


def test_a_draft_takes_its_platforms_next_open_calendar_slot(graph, strategy_context, sessions):
    run(graph, strategy_context(), "plan next week's content calendar for linkedin", thread="a")
    first_slot = min(i.at for i in planned(sessions))
    snapshot = run(graph, strategy_context(), "write a linkedin post about our new workshop tours", thread="b")
    [request] = pending(snapshot)
    assert datetime.fromisoformat(request["draft"]["scheduled_for"]) == first_slot


def test_platform_performance_is_compared_with_intervals_and_a_careful_verdict(graph, strategy_context, sessions):
    thin = reply_of(run(graph, strategy_context(), "which platform performs best for us?", thread="a"))
    assert "can't compare platforms yet" in thin
    add_history(sessions, "instagram", weekday=1, hour=9, posts=8, rate=0.05, spread=0.005)
    add_history(sessions, "tiktok", weekday=2, hour=9, posts=8, rate=0.02, spread=0.005)
    add_history(sessions, "linkedin", weekday=3, hour=9, posts=2, rate=0.09)
    clear = reply_of(run(graph, strategy_context(), "which platform performs best for us?", thread="b"))
    assert clear.index("**Instagram**") < clear.index("**TikTok**") and "5.00% engagement per post" in clear
    assert "lead is likely real" in clear and "fewer than 3 measured posts: LinkedIn (2)." in clear
    add_history(sessions, "facebook", weekday=4, hour=9, posts=8, rate=0.045, spread=0.03)
    close = reply_of(run(graph, strategy_context(), "compare how instagram and facebook are performing", thread="c"))
    assert "could be chance" in close and "TikTok" not in close


def test_planning_the_same_dates_again_gives_the_same_hours_not_worse_ones(graph, strategy_context, sessions):
    ask = "plan next week's content calendar for instagram and linkedin"
    run(graph, strategy_context(), ask, thread="a")
    first = sorted((i.platform, i.at) for i in planned(sessions))
    again = reply_of(run(graph, strategy_context(), ask, thread="b"))
    assert sorted((i.platform, i.at) for i in planned(sessions)) == first
    assert "Kept clear" not in again


def test_posts_already_queued_count_toward_the_cadence(graph, strategy_context, sessions):
    from queue_rows import schedule

    tuesday = datetime(2026, 12, 1, 11, tzinfo=ZONE)
    schedule(sessions, "queued", at=tuesday, brand="harbor-pine", platform="linkedin", text="We're hiring pourers.")
    reply = reply_of(run(graph, strategy_context(), "plan next week's content calendar for linkedin"))
    slots = [i for i in planned(sessions) if i.kind == "planned"]
    assert len(slots) == 1 and all(abs(s.at - tuesday) >= timedelta(hours=4) for s in slots)
    assert "LinkedIn already has 1 queued or drafted" in reply


def test_a_malformed_content_section_gets_a_plain_answer(graph, strategy_context, tmp_path, sample_brand):
    import shutil
    from dataclasses import replace

    from bot.app import brand_from_path

    pack = tmp_path / "pack"
    shutil.copytree(sample_brand.pack, pack)
    rules = pack / "brand.yaml"
    rules.write_text(rules.read_text().replace("weekdays: [mon, tue, wed, thu, fri]", "weekdays: [funday]", 1))
    brand = replace(brand_from_path(pack), id="harbor-pine")
    reply = reply_of(run(graph, strategy_context(brand=brand), "how often should we post on linkedin?"))
    assert "can't read the brand's content plan" in reply and "'funday' is not a weekday" in reply
