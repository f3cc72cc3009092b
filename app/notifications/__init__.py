"""Notifications: one outbox written with its cause, sent by a background sender (issue 16)."""
