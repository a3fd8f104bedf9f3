"""Competitors from brand.yaml (or its banned competitor names) and which one a mention is about."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tools.content.rulebook import RulebookError, load_rulebook
from tools.monitor.competitors import Competitor, SubjectReader, from_banned_names, slug
from tools.monitor.mentions import Mention

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "brand" / "kettle-ember"


def test_a_pack_that_bans_competitor_names_tracks_those_names():
    names = [c.name for c in load_rulebook(SHARED).tracked_competitors()]
    assert names == [
        "Ridgeline Roasters",
        "Bean Baron",
        "Copperpot Coffee",
        "Tidewater Coffee",
        "Grindstone Collective",
    ]
    assert from_banned_names([("banned-profanity", ["damn"])]) == []
    assert slug("Cove Candle Co.") == "cove-candle-co"


def test_an_explicit_list_wins_and_a_bad_one_names_the_field(tmp_path):
    pack = tmp_path / "brand.yaml"
    base = "brand: {id: acme, name: Acme}\nrules: {}\n"
    pack.write_text(base + "competitors:\n  - {id: rival-co, name: Rival Co, handles: ['@rivalco']}\n")
    [rival] = load_rulebook(pack).tracked_competitors()
    assert rival.words() == ["Rival Co", "rivalco", "@rivalco"]
    pack.write_text(base + "competitors:\n  - {id: Rival Co!, name: Rival Co}\n")
    with pytest.raises(RulebookError, match=r"competitors\[0\]\.id: .*like 'rival-co'"):
        load_rulebook(pack)


def _mention(text: str, subject: str | None = None) -> Mention:
    return Mention("x", str(abs(hash(text))), "ana", datetime(2026, 11, 1, tzinfo=UTC), text, subject=subject)


def test_a_mention_is_about_the_one_competitor_it_names_and_not_the_brand():
    reader = SubjectReader(["Harbor & Pine"], [Competitor(id="wick", name="Wickwright", handles=["wickwright_co"])])
    assert reader.subject("Wickwright's new scent is flat") == "wick"
    assert reader.subject("thanks @wickwright_co for the quick reply") == "wick"
    assert reader.subject("Harbor & Pine > Wickwright") is None
    assert reader.subject("#wickwrightlove") is None  # a hashtag that merely starts with the name
    assert reader.subject("a wickwrighter is a word?") is None
    [tagged] = reader.tag([_mention("lovely evening")], competitor="wick")
    assert tagged.subject == "wick"
    with pytest.raises(ValueError, match=r"'nope' is not one of the brand's competitors \(known: wick\)"):
        reader.tag([_mention("hi", subject="nope")])


def test_the_x_search_query_names_the_competitor_its_handles_and_keywords_within_the_limit():
    from tools.monitor.competitors import x_query

    rival = Competitor(id="bb", name="Bean Baron", handles=["@beanbaron"], keywords=["baronbrew", 'say "hi" bb'])
    assert x_query(rival) == '("Bean Baron" OR @beanbaron OR baronbrew OR "say hi bb") -is:retweet'
    assert x_query(rival, limit=40) == '("Bean Baron" OR @beanbaron) -is:retweet'
