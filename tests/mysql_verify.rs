//! `generate --verify` and `migsmith verify` on the real MariaDB: a `migsmith_verify_*` scratch
//! database on the same server, seeded, up → down → up with the catalog compared; a failing
//! migration exits 1 with the failing statement; the scratch database is gone after success,
//! failure and SIGINT; the user's database is never written.

mod mysql_common;

use mysql::prelude::Queryable;
use mysql_common::{MyDb, SERVER_URL};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

const START: &str = "CREATE TABLE `users` (\n  `id` bigint NOT NULL AUTO_INCREMENT,\n  `email` varchar(191) NOT NULL,\n  `name` varchar(80) DEFAULT 'anon',\n  `created_at` datetime NOT NULL,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `users_email_key` (`email`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\nCREATE TABLE `posts` (\n  `id` bigint NOT NULL AUTO_INCREMENT,\n  `user_id` bigint NOT NULL,\n  `title` text NOT NULL,\n  `status` enum('draft','live') NOT NULL DEFAULT 'draft',\n  PRIMARY KEY (`id`),\n  KEY `posts_user_id_idx` (`user_id`),\n  CONSTRAINT `posts_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\nINSERT INTO `users` (`email`, `created_at`) VALUES ('a@x', NOW()), ('b@x', NOW());\n";

fn migsmith(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_migsmith"));
    cmd.current_dir(dir)
        .args(args)
        .env("MIGSMITH_NOW", "2026-11-22T12:00:00Z");
    cmd
}

fn text(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The value after `marker` on a stderr line (`scratch database NAME created…`).
fn announced(stderr: &str, marker: &str) -> Option<String> {
    stderr.lines().find_map(|l| {
        l.split_once(marker)
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .map(str::to_string)
    })
}

fn database_exists(name: &str) -> bool {
    let mut conn = mysql::Conn::new(mysql::Opts::from_url(SERVER_URL).unwrap()).unwrap();
    let found: Option<String> = conn
        .exec_first(
            "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
            (name,),
        )
        .unwrap();
    found.is_some()
}

fn user_rows(db: &MyDb) -> u64 {
    db.conn()
        .query_first("SELECT COUNT(*) FROM users")
        .unwrap()
        .unwrap()
}

fn write_pair(dir: &Path, name: &str, up: &str, down: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(format!("{name}.up.sql")), up).unwrap();
    std::fs::write(dir.join(format!("{name}.down.sql")), down).unwrap();
}

#[test]
fn generate_verify_round_trips_on_a_scratch_database_and_leaves_the_users_alone() {
    let Some(db) = MyDb::create("verify_ok") else {
        return;
    };
    db.run_file(START).unwrap();
    let before = db.catalog();
    let project = tempfile::tempdir().unwrap();
    let out = migsmith(
        project.path(),
        &[
            "generate",
            "add email_verified to users",
            "--database-url",
            &db.url,
            "--framework",
            "sql",
            "--verify",
            "--verify-rows",
            "500",
            "--format",
            "json",
        ],
    )
    .output()
    .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let v = &json["verification"];
    assert_eq!(v["passed"], true, "{v:#}");
    let names: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for expected in [
        "up applies",
        "after up, the schema is the planned one",
        "down applies",
        "after down, the schema is exactly as before up",
        "up again applies",
        "after up again, the schema equals the first up",
        "metadata locks observed",
    ] {
        assert!(names.contains(&expected), "{expected} missing: {names:?}");
    }
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("rows of `users` survive")),
        "{names:?}"
    );
    assert_eq!(v["seeded_rows"]["users"], 500, "{v:#}");
    assert_eq!(v["seeded_rows"]["posts"], 500, "{v:#}");
    assert!(v["server_version"]
        .as_str()
        .unwrap()
        .starts_with("MariaDB "));
    let scratch = v["scratch_database"].as_str().unwrap();
    assert!(scratch.starts_with("migsmith_verify_"), "{scratch}");
    assert!(!database_exists(scratch), "{scratch} left behind");
    let ups = v["statements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["sql"].as_str().unwrap().contains("ADD COLUMN"))
        .count();
    assert_eq!(ups, 2, "up and up again ran the ALTER: {v:#}");
    // What the lock sampler saw (or why it could not) is said, never left blank.
    let locks = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "metadata locks observed")
        .unwrap();
    let said = locks["details"][0].as_str().unwrap();
    let observable: bool = {
        let mut c = db.conn();
        let ps: Option<String> = c.query_first("SELECT @@performance_schema").unwrap();
        let plugin: Option<String> = c
            .query_first("SELECT PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'METADATA_LOCK_INFO'")
            .unwrap();
        ps.as_deref() == Some("1") || plugin.as_deref() == Some("ACTIVE")
    };
    if observable {
        assert!(said.contains("MDL") || said.contains("none seen"), "{said}");
    } else {
        assert!(
            said.starts_with("metadata locks: not observable on this server"),
            "{said}"
        );
    }
    // The user's database: same catalog, same rows.
    assert_eq!(db.catalog(), before);
    assert_eq!(user_rows(&db), 2);

    // The Markdown report names the engine, not PostgreSQL.
    let out = migsmith(
        project.path(),
        &[
            "generate",
            "add nickname to users",
            "--database-url",
            &db.url,
            "--framework",
            "sql",
            "--dry-run",
            "--verify",
        ],
    )
    .output()
    .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("## Verified"), "{stdout}");
    assert!(stdout.contains("(MariaDB 10."), "{stdout}");
    assert!(!stdout.contains("pg_locks"), "{stdout}");
}

#[test]
fn verify_files_from_a_dump_and_a_failing_migration_exits_1_and_drops_the_scratch_database() {
    let Some(db) = MyDb::create("verify_fail") else {
        return;
    };
    db.run_file(START).unwrap();
    let before = db.catalog();
    let project = tempfile::tempdir().unwrap();
    let migrations = project.path().join("migrations");
    // A good pair: passes from the live schema.
    write_pair(
        &migrations,
        "20261122120000_ok",
        "ALTER TABLE `users` ADD COLUMN `age` int NULL;\n",
        "ALTER TABLE `users` DROP COLUMN `age`;\n",
    );
    let out = migsmith(
        project.path(),
        &["verify", "--database-url", &db.url, "--rows", "50"],
    )
    .output()
    .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("✅ passed"), "{stdout}");
    let name = announced(&stderr, "scratch database ").expect("announced");
    assert!(!database_exists(&name), "{name} left behind after success");

    // A down that does not undo the up: the schema check fails with the difference.
    write_pair(
        &migrations,
        "20261122120000_ok",
        "ALTER TABLE `users` ADD COLUMN `age` int NULL;\n",
        "SELECT 1;\n",
    );
    let out = migsmith(project.path(), &["verify", "--database-url", &db.url])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("❌ after down, the schema is exactly as before up")
            && stdout.contains("\"name\": \"age\""),
        "{stdout}"
    );

    // A failing statement (the drop of a column that is not there) stops the trip.
    write_pair(
        &migrations,
        "20261122120000_ok",
        "ALTER TABLE `users` DROP COLUMN `nope`;\n",
        "SELECT 1;\n",
    );
    // The schema from a dump this time; the URL names only the server.
    let dump = project.path().join("schema.sql");
    std::fs::write(&dump, START).unwrap();
    let out = migsmith(
        project.path(),
        &[
            "verify",
            "--database-url",
            &db.url,
            "--schema",
            "schema.sql",
            "--format",
            "json",
        ],
    )
    .output()
    .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let failed: Vec<&serde_json::Value> = json["verification"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] == false)
        .collect();
    assert_eq!(failed.len(), 1, "{json:#}");
    assert_eq!(failed[0]["name"], "up applies");
    let details = failed[0]["details"].to_string();
    assert!(details.contains("DROP COLUMN `nope`"), "{details}");
    assert!(details.contains("1091"), "the server's error: {details}");
    let name = json["verification"]["scratch_database"].as_str().unwrap();
    assert!(!database_exists(name), "{name} left behind after failure");
    assert_eq!(db.catalog(), before, "the user's database was written");
}

#[test]
fn sigint_while_seeding_drops_the_scratch_database() {
    let Some(db) = MyDb::create("verify_int") else {
        return;
    };
    db.run_file(START).unwrap();
    let project = tempfile::tempdir().unwrap();
    write_pair(
        &project.path().join("migrations"),
        "1_a",
        "ALTER TABLE `users` ADD COLUMN `x` int;\n",
        "ALTER TABLE `users` DROP COLUMN `x`;\n",
    );
    let mut child = migsmith(
        project.path(),
        &[
            "verify",
            "--database-url",
            &db.url,
            "--rows",
            "users=3000000",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut name = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(n) = announced(&line, "scratch database ") {
            name = Some(n);
            break;
        }
    }
    let name = name.expect("the run announces its scratch database");
    assert!(name.starts_with("migsmith_verify_"), "{name}");
    std::thread::sleep(std::time::Duration::from_millis(500)); // now seeding 3M rows
    assert!(
        database_exists(&name),
        "{name} exists while the run is going"
    );
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{rest:?}");
    assert!(
        rest.iter().any(|l| l.contains("scratch resources removed")),
        "{rest:?}"
    );
    assert!(!database_exists(&name), "{name} left behind after SIGINT");
}

#[test]
fn generate_verify_on_mysql_without_a_server_says_what_to_pass() {
    let project = tempfile::tempdir().unwrap();
    std::fs::write(project.path().join("schema.sql"), START).unwrap();
    let out = migsmith(
        project.path(),
        &[
            "generate",
            "add email_verified to users",
            "--dialect",
            "mysql",
            "--schema",
            "schema.sql",
            "--dry-run",
            "--verify",
        ],
    )
    .output()
    .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("--verify-url mysql://"), "{stderr}");
}

#[test]
fn an_unreachable_server_exits_3_without_printing_the_password() {
    let project = tempfile::tempdir().unwrap();
    write_pair(
        &project.path().join("migrations"),
        "1_a",
        "ALTER TABLE `users` ADD COLUMN `x` int;\n",
        "ALTER TABLE `users` DROP COLUMN `x`;\n",
    );
    std::fs::write(project.path().join("schema.sql"), START).unwrap();
    let out = migsmith(
        project.path(),
        &[
            "verify",
            "--database-url",
            "mysql://root:s3cretpw@127.0.0.1:1/app",
            "--schema",
            "schema.sql",
        ],
    )
    .output()
    .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(3), "{stdout}\n{stderr}");
    assert!(stderr.contains("root:***@127.0.0.1:1"), "{stderr}");
    assert!(!stdout.contains("s3cretpw") && !stderr.contains("s3cretpw"));
    assert!(!stderr.contains("DriverError"), "{stderr}");
}
