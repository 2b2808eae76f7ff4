"""pricing: see CONTRIBUTING.md (Architecture)."""
