"""Errors a person can fix: a bad brand pack, or a store another process is writing."""


class PackError(ValueError):
    """A brand pack or one of its files can't be read; the message names the file and the fix."""


class StoreBusyError(RuntimeError):
    """Another process is writing the embedded knowledge store."""
