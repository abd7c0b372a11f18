//! Unit tests of the schema.prisma edit: minimal diffs, comments kept.
