"""The proposals pages: rounds, proposals, the ballot and results (shared.py holds what
they show alike)."""

from __future__ import annotations

from proposals.routes import proposals, results, rounds, voting

routes = [*rounds.routes, *proposals.routes, *voting.routes, *results.routes]
