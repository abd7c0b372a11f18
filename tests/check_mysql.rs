//! `migsmith check --dialect mysql`: every MySQL rule flags its bad example and passes its good
//! one (which then really runs on MariaDB, on the schema of `FIXTURE`), and what the checker
//! says about an ALTER's algorithm is the server's own answer: an ALTER it expects to be
//! INSTANT/INPLACE succeeds with the `ALGORITHM=` clause the finding names, one it calls COPY
//! is refused with `ALGORITHM=INPLACE`. The generator side (every file `generate --dialect
//! mysql` writes checks without error) is in `tests/mysql_ddl.rs`.

mod mysql_common;

use migsmith::analyze::rules::Level;
use migsmith::check::mysql_rules::{MYSQL_RULES, NOT_UNDERSTOOD};
use migsmith::check::{check_sql, CheckDialect, CheckOptions, Finding};
use migsmith::dialect::mysql::Version;
use migsmith::schema::Engine;
use mysql::prelude::Queryable;
use mysql_common::MyDb;
use std::process::Command;

const FIXTURE: &str = "CREATE TABLE `users` (\n  `id` bigint NOT NULL AUTO_INCREMENT,\n  `email` varchar(191) NOT NULL,\n  `name` varchar(50) DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  KEY `users_email_idx` (`email`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\
CREATE TABLE `orders` (\n  `id` bigint NOT NULL AUTO_INCREMENT,\n  `user_id` bigint NOT NULL,\n  `total` int NOT NULL DEFAULT 0,\n  `note` varchar(100) DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  KEY `orders_user_id_idx` (`user_id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\
CREATE TABLE `payments` (\n  `id` bigint NOT NULL AUTO_INCREMENT,\n  `user_id` bigint NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n";

fn options(version: Version) -> CheckOptions {
    CheckOptions {
        schema: Some(migsmith::schema::mysql::load_str(FIXTURE, "fixture.sql")),
        dialect: CheckDialect::Mysql(version),
        ..CheckOptions::default()
    }
}

fn mariadb() -> Version {
    Version::default_for(Engine::Mariadb)
}

fn errors(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.level == Level::Error)
        .collect()
}

#[test]
fn every_bad_example_is_flagged_and_every_good_one_passes() {
    for version in [mariadb(), Version::default_for(Engine::Mysql)] {
        for rule in MYSQL_RULES {
            let bad = check_sql(rule.bad, "bad.sql", &options(version));
            let own: Vec<_> = bad.iter().filter(|f| f.rule == rule.id).collect();
            assert!(
                !own.is_empty(),
                "{}: bad example not flagged: {bad:#?}",
                rule.id
            );
            assert!(
                own.iter().all(|f| f.level == rule.level),
                "{}: flagged at another level: {own:#?}",
                rule.id
            );
            let good = check_sql(rule.good, "good.sql", &options(version));
            assert!(
                good.is_empty(),
                "{}: good example flagged: {good:#?}",
                rule.id
            );
        }
    }
}

#[test]
fn good_examples_run_on_mariadb() {
    for rule in MYSQL_RULES.iter().filter(|r| r.id != NOT_UNDERSTOOD) {
        let Some(db) = MyDb::create("chk_good") else {
            return;
        };
        db.run_file(FIXTURE).expect("fixture");
        db.run_file(rule.good)
            .unwrap_or_else(|e| panic!("{}: good example fails on MariaDB: {e}", rule.id));
    }
}

#[test]
fn unparseable_statements_are_findings_not_crashes() {
    let f = check_sql(
        "SET SESSION lock_wait_timeout = 5;\nALTER TABLE `users` ADD COLUMN (;\nDELIMITER $$\nCREATE TRIGGER t BEFORE INSERT ON users FOR EACH ROW BEGIN SET NEW.name = 'x'; END$$\nDELIMITER ;\n",
        "odd.sql",
        &options(mariadb()),
    );
    assert!(
        f.iter().any(|f| f.rule == NOT_UNDERSTOOD && f.line == 2),
        "{f:#?}"
    );
}

#[test]
fn small_tables_turn_copy_into_a_note_and_versions_matter() {
    let sql = "SET SESSION lock_wait_timeout = 5;\nALTER TABLE `orders` ADD CONSTRAINT `c` CHECK (`total` >= 0);\n";
    let mut opts = options(mariadb());
    assert_eq!(errors(&check_sql(sql, "a.sql", &opts)).len(), 1);
    opts.rows = migsmith::schema::sizes::RowCounts::from_specs(&["orders=10".parse().unwrap()]);
    let f = check_sql(sql, "a.sql", &opts);
    assert!(errors(&f).is_empty(), "{f:#?}");
    assert!(f
        .iter()
        .any(|f| f.rule == "mysql-copy-alter" && f.level == Level::Note));
    // Asking for INPLACE where the server can only COPY fails whatever the size.
    let refused = "SET SESSION lock_wait_timeout = 5;\nALTER TABLE `orders` ADD CONSTRAINT `c` CHECK (`total` >= 0), ALGORITHM=INPLACE;\n";
    let f = check_sql(refused, "r.sql", &opts);
    assert_eq!(errors(&f).len(), 1, "{f:#?}");
    assert!(errors(&f)[0].message.contains("refuses"), "{f:#?}");
    // DROP COLUMN is INSTANT from MySQL 8.0.29: before that, the checker expects INPLACE.
    let drop = "SET SESSION lock_wait_timeout = 5;\n-- migsmith:ignore drop-column\nALTER TABLE `orders` DROP COLUMN `note`;\n";
    let on = |v: &str| {
        let f = check_sql(drop, "d.sql", &options(Version::parse(v).unwrap()));
        f.iter()
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        on("8.0.29").contains("ALGORITHM=INSTANT"),
        "{}",
        on("8.0.29")
    );
    assert!(
        on("8.0.28").contains("ALGORITHM=INPLACE, LOCK=NONE"),
        "{}",
        on("8.0.28")
    );
}

/// An ALTER without ALGORITHM and what the checker expects of it.
enum Expect {
    /// The clause the `mysql-alter-without-algorithm` finding names.
    Clause(String),
    Copy,
}

fn expectation(alter: &str, version: Version) -> Expect {
    let sql = format!("SET SESSION lock_wait_timeout = 5;\n-- migsmith:ignore drop-column rename-column\n{alter};\n");
    let f = check_sql(&sql, "m.sql", &options(version));
    let copy = |f: &Finding| {
        f.rule == "mysql-copy-alter"
            || (f.rule == "type-change-rewrites" && f.level == Level::Error)
    };
    if f.iter().any(copy) {
        return Expect::Copy;
    }
    let msg = f
        .iter()
        .find(|f| f.rule == "mysql-alter-without-algorithm")
        .unwrap_or_else(|| panic!("{alter}: no algorithm finding: {f:#?}"))
        .message
        .clone();
    let clause = msg
        .split("write `")
        .nth(1)
        .and_then(|r| r.split('`').next())
        .unwrap_or_else(|| panic!("{alter}: no clause in {msg}"));
    Expect::Clause(clause.to_string())
}

#[test]
fn the_checkers_algorithm_is_the_servers_answer() {
    let Some(probe) = MyDb::create("chk_probe") else {
        return;
    };
    let v: String = probe
        .conn()
        .query_first("SELECT VERSION()")
        .unwrap()
        .unwrap();
    let version = Version::parse(&v).unwrap();
    drop(probe);
    let alters = [
        "ALTER TABLE `orders` ADD COLUMN `paid` tinyint(1) NOT NULL DEFAULT 0",
        "ALTER TABLE `orders` ADD COLUMN `ref` varchar(20) NULL AFTER `id`",
        "ALTER TABLE `orders` DROP COLUMN `note`",
        "ALTER TABLE `orders` DROP COLUMN `user_id`",
        "ALTER TABLE `orders` RENAME COLUMN `note` TO `memo`",
        "ALTER TABLE `orders` ALTER COLUMN `total` SET DEFAULT 5",
        "ALTER TABLE `orders` MODIFY COLUMN `note` varchar(60) DEFAULT NULL",
        "ALTER TABLE `orders` MODIFY COLUMN `note` varchar(20) DEFAULT NULL",
        "ALTER TABLE `orders` MODIFY COLUMN `total` bigint NOT NULL DEFAULT 0",
        "ALTER TABLE `orders` MODIFY COLUMN `note` varchar(100) NOT NULL",
        "ALTER TABLE `orders` ADD INDEX `orders_total_idx` (`total`)",
        "ALTER TABLE `orders` ADD UNIQUE KEY `orders_note_key` (`note`)",
        "ALTER TABLE `orders` DROP INDEX `orders_user_id_idx`",
        "ALTER TABLE `orders` ADD CONSTRAINT `orders_total_chk` CHECK (`total` >= 0)",
        "ALTER TABLE `orders` ADD CONSTRAINT `orders_user_fk` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`)",
    ];
    let mut failures = vec![];
    let (mut copies, mut online) = (0, 0);
    for alter in alters {
        let Some(db) = MyDb::create("chk_alg") else {
            return;
        };
        db.run_file(FIXTURE).expect("fixture");
        db.run_file("INSERT INTO `users` (`email`) VALUES ('a@x');\nINSERT INTO `orders` (`user_id`, `note`) VALUES (1, 'n');")
            .expect("seed");
        match expectation(alter, version) {
            Expect::Clause(clause) => {
                online += 1;
                if let Err(e) = db.run_file(&format!("{alter}, {clause}")) {
                    failures.push(format!(
                        "{alter}: checker expects `{clause}`, server refused: {e}"
                    ));
                }
            }
            Expect::Copy => {
                copies += 1;
                if db.run_file(&format!("{alter}, ALGORITHM=INPLACE")).is_ok() {
                    failures.push(format!(
                        "{alter}: checker says COPY, server accepted ALGORITHM=INPLACE"
                    ));
                }
                db.run_file(&format!("{alter}, ALGORITHM=COPY"))
                    .unwrap_or_else(|e| panic!("{alter}: COPY itself fails: {e}"));
            }
        }
    }
    assert!(
        copies >= 3 && online >= 8,
        "copies {copies}, online {online}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn migsmith(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run migsmith")
}

#[test]
fn cli_infers_mysql_and_keeps_the_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schema.sql"), FIXTURE).unwrap();
    std::fs::create_dir(dir.path().join("m")).unwrap();
    std::fs::write(
        dir.path().join("m/1.sql"),
        "SET SESSION lock_wait_timeout = 5;\nALTER TABLE `orders` ADD CONSTRAINT `fk` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`);\n",
    )
    .unwrap();
    let out = migsmith(dir.path(), &["check", "m", "--format", "json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("\"rule\": \"mysql-copy-alter\""), "{text}");
    let out = migsmith(
        dir.path(),
        &[
            "check",
            "m",
            "--dialect",
            "mariadb",
            "--schema",
            "schema.sql",
            "--rows",
            "orders=5",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("note[mysql-copy-alter]"), "{text}");
    let out = migsmith(dir.path(), &["check", "m", "--dialect", "sqlite"]);
    assert_eq!(out.status.code(), Some(2));
    let out = migsmith(
        dir.path(),
        &["check", "--explain", "foreign-key-without-index"],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("implicitly"));
    let out = migsmith(dir.path(), &["check", "--explain", "drop-column"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("## MySQL and MariaDB"));
}
