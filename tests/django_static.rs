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
    let (read, _) = migsmith::schema::django::load(Path::new(&fixture)).unwrap();
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

/// Real migrations, trimmed: Wagtail's `wagtailembeds` app (BSD-3-Clause; attribution in
/// `tests/fixtures/django/real/README.md`) — nine migrations with a RunPython, an
/// `AlterUniqueTogether` removal and unique/indexed fields added later. The expected table is
/// what `manage.py migrate` of Wagtail 8.0.1 builds on PostgreSQL 15.
#[test]
fn trimmed_real_wagtail_embeds_reads_as_django_builds_it() {
    let root = repo().join("tests/fixtures/django/real/wagtail");
    let (schema, used) = migsmith::schema::django::load(&root).unwrap();
    assert_eq!(used.len(), 9);
    let keys: Vec<&str> = schema.tables.keys().map(String::as_str).collect();
    assert_eq!(keys, ["wagtailembeds_embed"]);
    let t = &schema.tables["wagtailembeds_embed"];
    let cols: Vec<(&str, &str, bool)> = t
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.data_type.as_str(), c.nullable))
        .collect();
    assert_eq!(
        cols,
        [
            ("id", "integer", false),
            ("url", "text", false),
            ("max_width", "smallint", true),
            ("type", "varchar(10)", false),
            ("html", "text", false),
            ("title", "text", false),
            ("author_name", "text", false),
            ("provider_name", "text", false),
            ("thumbnail_url", "text", false),
            ("width", "integer", true),
            ("height", "integer", true),
            ("last_updated", "timestamptz", false),
            ("hash", "varchar(32)", false),
            ("cache_until", "timestamptz", true),
        ]
    );
    assert!(t.columns[0].identity.is_some());
    let uniques: Vec<&str> = t
        .unique_constraints
        .iter()
        .map(|u| u.name.as_str())
        .collect();
    assert_eq!(uniques, ["wagtailembeds_embed_hash_c9bd8c9a_uniq"]);
    let indexes: Vec<&str> = t.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        indexes,
        [
            "wagtailembeds_embed_cache_until_26c94bb0",
            "wagtailembeds_embed_hash_c9bd8c9a_like"
        ]
    );
    assert!(schema.notes.iter().any(|n| n.contains("RunPython")));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        if name == "__pycache__" {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(&name));
        } else {
            std::fs::copy(e.path(), to.join(&name)).unwrap();
        }
    }
}

/// `generate` for a change to a table of the second app (`catalog`; detection finds
/// `accounts` first) writes into the app whose migrations create the table: its migrations
/// directory, its label, the number after its latest migration and a dependency on it — and
/// the real `manage.py migrate` applies the file and rolls it back.
#[test]
fn generate_writes_into_the_app_that_owns_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("nested");
    copy_dir(&repo().join("tests/fixtures/django/nested"), &project);
    let out = Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .args([
            "generate",
            "add column note text to catalog_product",
            "--no-config",
            "--now",
            "2026-01-01T00:00:00Z",
        ])
        .current_dir(&project)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run migsmith");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "generate failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(
            "- Django app `catalog` (`shopproj/catalog/migrations/`): its migrations create `catalog_product`"
        ),
        "{stdout}"
    );
    let file =
        project.join("shopproj/catalog/migrations/0004_add_column_note_text_to_catalog_product.py");
    let text = std::fs::read_to_string(&file).expect("migration written into catalog");
    assert!(
        text.contains("    dependencies = [\n        (\"catalog\", \"0003_drop\"),\n    ]"),
        "{text}"
    );
    assert!(
        text.contains(
            "migrations.AddField(\n            model_name=\"product\",\n            name=\"note\","
        ),
        "{text}"
    );
    let accounts: Vec<String> = std::fs::read_dir(project.join("shopproj/accounts/migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".py"))
        .collect();
    assert_eq!(accounts.len(), 2, "nothing new in accounts: {accounts:?}");
    assert!(
        stdout.contains("python manage.py migrate catalog 0003"),
        "{stdout}"
    );

    let Some(python) = python() else { return };
    let Some(db) = TestDb::create("django_app") else {
        return;
    };
    let migrate = |args: &[&str]| {
        let out = Command::new(&python)
            .arg("manage.py")
            .args(args)
            .current_dir(&project)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("DJANGO_DB_NAME", &db.name)
            .output()
            .expect("run manage.py");
        assert!(
            out.status.success(),
            "manage.py {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let has_note = "SELECT EXISTS (SELECT 1 FROM information_schema.columns \
                    WHERE table_name = 'catalog_product' AND column_name = 'note')";
    migrate(&["migrate", "-v0"]);
    assert!(db.query_bool(has_note));
    migrate(&["migrate", "catalog", "0003", "-v0"]);
    assert!(!db.query_bool(has_note));
}
