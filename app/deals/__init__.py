"""Deals after a session: stages, amounts, payment terms, ratings and follow-ups."""
