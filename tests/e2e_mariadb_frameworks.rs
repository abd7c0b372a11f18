//! End to end on MariaDB (127.0.0.1:3306), the engine Laravel defaults to and many Rails,
//! Django, Sequelize and Knex projects use: migsmith writes the migrations (`--dialect mariadb`,
//! schema from `tests/fixtures/e2e/schema.mysql.sql`) into a copy of the fixture project, the
//! framework's own CLI runs them up on a scratch database, the catalog must equal what the
//! plain `--framework sql --dialect mariadb` up files give on a second scratch database, then
//! the CLI rolls them back and the catalog must equal the starting one. The catalog is every
//! table's `SHOW CREATE TABLE`, normalized (tests/mysql_common); the framework's history tables
//! are left out.
//!
//! The CLIs and drivers come from `scripts/install-code-frameworks.sh` (apt ruby-mysql2 for
//! ActiveRecord, php-mysql for Laravel, mysqlclient in `.e2e/venv` for Django, mysql2 in
//! `.e2e/node` for Sequelize and Knex). Without a CLI or the server a test says so loudly and
//! returns — except under CI, where it fails.

#[path = "common/e2e.rs"]
mod e2e;
mod mysql_common;

use e2e::{copy_dir, missing_tools, repo, run, search_path, ENGINE_SCENARIOS as SCENARIOS};
use mysql_common::MyDb;
use std::path::PathBuf;
use std::process::Command;

/// How to drive one framework on MariaDB.
struct Framework {
    name: &'static str,
    migrations_dir: &'static str,
    /// The URL scheme the framework's driver reads in `DATABASE_URL` (ActiveRecord: `mysql2`).
    scheme: &'static str,
    /// Tables the framework keeps its own bookkeeping in (left out of the comparison).
    history: &'static [&'static str],
    setup: &'static [&'static [&'static str]],
    up: &'static [&'static [&'static str]],
    /// Roll back the last `{n}` migrations (or one, when `down_one_at_a_time`).
    down: &'static [&'static [&'static str]],
    down_one_at_a_time: bool,
    /// Extra environment for the CLI.
    env: &'static [(&'static str, &'static str)],
    /// Executables that must exist (in `.e2e/node`, `.e2e/venv`, or on PATH).
    needs: &'static [&'static str],
    /// A command that must succeed for the framework's MySQL driver to be there.
    driver: &'static [&'static str],
    /// `(scenario, text)`: the generated files must contain the text.
    expect: &'static [(&'static str, &'static str)],
}

/// The `--dialect` the suite generates for.
const DIALECT: &str = "mariadb";

fn schema_file() -> PathBuf {
    repo().join("tests/fixtures/e2e/schema.mysql.sql")
}

/// The framework's CLIs and MySQL driver are there, else a loud message (a failure under CI).
fn tools_present(fw: &Framework) -> bool {
    let path = search_path();
    let mut missing = missing_tools(fw.needs);
    if missing.is_empty() && !fw.driver.is_empty() {
        let ok = Command::new(fw.driver[0])
            .args(&fw.driver[1..])
            .current_dir(repo())
            .env("PATH", &path)
            .env("NODE_PATH", repo().join(".e2e/node/node_modules"))
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            missing.push(format!("its MySQL driver (`{}`)", fw.driver.join(" ")));
        }
    }
    if missing.is_empty() {
        return true;
    }
    let msg = format!(
        "{} on MariaDB: missing {} — run scripts/install-code-frameworks.sh",
        fw.name,
        missing.join(", ")
    );
    if std::env::var_os("CI").is_some() {
        panic!("CI: {msg}");
    }
    eprintln!("SKIPPED (not run!) {msg}");
    false
}

/// A scratch database holding the fixture schema, or `None` without a server (outside CI).
fn start_database(tag: &str) -> Option<MyDb> {
    let db = MyDb::create(tag)?;
    db.run_file(&std::fs::read_to_string(schema_file()).unwrap())
        .expect("load the fixture schema");
    Some(db)
}

/// The catalog after the plain SQL up files for `description` ran on a fresh scratch database.
fn sql_reference(description: &str, now: &str) -> String {
    let db = start_database("e2e_ref").expect("reference database");
    let work = tempfile::tempdir().unwrap();
    let files = e2e::generate_for(
        DIALECT,
        &schema_file(),
        work.path(),
        "sql",
        "migrations",
        description,
        now,
    );
    for f in files
        .iter()
        .filter(|f| f.to_string_lossy().ends_with(".up.sql"))
    {
        db.run_file(&std::fs::read_to_string(f).unwrap())
            .unwrap_or_else(|e| panic!("reference {}: {e}", f.display()));
    }
    db.catalog()
}

fn end_to_end(fw: &Framework) {
    if !tools_present(fw) {
        return;
    }
    let Some(db) = start_database(&format!("e2e_{}", fw.name)) else {
        return;
    };
    let url = db.url.replacen("mysql", fw.scheme, 1);
    let work = tempfile::tempdir().unwrap();
    let project = work.path().join(fw.name);
    copy_dir(&repo().join("tests/fixtures/e2e").join(fw.name), &project);
    let node_modules = repo().join(".e2e/node/node_modules");
    if node_modules.is_dir() {
        std::os::unix::fs::symlink(&node_modules, project.join("node_modules")).unwrap();
    }
    for cmd in fw.setup {
        run(&project, &url, fw.env, cmd, 1);
    }
    let start = db.catalog_without(fw.history);
    for (scenario, _) in fw.expect {
        assert!(
            SCENARIOS.contains(scenario),
            "{}: no scenario `{scenario}`",
            fw.name
        );
    }
    for (i, &description) in SCENARIOS.iter().enumerate() {
        let now = format!("20261122{:02}{:02}00", 10 + i / 60, i % 60);
        let context = format!("{} on MariaDB `{description}`", fw.name);
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
        for cmd in fw.up {
            run(&project, &url, fw.env, cmd, files.len());
        }
        assert_eq!(
            expected,
            db.catalog_without(fw.history),
            "{context} up: the catalog differs from the plain SQL files' (left) — files:\n{text}"
        );
        let rounds = if fw.down_one_at_a_time {
            files.len()
        } else {
            1
        };
        for _ in 0..rounds {
            for cmd in fw.down {
                run(&project, &url, fw.env, cmd, files.len());
            }
        }
        assert_eq!(
            start,
            db.catalog_without(fw.history),
            "{context} down: the catalog differs from the start (left) — files:\n{text}"
        );
        // As a user would after rolling back: the next change starts from a clean directory.
        let kept = project.join("kept");
        std::fs::create_dir_all(&kept).unwrap();
        for f in files {
            std::fs::rename(&f, kept.join(f.file_name().unwrap())).unwrap();
        }
    }
}

#[test]
fn rails_on_mariadb() {
    end_to_end(&Framework {
        name: "rails",
        migrations_dir: "db/migrate",
        scheme: "mysql2",
        history: &["schema_migrations", "ar_internal_metadata"],
        setup: &[],
        up: &[&["rake", "db:migrate"]],
        down: &[&["rake", "db:rollback", "STEP={n}"]],
        down_one_at_a_time: false,
        env: &[],
        needs: &["ruby", "rake"],
        driver: &["ruby", "-e", "require 'mysql2'"],
        expect: &[
            (
                "add last_login_at to users",
                "disable_ddl_transaction!\n\n  def up\n    execute 'SET SESSION lock_wait_timeout = 5'\n    execute 'ALTER TABLE `users` ADD COLUMN `last_login_at` datetime(6) NULL, ALGORITHM=INSTANT'",
            ),
            ("change type of users.age to bigint", "ALGORITHM=COPY, LOCK=SHARED"),
        ],
    });
}

#[test]
fn django_on_mariadb() {
    end_to_end(&Framework {
        name: "django",
        migrations_dir: "shop/migrations",
        scheme: "mysql",
        history: &["django_migrations"],
        // The tables exist already: 0001 only declares them as models.
        setup: &[&["python", "manage.py", "migrate", "shop", "--fake"]],
        up: &[&["python", "manage.py", "migrate", "shop"]],
        down: &[&["python", "manage.py", "migrate", "shop", "0001"]],
        down_one_at_a_time: false,
        env: &[("DJANGO_SETTINGS_MODULE", "e2eproject.settings_mysql")],
        needs: &["python", "django-admin"],
        driver: &["python", "-c", "import MySQLdb"],
        expect: &[
            ("add last_login_at to users", "atomic = False"),
            ("add index on users(email)", "ALGORITHM=INPLACE, LOCK=NONE"),
        ],
    });
}

#[test]
fn laravel_on_mariadb() {
    end_to_end(&Framework {
        name: "laravel",
        migrations_dir: "database/migrations",
        scheme: "mysql",
        history: &["migrations"],
        setup: &[],
        up: &[&["php", "artisan", "migrate", "--force"]],
        down: &[&[
            "php",
            "artisan",
            "migrate:rollback",
            "--step={n}",
            "--force",
        ]],
        down_one_at_a_time: false,
        env: &[("DB_CONNECTION", "mysql")],
        needs: &["php"],
        driver: &["php", "-r", "exit(extension_loaded('pdo_mysql') ? 0 : 1);"],
        expect: &[(
            "add last_login_at to users",
            "public $withinTransaction = false;",
        )],
    });
}

#[test]
fn sequelize_on_mariadb() {
    end_to_end(&Framework {
        name: "sequelize",
        migrations_dir: "migrations",
        scheme: "mysql",
        history: &["SequelizeMeta"],
        setup: &[],
        up: &[&["sequelize-cli", "db:migrate"]],
        down: &[&["sequelize-cli", "db:migrate:undo"]],
        down_one_at_a_time: true,
        env: &[("DB_DIALECT", "mysql")],
        needs: &["sequelize-cli"],
        driver: &["node", "-e", "require('mysql2')"],
        expect: &[(
            "add last_login_at to users",
            "await queryInterface.sequelize.query(`SET SESSION lock_wait_timeout = 5`);",
        )],
    });
}

#[test]
fn knex_on_mariadb() {
    end_to_end(&Framework {
        name: "knex",
        migrations_dir: "migrations",
        scheme: "mysql",
        history: &["knex_migrations", "knex_migrations_lock"],
        setup: &[],
        up: &[&["knex", "migrate:latest"]],
        down: &[&["knex", "migrate:down"]],
        down_one_at_a_time: true,
        env: &[("KNEX_CLIENT", "mysql2")],
        needs: &["knex"],
        driver: &["node", "-e", "require('mysql2')"],
        expect: &[(
            "add last_login_at to users",
            "exports.config = { transaction: false };",
        )],
    });
}
