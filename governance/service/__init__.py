"""What the governance domain does: plain async functions that never see a request."""
