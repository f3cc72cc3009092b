"""百场万企 matchmaking sessions: events, participants, preferences, schedules, exports."""
