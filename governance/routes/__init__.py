"""The governance pages: the charter, the inbox, and leads' accountable acts."""
