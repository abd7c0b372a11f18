//! The MCP tools: `schema`, `detect`, `generate`, `verify`, `check`, `explain_rule`.
//!
//! Each tool is a `migsmith` command run as a subprocess of this binary with `--format json`:
//! its arguments become flags (checked first against the tool's `inputSchema`), its JSON stdout
//! becomes `structuredContent` (and, serialized, a text block), and a JSON error on exit 2 or 3
//! becomes a tool error carrying the same `{"error": {kind, message, suggestions}}`.

use serde_json::{json, Map, Value};
use std::io::Write;
use std::process::{Command, Stdio};

/// How a tool argument becomes command-line flags.
#[derive(Clone, Copy)]
enum Arg {
    /// `--flag VALUE`
    Flag(&'static str),
    /// `--flag` when true.
    Switch(&'static str),
    /// `--flag V` for each string of an array.
    Repeat(&'static str),
    /// Positional values (a string, or each string of an array).
    Positional,
    /// Handled by the tool itself.
    Special,
}

/// One property of a tool's arguments.
struct Prop {
    name: &'static str,
    /// JSON Schema of the value.
    schema: fn() -> Value,
    description: &'static str,
    arg: Arg,
    required: bool,
}

fn string() -> Value {
    json!({"type": "string"})
}
fn boolean() -> Value {
    json!({"type": "boolean"})
}
fn integer() -> Value {
    json!({"type": "integer", "minimum": 0})
}
fn strings() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}
fn operations() -> Value {
    json!({
        "type": "array",
        "minItems": 1,
        "items": {"type": "object", "required": ["op"], "properties": {"op": {"type": "string", "enum": [
            "create_table", "drop_table", "rename_table", "add_column", "drop_column",
            "rename_column", "change_column_type", "set_not_null", "drop_not_null",
            "set_default", "drop_default", "add_index", "drop_index", "add_foreign_key",
            "drop_foreign_key", "add_unique_constraint", "add_check_constraint",
            "drop_constraint", "backfill", "create_enum", "add_enum_value"]}}}
    })
}

const fn prop(
    name: &'static str,
    schema: fn() -> Value,
    description: &'static str,
    arg: Arg,
) -> Prop {
    Prop {
        name,
        schema,
        description,
        arg,
        required: false,
    }
}

const PROJECT_DIR: Prop = prop(
    "project_dir",
    string,
    "The project root (default: the server's working directory).",
    Arg::Flag("--project-dir"),
);
const SCHEMA: Prop = prop(
    "schema",
    string,
    "A PostgreSQL schema dump or DDL file, relative to the project (default: replay the migrations).",
    Arg::Flag("--schema"),
);
const DATABASE_URL: Prop = prop(
    "database_url",
    string,
    "Read the schema from this live PostgreSQL database, read-only (postgres://USER@HOST:PORT/DB).",
    Arg::Flag("--database-url"),
);
const SCHEMA_NAME: Prop = prop(
    "schema_name",
    string,
    "With database_url: read only this PostgreSQL schema (namespace).",
    Arg::Flag("--schema-name"),
);
const MIGRATIONS_DIR: Prop = prop(
    "migrations_dir",
    string,
    "The migrations directory (default: the detected framework's).",
    Arg::Flag("--migrations-dir"),
);
const FRAMEWORK: Prop = prop(
    "framework",
    string,
    "The migration framework (sql, rails, django, prisma, alembic, …; default: detected).",
    Arg::Flag("--framework"),
);
const ROWS: Prop = prop(
    "rows",
    strings,
    "Table sizes, `N` or `TABLE=N` each, overriding statistics.",
    Arg::Repeat("--rows"),
);

/// A tool: its name, what it does, its arguments, and the command it runs.
struct Tool {
    name: &'static str,
    title: &'static str,
    description: &'static str,
    command: &'static [&'static str],
    props: Vec<Prop>,
}

fn tools() -> Vec<Tool> {
    vec![
        Tool {
            name: "detect",
            title: "Detect the migration framework",
            description: "The migration framework of the project (sql, rails, django, prisma, …), its migrations directory and database, and the evidence. Run first.",
            command: &["detect"],
            props: vec![
                PROJECT_DIR,
                prop("framework", string, "Take this framework instead of detecting one (checks the name, finds its directory).", Arg::Flag("--framework")),
            ],
        },
        Tool {
            name: "schema",
            title: "Show the current schema",
            description: "The schema migsmith loads for the project (tables, columns, indexes, constraints, enums, row counts when known), from a dump, a live database or the replayed migrations. Use it to get table and column names right before generate.",
            command: &["schema"],
            props: vec![PROJECT_DIR, SCHEMA, DATABASE_URL, SCHEMA_NAME, MIGRATIONS_DIR, FRAMEWORK],
        },
        Tool {
            name: "generate",
            title: "Generate migration files",
            description: "Turn a one-line description of a schema change (\"add email_verified to users and add unique index on users.email\"), or the exact `operations` (the array generate returns), into migration files for the project's framework, with a review report (Markdown in `report_markdown`), the `files`, and the JSON `analysis` (risk, locks, downtime, reversibility). dry_run (default true) writes nothing: show the report to the user and call again with dry_run false only after approval. Errors carry a kind and suggestions to rephrase with.",
            command: &["generate"],
            props: vec![
                prop("description", string, "The change in words. Give this or operations.", Arg::Special),
                prop("operations", operations, "The change as the JSON `operations` array that generate returns (as `migsmith generate --ops`): exact, checked against the schema like a description. Give this or description; with both, description only names the migration.", Arg::Special),
                prop("dry_run", boolean, "Write nothing (default true).", Arg::Special),
                PROJECT_DIR,
                SCHEMA,
                DATABASE_URL,
                SCHEMA_NAME,
                MIGRATIONS_DIR,
                FRAMEWORK,
                ROWS,
                prop("strategy", string, "Form of renames: plain or expand-contract.", Arg::Flag("--strategy")),
                prop("pg_version", integer, "Target PostgreSQL major version, 12–17.", Arg::Flag("--pg-version")),
                prop("allow_duplicate", boolean, "Create a requested index even when an existing one covers it.", Arg::Switch("--allow-duplicate")),
                prop("cascade", boolean, "Drop a column or table together with the views, triggers, policies and generated columns that use it (DROP … CASCADE); without it such a drop is refused.", Arg::Switch("--cascade")),
                prop("write_schema", boolean, "Also edit the framework's schema file (Prisma's schema.prisma); needs dry_run false.", Arg::Switch("--write-schema")),
                prop("now", string, "Generation time for reproducible output (2026-11-22T12:00:00Z).", Arg::Flag("--now")),
            ],
        },
        Tool {
            name: "verify",
            title: "Verify migrations on a scratch database",
            description: "Prove migrations on a throwaway database (on database_url's server, or an ephemeral local cluster): up, down, up; the schema after down equals the schema before; locks taken; timings. Never touches the user's data. Run after generate has written files.",
            command: &["verify"],
            props: vec![
                prop("migrations", strings, "Migration files to verify, relative to the project (default: the newest migration).", Arg::Positional),
                PROJECT_DIR,
                SCHEMA,
                DATABASE_URL,
                SCHEMA_NAME,
                MIGRATIONS_DIR,
                ROWS,
            ],
        },
        Tool {
            name: "check",
            title: "Lint SQL migrations",
            description: "Lint hand-written PostgreSQL migrations (files or directories of *.sql) for locking, rewrites, data loss and missing timeouts. Findings come with the rule, line and how to fix it; explain_rule documents a rule.",
            command: &["check"],
            props: vec![
                Prop { required: true, ..prop("paths", strings, "Files or directories of *.sql, relative to the server's working directory.", Arg::Positional) },
                SCHEMA,
                DATABASE_URL,
                ROWS,
                prop("pg_version", integer, "Target PostgreSQL major version.", Arg::Flag("--pg-version")),
                prop("assume_transaction", boolean, "Treat every file as run inside one transaction.", Arg::Switch("--assume-transaction")),
            ],
        },
        Tool {
            name: "explain_rule",
            title: "Explain a check rule",
            description: "The documentation of one check rule (why it matters, what to do instead, examples), e.g. create-index-non-concurrently.",
            command: &["check", "--explain"],
            props: vec![Prop { required: true, ..prop("rule", string, "The rule name, as in a finding's `rule`.", Arg::Positional) }],
        },
    ]
}

/// `tools/list`'s `tools`.
pub fn list() -> Vec<Value> {
    tools()
        .iter()
        .map(|t| {
            let properties: Map<String, Value> = t
                .props
                .iter()
                .map(|p| {
                    let mut schema = (p.schema)();
                    schema["description"] = json!(p.description);
                    (p.name.to_string(), schema)
                })
                .collect();
            let required: Vec<&str> = t
                .props
                .iter()
                .filter(|p| p.required)
                .map(|p| p.name)
                .collect();
            json!({
                "name": t.name,
                "title": t.title,
                "description": t.description,
                "inputSchema": {
                    "type": "object",
                    "properties": properties,
                    "required": required,
                    "additionalProperties": false,
                },
            })
        })
        .collect()
}

/// Whether `value` fits `schema` (the subset the tools use). `Err` says why not.
fn fits(name: &str, value: &Value, schema: &Value) -> Result<(), String> {
    let ok = match schema["type"].as_str() {
        Some("string") => value.is_string(),
        Some("boolean") => value.is_boolean(),
        Some("integer") => value.as_u64().is_some(),
        Some("object") => value.is_object(),
        Some("array") => match value.as_array() {
            Some(items) => {
                if items.len() < schema["minItems"].as_u64().unwrap_or(0) as usize {
                    return Err(format!("`{name}` must not be empty"));
                }
                for (i, item) in items.iter().enumerate() {
                    fits(&format!("{name}[{i}]"), item, &schema["items"])?;
                }
                true
            }
            None => false,
        },
        _ => true,
    };
    if !ok {
        return Err(format!(
            "`{name}` must be {}",
            schema["type"].as_str().unwrap_or("?")
        ));
    }
    for key in schema["required"].as_array().into_iter().flatten() {
        let key = key.as_str().unwrap_or_default();
        if value.get(key).is_none() {
            return Err(format!("`{name}` needs `{key}`"));
        }
    }
    Ok(())
}

/// `tools/call`: `Err` is a protocol error (unknown tool, arguments that do not fit).
pub fn call(name: &str, arguments: &Value) -> Result<Value, String> {
    let tools = tools();
    let tool = tools.iter().find(|t| t.name == name).ok_or_else(|| {
        let names: Vec<&str> = tools.iter().map(|t| t.name).collect();
        format!("Unknown tool `{name}`; the tools are: {}", names.join(", "))
    })?;
    let arguments = match arguments {
        Value::Object(map) => map.clone(),
        Value::Null => Map::new(),
        _ => return Err(format!("`{name}`: arguments must be an object")),
    };
    for (key, value) in &arguments {
        let prop = tool.props.iter().find(|p| p.name == key).ok_or_else(|| {
            let names: Vec<&str> = tool.props.iter().map(|p| p.name).collect();
            format!(
                "`{name}` has no argument `{key}`; its arguments are: {}",
                names.join(", ")
            )
        })?;
        fits(key, value, &(prop.schema)())?;
    }
    for p in tool.props.iter().filter(|p| p.required) {
        if !arguments.contains_key(p.name) {
            return Err(format!("`{name}` needs the argument `{}`", p.name));
        }
    }
    let mut args: Vec<String> = tool.command.iter().map(|s| s.to_string()).collect();
    let mut stdin = None;
    let mut report_file = None;
    if tool.name == "generate" {
        let description = arguments.get("description").and_then(Value::as_str);
        let ops = arguments.get("operations");
        if description.is_none() && ops.is_none() {
            return Err("`generate` needs `description` or `operations`".into());
        }
        if let Some(d) = description {
            args.push(d.to_string());
        }
        if let Some(ops) = ops {
            args.extend(["--ops".into(), "-".into()]);
            stdin = Some(ops.to_string());
        }
        if arguments
            .get("dry_run")
            .and_then(Value::as_bool)
            .unwrap_or(true)
        {
            args.push("--dry-run".into());
        }
        let file = tempfile::NamedTempFile::new().map_err(|e| format!("internal: {e}"))?;
        args.extend(["--report".into(), file.path().display().to_string()]);
        report_file = Some(file);
    }
    for p in &tool.props {
        let Some(value) = arguments.get(p.name) else {
            continue;
        };
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match p.arg {
            Arg::Flag(flag) => args.extend([flag.to_string(), text(value)]),
            Arg::Switch(flag) => {
                if value.as_bool() == Some(true) {
                    args.push(flag.to_string());
                }
            }
            Arg::Repeat(flag) => {
                for v in value.as_array().into_iter().flatten() {
                    args.extend([flag.to_string(), text(v)]);
                }
            }
            Arg::Positional => match value {
                Value::Array(items) => args.extend(items.iter().map(text)),
                v => args.push(text(v)),
            },
            Arg::Special => {}
        }
    }
    args.extend([
        "--format".into(),
        "json".into(),
        "--color".into(),
        "never".into(),
    ]);
    let run =
        run(&args, stdin.as_deref()).map_err(|e| format!("internal: cannot run migsmith: {e}"))?;
    let report = report_file.and_then(|f| std::fs::read_to_string(f.path()).ok());
    Ok(result(tool.name, run, report))
}

/// `--config FILE` / `--no-config` of the server, for every command.
static CONFIG_FLAGS: std::sync::OnceLock<Vec<std::ffi::OsString>> = std::sync::OnceLock::new();

pub fn set_config_flags(flags: Vec<std::ffi::OsString>) {
    let _ = CONFIG_FLAGS.set(flags);
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// This binary with `args`, `stdin` on its standard input.
fn run(args: &[String], stdin: Option<&str>) -> std::io::Result<Run> {
    let exe = std::env::current_exe()?;
    let mut child = Command::new(exe)
        .args(CONFIG_FLAGS.get().into_iter().flatten())
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes())?;
    }
    let out = child.wait_with_output()?;
    Ok(Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// The `tools/call` result for a finished run.
fn result(tool: &str, run: Run, report: Option<String>) -> Value {
    let parsed: Option<Value> = serde_json::from_str(run.stdout.trim()).ok();
    let failed = !matches!(run.code, Some(0) | Some(1));
    if let Some(error) = parsed.as_ref().filter(|v| v.get("error").is_some()) {
        let e = &error["error"];
        let mut text = format!(
            "{} ({})",
            e["message"].as_str().unwrap_or("error"),
            e["kind"].as_str().unwrap_or("error")
        );
        let suggestions: Vec<&str> = e["suggestions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if !suggestions.is_empty() {
            text.push_str(&format!("\nSuggestions: {}", suggestions.join("; ")));
        }
        return json!({
            "content": [{"type": "text", "text": text}],
            "structuredContent": error,
            "isError": true,
        });
    }
    if failed {
        let message = run.stderr.trim().to_string();
        return json!({
            "content": [{"type": "text", "text": message}],
            "structuredContent": {"error": {"kind": "error", "message": message, "suggestions": []}},
            "isError": true,
        });
    }
    let structured = match (tool, parsed) {
        ("generate", Some(mut report_json)) => {
            report_json["report_markdown"] = json!(report.clone().unwrap_or_default());
            report_json
        }
        (_, Some(v @ Value::Object(_))) => v,
        ("explain_rule", _) => json!({"documentation": run.stdout}),
        (_, Some(other)) => json!({"result": other}),
        (_, None) => json!({"output": run.stdout}),
    };
    let mut content = vec![];
    if let Some(markdown) = report.filter(|_| tool == "generate") {
        content.push(json!({"type": "text", "text": markdown}));
    }
    let text = match tool {
        "explain_rule" => run.stdout,
        _ => structured.to_string(),
    };
    content.push(json!({"type": "text", "text": text}));
    json!({"content": content, "structuredContent": structured, "isError": false})
}
