//! Unit tests of the DDL interpreter: ALTER, RENAME, DROP and replay.
