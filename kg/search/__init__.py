"""Full-text search: an SQLite FTS5 index beside the store, kept in step with its writes (see README, Search)."""
