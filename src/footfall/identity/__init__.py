"""Cookieless visitor identity and sessionization."""
