"""The store's one error type, in its own module so every part can raise it."""


class StoreError(Exception):
    """A store operation was refused; the message says why."""
