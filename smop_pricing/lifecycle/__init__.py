"""lifecycle: see CONTRIBUTING.md (Architecture)."""
