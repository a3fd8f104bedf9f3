"""Tests for reading a brand's content pillars and posting cadence from brand.yaml, playbook prose or defaults."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from shared import shared_path

from config.settings import SAMPLE_BRAND_PATH
from tools.content.brand_plan import (
    DEFAULT_CADENCE,
    DEFAULT_PILLARS,
    WEEK,
    BrandPlan,
    Cadence,
    Pillar,
    load_brand_plan,
)
from tools.content.cadence_text import parse_cadence, theme_key, themes_in
from tools.content.rulebook import load_rulebook
from tools.platforms.specs import PLATFORMS

WORKWEEK = (0, 1, 2, 3, 4)
YOUTUBE_LONG = 2 * 12 / 52  # two long videos a month, per week

MINIMAL_RULES = 'brand: {id: demo, name: "Demo", website: "https://demo.example"}\nrules: {}\n'


def kettle_ember(platforms=PLATFORMS) -> BrandPlan:
    return load_brand_plan(shared_path("brand", "kettle-ember"), platforms)


def write_pack(folder: Path, *, content: str = "", guidelines: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "brand.yaml").write_text(MINIMAL_RULES + content, encoding="utf-8")
    if guidelines is not None:
        (folder / "guidelines.md").write_text(guidelines, encoding="utf-8")
    return folder


def assert_cadence(cadence: Cadence, per_week, weekdays, day_part, formats, source):
    assert cadence.per_week == pytest.approx(per_week)
    assert cadence.weekdays == weekdays
    assert cadence.day_part == day_part
    assert [name for name, _ in cadence.formats] == [name for name, _ in formats]
    assert [count for _, count in cadence.formats] == pytest.approx([count for _, count in formats])
    assert cadence.source == source


# --- the reference pack: prose only -------------------------------------------------------------------------------

KETTLE_CADENCE = {
    "x": (7.5, WORKWEEK, None, ()),
    "linkedin": (2, (1, 3), "morning", ()),
    "instagram": (8, WEEK, None, (("feed post", 5), ("reel", 3), ("story", 7))),
    "facebook": (3, WEEK, None, ()),
    "tiktok": (4, WEEK, None, ()),
    "youtube": (YOUTUBE_LONG + 1, WEEK, None, (("long video", YOUTUBE_LONG), ("short", 1))),
}
KETTLE_HEADINGS = {"x": "X", "linkedin": "LinkedIn", "instagram": "Instagram", "facebook": "Facebook"}
KETTLE_HEADINGS |= {"tiktok": "TikTok", "youtube": "YouTube"}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_kettle_ember_cadence_is_read_from_each_platform_playbook(platform):
    cadence = kettle_ember().cadence[platform]
    source = f"guidelines.md § Platform playbooks › {KETTLE_HEADINGS[platform]}"
    assert cadence.platform == platform
    assert_cadence(cadence, *KETTLE_CADENCE[platform], source)


def test_kettle_ember_stories_are_a_format_but_not_counted_as_posts():
    instagram = kettle_ember(["instagram"]).cadence["instagram"]
    assert dict(instagram.formats)["story"] == 7
    assert instagram.per_week == 5 + 3


def test_kettle_ember_pillars_are_merged_across_playbooks_and_capped():
    pillars = kettle_ember().pillars
    assert [(p.name, p.platforms) for p in pillars] == [
        ("Brew guides", ("instagram", "youtube")),
        ("News", ("x",)),
        ("Quick tips", ("x",)),
        ("Customer service", ("x",)),
        ("People", ("linkedin",)),
        ("Producer partners", ("linkedin",)),
        ("Wholesale", ("linkedin",)),
        ("Hiring", ("linkedin",)),
    ]
    assert {p.source for p in pillars} == {"guidelines.md § Platform playbooks"}


def test_kettle_ember_pillars_come_only_from_the_platforms_asked_for():
    pillars = kettle_ember(["facebook", "tiktok"]).pillars
    assert [(p.name, p.platforms) for p in pillars] == [
        ("Events", ("facebook",)),
        ("Ember Club news", ("facebook",)),
        ("Brew stories", ("facebook",)),
        ("Hands-on brewing videos", ("tiktok",)),
    ]


def test_kettle_ember_plan_has_only_the_platforms_asked_for():
    assert list(kettle_ember(["YouTube", "x", "x"]).cadence) == ["youtube", "x"]


# --- the sample brand: a content section in brand.yaml -------------------------------------------------------------


def test_sample_brand_cadence_comes_from_its_content_section():
    cadence = load_brand_plan(SAMPLE_BRAND_PATH, PLATFORMS).cadence
    expected = {
        "x": (7.5, WORKWEEK),
        "linkedin": (2, WORKWEEK),
        "instagram": (7, WEEK),
        "facebook": (3, WEEK),
        "tiktok": (3, WEEK),
        "youtube": (1.23, WEEK),
    }
    for platform, (per_week, weekdays) in expected.items():
        assert_cadence(cadence[platform], per_week, weekdays, None, (), "brand.yaml")


def test_sample_brand_pillars_come_from_its_content_section():
    pillars = load_brand_plan(SAMPLE_BRAND_PATH, PLATFORMS).pillars
    assert [p.name for p in pillars] == [
        "Candle care",
        "Pour days",
        "Seasonal scents",
        "Lantern Club",
        "Workshops and events",
        "News and restocks",
        "Customer photos",
        "Our people and partners",
    ]
    assert pillars[0].platforms == ("instagram", "tiktok", "youtube")
    assert all(p.source == "brand.yaml" and p.description for p in pillars)


def test_sample_brand_pillars_are_narrowed_to_the_platforms_asked_for():
    pillars = load_brand_plan(SAMPLE_BRAND_PATH, ["youtube"]).pillars
    assert [(p.name, p.platforms) for p in pillars] == [
        ("Candle care", ("youtube",)),
        ("Lantern Club", ("youtube",)),
        ("Workshops and events", ("youtube",)),
    ]


def test_sample_brand_content_section_agrees_with_its_playbooks(tmp_path):
    from_yaml = load_brand_plan(SAMPLE_BRAND_PATH, PLATFORMS).cadence
    prose = (SAMPLE_BRAND_PATH / "guidelines.md").read_text(encoding="utf-8")
    from_prose = load_brand_plan(write_pack(tmp_path / "pack", guidelines=prose), PLATFORMS).cadence
    for platform in PLATFORMS:
        assert from_prose[platform].source.startswith("guidelines.md § Platform playbooks › ")
        assert from_yaml[platform].per_week == pytest.approx(from_prose[platform].per_week, abs=0.01)


def test_sample_brand_rulebook_still_loads_with_its_content_section():
    assert load_rulebook(SAMPLE_BRAND_PATH).brand.id == "harbor-pine"


# --- the prose parser ----------------------------------------------------------------------------------------------

CADENCE_SENTENCES = [
    # sentence, per_week, weekdays (None: any day), day_part, formats
    ("Post one or two times a day on weekdays.", 7.5, WORKWEEK, None, ()),
    ("Post once or twice a day on weekdays.", 7.5, WORKWEEK, None, ()),
    ("Post twice a week, Tuesday and Thursday mornings.", 2, (1, 3), "morning", ()),
    (
        "Aim for five feed posts and three Reels a week, plus daily Stories.",
        8,
        None,
        None,
        (("feed post", 5), ("reel", 3), ("story", 7)),
    ),
    ("Post three times a week: events, club news and longer stories.", 3, None, None, ()),
    ("Post four times a week.", 4, None, None, ()),
    (
        "Publish two long videos a month and a Short each week.",
        YOUTUBE_LONG + 1,
        None,
        None,
        (("long video", YOUTUBE_LONG), ("short", 1)),
    ),
    ("Post 3x a week.", 3, None, None, ()),
    ("Post 3 times per week.", 3, None, None, ()),
    ("Share 2-3 posts a week.", 2.5, None, None, ()),
    ("Share 2–3 posts a week.", 2.5, None, None, ()),
    ("Post a couple of times a week.", 2, None, None, ()),
    ("Post every day.", 7, None, None, ()),
    ("Post daily.", 7, None, None, ()),
    ("Post once a week.", 1, None, None, ()),
    ("Publish weekly.", 1, None, None, ()),
    ("Post every other day.", 3.5, None, None, ()),
    ("Post fortnightly.", 0.5, None, None, ()),
    ("Publish every two weeks.", 0.5, None, None, ()),
    ("Publish once a month.", 12 / 52, None, None, ()),
    ("Post Mon/Wed/Fri.", 3, (0, 2, 4), None, ()),
    ("Post three times a week, Mon/Wed/Fri, in the evening.", 3, (0, 2, 4), "evening", ()),
    ("Post on weekends.", 2, (5, 6), None, ()),
    ("Post on weekdays in the evening.", 5, WORKWEEK, "evening", ()),
    ("Post every weekday.", 5, WORKWEEK, None, ()),
    ("Post daily, Monday to Friday.", 5, WORKWEEK, None, ()),
    ("Post daily at lunchtime.", 7, None, "midday", ()),
    ("Post twice a week in the afternoons.", 2, None, "afternoon", ()),
    ("Post 2 Reels and a carousel every week.", 3, None, None, (("reel", 2), ("carousel", 1))),
    ("Post Stories daily.", 0, None, None, (("story", 7),)),
    ("Post daily and reply to comments twice a day.", 7, None, None, ()),
    (
        "Post one or two times a day on weekdays and answer mentions within two hours during business hours "
        "(7 a.m. to 6 p.m. Pacific).",
        7.5,
        WORKWEEK,
        None,
        (),
    ),
]


@pytest.mark.parametrize(("sentence", "per_week", "weekdays", "day_part", "formats"), CADENCE_SENTENCES)
def test_cadence_sentences_are_read_as_posts_a_week(sentence, per_week, weekdays, day_part, formats):
    parsed = parse_cadence(sentence)
    assert parsed is not None
    assert parsed.per_week == pytest.approx(per_week)
    assert parsed.weekdays == weekdays
    assert parsed.day_part == day_part
    assert [(name, pytest.approx(count)) for name, count in parsed.formats] == list(formats)


@pytest.mark.parametrize(
    "sentence",
    [
        "TikTok is for short, hands-on brewing videos under 45 seconds with on-screen captions.",
        "Use up to 8 hashtags and 4 emoji.",
        "Answer mentions within two hours.",
        "Captions can run to 2,200 characters.",
        "Answer mentions during business hours (7 a.m. to 6 p.m. Pacific).",
        "Reply to comments within one business day.",
        "Put the tip in the first two seconds.",
        "Answer DMs every day.",
        "Check comments twice a day.",
        "Posts can run up to 3,000 characters, but the best ones stay under 1,300.",
    ],
)
def test_numbers_that_are_not_a_frequency_are_not_cadence(sentence):
    assert parse_cadence(sentence) is None


def test_a_passage_adds_up_every_frequency_it_names():
    passage = "Post three times a week.\n\n- Add a Reel every week.\n- Reply to comments every day."
    parsed = parse_cadence(passage)
    assert parsed is not None
    assert parsed.per_week == 4
    assert parsed.formats == (("reel", 1.0),)


THEME_SENTENCES = [
    ("X is for news, quick tips and customer service.", ["News", "Quick tips", "Customer service"]),
    (
        "LinkedIn is for our people, our producer partners, wholesale and hiring.",
        ["People", "Producer partners", "Wholesale", "Hiring"],
    ),
    (
        "Instagram is our home base: roast days, brew guides and customer photos we have permission to share.",
        ["Roast days", "Brew guides", "Customer photos"],
    ),
    ("YouTube holds our long brew guides and gear reviews.", ["Brew guides", "Gear reviews"]),
    (
        "Facebook reaches our older customers. Post three times a week: events at the roastery tasting room, "
        "Ember Club news and longer brew stories.",
        ["Events", "Ember Club news", "Brew stories"],
    ),
    ("TikTok is for short, hands-on brewing videos under 45 seconds.", ["Hands-on brewing videos"]),
    ("Keep posts short. Use 2 hashtags at most.", []),
]


@pytest.mark.parametrize(("passage", "themes"), THEME_SENTENCES)
def test_themes_are_the_short_items_a_playbook_lists(passage, themes):
    assert themes_in(passage) == themes


def test_theme_keys_ignore_case_and_plurals():
    assert theme_key("Brew guide") == theme_key("brew guides")
    assert theme_key("Care tip") == theme_key("care tips")
    assert theme_key("Brew guides") != theme_key("Gear reviews")


# --- other packs: headings, precedence and defaults ---------------------------------------------------------------

CHANNELS = """\
# Demo guidelines

## Voice

Post nothing rude. We write daily.

## Channels

### X (Twitter)

X is for launches and support. Post 3x a week in the evening.

### Instagram and Facebook

Instagram and Facebook are for recipes, launches and customer stories. Post every other day.

### Pinterest

Pinterest is for recipes. Pin daily.
"""


def test_playbooks_are_found_under_other_headings_and_named_by_the_heading_found(tmp_path):
    plan = load_brand_plan(write_pack(tmp_path / "pack", guidelines=CHANNELS), ["x", "instagram", "facebook", "tiktok"])
    assert_cadence(plan.cadence["x"], 3, WEEK, "evening", (), "guidelines.md § Channels › X (Twitter)")
    for platform in ("instagram", "facebook"):
        assert_cadence(plan.cadence[platform], 3.5, WEEK, None, (), "guidelines.md § Channels › Instagram and Facebook")
    assert plan.cadence["tiktok"] == DEFAULT_CADENCE["tiktok"]
    assert [(p.name, p.platforms) for p in plan.pillars] == [
        ("Launches", ("x", "instagram", "facebook")),
        ("Recipes", ("instagram", "facebook")),
        ("Customer stories", ("instagram", "facebook")),
        ("Support", ("x",)),
    ]
    assert {p.source for p in plan.pillars} == {"guidelines.md § Channels"}


def test_brand_yaml_wins_per_platform_and_prose_fills_the_rest(tmp_path):
    content = "content:\n  cadence:\n    x: {per_month: 13, weekdays: [Monday, fri], day_part: midday}\n"
    plan = load_brand_plan(write_pack(tmp_path / "pack", content=content, guidelines=CHANNELS), ["x", "instagram"])
    assert_cadence(plan.cadence["x"], 3, (0, 4), "midday", (), "brand.yaml")
    assert plan.cadence["instagram"].source == "guidelines.md § Channels › Instagram and Facebook"
    assert plan.pillars[0].source == "guidelines.md § Channels"


def test_brand_yaml_pillars_for_every_platform_have_no_platforms(tmp_path):
    content = 'content:\n  pillars:\n    - {name: "Recipes"}\n    - {name: "Reels", platforms: [instagram]}\n'
    plan = load_brand_plan(write_pack(tmp_path / "pack", content=content, guidelines=CHANNELS), ["x"])
    assert plan.pillars == (Pillar("Recipes", (), "", "brand.yaml"),)


@pytest.mark.parametrize("guidelines", [None, "# Guidelines\n\n## Voice\n\nWarm and plain.\n"])
def test_a_pack_without_playbooks_gets_the_general_defaults(tmp_path, guidelines):
    plan = load_brand_plan(write_pack(tmp_path / "pack", guidelines=guidelines), PLATFORMS)
    assert plan.cadence == DEFAULT_CADENCE
    assert {c.source for c in plan.cadence.values()} == {"default"}
    assert [c.per_week for c in plan.cadence.values()] == [7, 2, 4, 3, 4, 1]
    assert plan.cadence["linkedin"].weekdays == WORKWEEK
    assert plan.pillars == DEFAULT_PILLARS
    assert [p.name for p in plan.pillars] == ["Education", "Product", "Community", "Behind the scenes"]
    assert {p.source for p in plan.pillars} == {"default"}


def test_a_playbook_without_cadence_or_themes_falls_back_to_defaults(tmp_path):
    guidelines = "## Platform playbooks\n\n### TikTok\n\nKeep videos under 45 seconds.\n"
    plan = load_brand_plan(write_pack(tmp_path / "pack", guidelines=guidelines), ["tiktok"])
    assert plan.cadence["tiktok"] == DEFAULT_CADENCE["tiktok"]
    assert plan.pillars == DEFAULT_PILLARS


def test_unknown_platforms_and_missing_packs_are_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown platform 'myspace'; use one of: x, linkedin, instagram"):
        load_brand_plan(write_pack(tmp_path / "pack"), ["x", "myspace"])
    with pytest.raises(ValueError, match="no such brand-pack folder"):
        load_brand_plan(tmp_path / "missing", ["x"])


# --- a bad content section -----------------------------------------------------------------------------------------

ALLOWED = "x, linkedin, instagram, facebook, tiktok, youtube"
BAD_CONTENT = [
    (
        "cadence:\n    instagram: {per_week: 5, weekdays: [mon, tue, funday]}",
        "brand.yaml: content.cadence.instagram.weekdays[2]: 'funday' is not a weekday; use mon..sun",
    ),
    (
        "cadence:\n    myspace: {per_week: 5}",
        f"brand.yaml: content.cadence.myspace: 'myspace' is not a platform; use one of: {ALLOWED}",
    ),
    (
        "pillars:\n    - {name: Recipes, platforms: [x, snapchat]}",
        f"brand.yaml: content.pillars[0].platforms[1]: 'snapchat' is not a platform; use one of: {ALLOWED}",
    ),
    (
        "cadence:\n    x: {per_week: 5, times: 3}",
        "brand.yaml: content.cadence.x.times: is not a known field; allowed fields: per_week, per_month, weekdays, "
        "day_part",
    ),
    (
        "posts: 3",
        "brand.yaml: content.posts: is not a known field; allowed fields: pillars, cadence",
    ),
    (
        "cadence:\n    x: {per_week: 5, per_month: 20}",
        "brand.yaml: content.cadence.x: give exactly one of per_week or per_month",
    ),
    (
        "cadence:\n    x: {weekdays: [mon]}",
        "brand.yaml: content.cadence.x: give exactly one of per_week or per_month",
    ),
    (
        "cadence:\n    x: {per_week: 0}",
        "brand.yaml: content.cadence.x.per_week: Input should be greater than 0 (got 0)",
    ),
    (
        "cadence:\n    x: {per_week: 2, day_part: noon}",
        "brand.yaml: content.cadence.x.day_part: 'noon' is not a day part; use one of: morning, midday, afternoon, "
        "evening",
    ),
    (
        "pillars:\n    - {description: Recipes}",
        "brand.yaml: content.pillars[0].name: is required",
    ),
    (
        "pillars:\n    - Recipes",
        "brand.yaml: content.pillars[0]: should be a mapping with fields: name, description, platforms",
    ),
]


@pytest.mark.parametrize(("section", "message"), BAD_CONTENT)
def test_a_bad_content_section_names_the_file_the_field_and_what_is_allowed(tmp_path, section, message):
    pack = write_pack(tmp_path / "pack", content=f"content:\n  {section}\n")
    with pytest.raises(ValueError, match=re.escape(message)):
        load_brand_plan(pack, ["x"])


def test_a_content_section_that_is_not_a_mapping_says_what_it_should_hold(tmp_path):
    pack = write_pack(tmp_path / "pack", content="content: [x, instagram]\n")
    with pytest.raises(ValueError, match=re.escape("content: should be a mapping with fields: pillars, cadence")):
        load_brand_plan(pack, ["x"])


def test_every_problem_of_a_content_section_is_listed(tmp_path):
    content = "content:\n  cadence:\n    x: {per_week: -1, weekdays: [someday]}\n"
    with pytest.raises(ValueError, match=r"2 problems:\n  - content\.cadence\.x\.per_week: .*\n  - .*someday"):
        load_brand_plan(write_pack(tmp_path / "pack", content=content), ["x"])
