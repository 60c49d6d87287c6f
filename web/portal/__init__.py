"""The participant portal (/p/...): thin routes over the use cases, signed in by personal link."""

from fastapi import APIRouter

from web.portal import calendars, outcomes, pages, signin, walkins

router = APIRouter()
for _module in (signin, pages, calendars, outcomes, walkins):
    router.include_router(_module.router)
