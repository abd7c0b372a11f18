//! `migsmith generate --ops FILE|-`: the `operations` array that `--format json` prints, fed
//! back, produces the same files; bad operations fail like bad descriptions (same JSON error
//! kind and suggestions, exit 2, nothing written).

use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const NOW: &str = "2026-11-22T12:00:00Z";

fn saas() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/saas.sql")
        .display()
        .to_string()
}

/// Run migsmith in `dir` with `stdin` on its standard input.
fn migsmith(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .current_dir(dir)
        .args(args)
        .env("MIGSMITH_NOW", NOW)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run migsmith");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn generate_json(dir: &Path, description: &str, extra: &[&str]) -> Value {
    let schema = saas();
    let mut args = vec![
        "generate",
        description,
        "--schema",
        &schema,
        "--framework",
        "sql",
        "--dry-run",
        "--format",
        "json",
    ];
    args.extend(extra);
    let out = migsmith(dir, &args, "");
    assert_eq!(out.status.code(), Some(0), "{description}: {}", json(&out));
    json(&out)
}

const DESCRIPTIONS: &[&str] = &[
    "add email_verified to members and add unique index on members.email",
    "remove due_on from tasks",
    "add reference to projects on events",
    "create table labels with name:string color:string project:references",
    "rename column title to name in tasks",
    "change type of tasks.priority to bigint",
    "change type of tasks.estimate_hours to integer",
    "change type of tasks.title to integer using length(title)",
    "set default of tasks.state to 'todo'",
    "make tasks.priority not null",
    "drop table projects",
    "add check constraint priority >= 0 on tasks",
    "add unique constraint on accounts.name",
    "drop index members_account_email",
    "remove foreign key tasks.assignee_id",
    "create enum task_kind with bug, feature",
    "backfill tasks.priority with 0 where priority is null",
    "rename table events to activities",
    "create enum task_kind with bug, feature and add value chore to enum task_kind",
    "add reference to members on events on delete cascade",
    "remove default from tasks.state",
    "add nullable last_seen_at to members",
];

/// Large tables and other strategies: the zero-downtime forms come out the same too.
const WITH_FLAGS: &[(&str, &[&str])] = &[
    (
        "rename column title to name in tasks",
        &["--strategy", "expand-contract"],
    ),
    ("make tasks.assignee_id not null", &["--rows", "1000000"]),
    ("add unique index on members.email", &["--rows", "2000000"]),
    (
        "add foreign key from events.account_id to accounts.id",
        &["--rows", "2000000"],
    ),
    (
        "add status:string default 'active' not null to projects",
        &["--rows", "5000000"],
    ),
    (
        "change type of tasks.estimate_hours to integer",
        &["--rows", "3000000"],
    ),
];

#[test]
fn operations_fed_back_produce_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let schema = saas();
    let cases = DESCRIPTIONS
        .iter()
        .map(|d| (*d, &[][..]))
        .chain(WITH_FLAGS.iter().copied());
    for (description, extra) in cases {
        let report = generate_json(dir.path(), description, extra);
        let ops = serde_json::to_string(&report["operations"]).unwrap();
        let mut args = vec![
            "generate",
            description,
            "--ops",
            "-",
            "--schema",
            &schema,
            "--framework",
            "sql",
            "--dry-run",
            "--format",
            "json",
        ];
        args.extend(extra);
        let out = migsmith(dir.path(), &args, &ops);
        assert_eq!(out.status.code(), Some(0), "{description}: {}", json(&out));
        let again = json(&out);
        assert_eq!(again["files"], report["files"], "{description}");
        assert_eq!(again["operations"], report["operations"], "{description}");
        assert_eq!(again["phases"], report["phases"], "{description}");
    }
}

#[test]
fn a_whole_report_from_a_file_names_the_migration_by_its_description() {
    let dir = tempfile::tempdir().unwrap();
    let description = "add email_verified to members";
    let report = generate_json(dir.path(), description, &[]);
    let file = dir.path().join("report.json");
    std::fs::write(&file, report.to_string()).unwrap();
    let schema = saas();
    let args = [
        "generate",
        "--ops",
        file.to_str().unwrap(),
        "--schema",
        &schema,
        "--framework",
        "sql",
    ];
    let out = migsmith(dir.path(), &args, "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in report["files"].as_array().unwrap() {
        let written = std::fs::read_to_string(dir.path().join(f["path"].as_str().unwrap()))
            .expect("the report's file was written");
        assert_eq!(written, f["contents"].as_str().unwrap());
    }
}

#[test]
fn hand_written_operations_take_the_fields_a_description_cannot_say() {
    let dir = tempfile::tempdir().unwrap();
    let schema = saas();
    let ops = r#"[
      {"op": "add_column", "table": "members", "column": {"name": "nickname", "type": "string"}},
      {"op": "add_index", "table": "members", "columns": ["nickname"], "predicate": "nickname IS NOT NULL"},
      {"op": "add_foreign_key", "table": "events", "columns": ["account_id"], "ref_table": "accounts",
       "on_delete": "cascade", "deferrable": true}
    ]"#;
    let out = migsmith(
        dir.path(),
        &[
            "generate",
            "--ops",
            "-",
            "--schema",
            &schema,
            "--framework",
            "sql",
            "--dry-run",
            "--format",
            "json",
        ],
        ops,
    );
    let report = json(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    let sql: String = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["contents"].as_str().unwrap())
        .collect();
    assert!(sql.contains("ADD COLUMN nickname text"), "{sql}");
    assert!(sql.contains("WHERE nickname IS NOT NULL"), "{sql}");
    assert!(
        sql.contains("ON DELETE CASCADE") && sql.contains("DEFERRABLE"),
        "{sql}"
    );
    assert!(report["description"].as_str().unwrap().contains("nickname"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "dry run");
}

#[test]
fn a_bad_operation_fails_like_the_description_would() {
    let dir = tempfile::tempdir().unwrap();
    let schema = saas();
    let common = [
        "--schema",
        schema.as_str(),
        "--framework",
        "sql",
        "--format",
        "json",
    ];
    let mut by_description = vec!["generate", "add nickname:text to memberz"];
    by_description.extend(common);
    let described = migsmith(dir.path(), &by_description, "");
    let mut by_ops = vec!["generate", "--ops", "-"];
    by_ops.extend(common);
    let given = migsmith(
        dir.path(),
        &by_ops,
        r#"[{"op": "add_column", "table": "memberz", "column": {"name": "nickname", "type": "text"}}]"#,
    );
    assert_eq!(given.status.code(), Some(2));
    assert_eq!(described.status.code(), Some(2));
    let (a, b) = (json(&described), json(&given));
    assert_eq!(b["error"]["kind"], "unknown_table", "{b}");
    assert_eq!(a["error"], b["error"]);
    assert_eq!(b["error"]["suggestions"], serde_json::json!(["members"]));
    assert!(!dir.path().join("migrations").exists(), "nothing written");

    for (input, needle) in [
        ("{\"operations\": 1", "not JSON"),
        ("[]", "empty"),
        (
            "[{\"op\": \"add_colum\", \"table\": \"members\"}]",
            "unknown variant",
        ),
        (
            "[{\"op\": \"drop_column\", \"table\": \"members\"}]",
            "missing field `column`",
        ),
        ("\"add x to members\"", "found a string"),
        (
            "[{\"op\": \"add_index\", \"table\": \"members\", \"columns\": [\"email\"], \"predicat\": \"true\"}]",
            "unknown field `predicat`",
        ),
        (
            "[{\"op\": \"add_column\", \"table\": \"members\", \"column\": {\"name\": \"x\", \"type\": \"text\", \"nullabel\": false}}]",
            "unknown field `nullabel` in `column`",
        ),
    ] {
        let out = migsmith(dir.path(), &by_ops, input);
        assert_eq!(out.status.code(), Some(2), "{input}");
        let e = json(&out);
        assert_eq!(e["error"]["kind"], "invalid_operations", "{input}: {e}");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{input}: {message}");
        assert_eq!(message.matches(needle).count(), 1, "said once: {message}");
    }
    assert!(!dir.path().join("migrations").exists(), "nothing written");
}
