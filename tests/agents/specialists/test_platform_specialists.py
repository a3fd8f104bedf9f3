"""The Instagram, Facebook, TikTok and YouTube specialists: offline templates, a scripted model, and the graph."""

from __future__ import annotations

import json

import pytest
from fakes import ScriptedChatModel
from graph_runs import pending, run
from langgraph.runtime import Runtime
from langgraph.types import Command

from agents.specialists.drafting import check_parts
from agents.specialists.facebook import MESSENGER_MAX_CHARS
from agents.specialists.hashtags import HashtagRecord, rank_hashtags
from agents.specialists.packages import compose_package
from agents.specialists.registry import build_registry
from tools.content.checks import max_chars
from tools.content.text import find_hashtags, find_links, find_markers, strip_markers

IMAGE = "[image: https://cdn.harborandpine.example/winter-sale.jpg]\n[alt: Three lit candles on a snowy windowsill.]"
VIDEO = "[video: https://cdn.harborandpine.example/pour.mp4]"


def compose(make_context, platform, request, **context):
    return compose_package(platform, request, Runtime(context=make_context(**context)))


def rules(findings):
    return {f["rule"] for f in findings}


def with_media(text, media):
    """The draft with its media gap lines replaced by real markers, as a person would edit it."""
    lines = [line for line in text.split("\n") if not find_markers(line) or find_markers(line)[0].kind == "title"]
    return "\n".join(lines).strip() + "\n\n" + media


# --- Offline drafts within each platform's limits -----------------------------------------------


@pytest.mark.parametrize(
    ("platform", "request_text"),
    [
        ("instagram", "write an instagram caption about our winter candle sale"),
        ("instagram", "instagram carousel about 5 ways to make your candle last longer"),
        ("instagram", "reels script for our new Low Tide candle"),
        ("facebook", "write a facebook post about our holiday hours"),
        ("facebook", "facebook event post for our pouring workshop on Saturday Dec 13 at 2pm at the Portland studio"),
        ("facebook", "facebook group post asking about favorite winter scents"),
        ("tiktok", "tiktok script about how we pour candles"),
        ("youtube", "youtube video about our Portland workshop tour"),
        ("youtube", "youtube shorts about trimming the wick"),
    ],
)
def test_each_specialist_drafts_one_post_within_its_platform_limits(make_context, sample_brand, platform, request_text):
    package = compose(make_context, platform, request_text)
    assert package.platform == platform and package.source == "template"
    published = strip_markers(package.text)
    assert len(published) <= max_chars(platform, sample_brand.rulebook)
    limit = sample_brand.rulebook.rules.hashtags.max_per_platform[platform]
    assert len(find_hashtags(published)) <= limit
    _, findings = check_parts([package.text], platform, sample_brand, sponsored=False)
    # what is left for a person is adding the media and filling gaps, never breaking a brand rule
    assert rules(findings) <= {"draft-media-missing", "draft-placeholder"}, findings


def test_instagram_caption_opens_with_a_short_hook_says_link_in_bio_and_ends_with_hashtags(make_context):
    text = compose(make_context, "instagram", "write an instagram caption about our winter candle sale").text
    published = strip_markers(text)
    hook = published.split("\n", 1)[0]
    assert 0 < len(hook) <= 125 and "\n" in published
    assert "link in bio" in published.lower()
    assert find_links(published) == [], "caption links aren't clickable on Instagram"
    last_line = published.rsplit("\n", 1)[-1].split()
    assert last_line and all(word.startswith("#") for word in last_line)
    assert "#HarborAndPine" in last_line


def test_instagram_draft_without_a_real_image_cannot_be_approved_and_says_how_to_add_one(make_context, sample_brand):
    text = compose(make_context, "instagram", "write an instagram caption about our winter candle sale").text
    passed, findings = check_parts([text], "instagram", sample_brand, sponsored=False)
    assert not passed
    media = next(f for f in findings if f["rule"] == "draft-media-missing")
    assert media["severity"] == "error"
    assert "Instagram needs an image or video: add [image: https://…] and [alt: …]" in media["message"]
    assert not check_parts([strip_markers(text)], "instagram", sample_brand, sponsored=False)[0], "no marker at all"


def test_instagram_draft_with_an_image_address_and_alt_text_can_be_approved(make_context, sample_brand):
    text = compose(make_context, "instagram", "write an instagram caption about our winter candle sale").text
    passed, findings = check_parts([with_media(text, IMAGE)], "instagram", sample_brand, sponsored=False)
    assert passed, findings


def test_alt_text_left_as_the_template_gap_blocks_approval(make_context, sample_brand):
    text = compose(make_context, "instagram", "write an instagram caption about our winter candle sale").text
    text = text.replace("[image: paste the photo's https:// address]", "[image: https://cdn.example/a.jpg]")
    passed, findings = check_parts([text], "instagram", sample_brand, sponsored=False)
    assert not passed and rules(findings) == {"draft-placeholder"}
    assert "[alt: describe what the picture shows]" in findings[0]["message"]


def test_checking_pasted_caption_text_does_not_ask_for_media(sample_brand):
    text = "Porch light season is here."
    passed, findings = check_parts([text], "instagram", sample_brand, sponsored=False, for_publishing=False)
    assert passed and "draft-media-missing" not in rules(findings)


def test_carousel_lists_numbered_slides_in_the_reply_and_needs_an_image_per_slide(make_context):
    package = compose(make_context, "instagram", "instagram carousel about 5 ways to make your candle last longer")
    notes = "\n".join(package.notes)
    assert "**Carousel slides**" in notes and "\n1. " in notes and "\n7. " in notes
    images = [m for m in find_markers(package.text) if m.kind == "image"]
    assert len(images) == 7
    assert "[point 1" not in package.text, "slide texts go in the reply, not the caption"


def test_reels_caption_has_a_video_gap_and_the_script_in_the_reply(make_context):
    package = compose(make_context, "instagram", "reels script for our new Low Tide candle")
    assert [m.kind for m in find_markers(package.text)] == ["video"]
    notes = "\n".join(package.notes)
    assert "Hook (first 2 seconds)" in notes and "On screen:" in notes
    assert "On screen" not in package.text


def test_stories_frames_are_a_reply_with_nothing_to_publish(graph, make_context):
    snapshot = run(graph, make_context(), "write instagram stories frames for the wax melts restock")
    assert snapshot.values["agent"] == "instagram"
    assert not pending(snapshot) and not snapshot.values.get("drafts")
    reply = snapshot.values["messages"][-1].content
    assert "Frame 1" in reply and "nothing was queued" in reply


def test_named_product_becomes_a_product_tag_line_in_the_reply_not_the_caption(make_context):
    package = compose(make_context, "instagram", "write an instagram caption about the Low Tide candle")
    assert any("Product tag for Instagram Shopping: Low Tide Signature Candle" in note for note in package.notes)
    assert "Product tag" not in package.text


def test_sponsored_instagram_caption_starts_with_the_disclosure(make_context, sample_brand):
    text = compose(make_context, "instagram", "sponsored instagram caption about our winter candle sale").text
    assert text.startswith("#ad ")
    _, findings = check_parts([text], "instagram", sample_brand, sponsored=True)
    assert "disclosure-sponsored" not in rules(findings)


# --- Hashtag ranking ---------------------------------------------------------------------------


def test_rank_hashtags_prefers_the_tag_with_the_better_engagement_rate():
    history = [HashtagRecord("#CandleSale", 10_000, 800)] * 5 + [HashtagRecord("#WinterCandle", 10_000, 150)] * 5
    assert rank_hashtags(["#WinterCandle", "#CandleSale"], history) == ["#CandleSale", "#WinterCandle"]


def test_one_lucky_post_does_not_outrank_a_tag_that_does_well_again_and_again():
    history = (
        [HashtagRecord("#Steady", 10_000, 800)] * 10
        + [HashtagRecord("#Weak", 10_000, 200)] * 10
        + [HashtagRecord("#Lucky", 100, 50)]
    )
    assert rank_hashtags(["#Lucky", "#Weak", "#Steady"], history) == ["#Steady", "#Lucky", "#Weak"]


def test_instagram_ranks_its_hashtags_by_the_brands_own_past_posts(make_context, sessions):
    from datetime import UTC, date, datetime

    from memory.db import write_transaction
    from memory.history import DailyMetrics, HistoryStore, NewPost, add_post, set_metrics

    with write_transaction(sessions) as session:
        for n, (tags, engagements) in enumerate([("#Candle #HarborAndPine", 90)] * 6 + [("#WinterCandle", 10)] * 6):
            at = datetime(2026, 10, 1 + n, 9, tzinfo=UTC)
            post_id = add_post(
                session, NewPost("harbor-pine", "instagram", at, text=f"Pour day {tags}", external_id=str(n))
            )
            set_metrics(session, post_id, [DailyMetrics(date(2026, 10, 1 + n), reach=1000, engagements=engagements)])
        add_post(session, NewPost("harbor-pine", "instagram", datetime(2026, 11, 1, tzinfo=UTC), text="#Unmeasured"))
    package = compose(
        make_context,
        "instagram",
        "write an instagram caption about our winter candle sale",
        history=HistoryStore(sessions),
    )
    tags = find_hashtags(package.text)
    assert tags.index("#Candle") < tags.index("#WinterCandle")
    assert any("past posts (18 uses of 3 tags)" in note for note in package.notes)


def test_rank_hashtags_respects_the_limit_and_drops_repeats():
    history = [("#c", 1000, 90), ("#b", 1000, 50), ("#a", 1000, 10)]
    assert rank_hashtags(["#a", "#b", "#C", "#c"], history, limit=2) == ["#C", "#b"]
    assert rank_hashtags(["#a", "#b"], history, limit=0) == []


def test_rank_hashtags_without_history_keeps_the_candidates_order():
    assert rank_hashtags(["#HarborAndPine", "#WinterCandle", "#Candle"], [], limit=2) == [
        "#HarborAndPine",
        "#WinterCandle",
    ]


def test_instagram_reply_says_hashtags_were_chosen_without_performance_history(make_context):
    package = compose(make_context, "instagram", "write an instagram caption about our winter candle sale")
    assert any("without performance history" in note for note in package.notes)


# --- TikTok ------------------------------------------------------------------------------------


def test_tiktok_published_text_is_the_caption_without_the_script_and_with_a_video_gap(make_context, sample_brand):
    request = "tiktok script about how we pour candles using the 'Cozy Season' sound"
    package = compose(make_context, "tiktok", request)
    notes = "\n".join(package.notes)
    assert "Hook (0-2 s)" in notes and notes.count("- Beat ") in range(3, 6)
    assert "Beat" not in package.text and "On screen" not in package.text
    assert "Hands in frame" in notes and "Hands in frame" not in package.text
    [video] = find_markers(package.text)
    assert video.kind == "video" and not video.value.startswith("https://")
    published = strip_markers(package.text)
    assert len(published) <= 2200 and "Cozy Season" in published and "link in bio" in published
    passed, findings = check_parts([package.text], "tiktok", sample_brand, sponsored=False)
    assert not passed and "add [video: https://…]" in findings[0]["message"]
    filled = package.text.replace(f"[video: {video.value}]", VIDEO)
    assert check_parts([filled], "tiktok", sample_brand, sponsored=False)[0]


# --- YouTube -----------------------------------------------------------------------------------


def test_youtube_draft_has_a_title_marker_and_the_reply_lists_tags_and_title_variants(make_context, sample_brand):
    request = (
        "youtube video description for our candle making tutorial, timestamps 0:00 intro 1:30 melting wax 4:10 pouring"
    )
    package = compose(make_context, "youtube", request)
    markers = find_markers(package.text)
    assert package.text.startswith("[title: ") and markers[0].kind == "title"
    assert 0 < len(markers[0].value) <= 100
    assert markers[-1].kind == "video"
    published = strip_markers(package.text)
    assert published.startswith("Our candle making tutorial")  # the search words come first
    assert "00:00 Intro\n01:30 Melting wax\n04:10 Pouring" in published
    assert len(find_hashtags(published)) <= 3 and "utm_source=youtube" in published
    notes = "\n".join(package.notes)
    assert "**Tags**" in notes and "candle making tutorial" in notes
    assert "**Title and thumbnail ideas to test**" in notes and notes.count("/ thumbnail:") in (2, 3)
    filled = package.text.replace(f"[video: {markers[-1].value}]", VIDEO)
    passed, findings = check_parts([filled], "youtube", sample_brand, sponsored=False)
    assert passed, findings


def test_youtube_without_timestamps_leaves_chapter_gaps(make_context):
    package = compose(make_context, "youtube", "youtube video about our Portland workshop tour")
    assert "00:00 Intro\n[mm:ss] [chapter title]" in package.text
    assert any("Chapters: fill in" in note for note in package.notes)


def test_youtube_shorts_gets_a_script_of_at_most_60_seconds_and_the_shorts_hashtag(make_context):
    package = compose(make_context, "youtube", "youtube shorts about trimming the wick")
    notes = "\n".join(package.notes)
    assert "**Shorts script** (vertical 9:16, at most 60 seconds)" in notes
    assert "#Shorts" in package.text and "Chapters" not in package.text


def test_youtube_title_over_the_limit_blocks_approval(sample_brand):
    text = f"[title: {'Long title ' * 11}]\n\nA description.\n\n{VIDEO}"
    passed, findings = check_parts([text], "youtube", sample_brand, sponsored=False)
    assert not passed and "draft-title" in rules(findings)


# --- Facebook ----------------------------------------------------------------------------------


def test_messenger_templates_are_replies_not_drafts(graph, make_context):
    snapshot = run(graph, make_context(), "write facebook messenger reply templates for shipping questions")
    assert snapshot.values["agent"] == "facebook"
    assert not pending(snapshot) and not snapshot.values.get("drafts")
    reply = snapshot.values["messages"][-1].content
    assert "**Messenger reply templates**" in reply and "nothing was queued" in reply
    templates = [line for line in reply.split("\n") if line[:3] in ("1. ", "2. ", "3. ")]
    assert len(templates) == 3
    assert all(len(line.split(" chars): ", 1)[1]) <= MESSENGER_MAX_CHARS for line in templates)


def test_facebook_event_takes_date_and_place_from_the_request(make_context):
    request = "facebook event post for our pouring workshop on Saturday Dec 13 at 2pm at the Portland studio"
    package = compose(make_context, "facebook", request)
    assert "When: Saturday Dec 13, 2pm" in package.text and "Where: The Portland studio" in package.text
    assert package.topic == "our pouring workshop"


def test_a_facebook_page_post_keeps_the_day_it_names(make_context):  # only an event moves it to "When:"
    package = compose(make_context, "facebook", "fb post letting our regulars know the shop opens late on tuesday")
    assert package.text.startswith("The shop opens late on tuesday."), package.text


def test_facebook_event_without_date_or_place_has_gaps_that_block_approval(make_context, sample_brand):
    package = compose(make_context, "facebook", "facebook event for our holiday open house")
    assert "When: [date and time]" in package.text and "Where: [place]" in package.text
    assert not check_parts([package.text], "facebook", sample_brand, sponsored=False)[0]


def test_facebook_group_post_is_conversational_and_ends_with_a_question(make_context):
    package = compose(make_context, "facebook", "facebook group post asking about favorite winter scents")
    assert package.text.rstrip().endswith("?") and not find_hashtags(package.text)
    assert any("Groups" in note for note in package.notes)


# --- Registry, graph and coordinator ------------------------------------------------------------


def test_registry_lists_the_four_platform_specialists_as_available():
    registry = build_registry()
    for name in ("instagram", "facebook", "tiktok", "youtube"):
        assert registry[name].available, name


def test_instagram_caption_request_routes_to_instagram_and_waits_for_approval(graph, make_context):
    snapshot = run(graph, make_context(), "write an instagram caption about our winter candle sale")
    assert snapshot.values["agent"] == "instagram"
    [request] = pending(snapshot)
    assert request["draft"]["platform"] == "instagram"
    assert not request["passed"] and "approve" not in request["allowed_actions"]
    assert "draft-media-missing" in rules(request["findings"])
    reply = snapshot.values["messages"][-1].content
    assert "Here is a feed caption for Instagram" in reply and "Template draft" in reply


def test_adding_the_image_by_edit_lets_the_instagram_draft_be_approved(graph, make_context):
    context = make_context()
    config = {"configurable": {"thread_id": "t1"}}
    [first] = pending(run(graph, context, "write an instagram caption about our winter candle sale"))
    edited = with_media(first["draft"]["text"], IMAGE)
    graph.invoke(Command(resume={"action": "edit", "text": edited}), config, context=context)
    [second] = pending(graph.get_state(config))
    assert second["passed"], second["findings"]
    graph.invoke(Command(resume={"action": "approve"}), config, context=context)
    [outcome] = graph.get_state(config).values["outcomes"]
    assert outcome["decision"] == "approved" and outcome["platform"] == "instagram"


def test_make_it_shorter_keeps_the_media_gap_of_an_instagram_draft(graph, make_context):
    context = make_context()
    config = {"configurable": {"thread_id": "t1"}}
    pending(run(graph, context, "write an instagram caption about our winter candle sale"))
    graph.invoke(Command(resume={"action": "reject", "reason": "too long"}), config, context=context)
    [revised] = pending(run(graph, context, "make it shorter"))
    text = revised["draft"]["text"]
    assert [m.kind for m in find_markers(text)] == ["image", "alt"]
    assert text.rstrip().endswith("[alt: describe what the picture shows]")


def test_another_version_of_a_tiktok_draft_keeps_its_video_gap_and_caption_shape(graph, make_context):
    context = make_context()
    config = {"configurable": {"thread_id": "t1"}}
    [first] = pending(run(graph, context, "write a tiktok script about how we pour candles"))
    graph.invoke(Command(resume={"action": "reject", "reason": "try again"}), config, context=context)
    snapshot = run(graph, context, "another version please")
    assert snapshot.values["agent"] == "tiktok"
    [second] = pending(snapshot)
    text = second["draft"]["text"]
    assert text != first["draft"]["text"] and second["draft"]["revision"] == 2
    assert text.endswith("[video: paste the video's https:// address]") and "link in bio" in text


def test_social_coordinator_uses_each_platforms_own_composition(graph, make_context):
    text = "Adapt this for Instagram, TikTok and YouTube: 'Our reed diffusers are back in stock this week.'"
    snapshot = run(graph, make_context(), text)
    assert snapshot.values["agent"] == "social_coordinator"
    drafts = {d["platform"]: d["text"] for d in snapshot.values["drafts"]}
    assert set(drafts) == {"instagram", "tiktok", "youtube"}
    assert "link in bio" in drafts["instagram"] and "[image: " in drafts["instagram"]
    assert "[video: " in drafts["tiktok"]
    assert drafts["youtube"].startswith("[title: Our reed diffusers are back in stock this week")
    assert "**TikTok**" in snapshot.values["messages"][-1].content


# --- With a (scripted) model -------------------------------------------------------------------


def test_instagram_with_a_model_keeps_the_hook_short_drops_links_and_ranks_its_hashtag_ideas(graph, make_context):
    caption = (
        "Winter sale: our candles, 20% off this week only. "
        "Light one at dusk and let the room go quiet while the snow comes down outside.\n\n"
        "Shop at https://harborandpine.example/sale #WinterSale"
    )
    written = json.dumps({"caption": caption, "hashtags": ["#CozyNights", "#WinterSale"]})
    llm = ScriptedChatModel.with_script([written, "[]"])
    snapshot = run(graph, make_context(llm=llm), "write an instagram caption about our winter candle sale")
    [request] = pending(snapshot)
    draft = request["draft"]
    assert draft["source"] == "llm"
    published = strip_markers(draft["text"])
    assert len(published.split("\n", 1)[0]) <= 125
    assert find_links(published) == [] and "link in bio" in published.lower()
    assert "#CozyNights" in published and len(find_hashtags(published)) <= 6
    assert rules(request["findings"]) <= {"draft-media-missing", "draft-placeholder", "voice-judgement"}
    prompt = llm.seen[0][0].content
    assert "Instagram, format: feed" in prompt
    assert "<request>\nwrite an instagram caption about our winter candle sale\n</request>" in prompt
    assert "Template draft" not in snapshot.values["messages"][-1].content


def test_model_copy_that_breaks_a_rule_is_revised_once_but_media_gaps_are_left_to_people(graph, make_context):
    bad = json.dumps({"caption": "Guaranteed to make winter cozy.\n\nLink in bio."})
    good = json.dumps({"caption": "Winter, made cozy.\n\nLink in bio."})
    llm = ScriptedChatModel.with_script([bad, good, "[]"])
    [request] = pending(run(graph, make_context(llm=llm), "write an instagram caption about our winter candle sale"))
    assert request["draft"]["text"].startswith("Winter, made cozy.")
    revise_prompt = llm.seen[1][0].content
    assert "banned-guarantee-language" in revise_prompt
    assert "draft-media-missing" not in revise_prompt and "draft-placeholder" not in revise_prompt


def test_tiktok_with_a_model_publishes_only_the_caption(graph, make_context):
    written = {
        "hook": "Ever watched wax go from flakes to a candle?",
        "beats": [
            {"shot": "Wax flakes tumble into the pot.", "on_screen": "Step 1: melt"},
            {"shot": "Pouring into an amber jar.", "on_screen": "Step 2: pour"},
            {"shot": "Lids go on the cured candles.", "on_screen": "Step 3: cure 7 days"},
        ],
        "caption": "How a Harbor & Pine candle is poured, start to finish.",
        "hashtags": ["#CandleMaking"],
    }
    llm = ScriptedChatModel.with_script([json.dumps(written), "[]"])
    snapshot = run(graph, make_context(llm=llm), "write a tiktok script about how we pour our candles")
    assert snapshot.values["agent"] == "tiktok"
    [request] = pending(snapshot)
    text = request["draft"]["text"]
    assert text.startswith("How a Harbor & Pine candle is poured") and "[video: " in text
    assert "Step 1: melt" not in text and "Wax flakes" not in text
    reply = snapshot.values["messages"][-1].content
    assert "Step 1: melt" in reply and "Ever watched wax" in reply


def test_youtube_with_a_model_keeps_the_title_within_100_characters(graph, make_context):
    written = {
        "title": "How we hand-pour candles in Portland, Maine: from melting the wax to the very last cured jar "
        "on our shelf",
        "description": "How we hand-pour candles in Portland, Maine, one small batch at a time.",
        "tags": ["hand-poured candles", "candle making", "#portland"],
        "variants": [
            {"title": "Hand-pouring candles, start to finish", "thumbnail": "Start to finish"},
            {"title": "A day at our Portland candle workshop", "thumbnail": "Workshop day"},
        ],
    }
    llm = ScriptedChatModel.with_script([json.dumps(written), "[]"])
    snapshot = run(graph, make_context(llm=llm), "youtube video about how we hand-pour our candles")
    assert snapshot.values["agent"] == "youtube"
    [request] = pending(snapshot)
    title = find_markers(request["draft"]["text"])[0]
    assert title.kind == "title" and len(title.value) <= 100 and title.value.startswith("How we hand-pour")
    reply = snapshot.values["messages"][-1].content
    assert "hand-poured candles, candle making, portland" in reply
    assert "Hand-pouring candles, start to finish" in reply


def test_messenger_templates_from_a_model_are_trimmed_to_640_characters(make_context):
    long_text = "Hi [name], thanks for asking. " + "We ship within two business days. " * 30
    written = {"templates": [{"name": "Shipping times", "text": long_text}, {"name": "Thanks", "text": "Thanks!"}]}
    llm = ScriptedChatModel.with_script([json.dumps(written)])
    package = compose(make_context, "facebook", "messenger reply templates for shipping questions", llm=llm)
    assert package.text is None and package.source == "llm"
    listed = package.notes[0]
    assert "*Shipping times*" in listed and "*Thanks*" in listed
    first = listed.split("\n")[1].split(" chars): ", 1)[1]
    assert len(first) <= MESSENGER_MAX_CHARS


def test_model_edit_that_drops_the_media_lines_gets_them_back(graph, make_context):
    written = json.dumps({"caption": "Winter, made cozy.\n\nLink in bio."})
    llm = ScriptedChatModel.with_script([written, "[]", "Cozy winter.\n\nLink in bio.", "[]"])
    context = make_context(llm=llm)
    config = {"configurable": {"thread_id": "t1"}}
    pending(run(graph, context, "write an instagram caption about our winter candle sale"))
    graph.invoke(Command(resume={"action": "reject", "reason": "shorter"}), config, context=context)
    [revised] = pending(run(graph, context, "make it shorter"))
    text = revised["draft"]["text"]
    assert text.startswith("Cozy winter.")
    assert [m.kind for m in find_markers(text)] == ["image", "alt"]
