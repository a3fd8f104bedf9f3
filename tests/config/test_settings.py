from pathlib import Path

import pytest
from shared import shared_path

from config.errors import ConfigError
from config.settings import SAMPLE_BRAND_PATH, load_settings


def test_no_configuration_runs_the_shipped_sample_brand(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    [brand] = settings.brand_entries()
    assert brand.id == "harbor-pine" and brand.pack == SAMPLE_BRAND_PATH
    assert settings.model is None and settings.database_url is None


def test_plain_unix_variables_do_not_leak_into_settings(monkeypatch, tmp_path):
    monkeypatch.delenv("BRANDPILOT_HOME")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", "/somewhere/else")
    monkeypatch.setenv("MODEL", "openai:gpt-4.1-mini")
    settings = load_settings()
    assert settings.home == tmp_path / ".brandpilot"
    assert settings.model is None


def test_brandpilot_home_isolates_state(brandpilot_home):
    assert load_settings().home == brandpilot_home


def test_example_config_is_valid(monkeypatch):
    shared_path("brand", "kettle-ember")  # the example config points at the reference brand pack
    monkeypatch.setenv(
        "BRANDPILOT_CONFIG", str(Path(__file__).resolve().parents[2] / "config" / "brandpilot.example.yaml")
    )
    settings = load_settings()
    assert settings.default_brand_id() == "kettle-ember"
    assert settings.agents.timezone == "America/Los_Angeles"
    assert settings.slack.follow_up("C0123ABCD") and not settings.slack.follow_up("C0456QUIET")
    assert settings.alerts.escalate_to_slack == ["S0456EFGH"]


def test_named_config_file_must_exist(monkeypatch, tmp_path):
    monkeypatch.setenv("BRANDPILOT_CONFIG", str(tmp_path / "missing.yaml"))
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings()


@pytest.mark.parametrize(
    ("yaml_text", "field", "hint"),
    [
        ("platforms: [x, myspace]\n", "platforms.1", "'x'"),
        ("agents:\n  default_post_hour: 27\n", "agents.default_post_hour", "less than or equal to 23"),
        ("brands:\n  - {id: Bad Id, pack: .}\n", "brands.0.id", "pattern"),
        ("colour: blue\n", "colour", "allowed:"),
        ("workspaces:\n  - {surface: slack, id: T1, brand: nope}\n", "-", "known"),
        ("brands: [\n", "-", "not valid YAML"),
        ("slack:\n  channels:\n    general: {follow_up_without_mention: false}\n", "slack.channels", "channel ID"),
        ("slack:\n  channels:\n    C1AB: {mention: always}\n", "slack.channels.C1AB.mention", "Extra inputs"),
        ("alerts:\n  escalate_to_slack: ['@sam']\n", "alerts.escalate_to_slack", "user group (S…) ID"),
    ],
)
def test_bad_config_names_file_field_and_what_is_allowed(monkeypatch, tmp_path, yaml_text, field, hint):
    path = tmp_path / "brandpilot.yaml"
    path.write_text(yaml_text)
    monkeypatch.setenv("BRANDPILOT_CONFIG", str(path))
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert str(path) in message and f"field '{field}'" in message and hint in message


def test_brand_pack_without_rulebook_is_refused(monkeypatch, tmp_path):
    (tmp_path / "pack").mkdir()
    path = tmp_path / "brandpilot.yaml"
    path.write_text("brands:\n  - {id: empty, pack: pack}\n")
    monkeypatch.setenv("BRANDPILOT_CONFIG", str(path))
    with pytest.raises(ConfigError, match="no brand.yaml"):
        load_settings()


def test_invalid_environment_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("BRANDPILOT_LOG_LEVEL", "LOUD")
    with pytest.raises(ConfigError, match="environment variable BRANDPILOT_LOG_LEVEL"):
        load_settings()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("X_API_URL", "http://[api.x.com"),
        ("LINKEDIN_API_URL", "https://api.linkedin.com:44x"),
        ("SLACK_API_URL", "https://slack.com]/api/"),
        ("SLACK_REDIRECT_URI", "https://[bp.example/slack/oauth_redirect"),
        ("SLACK_REDIRECT_URI", "https://bp.example:0x1/slack/oauth_redirect"),
        ("DISCORD_API_URL", "https://discord.com:99999/api/v10"),
        ("DISCORD_GATEWAY_URL", "wss://[gateway.discord.gg"),
    ],
)
def test_a_base_address_urllib_cannot_read_names_the_variable(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=f"environment variable {variable}"):
        load_settings()


def test_yaml_only_settings_ignore_stray_environment_variables(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLATFORMS", "linux/amd64")
    monkeypatch.setenv("APPROVERS", '{"cli_users": ["mallory"]}')
    monkeypatch.setenv("DEFAULT_BRAND", "nope")
    settings = load_settings()
    assert settings.approvers.cli_users == ["*"] and "x" in settings.platforms and settings.default_brand is None


def test_the_env_example_copied_to_dot_env_as_is_runs_on_the_defaults(monkeypatch, tmp_path):
    example = Path(__file__).resolve().parents[2] / "deploy" / ".env.example"
    (tmp_path / ".env").write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in ("BRANDPILOT_HOME", "BRANDPILOT_CONFIG", "SLACK_BOT_TOKEN", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.home == tmp_path / ".brandpilot" and settings.slack_bot_token is None
    assert settings.secret("database_url") is None and settings.log_level == "WARNING"


def test_a_model_cache_in_dot_env_reaches_the_encoders(monkeypatch, tmp_path):
    from tools.sentiment.encoder import cache_dir

    (tmp_path / ".env").write_text(f"BRANDPILOT_MODEL_CACHE={tmp_path / 'models'}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BRANDPILOT_MODEL_CACHE")
    assert load_settings().model_cache == tmp_path / "models"
    assert cache_dir() == tmp_path / "models"
