"""Chat-model factory: `provider:model` through `init_chat_model`, or None for offline mode."""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

PROVIDERS: dict[str, tuple[str, str, str | None]] = {
    # provider: (python module, pip extra, environment variable holding the key)
    "openai": ("langchain_openai", "openai", "OPENAI_API_KEY"),
    "anthropic": ("langchain_anthropic", "anthropic", "ANTHROPIC_API_KEY"),
    "ollama": ("langchain_ollama", "ollama", None),
}


USER_TEXT_TAG = "brandpilot:user-text"  # on model calls whose output a person reads as prose: surfaces may stream it


class ModelConfigError(ValueError):
    """BRANDPILOT_MODEL names a model we can't load; the message says what to install or set."""


def parse_model_spec(spec: str) -> tuple[str, str]:
    """Split `provider:model`, checking the provider is one we support."""
    provider, sep, model = spec.strip().partition(":")
    if not sep or not model.strip():
        raise ModelConfigError(
            f"BRANDPILOT_MODEL={spec!r} must look like 'provider:model', e.g. 'openai:gpt-4.1-mini'; "
            f"providers: {', '.join(PROVIDERS)}. Unset it to run offline with template drafts."
        )
    if provider not in PROVIDERS:
        raise ModelConfigError(
            f"BRANDPILOT_MODEL provider {provider!r} is not supported; use one of: {', '.join(PROVIDERS)}."
        )
    return provider, model.strip()


def make_chat_model(spec: str | None, *, api_keys: dict[str, str | None] | None = None) -> BaseChatModel | None:
    """Build the configured chat model, or None (offline mode) when no model is set."""
    if not spec:
        return None
    provider, model = parse_model_spec(spec)
    module, extra, key_var = PROVIDERS[provider]
    if importlib.util.find_spec(module) is None:
        raise ModelConfigError(
            f"BRANDPILOT_MODEL={spec!r} needs the {module.replace('_', '-')} package: "
            f"pip install -e '.[{extra}]' (or unset BRANDPILOT_MODEL to run offline)."
        )
    key = (api_keys or {}).get(provider)
    if key_var and not key:
        raise ModelConfigError(f"BRANDPILOT_MODEL={spec!r} needs {key_var} in the environment.")
    from langchain.chat_models import init_chat_model

    kwargs = {"api_key": key} if key else {}
    return init_chat_model(model, model_provider=provider, temperature=0.3, **kwargs)
