"""What identity does: accounts, invites, the people invites hand out, and sessions."""
