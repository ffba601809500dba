"""Event storage: the buffer, the flusher and the event stores (DuckDB; ClickHouse later)."""
