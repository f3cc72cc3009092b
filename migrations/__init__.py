"""Alembic migrations: the only way the schema changes (shipped as a package so installs find them)."""
