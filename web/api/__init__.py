"""The JSON API under /api/ (organiser Bearer tokens), thin over the same use cases, and
its documentation page."""

from fastapi import APIRouter

from web.api import docs, routes

router = APIRouter()
router.include_router(routes.router)
router.include_router(docs.router)

__all__ = ["router"]
