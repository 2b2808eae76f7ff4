"""review: see CONTRIBUTING.md (Architecture)."""
