//! The schema sources the scale benchmark reads, all describing the same tables (see
//! [`table_ddl`]): a real `pg_dump --schema-only` of a scratch database, a raw-SQL migrations
//! directory with one migration per table, and a Rails `db/schema.rb` as Rails dumps it.
//!
//! To measure another reader, add a [`Source`] to [`SOURCES`]: it writes its project files
//! for `tables` tables into a directory and names the `migsmith` flags that read them.

use postgres::{Client, NoTls};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// One way of handing migsmith the benchmark's schema.
pub struct Source {
    /// Shown in the results table.
    pub name: &'static str,
    /// Write the project for `tables` tables into `dir` (the database's dump is `dump`, already
    /// written); returns the source flags for `migsmith schema` / `migsmith generate`.
    pub prepare: fn(tables: usize, dir: &Path, dump: &Path) -> Vec<String>,
}

/// Every source measured, in the order printed.
pub const SOURCES: &[Source] = &[
    Source {
        name: "pg_dump file (--schema)",
        prepare: |_, _, dump| {
            vec![
                "--schema".into(),
                dump.display().to_string(),
                "--framework".into(),
                "sql".into(),
            ]
        },
    },
    Source {
        name: "SQL migrations (one per table)",
        prepare: sql_migrations,
    },
    Source {
        name: "Rails db/schema.rb",
        prepare: rails_schema_rb,
    },
    Source {
        name: "Django migrations (4 apps, one per table)",
        prepare: django_migrations,
    },
];

/// How many apps the Django project spreads its models over.
const DJANGO_APPS: usize = 4;

/// A Django project with one migration per table (`CreateModel` with `db_table`, an index
/// with a condition, a check, a column comment; every tenth model a foreign key to a model
/// of another app), spread over [`DJANGO_APPS`] apps, each migration depending on the
/// previous one of its app and on the one creating the model it references.
fn django_migrations(tables: usize, dir: &Path, _dump: &Path) -> Vec<String> {
    let app = |i: usize| format!("app{}", i % DJANGO_APPS);
    let migration = |i: usize| format!("{:04}_t{i:04}", i / DJANGO_APPS + 1);
    std::fs::create_dir_all(dir.join("proj")).expect("create proj/");
    std::fs::write(
        dir.join("manage.py"),
        "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"proj.settings\")\n",
    )
    .expect("write manage.py");
    std::fs::write(dir.join("proj/__init__.py"), "").expect("write proj/__init__.py");
    let apps: Vec<String> = (0..DJANGO_APPS.min(tables)).map(app).collect();
    std::fs::write(
        dir.join("proj/settings.py"),
        format!(
            "INSTALLED_APPS = [{}]\nDATABASES = {{\"default\": {{\"ENGINE\": \"django.db.backends.postgresql\", \"NAME\": \"scale\"}}}}\n",
            apps.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ")
        ),
    )
    .expect("write settings.py");
    for a in &apps {
        std::fs::create_dir_all(dir.join(a).join("migrations")).expect("create migrations/");
        std::fs::write(dir.join(a).join("__init__.py"), "").expect("write __init__.py");
        std::fs::write(dir.join(a).join("migrations/__init__.py"), "").expect("write __init__.py");
    }
    for i in 0..tables {
        let mut deps = Vec::new();
        if i >= DJANGO_APPS {
            deps.push(format!(
                "(\"{}\", \"{}\")",
                app(i),
                migration(i - DJANGO_APPS)
            ));
        }
        let fk = if i % 10 == 9 {
            let j = i - 9;
            if app(j) != app(i) || j + DJANGO_APPS != i {
                deps.push(format!("(\"{}\", \"{}\")", app(j), migration(j)));
            }
            format!(
                "                (\"ref\", models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, to=\"{}.t{j:04}\")),\n",
                app(j)
            )
        } else {
            "                (\"ref_id\", models.BigIntegerField(null=True)),\n".to_string()
        };
        let text = format!(
            r#"import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [{deps}]

    operations = [
        migrations.CreateModel(
            name="T{i:04}",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(default="", max_length=100)),
                ("email", models.TextField(null=True, db_comment="contact address of row {i}")),
                ("amount", models.DecimalField(decimal_places=2, default=0, max_digits=12)),
                ("qty", models.IntegerField(default=1)),
                ("active", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
{fk}                ("payload", models.JSONField(null=True)),
            ],
            options={{"db_table": "t{i:04}"}},
        ),
        migrations.AddIndex(
            model_name="t{i:04}",
            index=models.Index(condition=models.Q(("active", True)), fields=["email"], name="t{i:04}_email_idx"),
        ),
        migrations.AddConstraint(
            model_name="t{i:04}",
            constraint=models.CheckConstraint(condition=models.Q(("amount__gte", 0)), name="t{i:04}_amount_check"),
        ),
    ]
"#,
            deps = deps.join(", ")
        );
        std::fs::write(
            dir.join(app(i))
                .join("migrations")
                .join(format!("{}.py", migration(i))),
            text,
        )
        .expect("write migration");
    }
    vec![
        "--project-dir".into(),
        dir.display().to_string(),
        "--framework".into(),
        "django".into(),
    ]
}

/// The DDL of table `i`: a bigserial key, nine typed columns with defaults, a CHECK, a
/// partial expression index, a column comment, and on every tenth table a foreign key to the
/// table nine before it.
pub fn table_ddl(i: usize) -> String {
    let fk = if i % 10 == 9 {
        format!(" REFERENCES t{:04} (id) ON DELETE CASCADE", i - 9)
    } else {
        String::new()
    };
    format!(
        "CREATE TABLE t{i:04} (
  id bigserial PRIMARY KEY,
  name varchar(100) NOT NULL DEFAULT '',
  email text,
  amount numeric(12,2) NOT NULL DEFAULT 0 CHECK (amount >= 0),
  qty integer NOT NULL DEFAULT 1,
  active boolean NOT NULL DEFAULT true,
  tags text[],
  created_at timestamptz NOT NULL DEFAULT now(),
  ref_id bigint{fk},
  payload jsonb);
CREATE INDEX t{i:04}_lower_email_idx ON t{i:04} (lower(email)) WHERE active;
COMMENT ON COLUMN t{i:04}.email IS 'contact address of row {i}';
"
    )
}

fn sql_migrations(tables: usize, dir: &Path, _dump: &Path) -> Vec<String> {
    let migrations = dir.join("migrations");
    std::fs::create_dir_all(&migrations).expect("create migrations dir");
    for i in 0..tables {
        let up = migrations.join(format!(
            "{:014}_create_t{i:04}.up.sql",
            20260101000000u64 + i as u64
        ));
        std::fs::write(up, table_ddl(i)).expect("write migration");
    }
    vec![
        "--project-dir".into(),
        dir.display().to_string(),
        "--framework".into(),
        "sql".into(),
    ]
}

/// `db/schema.rb` as `bin/rails db:schema:dump` (Rails 7.1) writes the same tables.
pub fn schema_rb(tables: usize) -> String {
    let mut rb = String::from(
        "ActiveRecord::Schema[7.1].define(version: 2026_01_01_000000) do\n  enable_extension \"plpgsql\"\n\n",
    );
    for i in 0..tables {
        rb.push_str(&format!(
            r#"  create_table "t{i:04}", force: :cascade do |t|
    t.string "name", limit: 100, default: "", null: false
    t.text "email", comment: "contact address of row {i}"
    t.decimal "amount", precision: 12, scale: 2, default: "0.0", null: false
    t.integer "qty", default: 1, null: false
    t.boolean "active", default: true, null: false
    t.text "tags", array: true
    t.timestamptz "created_at", default: -> {{ "now()" }}, null: false
    t.bigint "ref_id"
    t.jsonb "payload"
    t.index "lower(email)", name: "t{i:04}_lower_email_idx", where: "active"
    t.check_constraint "amount >= 0::numeric", name: "t{i:04}_amount_check"
  end

"#
        ));
    }
    for i in (9..tables).step_by(10) {
        rb.push_str(&format!(
            "  add_foreign_key \"t{i:04}\", \"t{:04}\", column: \"ref_id\", on_delete: :cascade\n",
            i - 9
        ));
    }
    rb.push_str("end\n");
    rb
}

fn rails_schema_rb(tables: usize, dir: &Path, _dump: &Path) -> Vec<String> {
    std::fs::create_dir_all(dir.join("db")).expect("create db/");
    std::fs::write(dir.join("db/schema.rb"), schema_rb(tables)).expect("write schema.rb");
    vec![
        "--project-dir".into(),
        dir.display().to_string(),
        "--framework".into(),
        "rails".into(),
    ]
}

/// A scratch database holding `tables` tables, dropped when this value is.
pub struct ScratchDb {
    admin_url: String,
    pub name: String,
    pub url: String,
}

impl ScratchDb {
    pub fn create(server: &str, tables: usize) -> ScratchDb {
        let admin_url = format!("{server}/postgres");
        let mut admin = Client::connect(&admin_url, NoTls).unwrap_or_else(|e| {
            eprintln!("the scale benchmark needs PostgreSQL at {server}: {e}");
            std::process::exit(1)
        });
        let name = format!("migsmith_scale_{}_{tables}", std::process::id());
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create scratch database");
        let db = ScratchDb {
            admin_url,
            url: format!("{server}/{name}"),
            name,
        };
        let mut client = Client::connect(&db.url, NoTls).expect("connect to scratch database");
        // One batch per table: a single transaction for all of them runs out of lock slots.
        for i in 0..tables {
            client.batch_execute(&table_ddl(i)).expect("create table");
        }
        db
    }

    /// Run `pg_dump --schema-only` into `out`; returns how long the process took.
    pub fn dump(&self, out: &Path) -> Duration {
        let start = Instant::now();
        let status = Command::new("pg_dump")
            .args(["--schema-only", "--no-owner", "-f"])
            .arg(out)
            .args(["-d", &self.url])
            .status()
            .expect("run pg_dump (is it on PATH?)");
        let took = start.elapsed();
        assert!(status.success(), "pg_dump failed");
        took
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        if let Ok(mut c) = Client::connect(&self.admin_url, NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}
