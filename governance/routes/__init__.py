"""The governance pages: the charter, the inbox, and leads' accountable acts."""

from __future__ import annotations

from governance.routes import charter, inbox, lead

routes = [*lead.routes, *inbox.routes, *charter.routes]
