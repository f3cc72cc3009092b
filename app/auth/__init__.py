"""API keys, the caller's identity, and who may do what."""
