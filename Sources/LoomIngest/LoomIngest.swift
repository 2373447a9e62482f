// Ingest of users' collections.
