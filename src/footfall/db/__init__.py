"""Metadata database: users, sites, memberships, salts (SQLite or PostgreSQL)."""
