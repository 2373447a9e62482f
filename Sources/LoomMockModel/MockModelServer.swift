// Filled in by the mock server work.
