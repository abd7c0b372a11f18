//! Django read statically, proven against Django itself: the fixture project
//! `tests/fixtures/django/nested` (apps inside a package, a swapped user model, renames,
//! deferred indexes, a RunSQL) is migrated with the real `manage.py migrate` (Django from
//! `scripts/install-code-frameworks.sh`, `.e2e/venv`) on a throwaway PostgreSQL database, and
//! every table the static reader builds must equal the live catalog's: columns (type,
//! nullability, identity), primary key, unique and check constraints, foreign keys and
//! indexes, names included — Django's own apps' tables (`auth_group`, `django_content_type`,
//! taken from `src/schema/django/contrib.sql`) too. Only `django_migrations` is left out.
//! Without Django or PostgreSQL the test says so loudly and returns, except under CI.

mod common;

use common::TestDb;
use migsmith::schema::{Schema, Table};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn python() -> Option<PathBuf> {
    let p = repo().join(".e2e/venv/bin/python");
    if p.is_file() {
        return Some(p);
    }
    let msg =
        "django_static: .e2e/venv/bin/python missing — run scripts/install-code-frameworks.sh";
    if std::env::var_os("CI").is_some() {
        panic!("CI: {msg}");
    }
    eprintln!("SKIPPED (not run!) {msg}");
    None
}

/// A table as compared: everything but statistics, with foreign keys to tables outside
/// `keep` left out.
fn comparable(t: &Table, keep: &Schema) -> Table {
    let mut t = t.clone();
    t.stats = None;
    t.column_correlations.clear();
    t.foreign_keys
        .retain(|f| keep.tables.contains_key(&f.ref_table));
    t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
    t.unique_constraints.sort_by(|a, b| a.name.cmp(&b.name));
    t.check_constraints.sort_by(|a, b| a.name.cmp(&b.name));
    t
}

#[test]
fn static_read_equals_what_django_migrate_builds() {
    let Some(python) = python() else { return };
    let Some(db) = TestDb::create("django_static") else {
        return;
    };
    let fixture = repo().join("tests/fixtures/django/nested");
    let out = Command::new(&python)
        .args(["manage.py", "migrate", "-v0"])
        .current_dir(&fixture)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("DJANGO_DB_NAME", &db.name)
        .output()
        .expect("run manage.py");
    assert!(
        out.status.success(),
        "manage.py migrate failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let options = migsmith::schema::live::postgres::Options {
        schema_name: None,
        exact_counts: false,
    };
    let live = migsmith::schema::live::postgres::load(&db.url, options).expect("read live");
    let (read, _) = migsmith::schema::django::load(Path::new(&fixture));
    let django_own = |k: &str| k == "django_migrations";
    let live_tables: Vec<&String> = live.tables.keys().filter(|k| !django_own(k)).collect();
    let read_tables: Vec<&String> = read.tables.keys().collect();
    assert_eq!(read_tables, live_tables);
    for (k, t) in &read.tables {
        let expected = comparable(&live.tables[k], &read);
        let actual = comparable(t, &read);
        assert_eq!(actual, expected, "table {k}");
    }
}
