import re

from fakes import ScriptedChatModel
from graph_runs import pending, run
from langgraph.types import Command
from sqlalchemy import select

from memory.models import ScheduledPost


def test_x_request_gives_one_draft_within_280_chars_waiting_for_approval(graph, make_context):
    snapshot = run(graph, make_context(), "Write a tweet announcing our new wax melts")
    assert snapshot.values["agent"] == "x"
    [request] = pending(snapshot)
    draft = request["draft"]
    assert draft["platform"] == "x" and len(draft["parts"]) == 1
    assert len(draft["text"]) <= 280
    assert request["passed"], request["findings"]
    assert "utm_source=x" in draft["text"]
    assert "Template draft" in snapshot.values["messages"][-1].content


def test_a_statement_to_make_opens_the_draft_as_itself(graph, make_context):
    cases = [
        ("pls tweet that the fog bell candle is back in stock", "The fog bell candle is back in stock."),
        ("write a linkedin post saying that we are hiring two chandlers", "We are hiring two chandlers."),
        ("instagram caption letting everyone know we ship on saturdays now", "We ship on saturdays now."),
        ("post to linkedin that we're looking for a part-time shop assistant", "We're looking for a part-time shop"),
        ("short tweet thanking everyone who came to the market yesterday", "Thank you to everyone who came"),
    ]
    for n, (ask, opening) in enumerate(cases):
        [request] = pending(run(graph, make_context(), ask, thread=f"s{n}"))
        assert request["draft"]["text"].startswith(opening), request["draft"]["text"]


def test_long_supplied_text_becomes_a_numbered_x_thread_split_at_sentences(graph, make_context):
    sentences = [f"Sentence number {i} tells a small part of how the workshop grew over the years." for i in range(12)]
    text = "Turn this into an X thread: '" + " ".join(sentences) + "'"
    [request] = pending(run(graph, make_context(), text))
    parts = request["draft"]["parts"]
    assert len(parts) >= 3
    total = len(parts)
    for index, part in enumerate(parts, start=1):
        assert len(part) <= 280
        assert part.endswith(f" {index}/{total}")
        body = part.rsplit(" ", 1)[0]
        assert body.endswith((".", "#HarborAndPine")), body


def test_linkedin_request_gives_a_linkedin_draft(graph, make_context):
    snapshot = run(graph, make_context(), "Draft a LinkedIn post celebrating five years of our Portland workshop")
    [request] = pending(snapshot)
    assert request["draft"]["platform"] == "linkedin"
    assert len(request["draft"]["text"]) <= 3000
    assert request["passed"], request["findings"]


def test_social_coordinator_adapts_for_each_named_platform_and_names_the_best_fit(graph, make_context):
    text = "Adapt this for Instagram, LinkedIn and X: 'Our reed diffusers are back in stock this week.'"
    snapshot = run(graph, make_context(), text)
    assert snapshot.values["agent"] == "social_coordinator"
    platforms = [d["platform"] for d in snapshot.values["drafts"]]
    assert sorted(platforms) == ["instagram", "linkedin", "x"]
    reply = snapshot.values["messages"][-1].content
    assert "Best fit:" in reply and "because" in reply
    assert len(pending(snapshot)) == 1  # one card at a time


def test_content_quality_reports_findings_with_rule_ids_and_guidelines(graph, make_context, kettle_brand):
    context = make_context(brand=kettle_brand)
    text = "Check this tweet: 'Cheap gourmet beans for coffee addicts. Act now!'"
    snapshot = run(graph, context, text)
    assert snapshot.values["agent"] == "content_quality"
    reply = snapshot.values["messages"][-1].content
    for rule in (
        "pref-great-value",
        "pref-specialty-not-gourmet",
        "banned-addiction-language",
        "banned-pressure-tactics",
    ):
        assert f"`{rule}`" in reply
    assert "Source: guidelines.md § Words we use and avoid" in reply
    assert not pending(snapshot)


def test_content_quality_asks_for_the_draft_when_none_is_quoted(graph, make_context):
    snapshot = run(graph, make_context(), "can you proofread and compliance check my caption")
    assert "Paste the draft" in snapshot.values["messages"][-1].content


def test_specialist_not_built_yet_says_so_and_drafts_nothing(graph, make_context):
    snapshot = run(graph, make_context(), "how big is the market for scented candles in Europe, and who leads it?")
    assert snapshot.values["agent"] == "market_researcher"
    reply = snapshot.values["messages"][-1].content
    assert "isn't available yet" in reply and "Market researcher" in reply
    assert not pending(snapshot) and not snapshot.values.get("drafts")


def test_out_of_scope_message_gets_a_polite_decline(graph, make_context):
    snapshot = run(graph, make_context(), "who won the chess world championship in 1972?")
    reply = snapshot.values["messages"][-1].content
    assert "outside what I do" in reply and "X specialist" in reply


def test_approve_schedules_the_post_in_the_database(graph, make_context, sessions):
    context = make_context()
    config = {"configurable": {"thread_id": "t1"}}
    [request] = pending(run(graph, context, "write a tweet about our winter candle sale"))
    graph.invoke(Command(resume={"action": "approve", "approval_id": request["approval_id"]}), config, context=context)
    snapshot = graph.get_state(config)
    assert not pending(snapshot)
    [outcome] = snapshot.values["outcomes"]
    assert outcome["decision"] == "approved" and outcome["status"] == "scheduled"
    with sessions() as session:
        [post] = session.scalars(select(ScheduledPost)).all()
    assert post.text == request["draft"]["text"] and post.dry_run and post.status == "scheduled"


def test_edit_rechecks_and_shows_a_new_card(graph, make_context):
    context = make_context()
    config = {"configurable": {"thread_id": "t1"}}
    [first] = pending(run(graph, context, "write a tweet about our winter candle sale"))
    graph.invoke(
        Command(resume={"action": "edit", "text": "Our candles are non-toxic and the cheapest in Maine!"}),
        config,
        context=context,
    )
    [second] = pending(graph.get_state(config))
    assert second["approval_id"] != first["approval_id"]
    assert second["draft"]["revision"] == 2
    assert second["findings"], "the edited text breaks rules and must be re-checked"
    assert "approve" not in second["allowed_actions"]


def test_reject_records_reason_and_schedules_nothing(graph, make_context, sessions):
    context = make_context()
    config = {"configurable": {"thread_id": "t1"}}
    pending(run(graph, context, "write a tweet about our winter candle sale"))
    graph.invoke(Command(resume={"action": "reject", "reason": "wrong season"}), config, context=context)
    snapshot = graph.get_state(config)
    assert snapshot.values["outcomes"][0]["decision"] == "rejected"
    assert "wrong season" in snapshot.values["messages"][-1].content
    with sessions() as session:
        assert session.scalars(select(ScheduledPost)).all() == []


def test_reschedule_approves_for_the_new_time(graph, make_context, sessions):
    context = make_context()
    config = {"configurable": {"thread_id": "t1"}}
    pending(run(graph, context, "write a tweet about our winter candle sale"))
    graph.invoke(
        Command(resume={"action": "reschedule", "scheduled_for": "2027-01-05T15:30:00+00:00"}), config, context=context
    )
    with sessions() as session:
        [post] = session.scalars(select(ScheduledPost)).all()
    assert post.scheduled_for.isoformat() == "2027-01-05T15:30:00+00:00"


def test_llm_drafts_use_brand_voice_and_are_revised_on_findings(graph, make_context, sample_brand):
    llm = ScriptedChatModel.with_script(
        ["Our candles are guaranteed to relieve stress!", "Light one tonight and slow down. #HarborAndPine", "[]"]
    )
    snapshot = run(graph, make_context(llm=llm), "write a tweet about our new Low Tide candle")
    [request] = pending(snapshot)
    assert request["draft"]["text"] == "Light one tonight and slow down. #HarborAndPine"
    assert request["draft"]["source"] == "llm"
    first_prompt, revise_prompt = llm.seen[0][0].content, llm.seen[1][0].content
    assert sample_brand.rulebook.voice.exemplars[0] in first_prompt
    assert "<request>\nwrite a tweet about our new Low Tide candle\n</request>" in first_prompt
    assert re.search(r"banned-guarantee-language", revise_prompt)
    assert "Template draft" not in snapshot.values["messages"][-1].content


def approve_pending(graph, context, thread="t1"):
    config = {"configurable": {"thread_id": thread}}
    graph.invoke(Command(resume={"action": "approve"}), config, context=context)


def test_make_it_shorter_revises_the_last_draft_in_the_same_thread(graph, make_context):
    context = make_context()
    [first] = pending(run(graph, context, "Draft a LinkedIn post about our new workshop tours"))
    approve_pending(graph, context)
    snapshot = run(graph, context, "make it shorter")
    assert snapshot.values["agent"] == "linkedin"
    [second] = pending(snapshot)
    assert second["draft"]["platform"] == "linkedin"
    assert len(second["draft"]["text"]) < len(first["draft"]["text"])
    assert "draft again" in snapshot.values["messages"][-1].content


def test_no_hashtags_follow_up_removes_them(graph, make_context):
    context = make_context()
    pending(run(graph, context, "write a tweet about our winter candle sale"))
    approve_pending(graph, context)
    [revised] = pending(run(graph, context, "pls no hashtags"))
    assert "#" not in revised["draft"]["text"]


def test_tone_change_offline_says_it_needs_a_model_and_changes_nothing(graph, make_context):
    context = make_context()
    pending(run(graph, context, "write a tweet about our winter candle sale"))
    approve_pending(graph, context)
    snapshot = run(graph, context, "make it more playful")
    assert "needs a language model" in snapshot.values["messages"][-1].content
    assert not pending(snapshot)


def test_follow_up_with_a_model_sends_the_request_and_the_draft(graph, make_context):
    llm = ScriptedChatModel.with_script(["Low Tide is back. Light it tonight.", "[]", "Low Tide is back.", "[]"])
    context = make_context(llm=llm)
    pending(run(graph, context, "write a tweet about our new Low Tide candle"))
    approve_pending(graph, context)
    [revised] = pending(run(graph, context, "make it shorter"))
    assert revised["draft"]["text"] == "Low Tide is back."
    prompt = llm.seen[-2][0].content  # the edit; the last call judges the edited draft's voice
    assert "<request>\nmake it shorter\n</request>" in prompt and "Light it tonight." in prompt


def test_greeting_gets_an_introduction_not_a_refusal(graph, make_context):
    reply = run(graph, make_context(), "hey there!").values["messages"][-1].content
    assert reply.startswith("Hi! I'm BrandPilot") and "X specialist" in reply


def test_thanks_gets_a_short_acknowledgement(graph, make_context):
    reply = run(graph, make_context(), "thanks, that's all!").values["messages"][-1].content
    assert reply.startswith("You're welcome")
