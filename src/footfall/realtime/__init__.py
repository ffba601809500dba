"""Messages that must reach every app process, and (later) live dashboards."""
