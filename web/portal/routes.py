"""Participant portal routes: placeholder router; the portal helper (issue #4) owns this module."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
