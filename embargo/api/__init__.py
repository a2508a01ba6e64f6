"""The HTTP service: a yente-compatible screening API with keys, limits, stamps and an audit trail.

Public API: :func:`create_app` (an app for given settings) and
:func:`app_from_env` (the uvicorn factory used by ``embargo serve``).
"""

from embargo.api.app import app_from_env, create_app

__all__ = ["app_from_env", "create_app"]
