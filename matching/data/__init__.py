"""Reference data shipped with the matching library (see README.md for provenance)."""
