"""Profiles from the domain: a b2b-event/1 organisation (with its optional `products`,
`description`, `looking_for` and `size` keys) and its participant."""

from __future__ import annotations

from collections.abc import Iterable

from scheduler.domain import Event, Organisation, Participant
from scheduler.matching.profiles import Context, Profile, Relation, Role, Wants


def profile_of(organisation: Organisation, participant: Participant | None = None) -> Profile:
    """The matchmaker's view of a participant (or of the organisation alone): the
    organisation's profile, and the person's languages before the organisation's."""
    extra = organisation.extra
    languages = tuple(participant.languages if participant else ()) + organisation.languages
    return Profile(
        id=participant.id if participant else organisation.id,
        role=Role.BUYER if organisation.role == "buyer" else Role.SUPPLIER,
        name=organisation.name,
        country=organisation.country,
        size=_text(extra.get("size")) or None,
        sectors=organisation.sectors,
        products=_texts(extra.get("products")),
        certifications=organisation.certifications,
        languages=tuple(dict.fromkeys(languages)),
        description=_text(extra.get("description")),
        wants=Wants.from_mapping(_looking_for(extra.get("looking_for"))),
    )


def profiles_of(event: Event) -> tuple[Profile, ...]:
    """One profile per participant whose organisation says whether it buys or supplies."""
    organisations = {o.id: o for o in event.organisations}
    out = []
    for person in event.participants:
        org = organisations.get(person.organisation or "")
        if org is not None and org.role in (Role.BUYER, Role.SUPPLIER):
            out.append(profile_of(org, person))
    return tuple(out)


def context_of(event: Event) -> Context:
    return Context.from_resources(name for name, capacity in event.resources if capacity > 0)


def relations_of(event: Event, participant_id: str) -> dict[str, Relation]:
    """The counterparts a participant has already requested or been requested by."""
    out: dict[str, Relation] = {}
    for request in event.requests:
        if request.from_id == participant_id:
            out[request.to_id] = Relation.REQUESTED_BY_ME
        elif request.to_id == participant_id:
            out[request.from_id] = Relation.REQUESTED_BY_THEM
    return out


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _texts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(str(v).strip() for v in value if str(v).strip())


def _looking_for(value: object) -> dict[str, object] | Iterable[str] | None:
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, list):
        return [str(v) for v in value]
    return None
