//! End to end on SQLite, the default engine of Rails and Django: migsmith writes the
//! migrations (`--dialect sqlite`, schema from `tests/fixtures/e2e/schema.sqlite.sql`) into a
//! copy of the fixture project, the framework's own CLI runs them up on a database file in that
//! project, the catalog must equal what the plain `--framework sql --dialect sqlite` files give
//! on a second database file (applied with rusqlite), then the CLI rolls them back and the
//! catalog must equal the starting one. The catalog is migsmith's SQLite model of the file
//! (tests/common/sqlite.rs); the framework's history tables are left out.
//!
//! The CLIs come from `scripts/install-code-frameworks.sh` (apt ruby + ruby-sqlite3 for
//! ActiveRecord, `.e2e/venv` for Django, whose sqlite3 backend is built in). Without a CLI a
//! test says so loudly and returns — except under CI, where it fails.

mod common;
#[path = "common/e2e.rs"]
mod e2e;

use common::sqlite::{load_file_without, same};
use e2e::{copy_dir, missing_tools, repo, run, search_path, ENGINE_SCENARIOS as SCENARIOS};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How to drive one framework on SQLite.
struct Framework {
    name: &'static str,
    migrations_dir: &'static str,
    /// The database file, relative to the project.
    database: &'static str,
    /// What goes before the file's absolute path in `DATABASE_URL` (ActiveRecord reads
    /// `sqlite3:/path`, the Django fixture's settings `sqlite:///path`).
    url_prefix: &'static str,
    /// Tables the framework keeps its own bookkeeping in (left out of the comparison).
    history: &'static [&'static str],
    setup: &'static [&'static [&'static str]],
    up: &'static [&'static [&'static str]],
    /// Roll back the last `{n}` migrations.
    down: &'static [&'static [&'static str]],
    /// Extra environment for the CLI.
    env: &'static [(&'static str, &'static str)],
    needs: &'static [&'static str],
    /// `(scenario, text)`: the generated files must contain the text.
    expect: &'static [(&'static str, &'static str)],
    /// `(scenario, text)`: the generated files must not contain the text (a change `ALTER
    /// TABLE` makes stays in the framework's transaction).
    reject: &'static [(&'static str, &'static str)],
}

/// The `--dialect` the suite generates for.
const DIALECT: &str = "sqlite";

fn schema_file() -> PathBuf {
    repo().join("tests/fixtures/e2e/schema.sqlite.sql")
}

/// The framework's CLIs are there, else a loud message (a failure under CI).
fn tools_present(fw: &Framework) -> bool {
    let path = search_path();
    let mut missing = missing_tools(fw.needs);
    if fw.name == "rails" && missing.is_empty() {
        // ActiveRecord's SQLite adapter needs the sqlite3 gem (apt ruby-sqlite3).
        let ok = Command::new("ruby")
            .args(["-e", "require 'sqlite3'"])
            .env("PATH", &path)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            missing.push("the sqlite3 gem".into());
        }
    }
    if missing.is_empty() {
        return true;
    }
    let msg = format!(
        "{} on SQLite: missing {} — run scripts/install-code-frameworks.sh",
        fw.name,
        missing.join(", ")
    );
    if std::env::var_os("CI").is_some() {
        panic!("CI: {msg}");
    }
    eprintln!("SKIPPED (not run!) {msg}");
    false
}

/// A database file holding the fixture schema.
fn start_database(path: &Path) {
    Connection::open(path)
        .unwrap()
        .execute_batch(&std::fs::read_to_string(schema_file()).unwrap())
        .unwrap();
}

/// The catalog after the plain SQL up files for `description` ran on a fresh database file.
fn sql_reference(description: &str, now: &str) -> migsmith::schema::Schema {
    let work = tempfile::tempdir().unwrap();
    let db = work.path().join("reference.sqlite3");
    start_database(&db);
    let files = e2e::generate_for(
        DIALECT,
        &schema_file(),
        work.path(),
        "sql",
        "migrations",
        description,
        now,
    );
    let conn = Connection::open(&db).unwrap();
    for f in files
        .iter()
        .filter(|f| f.to_string_lossy().ends_with(".up.sql"))
    {
        conn.execute_batch(&std::fs::read_to_string(f).unwrap())
            .unwrap_or_else(|e| panic!("reference {}: {e}", f.display()));
    }
    drop(conn);
    load_file_without(&db, &[])
}

fn end_to_end(fw: &Framework) {
    if !tools_present(fw) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let project = work.path().join(fw.name);
    copy_dir(&repo().join("tests/fixtures/e2e").join(fw.name), &project);
    let db = project.join(fw.database);
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    start_database(&db);
    let url = format!("{}{}", fw.url_prefix, db.display());
    for cmd in fw.setup {
        run(&project, &url, fw.env, cmd, 1);
    }
    let start = load_file_without(&db, fw.history);
    for (scenario, _) in fw.expect.iter().chain(fw.reject) {
        assert!(
            SCENARIOS.contains(scenario),
            "{}: no scenario `{scenario}`",
            fw.name
        );
    }
    for (i, &description) in SCENARIOS.iter().enumerate() {
        let now = format!("20261122{:02}{:02}00", 10 + i / 60, i % 60);
        let context = format!("{} on SQLite `{description}`", fw.name);
        let expected = sql_reference(description, &now);
        assert_ne!(expected, start, "{context}: the plan changes nothing");

        let files = e2e::generate_for(
            DIALECT,
            &schema_file(),
            &project,
            fw.name,
            fw.migrations_dir,
            description,
            &now,
        );
        let text: String = files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect();
        for (_, want) in fw.expect.iter().filter(|(d, _)| *d == description) {
            assert!(
                text.contains(want),
                "{context}: expected `{want}` in:\n{text}"
            );
        }
        for (_, unwanted) in fw.reject.iter().filter(|(d, _)| *d == description) {
            assert!(
                !text.contains(unwanted),
                "{context}: did not expect `{unwanted}` in:\n{text}"
            );
        }
        for cmd in fw.up {
            run(&project, &url, fw.env, cmd, files.len());
        }
        same(
            &expected,
            &load_file_without(&db, fw.history),
            &format!("{context} up"),
        );
        for cmd in fw.down {
            run(&project, &url, fw.env, cmd, files.len());
        }
        same(
            &start,
            &load_file_without(&db, fw.history),
            &format!("{context} down"),
        );
        let kept = project.join("kept");
        std::fs::create_dir_all(&kept).unwrap();
        for f in files {
            std::fs::rename(&f, kept.join(f.file_name().unwrap())).unwrap();
        }
    }
}

#[test]
fn rails_on_sqlite() {
    end_to_end(&Framework {
        name: "rails",
        migrations_dir: "db/migrate",
        database: "storage/development.sqlite3",
        url_prefix: "sqlite3:",
        history: &["schema_migrations", "ar_internal_metadata"],
        setup: &[],
        up: &[&["rake", "db:migrate"]],
        down: &[&["rake", "db:rollback", "STEP={n}"]],
        env: &[],
        needs: &["ruby", "rake"],
        // Raw SQL: ActiveRecord 6.1's own `change_column*` on SQLite copy the table as
        // ActiveRecord spells it (AUTOINCREMENT dropped, `DEFAULT NULL` added), so they are not
        // exact; a rebuild runs outside ActiveRecord's transaction, whose BEGIN would make the
        // rebuild's own BEGIN fail and its `PRAGMA foreign_keys=OFF` a no-op.
        expect: &[
            (
                "add last_login_at to users",
                "execute 'ALTER TABLE users ADD COLUMN last_login_at timestamptz'",
            ),
            (
                "change type of users.age to bigint",
                "disable_ddl_transaction!\n\n  def up\n    execute 'PRAGMA foreign_keys=OFF'\n    execute 'BEGIN'",
            ),
            ("make users.email not null", "disable_ddl_transaction!"),
            ("remove title from posts", "disable_ddl_transaction!"),
            (
                "add foreign key from posts.author_id to users.id",
                "execute 'PRAGMA foreign_key_check(posts)'",
            ),
        ],
        reject: &[
            ("add index on users(email)", "disable_ddl_transaction!"),
            ("rename users.name to full_name", "disable_ddl_transaction!"),
        ],
    });
}

#[test]
fn django_on_sqlite() {
    end_to_end(&Framework {
        name: "django",
        migrations_dir: "shop/migrations",
        database: "db.sqlite3",
        url_prefix: "sqlite://",
        history: &["django_migrations"],
        // The tables exist already: 0001 only declares them as models.
        setup: &[&["python", "manage.py", "migrate", "shop", "--fake"]],
        up: &[&["python", "manage.py", "migrate", "shop"]],
        down: &[&["python", "manage.py", "migrate", "shop", "0001"]],
        // The fixture's settings.py is PostgreSQL's; this module names the SQLite file.
        env: &[("DJANGO_SETTINGS_MODULE", "e2eproject.settings_sqlite")],
        needs: &["python", "django-admin"],
        // Raw SQL: Django's schema editor remakes a SQLite table from the model state (types
        // respelled, the column moved last, CHECKs the model lacks dropped), so its AlterField
        // is not exact; a rebuild is `atomic = False`, so Django opens no transaction around it.
        expect: &[
            (
                "add last_login_at to users",
                "\"ALTER TABLE users ADD COLUMN last_login_at timestamptz\"",
            ),
            ("make users.email not null", "atomic = False"),
            ("set default of users.age to 0", "atomic = False"),
            (
                "change type of users.age to bigint",
                "sql=[\n                \"PRAGMA foreign_keys=OFF\",\n                \"BEGIN\",",
            ),
        ],
        reject: &[
            ("add index on users(email)", "atomic = False"),
            ("remove legacy_flag from users", "atomic = False"),
        ],
    });
}
