"""The participant portal (/p/...): thin routes over the use cases, signed in by personal link."""

from fastapi import APIRouter

from web.portal import calendars, pages, signin, walkins

router = APIRouter()
for _module in (signin, pages, calendars, walkins):
    router.include_router(_module.router)
