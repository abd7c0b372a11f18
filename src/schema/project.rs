//! The current schema read from a project's own files, when there is no database URL and no
//! dump: the SQL-file frameworks' migrations replayed in the order their tool applies them
//! (Flyway, golang-migrate, sqlx, raw SQL, dbmate and goose up sections, diesel, Prisma), a
//! Prisma `schema.prisma` (`prisma_schema`) when it has no migrations, and Rails'
//! `db/structure.sql` or `db/schema.rb` (`rails_schema`), Django's migration files read
//! statically across every app of the project (`django`), and Laravel's PHP migrations read
//! statically (`laravel_schema`). The other code frameworks (Sequelize, TypeORM, Knex,
//! Alembic) keep their schema in code migsmith does not run: they get an error that says to
//! pass `--database-url` or `--schema`. Read-only.

use super::sql::{Interpreter, LoadError};
use super::Schema;
use std::path::{Path, PathBuf};

/// How a framework's migrations directory is replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// `*.up.sql` files in name order, else plain `*.sql` (raw SQL, golang-migrate, sqlx).
    UpFiles,
    /// `V<n>__*.sql` in numeric version order.
    Flyway,
    /// The `-- migrate:up` section of each `*.sql` file, in name order.
    Dbmate,
    /// The `-- +goose Up` section of each `*.sql` file, in name order.
    Goose,
    /// `<dir>/up.sql` of each migration folder, in name order.
    Diesel,
    /// `<dir>/migration.sql` of each migration folder, in name order; `schema.prisma` when
    /// there are none.
    Prisma,
    /// `db/structure.sql`, else `db/schema.rb`.
    Rails,
    /// Every app's migration files under the directory of `manage.py`, read statically in
    /// Django's dependency order.
    Django,
    /// `database/migrations/*.php` read statically (`laravel_schema`), after
    /// `database/schema/pgsql-schema.sql` when there is one.
    Laravel,
    /// No way to read the schema from the files.
    NeedsDatabase,
}

impl Replay {
    /// The replay for a framework (by its `--framework` name).
    pub fn for_framework(name: &str) -> Replay {
        match name {
            "sql" | "golang-migrate" | "sqlx" => Replay::UpFiles,
            "flyway" => Replay::Flyway,
            "dbmate" => Replay::Dbmate,
            "goose" => Replay::Goose,
            "diesel" => Replay::Diesel,
            "prisma" => Replay::Prisma,
            "rails" => Replay::Rails,
            "django" => Replay::Django,
            "laravel" => Replay::Laravel,
            _ => Replay::NeedsDatabase,
        }
    }
}

fn read(path: &Path) -> Result<String, LoadError> {
    super::sql::read_source(path)
}

fn entries(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    if !dir.is_dir() {
        return Ok(vec![]);
    }
    let io = |e: std::io::Error| LoadError {
        origin: dir.display().to_string(),
        line: 0,
        message: format!("cannot read directory: {e}"),
    };
    let mut out = vec![];
    for e in std::fs::read_dir(dir).map_err(io)? {
        out.push(e.map_err(io)?.path());
    }
    out.sort();
    Ok(out)
}

fn name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The text of a file between the line starting with `start` and the next line starting with
/// any of `ends` (exclusive), with the other lines blanked so line numbers stay right.
pub fn section(text: &str, start: &str, ends: &[&str]) -> String {
    let mut inside = false;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with(start) {
            inside = true;
        } else if ends.iter().any(|e| t.starts_with(e)) {
            inside = false;
        } else if inside && !t.starts_with("-- +goose") {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// Whether the app's configuration sets `config.active_record.schema_format = :sql`
/// (config/application.rb or an environment file).
fn says_schema_format_sql(project_dir: &Path) -> bool {
    let config = project_dir.join("config");
    let mut files = vec![config.join("application.rb")];
    files.extend(entries(&config.join("environments")).unwrap_or_default());
    files.iter().any(|f| {
        std::fs::read_to_string(f).is_ok_and(|t| {
            t.lines().any(|l| {
                let l = l.trim();
                !l.starts_with('#')
                    && l.contains("schema_format")
                    && l.split('=')
                        .nth(1)
                        .is_some_and(|v| v.trim().starts_with(":sql"))
            })
        })
    })
}

/// One note instead of one per `INSERT INTO schema_migrations` row of a structure.sql.
fn quiet_rails_bookkeeping(notes: &mut Vec<String>) {
    let before = notes.len();
    notes.retain(|n| !n.starts_with("ignored INSERT INTO schema_migrations"));
    let rows = before - notes.len();
    if rows > 0 {
        notes.push(format!(
            "ignored {rows} INSERT INTO schema_migrations statement(s) (Rails' migration versions)"
        ));
    }
}

/// Notes for the schema files of a Rails app's other databases (`db/<name>_schema.rb`,
/// `db/<name>_structure.sql`, from `config/database.yml`'s multiple databases): only the
/// primary database's `schema.rb`/`structure.sql` is read.
fn other_databases(db: &Path) -> Result<Vec<String>, LoadError> {
    Ok(entries(db)?
        .into_iter()
        .filter_map(|p| {
            let n = name(&p);
            let database = n
                .strip_suffix("_schema.rb")
                .or_else(|| n.strip_suffix("_structure.sql"))?
                .to_string();
            Some(format!(
                "{} is the schema of another database ({database}): not read; pass --schema {} to work on that one",
                p.display(),
                p.display()
            ))
        })
        .collect())
}

/// Replay a project's migrations into a schema. Returns the schema and the files read.
pub fn replay(
    replay: Replay,
    project_dir: &Path,
    migrations_dir: &Path,
    framework: &str,
) -> Result<(Schema, Vec<PathBuf>), LoadError> {
    let dir = project_dir.join(migrations_dir);
    // One interpreter for the whole history, so each file costs what it holds.
    let mut schema = Interpreter::new(Schema::default());
    let mut used = vec![];
    let mut apply =
        |schema: &mut Interpreter, path: PathBuf, text: &str| -> Result<(), LoadError> {
            schema.apply(text, &path.display().to_string())?;
            used.push(path);
            Ok(())
        };
    match replay {
        Replay::UpFiles => return super::sql::load_migrations_dir(&dir),
        Replay::Flyway => {
            let mut files: Vec<(Vec<u64>, PathBuf)> = entries(&dir)?
                .into_iter()
                .filter_map(|p| {
                    let n = name(&p);
                    let (v, rest) = n.strip_prefix('V')?.split_once("__")?;
                    if !rest.ends_with(".sql") {
                        return None;
                    }
                    let parts: Option<Vec<u64>> =
                        v.split(['.', '_']).map(|x| x.parse().ok()).collect();
                    Some((parts?, p))
                })
                .collect();
            files.sort();
            for (_, p) in files {
                let text = read(&p)?;
                apply(&mut schema, p, &text)?;
            }
        }
        Replay::Dbmate | Replay::Goose => {
            let (start, ends): (&str, &[&str]) = if replay == Replay::Dbmate {
                ("-- migrate:up", &["-- migrate:down"])
            } else {
                ("-- +goose Up", &["-- +goose Down"])
            };
            for p in entries(&dir)? {
                if !name(&p).ends_with(".sql") {
                    continue;
                }
                let text = section(&read(&p)?, start, ends);
                apply(&mut schema, p, &text)?;
            }
        }
        Replay::Diesel | Replay::Prisma => {
            let file = if replay == Replay::Diesel {
                "up.sql"
            } else {
                "migration.sql"
            };
            for d in entries(&dir)? {
                let p = d.join(file);
                if p.is_file() {
                    let text = read(&p)?;
                    apply(&mut schema, p, &text)?;
                }
            }
            if replay == Replay::Prisma && used.is_empty() {
                // `schema.prisma` next to the migrations directory, or the `prismaSchemaFolder`
                // layout: every `*.prisma` there and in its `schema/` folder, as one schema.
                let parent = dir.parent().unwrap_or(&dir);
                let mut files = vec![];
                for d in [parent.to_path_buf(), parent.join("schema")] {
                    files.extend(
                        entries(&d)?
                            .into_iter()
                            .filter(|p| p.is_file() && name(p).ends_with(".prisma")),
                    );
                }
                if !files.is_empty() {
                    let mut texts = vec![];
                    for p in &files {
                        texts.push((read(p)?, p.display().to_string()));
                    }
                    let schema = super::prisma_schema::load_files(&texts)?;
                    return Ok((schema, files));
                }
            }
        }
        Replay::Rails => {
            let db = migrations_dir.parent().unwrap_or(Path::new("db"));
            let structure = project_dir.join(db).join("structure.sql");
            let schema_rb = project_dir.join(db).join("schema.rb");
            let mut others = other_databases(&project_dir.join(db))?;
            // Rails reads db/schema.rb unless `config.active_record.schema_format = :sql`.
            let sql_format = says_schema_format_sql(project_dir);
            let both = structure.is_file() && schema_rb.is_file();
            if both && !sql_format {
                others.push(format!(
                    "{} not read: config/application.rb does not set `schema_format = :sql`, so Rails (and migsmith) read {}",
                    structure.display(),
                    schema_rb.display()
                ));
            }
            if structure.is_file() && (sql_format || !schema_rb.is_file()) {
                let text = read(&structure)?;
                apply(&mut schema, structure, &text)?;
                let mut s = schema.into_schema();
                quiet_rails_bookkeeping(&mut s.notes);
                s.notes.extend(others);
                return Ok((s, used));
            } else if schema_rb.is_file() {
                let text = read(&schema_rb)?;
                let mut s = super::rails_schema::load(&text, &schema_rb.display().to_string())?;
                s.notes.extend(others);
                return Ok((s, vec![schema_rb]));
            }
            let mut s = schema.into_schema();
            s.notes.extend(others);
            return Ok((s, used));
        }
        Replay::Django => {
            let root = super::django::project_root(project_dir, migrations_dir);
            return super::django::load(&root);
        }
        Replay::Laravel => return super::laravel_schema::replay_dir(&dir),
        Replay::NeedsDatabase => {
            return Err(LoadError {
                origin: migrations_dir.display().to_string(),
                line: 0,
                message: format!(
                    "{framework} keeps the schema in code migsmith does not run: pass --database-url URL (the database the migrations were applied to) or --schema FILE (e.g. the output of `pg_dump --schema-only`)"
                ),
            })
        }
    }
    Ok((schema.into_schema(), used))
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn sections_keep_line_numbers() {
        let text = "-- migrate:up\nCREATE TABLE a (x int);\n-- migrate:down\nDROP TABLE a;\n";
        assert_eq!(
            section(text, "-- migrate:up", &["-- migrate:down"]),
            "\nCREATE TABLE a (x int);\n\n\n"
        );
    }

    #[test]
    fn code_frameworks_ask_for_a_database() {
        let dir = tempfile::tempdir().unwrap();
        let e = replay(Replay::NeedsDatabase, dir.path(), Path::new("m"), "knex").unwrap_err();
        assert!(e.message.contains("--database-url"), "{e}");
        assert!(e.message.contains("--schema"), "{e}");
    }

    #[test]
    fn rails_reads_schema_rb_unless_the_app_says_sql() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("db")).unwrap();
        std::fs::create_dir_all(root.join("config")).unwrap();
        std::fs::write(
            root.join("db/schema.rb"),
            "ActiveRecord::Schema[8.0].define(version: 1) do\n  create_table \"from_rb\" do |t|\n  end\nend\n",
        )
        .unwrap();
        std::fs::write(
            root.join("db/structure.sql"),
            "CREATE TABLE from_sql (x int);\nINSERT INTO schema_migrations (version) VALUES ('1');\nINSERT INTO schema_migrations (version) VALUES ('2');\n",
        )
        .unwrap();
        std::fs::write(root.join("db/queue_schema.rb"), "").unwrap();
        let m = Path::new("db/migrate");
        let (s, used) = replay(Replay::Rails, root, m, "rails").unwrap();
        assert!(s.tables.contains_key("from_rb"), "{:?}", s.tables.keys());
        assert!(used[0].ends_with("schema.rb"));
        assert!(
            s.notes.iter().any(|n| n.contains("structure.sql not read")),
            "{:?}",
            s.notes
        );
        assert!(
            s.notes
                .iter()
                .any(|n| n.contains("another database (queue)")),
            "{:?}",
            s.notes
        );
        std::fs::write(
            root.join("config/application.rb"),
            "module App\n  class Application\n    config.active_record.schema_format = :sql\n  end\nend\n",
        )
        .unwrap();
        let (s, _) = replay(Replay::Rails, root, m, "rails").unwrap();
        assert!(s.tables.contains_key("from_sql"), "{:?}", s.tables.keys());
        let rows: Vec<&String> = s
            .notes
            .iter()
            .filter(|n| n.contains("schema_migrations"))
            .collect();
        assert_eq!(rows.len(), 1, "{:?}", s.notes);
        assert!(rows[0].contains("ignored 2 INSERT"), "{rows:?}");
    }

    #[test]
    fn flyway_replays_in_numeric_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("V10__b.sql"),
            "ALTER TABLE t ADD COLUMN b int;",
        )
        .unwrap();
        std::fs::write(dir.path().join("V2__a.sql"), "CREATE TABLE t (a int);").unwrap();
        std::fs::write(dir.path().join("U2__a.sql"), "DROP TABLE t;").unwrap();
        let (s, used) = replay(Replay::Flyway, dir.path(), Path::new(""), "flyway").unwrap();
        assert_eq!(used.len(), 2);
        assert_eq!(s.tables["t"].columns.len(), 2);
    }

    /// Every SQL-file fixture project creates `users` then adds `name` in a second migration
    /// (after a down file or section that must not be replayed).
    #[test]
    fn fixture_projects_replay_in_their_frameworks_order() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/frameworks");
        for (framework, dir, files) in [
            ("flyway", "db/migration", 2),
            ("dbmate", "db/migrations", 2),
            ("goose", "migrations", 2),
            ("golang-migrate", "migrations", 2),
            ("sqlx", "migrations", 2),
            ("diesel", "migrations", 2),
            ("prisma", "prisma/migrations", 2),
            ("rails", "db/migrate", 1),
        ] {
            let how = Replay::for_framework(framework);
            let (schema, used) = replay(how, &root.join(framework), Path::new(dir), framework)
                .unwrap_or_else(|e| panic!("{framework}: {e}"));
            assert_eq!(used.len(), files, "{framework}: {used:?}");
            let columns: Vec<&str> = schema.tables["users"]
                .columns
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            assert_eq!(columns, ["id", "email", "name"], "{framework}");
        }
    }

    /// A Prisma project without migrations in the `prismaSchemaFolder` layout reads every file.
    #[test]
    fn prisma_schema_folders_are_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let schema = dir.path().join("prisma/schema");
        std::fs::create_dir_all(&schema).unwrap();
        std::fs::write(
            schema.join("a.prisma"),
            "model A {\n  id Int @id\n  b B[]\n}\n",
        )
        .unwrap();
        std::fs::write(
            schema.join("b.prisma"),
            "model B {\n  id Int @id\n  aId Int\n  a A @relation(fields: [aId], references: [id])\n}\n",
        )
        .unwrap();
        let (s, used) = replay(
            Replay::Prisma,
            dir.path(),
            Path::new("prisma/migrations"),
            "prisma",
        )
        .unwrap();
        assert_eq!(used.len(), 2);
        assert_eq!(s.tables["B"].foreign_keys[0].ref_table, "A");
    }
}
