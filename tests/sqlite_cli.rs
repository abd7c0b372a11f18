//! `migsmith generate` against SQLite through the CLI: `--database-url sqlite:///…` and
//! `--schema` with `sqlite3 DB .schema` output write raw-SQL files that the `sqlite3` CLI runs
//! up, down and up again on the database, giving back the same schema each way; the database
//! file is never written by migsmith; a file that is not a database is a clear error.

use migsmith::schema::live::sqlite::{self as loader, Counts};
use migsmith::schema::Schema;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::Command;

const START: &str = "
PRAGMA foreign_keys=ON;
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email varchar(255) NOT NULL,
  name TEXT,
  age integer CHECK (age >= 0),
  bio text DEFAULT 'none'
);
CREATE INDEX users_name_idx ON users (name);
CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  user_id integer REFERENCES users (id) ON DELETE CASCADE,
  title TEXT NOT NULL
);
CREATE VIEW titles AS SELECT title FROM posts;
INSERT INTO users (email, name, age) VALUES ('a@x.io', 'Ann', 30), ('b@x.io', NULL, NULL);
INSERT INTO posts (user_id, title) VALUES (1, 'One'), (2, 'Two');
";

fn migsmith(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .args(args)
        .current_dir(dir)
        .env_remove("MIGSMITH_NOW")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sqlite3(db: &Path, file: &Path) {
    let out = Command::new("sqlite3")
        .arg("-bail")
        .arg(db)
        .stdin(std::fs::File::open(file).unwrap())
        .output()
        .expect("the sqlite3 CLI (scripts/setup.sh installs it)");
    assert!(
        out.status.success(),
        "sqlite3 {}: {}\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(file).unwrap()
    );
}

fn model(db: &Path) -> Schema {
    loader::load_connection(&Connection::open(db).unwrap(), Counts::None).unwrap()
}

fn files(dir: &Path) -> (PathBuf, PathBuf) {
    let mut up = None;
    let mut down = None;
    for e in std::fs::read_dir(dir.join("migrations")).unwrap() {
        let p = e.unwrap().path();
        let name = p.to_string_lossy().to_string();
        if name.ends_with(".up.sql") {
            up = Some(p);
        } else if name.ends_with(".down.sql") {
            down = Some(p);
        }
    }
    (up.expect("an up file"), down.expect("a down file"))
}

fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    Connection::open(&db).unwrap().execute_batch(START).unwrap();
    (dir, db)
}

/// Generate from the database URL, then run up → down → up with the sqlite3 CLI.
fn up_down_up(description: &str, must_contain: &str) -> String {
    let (dir, db) = project();
    let before_bytes = std::fs::read(&db).unwrap();
    let url = format!("sqlite://{}", db.display());
    let (ok, stdout, stderr) = migsmith(
        dir.path(),
        &[
            "generate",
            description,
            "--database-url",
            &url,
            "--framework",
            "sql",
        ],
    );
    assert!(ok, "{description}: {stderr}\n{stdout}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before_bytes,
        "generate never writes the database"
    );
    assert!(stdout.contains("**Database**: SQLite"), "{stdout}");
    assert!(!stdout.contains("ACCESS EXCLUSIVE"), "{stdout}");
    let (up, down) = files(dir.path());
    let up_sql = std::fs::read_to_string(&up).unwrap();
    assert!(up_sql.contains(must_contain), "{up_sql}");

    let m0 = model(&db);
    sqlite3(&db, &up);
    let m1 = model(&db);
    assert_ne!(m1, m0, "{description}: up changed nothing");
    sqlite3(&db, &down);
    assert_eq!(model(&db), m0, "{description}: down gives back the start");
    sqlite3(&db, &up);
    assert_eq!(
        model(&db),
        m1,
        "{description}: up again gives the same schema"
    );
    up_sql
}

#[test]
fn add_column_from_a_database_url() {
    up_down_up(
        "add email_verified to users",
        "ALTER TABLE users ADD COLUMN email_verified boolean NOT NULL DEFAULT false",
    );
}

#[test]
fn a_rebuild_from_a_database_url() {
    let sql = up_down_up("make users.email nullable", "CREATE TABLE new_users");
    assert!(
        sql.starts_with("--") && sql.contains("PRAGMA foreign_keys=OFF;"),
        "{sql}"
    );
    assert!(
        !sql.contains("\nBEGIN;\n\nPRAGMA"),
        "the rebuild is not wrapped in another transaction: {sql}"
    );
}

#[test]
fn more_kinds_from_a_database_url() {
    up_down_up("remove bio from users", "ALTER TABLE users DROP COLUMN bio");
    up_down_up("remove name from users", "CREATE TABLE new_users");
    up_down_up(
        "rename users.name to full_name",
        "RENAME COLUMN name TO full_name",
    );
    up_down_up(
        "add index on posts.title",
        "CREATE INDEX posts_title_idx ON posts (title)",
    );
    up_down_up("change users.age to bigint", "age bigint");
    up_down_up(
        "add unique constraint on posts.title",
        "CONSTRAINT posts_title_key UNIQUE (title)",
    );
    up_down_up(
        "rename table posts to articles",
        "ALTER TABLE posts RENAME TO articles",
    );
}

#[test]
fn a_schema_dump_gives_the_same_migration() {
    let (dir, db) = project();
    let dump = Command::new("sqlite3")
        .arg(&db)
        .arg(".schema")
        .output()
        .unwrap();
    std::fs::write(dir.path().join("schema.sql"), &dump.stdout).unwrap();
    let (ok, stdout, stderr) = migsmith(
        dir.path(),
        &[
            "generate",
            "make users.email nullable",
            "--schema",
            "schema.sql",
            "--framework",
            "sql",
            "--dry-run",
        ],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("SQLite schema `schema.sql`"), "{stdout}");
    let url = format!("sqlite://{}", db.display());
    let (ok, from_db, stderr) = migsmith(
        dir.path(),
        &[
            "generate",
            "make users.email nullable",
            "--database-url",
            &url,
            "--framework",
            "sql",
            "--dry-run",
        ],
    );
    assert!(ok, "{stderr}");
    let statements = |s: &str| -> Vec<String> {
        let start = s.find("PRAGMA foreign_keys=OFF;").unwrap();
        let end = s[start..].find("PRAGMA foreign_keys=ON;").unwrap();
        s[start..start + end].lines().map(str::to_string).collect()
    };
    assert_eq!(statements(&stdout), statements(&from_db));
    // The database file itself also works as --schema.
    let (ok, stdout, stderr) = migsmith(
        dir.path(),
        &[
            "generate",
            "add email_verified to users",
            "--schema",
            "app.db",
            "--framework",
            "sql",
            "--dry-run",
        ],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("SQLite database `app.db`"), "{stdout}");
}

#[test]
fn not_a_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("fake.db");
    std::fs::write(&fake, "just text").unwrap();
    let url = format!("sqlite://{}", fake.display());
    let (ok, _, stderr) = migsmith(
        dir.path(),
        &[
            "generate",
            "add email_verified to users",
            "--database-url",
            &url,
            "--framework",
            "sql",
        ],
    );
    assert!(!ok);
    assert!(stderr.contains("not an SQLite database"), "{stderr}");
    let (ok, _, stderr) = migsmith(
        dir.path(),
        &[
            "generate",
            "add x to users",
            "--database-url",
            "sqlite://missing.db",
            "--framework",
            "sql",
        ],
    );
    assert!(!ok);
    assert!(stderr.contains("no such file"), "{stderr}");
    assert!(!dir.path().join("missing.db").exists(), "never created");
}

#[test]
fn enums_are_refused() {
    let (dir, db) = project();
    let url = format!("sqlite://{}", db.display());
    let (ok, _, stderr) = migsmith(
        dir.path(),
        &[
            "generate",
            "create enum mood with values happy, sad",
            "--database-url",
            &url,
            "--framework",
            "sql",
        ],
    );
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("no enum types"), "{stderr}");
}

#[test]
fn a_rails_app_on_sqlite_is_read_from_the_file_its_config_names() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("config")).unwrap();
    std::fs::create_dir_all(root.join("storage")).unwrap();
    std::fs::create_dir_all(root.join("db/migrate")).unwrap();
    std::fs::write(root.join("Gemfile"), "gem 'rails'\ngem 'sqlite3'\n").unwrap();
    std::fs::write(
        root.join("config/database.yml"),
        "default: &default\n  adapter: sqlite3\n\ndevelopment:\n  <<: *default\n  database: storage/development.sqlite3\n",
    )
    .unwrap();
    let (ok, _, stderr) = migsmith(
        root,
        &["generate", "add email_verified to users", "--dry-run"],
    );
    assert!(!ok);
    assert!(stderr.contains("does not exist yet"), "{stderr}");
    let db = root.join("storage/development.sqlite3");
    Connection::open(&db).unwrap().execute_batch(START).unwrap();
    let (ok, stdout, stderr) = migsmith(
        root,
        &["generate", "add email_verified to users", "--dry-run"],
    );
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("SQLite database `./storage/development.sqlite3`")
            || stdout.contains("storage/development.sqlite3"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "execute 'ALTER TABLE users ADD COLUMN email_verified boolean NOT NULL DEFAULT false'"
        ),
        "{stdout}"
    );
}

#[test]
fn verify_runs_on_a_copy_or_in_memory() {
    let (dir, db) = project();
    let before = std::fs::read(&db).unwrap();
    let url = format!("sqlite://{}", db.display());
    let (ok, _, stderr) = migsmith(
        dir.path(),
        &[
            "generate",
            "make users.email nullable",
            "--database-url",
            &url,
            "--framework",
            "sql",
            "--dry-run",
            "--verify",
        ],
    );
    assert!(ok, "{stderr}");
    assert!(stderr.contains("ran on a copy of"), "{stderr}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the user's file is never touched"
    );
    let dump = Command::new("sqlite3")
        .arg(&db)
        .arg(".schema")
        .output()
        .unwrap();
    std::fs::write(dir.path().join("schema.sql"), &dump.stdout).unwrap();
    let (ok, _, stderr) = migsmith(
        dir.path(),
        &[
            "generate",
            "remove name from users",
            "--schema",
            "schema.sql",
            "--framework",
            "sql",
            "--dry-run",
            "--verify",
        ],
    );
    assert!(ok, "{stderr}");
    assert!(stderr.contains("in-memory database"), "{stderr}");
}

#[test]
fn a_created_table_numbers_its_rows_like_the_frameworks_tables() {
    // migsmith adds the key; on SQLite it must be the rowid (`integer PRIMARY KEY
    // AUTOINCREMENT`, as Rails and Django write it), or an insert without an id fails.
    up_down_up(
        "create table tags with name:string",
        "id integer PRIMARY KEY AUTOINCREMENT NOT NULL,",
    );
    let (dir, db) = project();
    let url = format!("sqlite://{}", db.display());
    let (ok, stdout, stderr) = migsmith(
        dir.path(),
        &[
            "generate",
            "create table tags with name:string",
            "--database-url",
            &url,
            "--framework",
            "sql",
        ],
    );
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("`tags` gets a primary key `id integer PRIMARY KEY AUTOINCREMENT`"),
        "{stdout}"
    );
    let (up, _) = files(dir.path());
    sqlite3(&db, &up);
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch("INSERT INTO tags (name) VALUES ('a'), ('b')")
        .unwrap();
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM tags ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(ids, [1, 2]);
}
