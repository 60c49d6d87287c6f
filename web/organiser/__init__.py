"""The organiser's pages: thin routes that parse a request, call a use case and render."""

from fastapi import APIRouter

from web.organiser import (
    auth,
    events,
    portal,
    registrations,
    requests,
    signin_link,
    solving,
    versions,
)

router = APIRouter()
for _module in (auth, signin_link, events, registrations, requests, solving, versions, portal):
    router.include_router(_module.router)
