"""The JSON API under /api/ (organiser Bearer tokens), thin over the same use cases."""

from web.api.routes import router

__all__ = ["router"]
