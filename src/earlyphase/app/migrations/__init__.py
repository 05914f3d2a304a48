"""Alembic migrations of the web app's database (``upgrade head`` runs on every start)."""
