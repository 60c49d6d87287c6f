"""Matchmaking: which suppliers fit a buyer's needs and which buyers a supplier fits, with
reasons. Pure: plain frozen dataclasses in, ranked fits out (see docs/matching.md)."""

from scheduler.matching.adapt import context_of, profile_of, profiles_of, relations_of
from scheduler.matching.market import BuyerMarket, CertificationMarket, Market, market
from scheduler.matching.profiles import (
    Code,
    Context,
    Fit,
    Profile,
    Reason,
    Relation,
    Role,
    Suggestion,
    Term,
    TermScore,
    Wants,
)
from scheduler.matching.score import WEIGHTS, fit, rank_key, suggest, unstated

__all__ = [
    "WEIGHTS",
    "BuyerMarket",
    "CertificationMarket",
    "Code",
    "Context",
    "Fit",
    "Market",
    "Profile",
    "Reason",
    "Relation",
    "Role",
    "Suggestion",
    "Term",
    "TermScore",
    "Wants",
    "context_of",
    "fit",
    "market",
    "profile_of",
    "profiles_of",
    "rank_key",
    "relations_of",
    "suggest",
    "unstated",
]
