"""The governance domain's errors: one base class, each error a named thing a person can fix."""

from __future__ import annotations


class GovernanceError(Exception):
    """Something the person can fix or needs to know; nothing was changed."""
