"""Participant portal (owned by the portal helper, issue #4)."""
