//! End to end, for each code-based framework: migsmith writes the migrations into a copy of a
//! fixture project (`tests/fixtures/e2e/<framework>/`), the framework's own CLI runs them up on
//! a throwaway PostgreSQL database, the catalog must equal what the plain SQL files give (applied
//! with psql on a second database), then the CLI rolls them back and the catalog must equal the
//! starting one. The framework's history tables are left out of the comparison.
//!
//! The CLIs come from `scripts/install-code-frameworks.sh` (`.e2e/node`, `.e2e/venv`, apt ruby
//! and php), which `scripts/test.sh` and `scripts/e2e.sh` run first. Without a CLI (or
//! PostgreSQL) a test says so loudly and returns — except under CI, where it fails.

mod common;
#[path = "common/e2e.rs"]
mod e2e;

use common::{assert_same_schema, TestDb};
use e2e::{copy_dir, missing_tools, repo, run};
use std::path::{Path, PathBuf};

/// The changes every framework must carry up and back down, each with extra `generate` flags.
/// `add published_at …` and the large-table `make users.email not null` are multi-phase (a
/// column then its index built CONCURRENTLY; a NOT NULL check then its validation); with
/// [`SMALL`] the same changes take their plain forms, which the frameworks' own APIs can write.
const SCENARIOS: &[(&str, &[&str])] = &[
    ("add last_login_at to users", &[]),
    ("remove legacy_flag from users", &[]),
    ("rename users.name to full_name", &[]),
    // Expand-contract on a large table (raw SQL: trigger, backfill, swap); in place on a small
    // one, which the frameworks' own calls can write.
    ("change type of users.age to bigint", &[]),
    ("change type of users.age to bigint", SMALL),
    ("add index on users(email)", &[]),
    ("add foreign key from posts.author_id to users.id", &[]),
    ("create table tags with name:string", &[]),
    ("drop table audit_log", &[]),
    (
        "add published_at to posts and add index on posts(published_at)",
        &[],
    ),
    ("make users.email not null", &[]),
    (
        "add status varchar(20) default 'active' not null to users",
        &[],
    ),
    ("add unique index on users(email)", &[]),
    ("rename table audit_log to events", &[]),
    ("set default of users.age to 0", &[]),
    ("drop index posts_title_idx", &[]),
    ("make users.email not null", SMALL),
    (
        "add foreign key from posts.author_id to users.id on delete cascade",
        SMALL,
    ),
    ("add index on users(age)", SMALL),
    ("add unique index on users(email)", SMALL),
    ("drop index posts_title_idx", SMALL),
    ("add last_seen_at:timestamptz default now() to users", &[]),
    ("make users.name nullable", &[]),
    ("create labels (id bigint primary key, note text)", &[]),
    (
        "create labels (code varchar(20) primary key, note text)",
        &[],
    ),
];

#[rustfmt::skip]
const IDIOMS: &[(&str, &str, &str)] = &[
    ("sequelize", "add last_login_at to users", "queryInterface.addColumn('users', 'last_login_at', { type: Sequelize.DATE }"),
    ("sequelize", "remove legacy_flag from users", "queryInterface.removeColumn('users', 'legacy_flag'"),
    ("sequelize", "rename users.name to full_name", "queryInterface.renameColumn('users', 'name', 'full_name'"),
    ("sequelize", "add published_at to posts and add index on posts(published_at)", "concurrently: true"),
    ("sequelize", "drop table audit_log", "queryInterface.dropTable('audit_log'"),
    ("sequelize", "add status varchar(20) default 'active' not null to users", "{ type: Sequelize.STRING(20), allowNull: false, defaultValue: 'active' }"),
    ("sequelize", "add last_seen_at:timestamptz default now() to users", "defaultValue: Sequelize.fn('now')"),
    ("sequelize", "rename table audit_log to events", "queryInterface.renameTable('audit_log', 'events'"),
    ("sequelize", "add unique index on users(email)", "unique: true, concurrently: true"),
    ("sequelize", "add unique index on users(email) --rows users=100 --rows posts=100", "unique: true, transaction"),
    ("sequelize", "drop index posts_title_idx --rows users=100 --rows posts=100", "queryInterface.removeIndex('posts', 'posts_title_idx'"),
    ("sequelize", "add foreign key from posts.author_id to users.id on delete cascade --rows users=100 --rows posts=100", "type: 'foreign key'"),
    ("knex", "add last_login_at to users", "t.timestamp('last_login_at', { useTz: true })"),
    ("knex", "remove legacy_flag from users", "t.dropColumn('legacy_flag')"),
    ("knex", "rename users.name to full_name", "t.renameColumn('name', 'full_name')"),
    ("knex", "drop table audit_log", "knex.schema.dropTable('audit_log')"),
    ("knex", "add status varchar(20) default 'active' not null to users", "t.string('status', 20).notNullable().defaultTo('active')"),
    ("knex", "add last_seen_at:timestamptz default now() to users", ".defaultTo(knex.raw('now()'))"),
    ("knex", "rename table audit_log to events", "knex.schema.renameTable('audit_log', 'events')"),
    ("knex", "make users.name nullable", "t.setNullable('name')"),
    ("knex", "make users.email not null --rows users=100 --rows posts=100", "t.dropNullable('email')"),
    ("knex", "add unique index on users(email) --rows users=100 --rows posts=100", "useConstraint: false"),
    ("knex", "drop index posts_title_idx --rows users=100 --rows posts=100", "t.dropIndex([], 'posts_title_idx')"),
    ("knex", "add foreign key from posts.author_id to users.id on delete cascade --rows users=100 --rows posts=100", ".onDelete('CASCADE')"),
    ("typeorm", "add last_login_at to users", "new TableColumn({ name: 'last_login_at', type: 'timestamptz', isNullable: true })"),
    ("typeorm", "remove legacy_flag from users", "queryRunner.dropColumn('users', 'legacy_flag')"),
    ("typeorm", "rename users.name to full_name", "queryRunner.renameColumn('users', 'name', 'full_name')"),
    ("typeorm", "add published_at to posts and add index on posts(published_at)", "isConcurrent: true"),
    ("typeorm", "create table tags with name:string", "queryRunner.createTable(new Table("),
    ("typeorm", "drop table audit_log", "queryRunner.dropTable('audit_log')"),
    ("typeorm", "add status varchar(20) default 'active' not null to users", "type: 'varchar', length: '20', isNullable: false, default: '\\'active\\''"),
    ("typeorm", "rename table audit_log to events", "queryRunner.renameTable('audit_log', 'events')"),
    ("typeorm", "set default of users.age to 0", "default: '0'"),
    ("typeorm", "make users.name nullable", "isNullable: true"),
    ("typeorm", "add unique index on users(email)", "isUnique: true, isConcurrent: true"),
    ("typeorm", "make users.email not null --rows users=100 --rows posts=100", "{ isNullable: false }"),
    ("typeorm", "drop index posts_title_idx --rows users=100 --rows posts=100", "queryRunner.dropIndex('posts', 'posts_title_idx')"),
    ("typeorm", "add foreign key from posts.author_id to users.id on delete cascade --rows users=100 --rows posts=100", "new TableForeignKey("),
];

/// `generate` flags that make the fixture tables small, so changes take their plain form.
const SMALL: &[&str] = &["--rows", "users=100", "--rows", "posts=100"];

/// How to drive one framework.
struct Framework {
    /// `--framework NAME` and the fixture directory name.
    name: &'static str,
    migrations_dir: &'static str,
    /// Tables the framework keeps its own bookkeeping in (left out of the comparison).
    history: &'static [&'static str],
    /// Run once before the first migration (e.g. apply the fixture's baseline migration).
    setup: &'static [&'static [&'static str]],
    /// Apply every pending migration.
    up: &'static [&'static [&'static str]],
    /// Roll back the last `n` migrations: the commands, with `{n}` replaced.
    down: &'static [&'static [&'static str]],
    /// Whether `down` rolls back one migration at a time (so runs `n` times).
    down_one_at_a_time: bool,
    /// For frameworks that ignore a migration's own transaction opt-out when rolling back
    /// (TypeORM): the text marking such a migration, and the rollback command to use for it.
    down_without_transaction: Option<(&'static str, &'static [&'static str])>,
    /// Extra environment for the CLI.
    env: &'static [(&'static str, &'static str)],
    /// Run once after every scenario, on the project holding a copy of every generated file in
    /// `kept/` (TypeORM: one `tsc --noEmit` type-checks them all, so the runs can skip it).
    finally: &'static [&'static [&'static str]],
    /// Executables that must exist (relative to the repository, or on PATH).
    needs: &'static [&'static str],
    /// `(scenario, text)`: the files generated for the scenario must contain the text, the
    /// framework's own call for it, so a renderer falling back to raw SQL fails the test.
    idioms: &'static [(&'static str, &'static str)],
}

/// The framework's CLIs, or `None` with a loud message (a failure under CI).
fn tools_present(fw: &Framework) -> bool {
    let missing = missing_tools(fw.needs);
    if missing.is_empty() {
        return true;
    }
    let msg = format!(
        "{}: missing {} — run scripts/install-code-frameworks.sh",
        fw.name,
        missing.join(", ")
    );
    if std::env::var_os("CI").is_some() {
        panic!("CI: {msg}");
    }
    eprintln!("SKIPPED (not run!) {msg}");
    false
}

/// The snapshot without the framework's bookkeeping tables (and their indexes, whose names,
/// like TypeORM's `PK_<hash>`, need not mention the table).
fn user_schema(db: &TestDb, history: &[&str]) -> Vec<String> {
    let lines = db.snapshot();
    let on_history = |line: &str| {
        history.iter().any(|t| {
            line.contains(&format!("public.{t}")) || line.contains(&format!("public.\"{t}"))
        })
    };
    let history_indexes: Vec<String> = lines
        .iter()
        .filter(|l| l.starts_with("index ") && on_history(l))
        .filter_map(|l| {
            let name = l.split(" INDEX ").nth(1)?.split(" ON ").next()?;
            Some(format!("relation public.{} kind=i", name.trim_matches('"')))
        })
        .collect();
    lines
        .into_iter()
        .filter(|l| !on_history(l) && !history_indexes.contains(l))
        .collect()
}

/// `migsmith generate` into `project`; returns the files it wrote.
fn generate(
    project: &Path,
    framework: &str,
    dir: &str,
    (description, flags): (&str, &[&str]),
    now: &str,
) -> Vec<PathBuf> {
    let schema = repo().join("tests/fixtures/e2e/schema.sql");
    let mut args = vec!["--schema", schema.to_str().unwrap(), "--now", now];
    args.extend(flags);
    e2e::generate(project, framework, dir, description, &args)
}

/// The catalog after the plain SQL files for `description` ran on a fresh database (the
/// reference every framework must reach).
fn sql_reference(scenario: (&str, &[&str]), now: &str) -> Option<Vec<String>> {
    let db = TestDb::create("e2e_ref")?;
    db.psql_file(&repo().join("tests/fixtures/e2e/schema.sql"))
        .unwrap();
    let project = tempfile::tempdir().unwrap();
    let files = generate(project.path(), "sql", "migrations", scenario, now);
    for f in files
        .iter()
        .filter(|f| f.to_string_lossy().ends_with(".up.sql"))
    {
        db.psql_file(f).unwrap();
    }
    Some(db.snapshot())
}

fn end_to_end(fw: &Framework) {
    if !tools_present(fw) {
        return;
    }
    let Some(db) = TestDb::create(&format!("e2e_{}", fw.name)) else {
        return;
    };
    db.psql_file(&repo().join("tests/fixtures/e2e/schema.sql"))
        .unwrap();
    let work = tempfile::tempdir().unwrap();
    let project = work.path().join(fw.name);
    copy_dir(&repo().join("tests/fixtures/e2e").join(fw.name), &project);
    let node_modules = repo().join(".e2e/node/node_modules");
    if node_modules.is_dir() {
        std::os::unix::fs::symlink(&node_modules, project.join("node_modules")).unwrap();
    }
    for cmd in fw.setup {
        run(&project, &db.url, fw.env, cmd, 1);
    }
    let start = user_schema(&db, fw.history);
    for (scenario, _) in fw.idioms {
        assert!(
            SCENARIOS
                .iter()
                .any(|(d, f)| *scenario == format!("{d} {}", f.join(" ")).trim()),
            "{}: no scenario `{scenario}`",
            fw.name
        );
    }
    for (i, &(description, flags)) in SCENARIOS.iter().enumerate() {
        let now = format!("20261122{:02}{:02}00", 10 + i / 60, i % 60);
        let context = format!("{} `{description}` {}", fw.name, flags.join(" "));
        let expected = sql_reference((description, flags), &now).expect("reference database");
        assert_ne!(expected, start, "{context}: the plan changes nothing");

        let files = generate(
            &project,
            fw.name,
            fw.migrations_dir,
            (description, flags),
            &now,
        );
        let text: String = files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect();
        for (_, idiom) in fw
            .idioms
            .iter()
            .filter(|(d, _)| *d == format!("{description} {}", flags.join(" ")).trim())
        {
            assert!(
                text.contains(idiom),
                "{context}: expected the framework's own call `{idiom}` in:\n{text}"
            );
        }
        assert_idioms(
            fw.name,
            format!("{description} {}", flags.join(" ")).trim(),
            &files,
        );
        for cmd in fw.up {
            run(&project, &db.url, fw.env, cmd, files.len());
        }
        assert_same_schema(
            &format!("{context} up"),
            &expected,
            &user_schema(&db, fw.history),
        );

        if fw.down_one_at_a_time {
            for file in files.iter().rev() {
                let text = std::fs::read_to_string(file).unwrap();
                match fw.down_without_transaction {
                    Some((marker, cmd)) if text.contains(marker) => {
                        run(&project, &db.url, fw.env, cmd, 1);
                    }
                    _ => fw.down.iter().for_each(|cmd| {
                        run(&project, &db.url, fw.env, cmd, 1);
                    }),
                }
            }
        } else {
            for cmd in fw.down {
                run(&project, &db.url, fw.env, cmd, files.len());
            }
        }
        assert_same_schema(
            &format!("{context} down"),
            &start,
            &user_schema(&db, fw.history),
        );
        // As a user would after rolling back: the next change starts from a clean directory.
        let kept = project.join("kept");
        std::fs::create_dir_all(&kept).unwrap();
        for f in files {
            std::fs::rename(&f, kept.join(f.file_name().unwrap())).unwrap();
        }
    }
    for cmd in fw.finally {
        run(&project, &db.url, fw.env, cmd, 0);
    }
}

/// The files for `description` contain every idiom [`IDIOMS`] expects of `framework`.
fn assert_idioms(framework: &str, description: &str, files: &[PathBuf]) {
    let text: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    for (_, _, idiom) in IDIOMS
        .iter()
        .filter(|(f, d, _)| *f == framework && *d == description)
    {
        assert!(
            text.contains(idiom),
            "{framework} `{description}`: expected `{idiom}` in the generated files:\n{text}"
        );
    }
}

#[test]
fn idioms_name_real_scenarios() {
    for (framework, description, _) in IDIOMS {
        assert!(
            SCENARIOS
                .iter()
                .any(|(d, f)| *description == format!("{d} {}", f.join(" ")).trim()),
            "IDIOMS names `{description}` ({framework}), which is no scenario"
        );
    }
}

#[test]
fn sequelize() {
    end_to_end(&Framework {
        name: "sequelize",
        migrations_dir: "migrations",
        history: &["SequelizeMeta"],
        setup: &[],
        up: &[&["sequelize-cli", "db:migrate"]],
        down: &[&["sequelize-cli", "db:migrate:undo"]],
        down_one_at_a_time: true,
        down_without_transaction: None,
        env: &[],
        finally: &[],
        needs: &["sequelize-cli"],
        idioms: &[],
    });
}

#[test]
fn typeorm() {
    end_to_end(&Framework {
        name: "typeorm",
        migrations_dir: "migrations",
        history: &["migrations"],
        setup: &[],
        up: &[&[
            "typeorm-ts-node-commonjs",
            "migration:run",
            "-d",
            "data-source.ts",
        ]],
        down: &[&[
            "typeorm-ts-node-commonjs",
            "migration:revert",
            "-d",
            "data-source.ts",
        ]],
        down_one_at_a_time: true,
        down_without_transaction: Some((
            "transaction = false",
            &[
                "typeorm-ts-node-commonjs",
                "migration:revert",
                "-d",
                "data-source.ts",
                "-t",
                "none",
            ],
        )),
        env: &[("TS_NODE_TRANSPILE_ONLY", "true")],
        finally: &[&["tsc", "--noEmit", "-p", "tsconfig.json"]],
        needs: &["typeorm-ts-node-commonjs", "tsc"],
        idioms: &[],
    });
}

#[test]
fn knex() {
    end_to_end(&Framework {
        name: "knex",
        migrations_dir: "migrations",
        history: &["knex_migrations"],
        setup: &[],
        up: &[&["knex", "migrate:latest"]],
        down: &[&["knex", "migrate:down"]],
        down_one_at_a_time: true,
        down_without_transaction: None,
        env: &[],
        finally: &[],
        needs: &["knex"],
        idioms: &[],
    });
}

#[test]
fn django() {
    end_to_end(&Framework {
        name: "django",
        migrations_dir: "shop/migrations",
        history: &["django_migrations"],
        // The tables exist already: 0001 only declares them as models.
        setup: &[&["python", "manage.py", "migrate", "shop", "--fake"]],
        up: &[&["python", "manage.py", "migrate", "shop"]],
        down: &[&["python", "manage.py", "migrate", "shop", "0001"]],
        down_one_at_a_time: false,
        down_without_transaction: None,
        env: &[],
        finally: &[],
        needs: &["python", "django-admin"],
        idioms: &[
            (
                "create labels (id bigint primary key, note text)",
                "(\"id\", models.BigIntegerField(primary_key=True, serialize=False)),",
            ),
            (
                "create labels (code varchar(20) primary key, note text)",
                "state_operations=[\n                migrations.CreateModel(",
            ),
            (
                "add last_login_at to users",
                "migrations.AddField(\n            model_name=\"user\",\n            name=\"last_login_at\"",
            ),
            (
                "remove legacy_flag from users",
                "migrations.RemoveField(model_name=\"user\", name=\"legacy_flag\")",
            ),
            (
                "rename users.name to full_name",
                "migrations.RenameField(model_name=\"user\", old_name=\"name\", new_name=\"full_name\")",
            ),
            (
                "add index on users(email)",
                "AddIndexConcurrently(\n            model_name=\"user\"",
            ),
            (
                "create table tags with name:string",
                "migrations.CreateModel(\n            name=\"Tags\"",
            ),
            (
                "drop table audit_log",
                "migrations.DeleteModel(name=\"AuditLog\")",
            ),
            (
                "add status varchar(20) default 'active' not null to users",
                "models.CharField(max_length=20, db_default=\"active\")",
            ),
            (
                "rename table audit_log to events",
                "migrations.AlterModelTable(name=\"auditlog\", table=\"events\")",
            ),
            (
                "add index on users(age) --rows users=100 --rows posts=100",
                "migrations.AddIndex(\n            model_name=\"user\"",
            ),
        ],
    });
}

#[test]
fn alembic() {
    end_to_end(&Framework {
        name: "alembic",
        migrations_dir: "alembic/versions",
        history: &["alembic_version"],
        setup: &[&["alembic", "upgrade", "head"]],
        up: &[&["alembic", "upgrade", "head"]],
        down: &[&["alembic", "downgrade", "-{n}"]],
        down_one_at_a_time: false,
        down_without_transaction: None,
        env: &[],
        finally: &[],
        needs: &["alembic"],
        idioms: &[
            (
                "create labels (id bigint primary key, note text)",
                "sa.Column(\"id\", sa.BigInteger(), autoincrement=False, nullable=False)",
            ),
            (
                "add last_login_at to users",
                "op.add_column(\"users\", sa.Column(\"last_login_at\", sa.DateTime(timezone=True), nullable=True))",
            ),
            (
                "remove legacy_flag from users",
                "op.drop_column(\"users\", \"legacy_flag\")",
            ),
            (
                "rename users.name to full_name",
                "op.alter_column(\"users\", \"name\", new_column_name=\"full_name\")",
            ),
            (
                "change type of users.age to bigint --rows users=100 --rows posts=100",
                "type_=sa.BigInteger(), postgresql_using=",
            ),
            (
                "add index on users(email)",
                "op.create_index(\"users_email_idx\", \"users\", [\"email\"], postgresql_concurrently=True)",
            ),
            (
                "create table tags with name:string",
                "op.create_table(",
            ),
            (
                "drop table audit_log",
                "op.drop_table(\"audit_log\")",
            ),
            (
                "add status varchar(20) default 'active' not null to users",
                "sa.String(20), nullable=False, server_default=sa.text(",
            ),
            (
                "add unique index on users(email)",
                "unique=True, postgresql_concurrently=True",
            ),
            (
                "rename table audit_log to events",
                "op.rename_table(\"audit_log\", \"events\")",
            ),
            (
                "set default of users.age to 0",
                "op.alter_column(\"users\", \"age\", server_default=sa.text(\"0\"))",
            ),
            (
                "drop index posts_title_idx",
                "op.drop_index(\"posts_title_idx\", table_name=\"posts\", postgresql_concurrently=True)",
            ),
            (
                "make users.email not null --rows users=100 --rows posts=100",
                "op.alter_column(\"users\", \"email\", nullable=False)",
            ),
            (
                "add foreign key from posts.author_id to users.id on delete cascade --rows users=100 --rows posts=100",
                "ondelete=\"CASCADE\"",
            ),
            (
                "add index on users(age) --rows users=100 --rows posts=100",
                "op.create_index(\"users_age_idx\", \"users\", [\"age\"])",
            ),
        ],
    });
}

#[test]
fn rails() {
    end_to_end(&Framework {
        name: "rails",
        migrations_dir: "db/migrate",
        history: &["schema_migrations", "ar_internal_metadata"],
        setup: &[],
        up: &[&["rake", "db:migrate"]],
        down: &[&["rake", "db:rollback", "STEP={n}"]],
        down_one_at_a_time: false,
        down_without_transaction: None,
        env: &[],
        finally: &[],
        needs: &["ruby", "rake"],
        idioms: &[
            (
                "create labels (id bigint primary key, note text)",
                "t.column :id, :bigint, null: false, primary_key: true, default: nil",
            ),
            (
                "create labels (code varchar(20) primary key, note text)",
                "t.column :code, :string, limit: 20, null: false, primary_key: true",
            ),
            (
                "add last_login_at to users",
                "add_column :users, :last_login_at, :timestamptz",
            ),
            (
                "remove legacy_flag from users",
                "remove_column :users, :legacy_flag, :boolean",
            ),
            (
                "rename users.name to full_name",
                "rename_column :users, :name, :full_name",
            ),
            (
                "change type of users.age to bigint --rows users=100 --rows posts=100",
                "change_column :users, :age, :bigint, using: ",
            ),
            (
                "add index on users(email)",
                "add_index :users, :email, name: \'users_email_idx\', algorithm: :concurrently",
            ),
            (
                "drop table audit_log",
                "drop_table :audit_log",
            ),
            (
                "add status varchar(20) default 'active' not null to users",
                "add_column :users, :status, :string, limit: 20, null: false, default: \'active\'",
            ),
            (
                "add unique index on users(email)",
                "unique: true, algorithm: :concurrently",
            ),
            (
                "set default of users.age to 0",
                "change_column_default :users, :age, 0",
            ),
            (
                "drop index posts_title_idx",
                "remove_index :posts, name: \'posts_title_idx\', algorithm: :concurrently",
            ),
            (
                "make users.email not null --rows users=100 --rows posts=100",
                "change_column_null :users, :email, false",
            ),
            (
                "add foreign key from posts.author_id to users.id on delete cascade --rows users=100 --rows posts=100",
                "add_foreign_key :posts, :users, column: :author_id, primary_key: :id, name: \'posts_author_id_fkey\', on_delete: :cascade",
            ),
            (
                "add index on users(age) --rows users=100 --rows posts=100",
                "add_index :users, :age, name: \'users_age_idx\'",
            ),
        ],
    });
}

#[test]
fn laravel() {
    end_to_end(&Framework {
        name: "laravel",
        migrations_dir: "database/migrations",
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
        down_without_transaction: None,
        env: &[],
        finally: &[],
        needs: &["php"],
        idioms: &[],
    });
}
