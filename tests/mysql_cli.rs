//! `migsmith generate … --dialect mysql --schema <mysqldump>` writes raw-SQL files whose up and
//! down run on the real MariaDB: up adds the column, down restores the exact catalog, up runs
//! again; the report speaks MySQL's lock model (ALGORITHM=…), never PostgreSQL lock names.

mod mysql_common;

use mysql::prelude::Queryable;
use mysql_common::MyDb;
use std::path::Path;
use std::process::Command;

const NOW: &str = "2026-11-22T12:00:00Z";

fn migsmith(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .current_dir(dir)
        .args(args)
        .env("MIGSMITH_NOW", NOW)
        .output()
        .expect("run migsmith")
}

const START: &str = "CREATE TABLE `users` (\n  `id` bigint NOT NULL AUTO_INCREMENT,\n  `email` varchar(191) COLLATE utf8mb4_bin NOT NULL,\n  `name` varchar(80) DEFAULT 'anon' COMMENT 'shown',\n  PRIMARY KEY (`id`),\n  KEY `users_email_idx` (`email`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\nINSERT INTO `users` (`email`) VALUES ('a@x'), ('b@x');\n";

/// The dump of `db` as `mysqldump --no-data` writes it: `SHOW CREATE TABLE` of each table.
fn dump(db: &MyDb) -> String {
    let mut conn = db.conn();
    let tables: Vec<String> = conn.query("SHOW TABLES").unwrap();
    let mut out = String::new();
    for t in tables {
        let (_, create): (String, String) = conn
            .query_first(format!("SHOW CREATE TABLE `{t}`"))
            .unwrap()
            .unwrap();
        out.push_str(&create);
        out.push_str(";\n\n");
    }
    out
}

fn run(dir: &Path, args: &[&str]) -> String {
    let out = migsmith(dir, args);
    assert!(
        out.status.success(),
        "migsmith {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn files(dir: &Path, suffix: &str) -> Vec<String> {
    let mut found: Vec<_> = std::fs::read_dir(dir.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    found.sort();
    found
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

#[test]
fn generate_for_mysql_writes_files_that_round_trip_on_mariadb() {
    let Some(db) = MyDb::create("cli") else {
        return;
    };
    db.run_file(START).expect("start schema");
    let project = tempfile::tempdir().unwrap();
    std::fs::write(project.path().join("schema.sql"), dump(&db)).unwrap();
    let report = run(
        project.path(),
        &[
            "generate",
            "add email_verified to users",
            "--dialect",
            "mysql",
            "--schema",
            "schema.sql",
            "--framework",
            "sql",
        ],
    );
    assert!(!report.contains("ACCESS EXCLUSIVE"), "{report}");
    let ups = files(project.path(), ".up.sql");
    let downs = files(project.path(), ".down.sql");
    assert_eq!(ups.len(), 1, "{report}");
    let up = &ups[0];
    assert!(up.contains("SET SESSION lock_wait_timeout = "), "{up}");
    assert!(
        up.contains("ALTER TABLE `users` ADD COLUMN `email_verified` tinyint(1) NOT NULL DEFAULT 0, ALGORITHM=INSTANT"),
        "{up}"
    );
    assert!(
        !up.contains("BEGIN;"),
        "MySQL DDL is not transactional: {up}"
    );
    let start = db.catalog();
    db.run_file(up).expect("up");
    let after = db.catalog();
    assert!(
        after.contains("`email_verified` tinyint(1) NOT NULL DEFAULT 0"),
        "{after}"
    );
    db.run_file(&downs[0]).expect("down");
    assert_eq!(db.catalog(), start, "down restores the start");
    db.run_file(up).expect("up again");
    assert_eq!(db.catalog(), after);

    // A type change on the loaded columns keeps the full definition (collation, comment,
    // default) and its down restores it exactly.
    let db2 = MyDb::create("cli2").unwrap();
    db2.run_file(START).unwrap();
    let project2 = tempfile::tempdir().unwrap();
    std::fs::write(project2.path().join("schema.sql"), dump(&db2)).unwrap();
    run(
        project2.path(),
        &[
            "generate",
            "change users.name to varchar(120)",
            "--dialect",
            "mariadb",
            "--schema",
            "schema.sql",
            "--framework",
            "sql",
        ],
    );
    let up = &files(project2.path(), ".up.sql")[0];
    assert!(up.contains("MODIFY COLUMN `name` varchar(120)"), "{up}");
    assert!(up.contains("COMMENT 'shown'"), "{up}");
    let start = db2.catalog();
    db2.run_file(up).expect("up");
    assert!(db2.catalog().contains("`name` varchar(120)"));
    db2.run_file(&files(project2.path(), ".down.sql")[0])
        .expect("down");
    assert_eq!(db2.catalog(), start);

    // A COPY change on a large table names the online schema-change tools (and why gh-ost
    // cannot run: `users` is referenced by nothing, so both are offered).
    let report = run(
        project2.path(),
        &[
            "generate",
            "change users.name to text",
            "--dialect",
            "mariadb",
            "--schema",
            "schema.sql",
            "--framework",
            "sql",
            "--rows",
            "users=2000000",
            "--dry-run",
        ],
    );
    assert!(report.contains("ALGORITHM=COPY, LOCK=SHARED"), "{report}");
    assert!(report.contains("gh-ost --host=$HOST"), "{report}");
    assert!(
        report.contains("pt-online-schema-change --alter="),
        "{report}"
    );
    assert!(!report.contains("ACCESS EXCLUSIVE"), "{report}");
}

/// `change items.qty to bigint` on a MariaDB `int NOT NULL DEFAULT 0` column was refused, first
/// with "the default 0 … cannot be converted to bigint", then with "PostgreSQL has no cast
/// from int to bigint": the cast rules did not know MySQL's spelling `int` (found by
/// `benches/mysql_stall.rs`). MariaDB 10.11 can only COPY this change, with LOCK=SHARED.
#[test]
fn int_widens_to_bigint_on_mariadb() {
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("schema.sql"),
        "CREATE TABLE `items` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `qty` int NOT NULL DEFAULT 0,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n",
    )
    .unwrap();
    let report = run(
        project.path(),
        &[
            "generate",
            "change items.qty to bigint",
            "--dialect",
            "mariadb",
            "--schema",
            "schema.sql",
            "--framework",
            "sql",
            "--rows",
            "items=1000000",
        ],
    );
    let up = &files(project.path(), ".up.sql")[0];
    assert!(
        up.contains("MODIFY COLUMN `qty` bigint NOT NULL DEFAULT 0, ALGORITHM=COPY, LOCK=SHARED"),
        "{up}"
    );
    assert!(report.contains("gh-ost --host=$HOST"), "{report}");
}

/// A conversion migsmith cannot make on its own is refused in the engine's name, not
/// PostgreSQL's, and nothing is written.
#[test]
fn refused_conversion_names_the_engine() {
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("schema.sql"),
        "CREATE TABLE `items` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `seen` datetime NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n",
    )
    .unwrap();
    let out = migsmith(
        project.path(),
        &[
            "generate",
            "change items.seen to integer",
            "--dialect",
            "mariadb",
            "--schema",
            "schema.sql",
            "--framework",
            "sql",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("MariaDB has no cast from"), "{stderr}");
    assert!(!stderr.contains("PostgreSQL"), "{stderr}");
    assert!(!project.path().join("migrations").exists());
}
