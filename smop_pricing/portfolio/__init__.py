"""portfolio: see CONTRIBUTING.md (Architecture)."""
