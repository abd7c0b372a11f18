//! `migsmith mcp` as an MCP client sees it: a full stdio session against the binary
//! (initialize, tools/list, every tool once, generate dry run and for real, tool errors with the
//! CLI's kind and suggestions, protocol errors), and `verify` against the real PostgreSQL.

mod common;

use common::verify_support::server;
use common::ADMIN_URL;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

struct Session {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl Session {
    /// `migsmith mcp` in `dir`, initialized.
    fn start(dir: &Path) -> Session {
        Session::start_with(dir, &[])
    }

    /// `migsmith ARGS mcp` in `dir`, initialized.
    fn start_with(dir: &Path, args: &[&str]) -> Session {
        let mut child = Command::new(env!("CARGO_BIN_EXE_migsmith"))
            .args(args)
            .arg("mcp")
            .current_dir(dir)
            .env("MIGSMITH_NOW", "2026-11-22T12:00:00Z")
            .env_remove("DATABASE_URL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start migsmith mcp");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut s = Session {
            child,
            stdin,
            stdout,
            next_id: 0,
        };
        let init = s.request(
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "tests/mcp.rs", "version": "0"}}),
        );
        assert_eq!(init["result"]["protocolVersion"], "2025-06-18", "{init}");
        assert_eq!(init["result"]["capabilities"], json!({"tools": {}}));
        assert_eq!(init["result"]["serverInfo"]["name"], "migsmith");
        s.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        s
    }

    fn send(&mut self, message: &Value) {
        writeln!(self.stdin, "{message}").unwrap();
        self.stdin.flush().unwrap();
    }

    fn line(&mut self) -> Value {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not one JSON line ({e}): {line}"))
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let response = self.line();
        assert_eq!(response["jsonrpc"], "2.0");
        assert_eq!(response["id"], id, "{response}");
        response
    }

    /// `tools/call`'s result (a protocol error fails the test).
    fn call(&mut self, tool: &str, arguments: Value) -> Value {
        let r = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        assert!(r.get("error").is_none(), "{tool}: protocol error {r}");
        let result = r["result"].clone();
        assert_eq!(result["content"][0]["type"], "text", "{result}");
        assert!(result["structuredContent"].is_object(), "{result}");
        result
    }

    fn ok(&mut self, tool: &str, arguments: Value) -> Value {
        let result = self.call(tool, arguments);
        assert_eq!(result["isError"], false, "{tool}: {result}");
        result["structuredContent"].clone()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A project with examples/saas.sql as `db/schema.sql` and raw SQL migrations.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("db")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/saas.sql"),
        dir.path().join("db/schema.sql"),
    )
    .unwrap();
    dir
}

fn tree(dir: &Path) -> Vec<String> {
    let mut out = vec![];
    for entry in walk(dir) {
        out.push(entry.strip_prefix(dir).unwrap().display().to_string());
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

#[test]
fn a_full_session_lists_and_calls_every_tool() {
    let dir = project();
    let mut s = Session::start(dir.path());

    let list = s.request("tools/list", json!({}));
    let tools = list["result"]["tools"].as_array().unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "detect",
            "schema",
            "generate",
            "verify",
            "check",
            "explain_rule"
        ]
    );
    for t in tools {
        assert_eq!(t["inputSchema"]["type"], "object", "{t}");
        assert!(t["description"].as_str().unwrap().len() > 20);
    }

    let detected = s.ok("detect", json!({}));
    assert_eq!(detected["framework"], "sql");
    assert_eq!(detected["migrations_dir"], "migrations");

    let schema = s.ok("schema", json!({"schema": "db/schema.sql"}));
    let tables: Vec<&str> = schema["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        tables.contains(&"members") && tables.contains(&"tasks"),
        "{tables:?}"
    );

    // Dry run (the default): the report, the files and the analysis, nothing written.
    let before = tree(dir.path());
    let dry = s.ok(
        "generate",
        json!({"description": "add email_verified to members", "schema": "db/schema.sql"}),
    );
    assert_eq!(dry["written"], false);
    assert_eq!(tree(dir.path()), before, "a dry run writes nothing");
    let files = dry["files"].as_array().unwrap();
    assert!(!files.is_empty());
    assert!(files[0]["contents"]
        .as_str()
        .unwrap()
        .contains("ADD COLUMN email_verified boolean"));
    assert_eq!(dry["analysis"]["reversible"], true, "{}", dry["analysis"]);
    assert!(dry["report_markdown"]
        .as_str()
        .unwrap()
        .starts_with("# Migration: Add email_verified to members"));

    // The operations it returned, handed back, for real.
    let written = s.ok(
        "generate",
        json!({"operations": dry["operations"], "description": "add email_verified to members",
               "schema": "db/schema.sql", "dry_run": false}),
    );
    assert_eq!(written["written"], true);
    for f in files {
        let on_disk =
            std::fs::read_to_string(dir.path().join(f["path"].as_str().unwrap())).expect("written");
        assert_eq!(on_disk, f["contents"].as_str().unwrap());
    }
    assert_eq!(written["files"], dry["files"]);

    // A missing table: a tool error with the CLI's kind and suggestions.
    let bad = s.call(
        "generate",
        json!({"description": "add nickname:text to memberz", "schema": "db/schema.sql"}),
    );
    assert_eq!(bad["isError"], true, "{bad}");
    assert_eq!(bad["structuredContent"]["error"]["kind"], "unknown_table");
    assert_eq!(
        bad["structuredContent"]["error"]["suggestions"],
        json!(["members"])
    );
    assert!(bad["content"][0]["text"]
        .as_str()
        .unwrap()
        .contains("did you mean `members`"));
    let bad_ops = s.call(
        "generate",
        json!({"operations": [{"op": "drop_column", "table": "members", "column": "emial"}],
               "schema": "db/schema.sql"}),
    );
    assert_eq!(
        bad_ops["structuredContent"]["error"]["kind"],
        "unknown_column"
    );
    assert_eq!(
        bad_ops["structuredContent"]["error"]["suggestions"],
        json!(["email"])
    );

    let migration = files[0]["path"].as_str().unwrap().to_string();
    let checked = s.ok("check", json!({"paths": [migration]}));
    assert_eq!(checked["files_checked"], 1, "{checked}");
    let lint = std::fs::write(
        dir.path().join("bad.sql"),
        "CREATE INDEX members_email_idx ON members (email);\n",
    );
    lint.unwrap();
    let findings = s.ok("check", json!({"paths": ["bad.sql"]}));
    let rules: Vec<&str> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"create-index-non-concurrently"),
        "{rules:?}"
    );

    let explained = s.ok(
        "explain_rule",
        json!({"rule": "create-index-non-concurrently"}),
    );
    assert!(explained["documentation"]
        .as_str()
        .unwrap()
        .contains("CONCURRENTLY"));
    let unknown = s.call("explain_rule", json!({"rule": "no-such-rule"}));
    assert_eq!(unknown["isError"], true);
    assert!(unknown["structuredContent"]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("the rules are"));

    // Another project than the server's working directory.
    let elsewhere = project();
    let there = s.ok(
        "generate",
        json!({"description": "add archived_at to tasks", "schema": "db/schema.sql",
               "project_dir": elsewhere.path(), "dry_run": false}),
    );
    let path = there["files"][0]["path"].as_str().unwrap();
    assert!(
        elsewhere.path().join(path).exists(),
        "written under project_dir"
    );
    assert!(!dir.path().join(path).exists());

    let pong = s.request("ping", json!({}));
    assert_eq!(pong["result"], json!({}));
}

#[test]
fn protocol_errors_are_json_rpc_errors() {
    let dir = project();
    let mut s = Session::start(dir.path());
    let code = |r: &Value| r["error"]["code"].as_i64();
    assert_eq!(code(&s.request("resources/list", json!({}))), Some(-32601));
    assert_eq!(
        code(&s.request("tools/call", json!({"name": "nope", "arguments": {}}))),
        Some(-32602)
    );
    let wrong_type = s.request(
        "tools/call",
        json!({"name": "generate", "arguments": {"description": 5}}),
    );
    assert_eq!(code(&wrong_type), Some(-32602), "{wrong_type}");
    let unknown_arg = s.request(
        "tools/call",
        json!({"name": "generate", "arguments": {"descripton": "add x to members"}}),
    );
    assert_eq!(code(&unknown_arg), Some(-32602));
    assert!(unknown_arg["error"]["message"]
        .as_str()
        .unwrap()
        .contains("descripton"));
    assert_eq!(
        code(&s.request(
            "tools/call",
            json!({"name": "explain_rule", "arguments": {}})
        )),
        Some(-32602)
    );
    writeln!(s.stdin, "{{not json").unwrap();
    s.stdin.flush().unwrap();
    let parse = s.line();
    assert_eq!(code(&parse), Some(-32700));
    assert_eq!(parse["id"], Value::Null);
    // Still serving.
    assert_eq!(s.request("ping", json!({}))["result"], json!({}));
}

#[test]
fn the_servers_config_flags_reach_the_tools() {
    let dir = project();
    std::fs::write(dir.path().join("migsmith.toml"), "framework = \"nope\"\n").unwrap();
    let mut s = Session::start(dir.path());
    let broken = s.call("detect", json!({}));
    assert_eq!(broken["isError"], true, "migsmith.toml is read: {broken}");
    let mut s = Session::start_with(dir.path(), &["--no-config"]);
    assert_eq!(s.ok("detect", json!({}))["framework"], "sql");
}

#[test]
fn verify_proves_written_migrations_on_the_real_server() {
    if !server() {
        return;
    }
    let dir = project();
    let mut s = Session::start(dir.path());
    let written = s.ok(
        "generate",
        json!({"description": "add index on tasks(title)", "schema": "db/schema.sql", "dry_run": false}),
    );
    assert_eq!(written["written"], true);
    let verified = s.ok(
        "verify",
        json!({"schema": "db/schema.sql", "database_url": ADMIN_URL}),
    );
    assert_eq!(verified["verification"]["passed"], true, "{verified}");
    let checks = verified["verification"]["checks"].as_array().unwrap();
    assert!(
        checks.iter().any(|c| c["name"] == "down applies"),
        "{verified}"
    );
}
