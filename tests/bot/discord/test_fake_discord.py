"""The fake Discord REST API, proven with discord.py itself: login, cards, threads, limits, 429s, interactions."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator, Iterator

import discord
import pytest
from discord import app_commands
from discord_payloads import (
    bot_user,
    button_click,
    dispatch,
    guild_create,
    logged_in,
    member,
    mention,
    message_create,
    modal_submit,
    ready,
    role,
    slash_command,
    text_channel,
    user,
)
from fake_discord import APPLICATION_ID, BOT_ID, BOT_TOKEN, FakeDiscord, fake_discord_server

GUILD = "1190000000000000001"
CHANNEL = "1190000000000000002"
ROLE = "1190000000000000003"
PERSON = user("1190000000000000004", username="dana")
MARKETING = text_channel(CHANNEL, name="marketing")
MESSAGES = f"/channels/{CHANNEL}/messages"


@pytest.fixture
def fake() -> Iterator[FakeDiscord]:
    with fake_discord_server() as server:
        yield server


def new_client() -> discord.Client:
    intents = discord.Intents.default()
    intents.message_content = True
    return discord.Client(intents=intents, guild_ready_timeout=0.01)


async def connect(client: discord.Client, fake: FakeDiscord) -> None:
    """READY and the guild's GUILD_CREATE, as the gateway sends them after IDENTIFY; returns once on_ready fired."""
    await dispatch(client, "READY", ready(guild_ids=[GUILD]), fake=fake)
    guild = guild_create(
        GUILD, channels=[MARKETING], roles=[role(ROLE, name="Brand")], members=[member(PERSON, roles=[ROLE])]
    )
    await dispatch(client, "GUILD_CREATE", guild, fake=fake)
    await asyncio.wait_for(client.wait_until_ready(), 5)


@pytest.fixture
async def client(fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    bot = new_client()
    async with logged_in(bot, fake):
        await connect(bot, fake)
        yield bot


async def received(client: discord.Client, fake: FakeDiscord, payload: dict) -> discord.Message:
    """Dispatch a MESSAGE_CREATE and return the message discord.py built from it."""
    waiter = asyncio.ensure_future(client.wait_for("message", timeout=5))
    await asyncio.sleep(0)
    await dispatch(client, "MESSAGE_CREATE", payload, fake=fake)
    return await waiter


def a_mention_of_the_bot(text: str) -> dict:
    content = f"{mention(BOT_ID)} {text}"
    return message_create(CHANNEL, guild_id=GUILD, author=PERSON, roles=[ROLE], content=content, mentions=[bot_user()])


async def send_raw(client: discord.Client, body: dict) -> dict:
    """A create-message request with a hand-made body, through discord.py's own HTTP client."""
    route = discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=CHANNEL)
    return await client.http.request(route, json=body)


def a_row(*buttons: dict) -> dict:
    return {"type": 1, "components": list(buttons)}


def a_button(custom_id: str, label: str = "Go") -> dict:
    return {"type": 2, "style": 1, "label": label, "custom_id": custom_id}


async def until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


# -- login -----------------------------------------------------------------------------------------------------


async def test_login_sends_the_bot_token_and_learns_the_bot_and_its_application(fake):
    bot = new_client()
    async with logged_in(bot, fake):
        assert bot.user.id == int(BOT_ID) and bot.application_id == int(APPLICATION_ID)
    [me] = fake.of("GET", "/users/@me")
    assert me.headers["authorization"] == f"Bot {BOT_TOKEN}" and me.headers["user-agent"].startswith("DiscordBot")
    assert fake.of("GET", "/oauth2/applications/@me")
    assert not fake.of("GET", "/gateway/bot")  # logging in never asks for the gateway
    assert discord.http.Route.BASE == "https://discord.com/api/v10"  # put back after the block


async def test_a_wrong_token_fails_login(fake, monkeypatch):
    monkeypatch.setattr(discord.http.Route, "BASE", fake.url)
    bot = new_client()
    with pytest.raises(discord.LoginFailure):
        await bot.login("not-the-bot-token")
    await bot.close()
    [refused] = fake.of("GET", "/users/@me")
    assert refused.status == 401 and refused.headers["authorization"] == "Bot not-the-bot-token"


# -- messages --------------------------------------------------------------------------------------------------


async def test_a_card_with_an_embed_and_buttons_lands_as_discord_py_sent_it(client, fake):
    incoming = await received(client, fake, a_mention_of_the_bot("draft a post"))
    assert [m.id for m in incoming.mentions] == [int(BOT_ID)] and incoming.author.id == int(PERSON["id"])
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Approve", custom_id="bp:approve:1", style=discord.ButtonStyle.success))
    view.add_item(discord.ui.Button(label="Reject", custom_id="bp:reject:1", style=discord.ButtonStyle.danger))
    embed = discord.Embed(title="Draft", description="Launch week post").add_field(name="Platform", value="X")
    sent = await incoming.channel.send(embed=embed, view=view)
    [request] = fake.of("POST", MESSAGES)
    assert request.json["embeds"][0]["title"] == "Draft" and request.json["embeds"][0]["fields"][0]["value"] == "X"
    [row] = request.json["components"]
    assert [(b["custom_id"], b["style"]) for b in row["components"]] == [("bp:approve:1", 3), ("bp:reject:1", 4)]
    stored = fake.messages[CHANNEL][str(sent.id)]
    assert stored["components"] == request.json["components"] and stored["author"]["id"] == BOT_ID
    assert sent.embeds[0].title == "Draft" and sent.author.id == int(BOT_ID)


async def test_a_reply_carries_its_message_reference_and_allowed_mentions(client, fake):
    incoming = await received(client, fake, a_mention_of_the_bot("how did last week go?"))
    answer = await incoming.reply("Up 12%.", mention_author=False)
    body = fake.of("POST", MESSAGES)[-1].json
    assert int(body["message_reference"]["message_id"]) == incoming.id
    assert body["allowed_mentions"]["replied_user"] is False
    assert answer.reference.message_id == incoming.id and answer.type == discord.MessageType.reply


async def test_a_file_goes_up_as_multipart_with_payload_json(client, fake):
    data = b"date,posts\r\n2024-05-01,3\r\n\x00\xff"
    report = discord.File(io.BytesIO(data), filename="report.csv", description="Posts per day")
    sent = await client.get_channel(int(CHANNEL)).send("Weekly report", file=report)
    [request] = fake.of("POST", MESSAGES)
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert request.json["content"] == "Weekly report" and request.json["attachments"][0]["filename"] == "report.csv"
    [upload] = request.files
    assert upload.name == "files[0]" and upload.data == data
    [attachment] = sent.attachments
    assert (attachment.filename, attachment.size, attachment.description) == ("report.csv", len(data), "Posts per day")
    assert fake.uploads[str(attachment.id)] == data


async def test_messages_are_edited_fetched_and_deleted_and_only_the_bots_own_are_edited(client, fake):
    channel = client.get_channel(int(CHANNEL))
    sent = await channel.send("v1")
    edited = await sent.edit(content="v2")
    assert edited.content == "v2" and edited.edited_at is not None
    assert (await channel.fetch_message(sent.id)).content == "v2"
    await sent.delete()
    with pytest.raises(discord.NotFound) as gone:
        await channel.fetch_message(sent.id)
    assert gone.value.code == 10008
    theirs = await received(client, fake, a_mention_of_the_bot("hi"))
    with pytest.raises(discord.Forbidden) as refused:
        await theirs.edit(content="changed")
    assert refused.value.code == 50005


async def test_enforce_nonce_returns_the_first_message_instead_of_a_second(client, fake):
    channel = client.get_channel(int(CHANNEL))
    first = await channel.send("Scheduled post is live", nonce="job-42")
    again = await channel.send("Scheduled post is live", nonce="job-42")
    assert again.id == first.id and len(fake.sent(CHANNEL)) == 1
    bodies = [r.json for r in fake.of("POST", MESSAGES)]
    assert [(b["nonce"], b["enforce_nonce"]) for b in bodies] == [("job-42", True), ("job-42", True)]


async def test_typing_and_a_dm_reach_their_channels(client, fake):
    incoming = await received(client, fake, a_mention_of_the_bot("send me the plan"))
    async with incoming.channel.typing():
        pass
    assert [r.status for r in fake.of("POST", f"/channels/{CHANNEL}/typing")] == [204]
    dm = await incoming.author.send("Here is the plan")
    [opened] = fake.of("POST", "/users/@me/channels")
    assert opened.json == {"recipient_id": int(PERSON["id"])}
    assert dm.channel.type == discord.ChannelType.private
    assert fake.channels[str(dm.channel.id)]["recipients"][0]["id"] == PERSON["id"]
    assert [m["content"] for m in fake.sent(dm.channel.id)] == ["Here is the plan"]


async def test_unknown_routes_and_channels_answer_discords_404s(client, fake):
    with pytest.raises(discord.NotFound) as no_route:
        await client.http.request(discord.http.Route("GET", "/nowhere"))
    assert (no_route.value.code, no_route.value.text) == (0, "404: Not Found")
    with pytest.raises(discord.NotFound) as no_channel:
        await client.get_partial_messageable(1234567890).send("hello?")
    assert no_channel.value.code == 10003


# -- threads ---------------------------------------------------------------------------------------------------


async def test_a_thread_started_from_a_message_takes_its_id_and_receives_messages(client, fake):
    card = await client.get_channel(int(CHANNEL)).send("Draft ready")
    thread = await card.create_thread(name="Draft: launch week")
    assert (thread.id, thread.parent_id, thread.type) == (card.id, int(CHANNEL), discord.ChannelType.public_thread)
    assert fake.threads[str(card.id)]["name"] == "Draft: launch week"
    [request] = fake.of("POST", f"{MESSAGES}/{card.id}/threads")
    assert request.json["auto_archive_duration"] == 1440
    await thread.send("First version")
    assert [m["content"] for m in fake.sent(thread.id)] == ["First version"]
    with pytest.raises(discord.HTTPException) as twice:
        await card.create_thread(name="again")
    assert twice.value.code == 160004


async def test_a_thread_name_over_100_characters_is_refused(client, fake):
    incoming = await received(client, fake, a_mention_of_the_bot("start a thread"))
    with pytest.raises(discord.HTTPException) as refused:
        await incoming.create_thread(name="n" * 101)
    assert refused.value.code == 50035 and "In name: Must be between 1 and 100 in length." in refused.value.text
    thread = await client.get_channel(int(CHANNEL)).create_thread(
        name="Weekly sync", type=discord.ChannelType.public_thread
    )
    assert fake.threads[str(thread.id)]["type"] == 11


# -- what Discord refuses --------------------------------------------------------------------------------------


async def test_content_over_2000_characters_is_an_invalid_form_body(client, fake):
    with pytest.raises(discord.HTTPException) as refused:
        await client.get_channel(int(CHANNEL)).send("x" * 2001)
    assert (refused.value.status, refused.value.code) == (400, 50035)
    assert "In content: Must be 2000 or fewer in length." in refused.value.text
    assert fake.messages.get(CHANNEL, {}) == {}


def many_fields(count: int, value: str = "v") -> discord.Embed:
    embed = discord.Embed(title="t")
    for i in range(count):
        embed.add_field(name=f"f{i}", value=value)
    return embed


@pytest.mark.parametrize(
    ("embed", "where"),
    [
        (discord.Embed(title="t" * 257), "embeds.0.title"),
        (discord.Embed(description="d" * 4097), "embeds.0.description"),
        (many_fields(26), "embeds.0.fields"),
        (discord.Embed().add_field(name="n" * 257, value="v"), "embeds.0.fields.0.name"),
        (discord.Embed().add_field(name="n", value="v" * 1025), "embeds.0.fields.0.value"),
        (discord.Embed().set_footer(text="f" * 2049), "embeds.0.footer.text"),
        (discord.Embed().set_author(name="a" * 257), "embeds.0.author.name"),
        (many_fields(6, "v" * 1000), "embeds"),  # 6004 characters in all
    ],
)
async def test_embeds_over_discords_limits_are_refused(client, fake, embed, where):
    with pytest.raises(discord.HTTPException) as refused:
        await client.get_channel(int(CHANNEL)).send(embed=embed)
    assert refused.value.code == 50035 and f"In {where}:" in refused.value.text


@pytest.mark.parametrize(
    ("components", "where"),
    [
        ([a_row(*(a_button(f"b{i}") for i in range(6)))], "components.0.components"),
        ([a_row(a_button(f"b{i}")) for i in range(6)], "components"),
        ([a_row(a_button("x" * 101))], "components.0.components.0.custom_id"),
        ([a_row(a_button("ok", label="l" * 81))], "components.0.components.0.label"),
        ([a_row(a_button("same"), a_button("same"))], "components.0.components.1.custom_id"),
        ([a_row({"type": 2, "style": 1, "label": "no id"})], "components.0.components.0.custom_id"),
    ],
)
async def test_components_over_discords_limits_are_refused(client, fake, components, where):
    with pytest.raises(discord.HTTPException) as refused:
        await send_raw(client, {"content": "card", "components": components})
    assert refused.value.code == 50035 and f"In {where}:" in refused.value.text


async def test_an_empty_message_is_refused(client, fake):
    with pytest.raises(discord.HTTPException) as refused:
        await send_raw(client, {"content": ""})
    assert (refused.value.code, refused.value.text) == (50006, "Cannot send an empty message")


# -- scripted failures -----------------------------------------------------------------------------------------


async def test_a_429_is_waited_out_by_discord_py_and_the_send_then_succeeds(client, fake):
    fake.rate_limit_next("POST", MESSAGES, retry_after=0.05)
    started = time.monotonic()
    sent = await client.get_channel(int(CHANNEL)).send("After the limit")
    assert time.monotonic() - started >= 0.05
    limited, accepted = fake.of("POST", MESSAGES)
    assert (limited.status, accepted.status) == (429, 200) and limited.json == accepted.json
    assert [m["id"] for m in fake.sent(CHANNEL)] == [str(sent.id)]


async def test_a_missing_permission_and_an_outage_are_raised_as_discord_py_raises_them(client, fake):
    channel = client.get_channel(int(CHANNEL))
    fake.forbid_next("POST", MESSAGES)
    with pytest.raises(discord.Forbidden) as forbidden:
        await channel.send("hello")
    assert (forbidden.value.code, forbidden.value.text) == (50013, "Missing Permissions")
    fake.fail_next("POST", MESSAGES, 503)
    with pytest.raises(discord.DiscordServerError) as outage:
        await channel.send("hello")
    assert outage.value.status == 503 and fake.sent(CHANNEL) == []


# -- interactions ----------------------------------------------------------------------------------------------


async def test_a_button_click_reaches_the_view_whose_ephemeral_answer_lands_once(client, fake):
    outcomes: list[object] = []

    class Card(discord.ui.View):
        def __init__(self) -> None:
            super().__init__(timeout=None)

        @discord.ui.button(label="Approve", custom_id="bp:approve:7")
        async def approve(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
            try:
                await interaction.response.send_message("Approved.", ephemeral=True)
                outcomes.append("answered")
            except discord.HTTPException as exc:
                outcomes.append(exc.code)

    card = await client.get_channel(int(CHANNEL)).send("Draft 7", view=Card())
    click = button_click(
        fake.message(card.id), "bp:approve:7", channel=MARKETING, guild_id=GUILD, who=PERSON, roles=[ROLE]
    )
    await dispatch(client, "INTERACTION_CREATE", click, fake=fake)
    [callback] = await fake.wait_for_async("POST", f"/interactions/{click['id']}/{click['token']}/callback")
    assert callback.json["type"] == 4 and callback.json["data"]["flags"] == 64
    assert callback.json["data"]["content"] == "Approved." and callback.query["with_response"] == "1"
    [response] = fake.interaction_responses
    assert response.status == 200 and response.elapsed < 3
    [ephemeral] = fake.sent(CHANNEL)[1:]
    assert ephemeral["flags"] & 64 and ephemeral["interaction_metadata"]["user"]["id"] == PERSON["id"]

    await dispatch(client, "INTERACTION_CREATE", click, fake=fake)  # the same interaction, delivered again
    await until(lambda: len(outcomes) == 2)
    assert outcomes == ["answered", 40060]


async def test_an_answer_after_the_three_second_deadline_is_an_unknown_interaction(client, fake):
    fake.ack_deadline = 0.0
    failures: list[int] = []

    class Card(discord.ui.View):
        @discord.ui.button(label="Approve", custom_id="bp:late")
        async def approve(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
            try:
                await interaction.response.defer()
            except discord.NotFound as exc:
                failures.append(exc.code)

    card = await client.get_channel(int(CHANNEL)).send("Late", view=Card())
    click = button_click(fake.message(card.id), "bp:late", channel=MARKETING, guild_id=GUILD, who=PERSON)
    await dispatch(client, "INTERACTION_CREATE", click, fake=fake)
    await until(lambda: failures)
    assert failures == [10062]


async def test_a_modal_opened_from_a_button_and_submitted_updates_the_card(client, fake):
    class Brief(discord.ui.Modal, title="Campaign brief"):
        goal = discord.ui.TextInput(label="Goal", custom_id="bp:brief:goal")

        async def on_submit(self, interaction: discord.Interaction) -> None:
            await interaction.response.edit_message(content=f"Goal: {self.goal.value}", view=None)

    shown = asyncio.Event()

    class Card(discord.ui.View):
        @discord.ui.button(label="Write brief", custom_id="bp:brief")
        async def write(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
            await interaction.response.send_modal(Brief(custom_id="bp:brief:modal"))
            shown.set()  # discord.py listens for the modal once Discord accepted it

    card = await client.get_channel(int(CHANNEL)).send("New campaign", view=Card())
    click = button_click(fake.message(card.id), "bp:brief", channel=MARKETING, guild_id=GUILD, who=PERSON)
    await dispatch(client, "INTERACTION_CREATE", click, fake=fake)
    await asyncio.wait_for(shown.wait(), 5)
    [opened] = fake.of("POST", f"/interactions/{click['id']}/")
    assert opened.json["type"] == 9 and opened.json["data"]["title"] == "Campaign brief"

    submit = modal_submit(
        "bp:brief:modal",
        {"bp:brief:goal": "More signups"},
        channel=MARKETING,
        guild_id=GUILD,
        who=PERSON,
        message=fake.message(card.id),
    )
    await dispatch(client, "INTERACTION_CREATE", submit, fake=fake)
    [updated] = await fake.wait_for_async("POST", f"/interactions/{submit['id']}/")
    assert updated.json["type"] == 7 and updated.status == 200
    assert fake.message(card.id)["content"] == "Goal: More signups" and fake.message(card.id)["components"] == []


async def test_a_followup_before_any_answer_is_an_unknown_webhook_and_original_edits_follow_a_defer(client, fake):
    codes: list[int] = []

    class Card(discord.ui.View):
        @discord.ui.button(label="Report", custom_id="bp:report")
        async def report(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
            try:
                await interaction.followup.send("too early")
            except discord.NotFound as exc:
                codes.append(exc.code)
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.edit_original_response(content="Report: 3 posts, 120 clicks")

    card = await client.get_channel(int(CHANNEL)).send("Weekly report", view=Card())
    click = button_click(fake.message(card.id), "bp:report", channel=MARKETING, guild_id=GUILD, who=PERSON)
    await dispatch(client, "INTERACTION_CREATE", click, fake=fake)
    [edit] = await fake.wait_for_async("PATCH", f"/webhooks/{APPLICATION_ID}/{click['token']}/messages/@original")
    assert codes == [10015] and edit.status == 200
    [answer] = fake.sent(CHANNEL)[1:]
    assert answer["content"] == "Report: 3 posts, 120 clicks" and answer["flags"] == 64  # ephemeral, done loading


async def test_a_slash_subcommand_runs_and_its_followup_completes_the_deferred_answer(fake):
    bot = new_client()
    tree = app_commands.CommandTree(bot)
    campaign = app_commands.Group(name="campaign", description="Plan campaigns")
    calls: list[tuple[str, int]] = []

    @campaign.command(name="plan", description="Plan a campaign")
    async def plan(interaction: discord.Interaction, brief: str, weeks: int = 2) -> None:
        calls.append((brief, weeks))
        await interaction.response.defer(thinking=True)
        await interaction.followup.send(f"Planned {weeks} weeks: {brief}")

    tree.add_command(campaign, guild=discord.Object(int(GUILD)))
    async with logged_in(bot, fake):
        await connect(bot, fake)
        [synced] = await tree.sync(guild=discord.Object(int(GUILD)))
        [put] = fake.of("PUT", f"/applications/{APPLICATION_ID}/guilds/{GUILD}/commands")
        assert put.json[0]["name"] == "campaign" and put.json[0]["options"][0]["type"] == 1  # a subcommand
        command = slash_command(
            "campaign",
            subcommand="plan",
            options={"brief": "Spring launch", "weeks": 3},
            command_id=synced.id,
            channel=MARKETING,
            guild_id=GUILD,
            registered_in=GUILD,
            who=PERSON,
            roles=[ROLE],
        )
        await dispatch(bot, "INTERACTION_CREATE", command, fake=fake)
        await fake.wait_for_async("POST", f"/webhooks/{APPLICATION_ID}/{command['token']}")
    assert calls == [("Spring launch", 3)]
    [deferred] = fake.interaction_responses
    assert (deferred.type, deferred.status) == (5, 200)
    [answer] = fake.sent(CHANNEL)  # the loading message, completed: no second message
    assert answer["content"] == "Planned 3 weeks: Spring launch" and not answer["flags"] & 128


async def test_command_names_and_descriptions_are_checked_on_bulk_overwrite(client, fake):
    bad = [
        {"name": "Plan Campaign", "description": "Plan", "type": 1},
        {"name": "report", "description": "d" * 101, "type": 1},
        {
            "name": "post",
            "description": "Post",
            "type": 1,
            "options": [{"name": "when", "description": "When", "type": 12}],
        },
    ]
    with pytest.raises(discord.HTTPException) as refused:
        await client.http.bulk_upsert_global_commands(client.application_id, bad)
    text = refused.value.text
    assert refused.value.code == 50035 and "In 0.name:" in text and "In 1.description:" in text
    assert "In 2.options.0.type:" in text
    assert await client.http.get_global_commands(client.application_id) == []


# -- payload builders ------------------------------------------------------------------------------------------


def test_without_the_message_content_intent_only_mentions_dms_and_own_messages_carry_content():
    def seen(**kwargs) -> str:
        return message_create(CHANNEL, content="hello", message_content_intent=False, **kwargs)["content"]

    assert seen(guild_id=GUILD) == ""
    assert seen(guild_id=GUILD, mentions=[bot_user()]) == "hello"
    assert seen(guild_id=GUILD, author=bot_user()) == "hello"
    assert seen() == "hello"  # a DM
