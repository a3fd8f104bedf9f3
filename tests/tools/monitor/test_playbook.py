"""Reading a brand's crisis playbook: both real packs, the brand.yaml `crisis:` section, errors and defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared import shared_path

from tools.monitor.playbook import (
    CRISIS_TYPES,
    SOURCE_DEFAULT,
    SOURCE_MD,
    SOURCE_YAML,
    Pause,
    PlaybookError,
    load_playbook,
    role_slug,
)

SAMPLE = Path(__file__).resolve().parents[3] / "knowledge" / "sample_brand"


def _slugs(roles) -> list[str]:
    return [role.slug for role in roles]


def _pack(tmp_path: Path, *, yaml_text: str | None = None, playbook: str | None = None) -> Path:
    if yaml_text is not None:
        (tmp_path / "brand.yaml").write_text(yaml_text, encoding="utf-8")
    if playbook is not None:
        (tmp_path / "crisis-playbook.md").write_text(playbook, encoding="utf-8")
    return tmp_path


def test_sample_brand_playbook_is_read_from_its_markdown_with_no_gaps():
    book = load_playbook(SAMPLE)
    assert (book.source, book.gaps) == (SOURCE_MD, ())
    assert book.levels == ("SEV1", "SEV2", "SEV3")
    assert [level.label for level in book.severities] == ["critical", "major", "minor"]
    assert book.severity("SEV1").negative_per_hour == 300
    assert (book.severity("SEV2").negative_per_day, book.severity("SEV2").orders_affected) == (100, 150)
    assert ("First public acknowledgement (holding statement)", "1 hour") in book.severity("SEV1").targets
    assert {kind: book.types[kind].severity for kind in CRISIS_TYPES} == {
        "product_safety": "SEV1", "reputation": "SEV2", "legal": "SEV1",
        "outage": "SEV2", "data_privacy": "SEV1", "service_surge": "SEV3",
    }  # fmt: skip
    assert book.types["product_safety"].lead == "head_of_production"
    assert book.types["outage"].lead == "head_of_ecommerce"


def test_sample_brand_names_people_and_who_approves_each_kind_of_crisis():
    book = load_playbook(SAMPLE)
    assert _slugs(book.chain) == ["community_manager", "social_lead", "head_of_comms", "legal", "ceo"]
    assert book.roles["social_lead"].person == "Talia Brooks"
    assert book.roles["head_of_production"].title == "Head of Production and Product Safety"
    assert _slugs(book.approvers("product_safety", "SEV1")) == ["social_lead", "head_of_comms", "legal"]
    assert _slugs(book.approvers("data_privacy", "SEV2")) == ["social_lead", "head_of_comms", "legal"]
    assert _slugs(book.approvers("reputation", "SEV2")) == ["social_lead", "head_of_comms"]
    assert _slugs(book.approvers("reputation", "SEV1")) == ["social_lead", "head_of_comms", "legal"]
    assert _slugs(book.approvers("service_surge", "SEV3")) == ["social_lead"]
    told = {(role.slug, minutes) for role, minutes in book.notified("product_safety", "SEV1")}
    assert told == {("ceo", 30), ("head_of_production", None)}
    assert ("ceo", 30) not in {(role.slug, minutes) for role, minutes in book.notified("outage", "SEV2")}


def test_sample_brand_pause_resume_and_holding_statements():
    book = load_playbook(SAMPLE)
    assert {level: pause.scope for level, pause in book.pause.items()} == {
        "SEV1": "all",
        "SEV2": "affected",
        "SEV3": "post",
    }
    assert "48 hours" in book.resume["SEV1"] and not book.resume["SEV1"].startswith("SEV1")
    assert len(book.principles) == 8 and book.principles[0].startswith("Acknowledges")
    assert set(book.examples) == {"product_safety", "outage", "reputation", "data_privacy"}
    assert book.examples["outage"].startswith("Some of you are seeing errors at checkout")


def test_kettle_ember_playbook_is_read_from_its_markdown():
    book = load_playbook(shared_path("brand", "kettle-ember"))
    assert (book.source, book.gaps) == (SOURCE_MD, ())
    assert book.severity("SEV1").negative_per_hour == 500
    assert book.severity("SEV2").orders_affected == 200
    assert book.roles["social_lead"].person == "Priya Raman"
    assert book.roles["legal"].person == "Rosa Jimenez"
    assert book.types["product_safety"].lead == "head_of_operations"
    assert book.types["service_surge"].lead == "customer_service_lead"
    assert _slugs(book.approvers("legal", "SEV1")) == ["social_lead", "head_of_comms", "legal"]
    assert [(role.slug, minutes) for role, minutes in book.notified("legal", "SEV1")] == [("ceo", 30)]
    assert set(book.examples) == {"product_safety", "outage", "data_privacy"}
    assert "24 hours" in book.resume["SEV1"]
    assert book.pause["SEV2"].scope == "affected"


CRISIS_YAML = """
brand: {id: test, name: Test}
crisis:
  severities:
    - {name: SEV2, label: major, definition: Many customers affected., negative_per_day: 50}
    - {name: SEV1, label: critical, definition: Harm or legal contact., negative_per_hour: 120}
  types:
    outage: {severity: SEV1, lead: head_of_ecommerce, notes: We sell online only.}
  chain:
    - {role: social_lead, person: Ada Byron, approves: {always: true}}
    - {role: head_of_comms, title: Comms director, approves: {severities: [SEV1]}}
    - {role: legal, approves: {types: [legal, data_privacy]}}
  notify:
    - {role: ceo, severities: [SEV1], within_minutes: 15}
  pause: {SEV1: all, SEV2: post}
"""


def test_crisis_section_in_brand_yaml_wins_over_the_markdown(tmp_path):
    playbook = (SAMPLE / "crisis-playbook.md").read_text(encoding="utf-8")
    book = load_playbook(_pack(tmp_path, yaml_text=CRISIS_YAML, playbook=playbook))
    assert book.source == SOURCE_YAML
    assert book.levels == ("SEV1", "SEV2")
    assert book.severity("SEV1").negative_per_hour == 120
    assert book.types["outage"].severity == "SEV1"
    assert book.types["product_safety"].severity == "SEV1"  # not in the section: default, noted as a gap
    assert "types.product_safety" in book.gaps
    assert book.roles["social_lead"].person == "Ada Byron"
    assert book.roles["head_of_comms"].title == "Comms director"
    assert _slugs(book.approvers("outage", "SEV2")) == ["social_lead"]
    assert _slugs(book.approvers("data_privacy", "SEV2")) == ["social_lead", "legal"]
    assert [(role.slug, minutes) for role, minutes in book.notified("outage", "SEV1")] == [("ceo", 15)]
    assert book.pause["SEV2"].scope == "post"
    assert book.sources["severities"] == SOURCE_YAML
    assert book.sources["principles"] == SOURCE_MD  # parts the section leaves out still come from the markdown
    assert book.principles[0].startswith("Acknowledges")


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("pause: {SEV1: everything}", r"crisis\.pause\.SEV1: Input should be 'all', 'affected' or 'post'"),
        ("chain: [{role: legal, aproves: {always: true}}]", r"crisis\.chain\[0\]\.aproves: is not a known field; "
         r"allowed fields: role, title, person, duty, approves"),
        ("types: {outages: {severity: SEV1}}", r"crisis\.types\.outages: Input should be 'product_safety'"),
        ("types: {legal: {lead: legal}}", r"crisis\.types\.legal\.severity: is required"),
        ("severities: [{name: critical, label: x}]", r"crisis\.severities\[0\]\.name: String should match"),
        ("notify: [{role: CEO}]", r"crisis\.notify\[0\]\.role: String should match pattern"),
        ("types: {legal: {severity: SEV4}}", r"crisis\.types\.legal\.severity: 'SEV4' is not a severity"),
        ("[1, 2]", r"crisis: should be a mapping with fields: severities, types, chain"),
    ],
)  # fmt: skip
def test_a_broken_crisis_section_is_refused_naming_the_field(tmp_path, section, message):
    body = f"crisis: {section}" if section.startswith("[") else "crisis:\n  " + section
    with pytest.raises(PlaybookError, match=message):
        load_playbook(_pack(tmp_path, yaml_text=body))


def test_unreadable_yaml_and_missing_folder_are_reported(tmp_path):
    with pytest.raises(PlaybookError, match="cannot be read as YAML"):
        load_playbook(_pack(tmp_path, yaml_text="crisis: [unclosed"))
    with pytest.raises(PlaybookError, match="no such brand-pack folder"):
        load_playbook(tmp_path / "nope")


PARTIAL = """# Crisis plan

## Levels of severity

- **Sev-1 (high):** injuries, lawsuits, or over 1,000 negative mentions per hour.
- **Sev 2 (medium):** a viral complaint.
- **Sev-3:** one unhappy customer.

## Who to call

1. Social media manager (Kim Lee): drafts every reply.
2. **General counsel** (Bo Park) signs off on anything about safety or privacy.
3. **Chief executive** is informed within 60 minutes of any SEV1.
"""


def test_a_playbook_missing_sections_gets_defaults_and_lists_the_gaps(tmp_path):
    book = load_playbook(_pack(tmp_path, playbook=PARTIAL))
    assert book.source == SOURCE_MD
    assert [(level.name, level.label) for level in book.severities] == [
        ("SEV1", "high"),
        ("SEV2", "medium"),
        ("SEV3", "minor"),
    ]
    assert book.severity("SEV1").negative_per_hour == 1000
    assert book.roles["social_lead"].person == "Kim Lee"
    assert _slugs(book.approvers("product_safety", "SEV3")) == ["social_lead", "legal"]
    assert _slugs(book.approvers("outage", "SEV1")) == ["social_lead"]
    assert [(role.slug, minutes) for role, minutes in book.notified("outage", "SEV1")] == [("ceo", 60)]
    assert set(book.gaps) == {"types", "pause", "resume", "principles", "examples"}
    assert book.sources["pause"] == SOURCE_DEFAULT and book.pause["SEV1"].scope == "all"
    assert book.types["legal"].severity == "SEV1"


def test_pausing_falls_back_to_the_response_time_table_and_top_level_headings_are_tolerated(tmp_path):
    text = (SAMPLE / "crisis-playbook.md").read_text(encoding="utf-8")
    before, _, rest = text.partition("## What to pause")
    trimmed = before + "## When to resume" + rest.partition("## When to resume")[2]
    book = load_playbook(_pack(tmp_path, playbook=trimmed.replace("\n## ", "\n# ")))
    assert book.gaps == ()
    assert book.pause["SEV1"] == Pause("all", "immediately, all channels")
    assert book.pause["SEV3"].scope == "post"


def test_a_pack_without_any_playbook_uses_the_documented_defaults(tmp_path):
    book = load_playbook(_pack(tmp_path, yaml_text="brand: {id: x, name: X}\n"))
    assert book.source == SOURCE_DEFAULT
    assert set(book.gaps) == {"severities", "types", "chain", "notify", "pause", "resume", "principles", "examples"}
    assert _slugs(book.approvers("legal", "SEV3")) == ["social_lead", "legal"]
    assert _slugs(book.approvers("reputation", "SEV1")) == ["social_lead", "head_of_comms", "legal"]
    assert [(role.slug, minutes) for role, minutes in book.notified("reputation", "SEV1")] == [("ceo", 30)]


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Head of Communications", "head_of_comms"),
        ("Legal counsel", "legal"),
        ("CEO", "ceo"),
        ("Customer Care lead", "customer_service_lead"),
        ("Social media manager", "social_lead"),
        ("Chief Happiness Officer", "chief_happiness_officer"),
    ],
)
def test_role_titles_become_plain_slugs(title, slug):
    assert role_slug(title) == slug
