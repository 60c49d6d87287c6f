"""The organiser's pages: thin routes that parse a request, call a use case and render."""

from fastapi import APIRouter

from web.organiser import (
    account,
    advice,
    auth,
    desk,
    events,
    insights,
    invitations,
    members,
    noshows,
    outbox,
    outcomes,
    portal,
    registrations,
    requests,
    rooms,
    signin_link,
    solving,
    versions,
    walkins,
)

router = APIRouter()
for _module in (
    auth,
    signin_link,
    account,
    invitations,
    events,
    members,
    registrations,
    requests,
    solving,
    versions,
    insights,
    outcomes,
    portal,
    outbox,
    noshows,
    advice,
    desk,
    walkins,
    rooms,
):
    router.include_router(_module.router)
