//! The MySQL/MariaDB schema readers on the real server (127.0.0.1:3306): a rich schema read
//! live equals the same database's `mysqldump --no-data` loaded from the file (with and
//! without comments), through the library and through `migsmith schema`; and each way a live
//! read can go wrong gives its clear error.

#[path = "common/mysql_db.rs"]
mod mysql_db;

use migsmith::schema::live::mysql::{load, Options};
use migsmith::schema::live::LiveError;
use migsmith::schema::{Engine, FkAction, IndexKey, RowsSource, Schema};
use mysql_db::MysqlDb;
use std::process::Command;

const RICH: &str = include_str!("fixtures/mysql_rich.sql");

fn rich_db() -> Option<MysqlDb> {
    let db = MysqlDb::create("mysqlschema")?;
    db.run_script(RICH).expect("apply the fixture");
    Some(db)
}

/// The model without what only a live read has (server identity, size figures).
fn without_live_only(mut s: Schema) -> Schema {
    s.server = None;
    for t in s.tables.values_mut() {
        t.stats = None;
    }
    s
}

#[test]
fn live_read_equals_the_loaded_mysqldump() {
    let Some(db) = rich_db() else { return };
    let live = load(&db.url, Options::default()).expect("live read");

    // What the fixture has, so equality below is not two empty models.
    assert_eq!(live.engine, Engine::Mariadb);
    let server = live.server.as_ref().expect("server info");
    assert!(server.version.contains("MariaDB"), "{}", server.version);
    assert!(server.version_num >= 101100, "{}", server.version_num);
    let users = &live.tables["users"];
    assert_eq!(users.schema, "");
    assert_eq!(users.comment.as_deref(), Some("people"));
    assert_eq!(users.options.engine.as_deref(), Some("InnoDB"));
    assert_eq!(users.options.row_format.as_deref(), Some("DYNAMIC"));
    assert_eq!(
        users.options.collation.as_deref(),
        Some("utf8mb4_general_ci")
    );
    let col = |n: &str| users.column(n).unwrap_or_else(|| panic!("column {n}"));
    assert_eq!(col("id").data_type, "bigint(20)");
    assert!(col("id").options.auto_increment);
    assert_eq!(col("account_id").data_type, "int(10) unsigned");
    assert_eq!(col("active").data_type, "tinyint(1)");
    assert_eq!(col("status").data_type, "enum('active','banned','it''s')");
    assert_eq!(col("created_at").data_type, "datetime(6)");
    assert_eq!(col("nick").default.as_deref(), Some("'it''s'"));
    assert_eq!(col("email").options.charset.as_deref(), Some("ascii"));
    assert_eq!(col("email").options.collation.as_deref(), Some("ascii_bin"));
    assert_eq!(col("nick").options.charset, None);
    assert_eq!(
        col("nick").options.collation.as_deref(),
        Some("utf8mb4_bin")
    );
    assert_eq!(col("bio").comment.as_deref(), Some("about me"));
    assert_eq!(
        col("updated_at").options.on_update.as_deref(),
        Some("current_timestamp()")
    );
    let lower = col("email_lower").options.generated.as_ref().unwrap();
    assert_eq!(
        (lower.expression.as_str(), lower.stored),
        ("lcase(`email`)", false)
    );
    assert!(col("total").options.generated.as_ref().unwrap().stored);
    assert_eq!(users.primary_key.as_ref().unwrap().columns, ["id"]);
    let index = |n: &str| users.index(n).unwrap_or_else(|| panic!("index {n}"));
    assert!(index("users_email_key").unique);
    assert_eq!(index("users_nick_prefix").prefix_lengths["nick"], 10);
    assert_eq!(index("users_bio_ft").method, "fulltext");
    assert_eq!(
        live.tables["places"].index("places_pos").unwrap().method,
        "spatial"
    );
    assert_eq!(
        live.tables["events"]
            .index("events_user_kind")
            .unwrap()
            .columns[1],
        IndexKey::Expression {
            expression: "`kind` DESC".into()
        }
    );
    let fk = &users.foreign_keys[0];
    assert_eq!(
        (fk.on_delete, fk.on_update),
        (FkAction::SetNull, FkAction::Cascade)
    );
    let m = &live.tables["memberships"];
    assert_eq!(m.foreign_keys[0].on_delete, FkAction::Restrict);
    let checks: Vec<&str> = users
        .check_constraints
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(checks, ["meta", "users_score_check"]);
    assert!(
        live.notes
            .iter()
            .any(|n| n.contains("trigger `users_touch`")),
        "{:?}",
        live.notes
    );
    assert!(live.notes.iter().any(|n| n.contains("view `active_users`")));
    assert!(live
        .notes
        .iter()
        .any(|n| n.contains("procedure `touch_all`")));
    assert!(users
        .stats
        .is_some_and(|s| s.rows_source == Some(RowsSource::Statistics)));

    let live = without_live_only(live);
    for extra in [&["--routines"][..], &["--routines", "--skip-comments"][..]] {
        let dump = db.dump(extra);
        let loaded = migsmith::schema::mysql::load_str(&dump, "dump.sql");
        assert_eq!(
            serde_json::to_string_pretty(&loaded).unwrap(),
            serde_json::to_string_pretty(&live).unwrap(),
            "mysqldump {extra:?} loads differently from the live read"
        );
        assert_eq!(loaded, live);
    }
}

#[test]
fn stats_come_from_information_schema() {
    let Some(db) = MysqlDb::create("mysqlschema") else {
        return;
    };
    db.exec("CREATE TABLE t (id int PRIMARY KEY, v varchar(100), KEY v (v)) ENGINE=InnoDB");
    db.exec("INSERT INTO t SELECT seq, REPEAT('x', 90) FROM seq_1_to_5000");
    db.exec("ANALYZE TABLE t");
    let s = load(&db.url, Options::default()).unwrap();
    let stats = s.tables["t"].stats.unwrap();
    assert!(stats.rows > 2500 && stats.rows < 10000, "{stats:?}");
    assert!(stats.heap_bytes.unwrap() > 16384, "{stats:?}");
    assert!(stats.index_bytes.unwrap() > 0, "{stats:?}");
    assert_eq!(
        stats.total_bytes,
        Some(stats.heap_bytes.unwrap() + stats.index_bytes.unwrap())
    );
    let exact = load(
        &db.url,
        Options {
            exact_counts: true,
            ..Options::default()
        },
    )
    .unwrap();
    let stats = exact.tables["t"].stats.unwrap();
    assert_eq!(
        (stats.rows, stats.rows_source),
        (5000, Some(RowsSource::Exact))
    );
}

fn migsmith(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run migsmith")
}

#[test]
fn schema_command_reads_the_server_and_the_dump_alike() {
    let Some(db) = rich_db() else { return };
    let out = migsmith(&["schema", "--database-url", &db.url, "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut live: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(live["engine"], "mariadb");
    // mariadb:// is the same server.
    let alt = db.url.replacen("mysql://", "mariadb://", 1);
    let out = migsmith(&["schema", "--database-url", &alt]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("MariaDB") && text.contains("table users"),
        "{text}"
    );

    // A URL without a database plus --schema-name, and DATABASE_URL, read the same database.
    let bare = db.url.rsplit_once('/').unwrap().0;
    let out = migsmith(&[
        "schema",
        "--database-url",
        bare,
        "--schema-name",
        &db.name,
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let by_name: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(by_name["tables"], live["tables"]);
    let out = Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .args(["schema", "--format", "json"])
        .env("DATABASE_URL", &db.url)
        .current_dir(tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from_env: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(from_env["tables"], live["tables"]);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dump.sql");
    std::fs::write(&path, db.dump(&["--routines"])).unwrap();
    let out = migsmith(&[
        "schema",
        "--schema",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let loaded: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    live.as_object_mut().unwrap().remove("server");
    for t in live["tables"].as_array_mut().unwrap() {
        t.as_object_mut().unwrap().remove("stats");
    }
    assert_eq!(loaded, live);

    // generate plans MySQL SQL from the live server; --dry-run writes nothing.
    let project = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .args([
            "generate",
            "add column nickname2 varchar(20) to users",
            "--dry-run",
        ])
        .args(["--database-url", &db.url])
        .current_dir(project.path())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("`nickname2`") && text.contains("ALGORITHM="),
        "{text}"
    );
    assert_eq!(std::fs::read_dir(project.path()).unwrap().count(), 0);

    // The input limit applies to MySQL dumps too.
    let out = Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .args(["schema", "--schema", path.to_str().unwrap()])
        .env("MIGSMITH_MAX_INPUT_BYTES", "1K")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("MIGSMITH_MAX_INPUT_BYTES"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn errors_say_what_is_wrong_without_the_password() {
    let Some(db) = MysqlDb::create("mysqlschema") else {
        return;
    };
    // Unknown database: the ones that exist are listed.
    let e = load(
        "mysql://root@127.0.0.1:3306/mysqlschema_no_such_db",
        Options::default(),
    )
    .unwrap_err();
    assert!(matches!(e, LiveError::NoSuchDatabase { .. }), "{e}");
    assert!(e.to_string().contains(&db.name), "{e}");

    // Unreachable server (nothing listens on port 1).
    let e = load("mysql://app:s3cret@127.0.0.1:1/app", Options::default()).unwrap_err();
    assert!(matches!(e, LiveError::Connect { .. }), "{e}");
    assert!(
        !e.to_string().contains("s3cret") && e.to_string().contains("app:***@"),
        "{e}"
    );

    // Bad URLs.
    for url in [
        "mysql://root@127.0.0.1:3306",
        "mysql://u:s3cret@h:notaport/db",
    ] {
        let e = load(url, Options::default()).unwrap_err();
        assert!(matches!(e, LiveError::BadMysqlUrl { .. }), "{url}: {e}");
        assert!(!e.to_string().contains("s3cret"), "{e}");
    }

    // A user without privileges on the database sees no such database.
    let user = format!("u{}", &db.name[db.name.len() - 8..]);
    db.exec(&format!("CREATE USER '{user}'@'%' IDENTIFIED BY 'pw'"));
    let guard = DropUser(user.clone());
    let e = load(
        &format!("mysql://{user}:pw@127.0.0.1:3306/{}", db.name),
        Options::default(),
    )
    .unwrap_err();
    assert!(matches!(e, LiveError::NoSuchDatabase { .. }), "{e}");
    assert!(e.to_string().contains("may not see it"), "{e}");
    assert!(!e.to_string().contains(":pw@"), "{e}");
    drop(guard);

    // Through the CLI: a non-zero exit and the message.
    let out = migsmith(&[
        "schema",
        "--database-url",
        "mysql://root@127.0.0.1:3306/mysqlschema_no_such_db",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("does not exist") && err.contains(&db.name),
        "{err}"
    );
}

struct DropUser(String);
impl Drop for DropUser {
    fn drop(&mut self) {
        use mysql::prelude::Queryable;
        if let Ok(mut c) = mysql::Conn::new(mysql::Opts::from_url(mysql_db::ADMIN_URL).unwrap()) {
            let _ = c.query_drop(format!("DROP USER IF EXISTS '{}'@'%'", self.0));
        }
    }
}

#[test]
fn the_session_is_read_only() {
    let Some(db) = MysqlDb::create("mysqlschema") else {
        return;
    };
    use mysql::prelude::Queryable;
    db.exec("CREATE TABLE t (id int)");
    let mut conn = mysql::Conn::new(mysql::Opts::from_url(&db.url).unwrap()).unwrap();
    migsmith::schema::live::mysql::read(&mut conn, "x", &db.name, false).unwrap();
    // The reader left its connection read-only: a write on it fails.
    let e = conn.query_drop("INSERT INTO t VALUES (1)").unwrap_err();
    assert!(e.to_string().contains("READ ONLY"), "{e}");
}

/// No server needed: the committed real `mysqldump --no-data --routines` of the fixture loads
/// whole, every statement either modelled, boilerplate, or one object note.
#[test]
fn committed_mariadb_dump_loads_without_unknown_statements() {
    let text = include_str!("fixtures/mysql_dump_mariadb.sql");
    assert!(migsmith::schema::mysql::looks_like_mysql(text));
    let s = migsmith::schema::mysql::load_str(text, "mysql_dump_mariadb.sql");
    assert_eq!(s.engine, Engine::Mariadb);
    let tables: Vec<&str> = s.tables.keys().map(String::as_str).collect();
    assert_eq!(
        tables,
        [
            "accounts",
            "cache",
            "events",
            "memberships",
            "places",
            "users"
        ]
    );
    assert_eq!(
        s.notes,
        [
            "procedure `touch_all`: not modelled",
            "trigger `users_touch`: not modelled",
            "view `active_users`: not modelled",
        ]
    );
}
