//! Snapshots of generated files and reports for the bundled example schema. A snapshot shows a
//! reviewer what changed in the output; it proves nothing about whether the SQL runs, which is
//! what `pg_roundtrip.rs` is for.

use chrono::TimeZone;
use migsmith::generate::{generate, GenerateOptions, SchemaSource};
use migsmith::report::{json, markdown, Report};
use std::path::{Path, PathBuf};

fn report(description: &str) -> (String, String, serde_json::Value) {
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .unwrap();
    let opts = GenerateOptions {
        migrations_dir: PathBuf::from("migrations"),
        now,
        ..GenerateOptions::new(
            description,
            SchemaSource::Dump(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/saas.sql")),
            tempfile::tempdir().unwrap().path(),
        )
    };
    let g = generate(&opts).unwrap();
    let files: String = g
        .files
        .iter()
        .map(|f| format!("==> {} <==\n{}", f.path, f.contents))
        .collect();
    let r = Report {
        plan: &g.plan,
        analysis: &g.analysis,
        files: &g.files,
        commands: &g.commands,
        framework: g.renderer.name(),
        framework_display: g.renderer.display_name(),
        framework_reason: &g.framework_reason,
        dialect: "postgres",
        dialect_display: "PostgreSQL",
        schema_source: "schema dump `saas.sql`",
        generated_at: now,
        written: false,
        schema_changes: &g.schema_changes,
        schema_written: false,
        verification: None,
    };
    (files, markdown::render(&r), json::render(&r))
}

macro_rules! snapshot_cases {
    ($($name:ident: $description:expr;)*) => {
        $(#[test]
        fn $name() {
            let (files, md, js) = report($description);
            insta::assert_snapshot!(concat!(stringify!($name), "_files"), files);
            insta::assert_snapshot!(concat!(stringify!($name), "_report"), md);
            insta::assert_json_snapshot!(concat!(stringify!($name), "_json"), js["operations"]);
        })*
    };
}

snapshot_cases! {
    add_column_and_concurrent_index: "add email_verified to members and add index on tasks(assignee_id)";
    drop_column: "remove display_name from members";
    create_table_with_reference: "create table comments with body:text task:references";
    rename_column: "rename column title to name in projects";
}
