"""The Discord surface: the same assistant, commands, approvals and alerts in Discord servers."""
