"""The organiser's pages: thin routes that parse a request, call a use case and render."""

from fastapi import APIRouter

from web.organiser import (
    advice,
    auth,
    events,
    portal,
    registrations,
    requests,
    solving,
    versions,
)

router = APIRouter()
for _module in (auth, events, registrations, requests, solving, versions, portal, advice):
    router.include_router(_module.router)
