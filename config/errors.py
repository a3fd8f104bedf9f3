"""Configuration errors that say which file, which field and what is allowed."""


class ConfigError(Exception):
    """A setting is missing or invalid; the message tells the user how to fix it."""

    def __init__(self, source: str, field: str, problem: str) -> None:
        super().__init__(f"Configuration error in {source}, field '{field}': {problem}")
        self.source = source
        self.field = field
        self.problem = problem

    def __reduce__(self) -> tuple[type, tuple[str, str, str]]:
        """Rebuilt from its parts when it crosses a process boundary (turn workers)."""
        return (type(self), (self.source, self.field, self.problem))
