//! Unit tests of the DDL interpreter: CREATE statements, naming, expressions.
