//! Django without a database: the project's migration files read statically (never run) and
//! replayed, in Django's dependency order across apps, onto a [`Schema`] with the tables,
//! columns, constraints and indexes Django's PostgreSQL schema editor would create.
//!
//! `apps` finds the apps (any depth) and settings; `python` reads the Python literals a
//! migration file is made of (not a Python parser); `graph` orders the migrations
//! (`dependencies`, `replaces`, `swappable_dependency`); `editor` turns each operation into
//! the SQL Django runs and feeds it to the schema's SQL interpreter. Anything not understood
//! becomes a note on the schema, never an error. Read-only.

pub mod apps;
pub mod graph;
pub mod names;
pub mod python;
