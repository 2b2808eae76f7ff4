"""quote: see CONTRIBUTING.md (Architecture)."""
