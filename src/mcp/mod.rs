//! `migsmith mcp`: a Model Context Protocol server on stdin/stdout.
//!
//! The stdio transport of MCP 2025-06-18, implemented directly (it is small): one JSON-RPC 2.0
//! message per line, UTF-8, nothing else on stdout. Requests handled: `initialize`, `ping`,
//! `tools/list`, `tools/call`; notifications (`notifications/initialized`, `…/cancelled`) are
//! accepted and need no answer. Protocol errors use the JSON-RPC codes: -32700 (not JSON),
//! -32600 (not a request), -32601 (unknown method), -32602 (unknown tool, arguments that do
//! not fit the tool's `inputSchema`). A tool that runs and fails (a table that does not exist,
//! a phrase migsmith cannot read) is a result with `isError: true` and the CLI's JSON error
//! (`kind`, `message`, `suggestions`) as `structuredContent`, so the model can rephrase and
//! retry.
//!
//! Each tool runs this same binary as a subprocess with `--format json` (see `tools`), so a tool
//! behaves exactly as the command does: same code path, settings, errors and exit codes.

mod tools;

use serde_json::{json, Value};
use std::io::{BufRead, Write};

/// The protocol version this server speaks (and offers when the client asks for another).
pub const PROTOCOL_VERSION: &str = "2025-06-18";
/// Versions whose subset used here is the same; a client asking for one of them gets it.
const COMPATIBLE: &[&str] = &["2025-06-18", "2025-03-26", "2024-11-05"];

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;

/// Serve until stdin closes. `config_flags` (`--config FILE` / `--no-config`, as given to
/// `migsmith mcp`) are passed on to every command a tool runs.
pub fn serve(config_flags: Vec<std::ffi::OsString>) -> anyhow::Result<()> {
    tools::set_config_flags(config_flags);
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        if let Some(response) = handle_line(&line) {
            writeln!(stdout, "{response}")?;
            stdout.flush()?;
        }
    }
    Ok(())
}

/// The answer to one line, if it needs one.
fn handle_line(line: &str) -> Option<Value> {
    let message: Value = match serde_json::from_str(line) {
        Ok(m) => m,
        Err(e) => {
            return Some(error_response(
                Value::Null,
                PARSE_ERROR,
                &format!("Parse error: {e}"),
            ))
        }
    };
    let Some(object) = message.as_object() else {
        return Some(error_response(
            Value::Null,
            INVALID_REQUEST,
            "Invalid Request: expected one JSON-RPC 2.0 message object per line (batches are not part of MCP 2025-06-18)",
        ));
    };
    let id = object.get("id").cloned();
    let method = object.get("method").and_then(Value::as_str);
    let (Some(method), Some("2.0")) = (method, object.get("jsonrpc").and_then(Value::as_str))
    else {
        // A response from the client (we send no requests) needs no answer.
        if object.contains_key("result") || object.contains_key("error") {
            return None;
        }
        return Some(error_response(
            id.unwrap_or(Value::Null),
            INVALID_REQUEST,
            "Invalid Request: needs \"jsonrpc\": \"2.0\" and a \"method\"",
        ));
    };
    let id = id?; // a notification: nothing to answer
    let params = object.get("params").cloned().unwrap_or(json!({}));
    Some(match dispatch(method, &params) {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
        Err((code, message)) => error_response(id, code, &message),
    })
}

fn dispatch(method: &str, params: &Value) -> Result<Value, (i64, String)> {
    match method {
        "initialize" => Ok(initialize(params)),
        "ping" => Ok(json!({})),
        "tools/list" => Ok(json!({ "tools": tools::list() })),
        "tools/call" => {
            let name = params.get("name").and_then(Value::as_str).ok_or((
                INVALID_PARAMS,
                "tools/call needs params.name (a tool name)".to_string(),
            ))?;
            let arguments = params.get("arguments").cloned().unwrap_or(json!({}));
            tools::call(name, &arguments).map_err(|e| (INVALID_PARAMS, e))
        }
        other => Err((METHOD_NOT_FOUND, format!("Method not found: {other}"))),
    }
}

fn initialize(params: &Value) -> Value {
    let asked = params.get("protocolVersion").and_then(Value::as_str);
    let version = asked
        .filter(|v| COMPATIBLE.contains(v))
        .unwrap_or(PROTOCOL_VERSION);
    json!({
        "protocolVersion": version,
        "capabilities": { "tools": {} },
        "serverInfo": {
            "name": "migsmith",
            "title": "migsmith",
            "version": env!("CARGO_PKG_VERSION"),
        },
        "instructions": "migsmith turns a one-line schema change into reviewed, reversible migration files. \
    Flow: `detect` (framework), `schema` (tables as migsmith sees them), `generate` with dry_run true, \
    show its `report_markdown` to the user, and only after approval `generate` again with dry_run false; then `verify` \
    the written files. On an error, read its kind and suggestions, rephrase (or pass `operations`) and retry.",
    })
}

fn error_response(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_errors_have_their_codes() {
        let code = |line: &str| handle_line(line).unwrap()["error"]["code"].as_i64();
        assert_eq!(code("{not json"), Some(PARSE_ERROR));
        assert_eq!(code("[1]"), Some(INVALID_REQUEST));
        assert_eq!(code(r#"{"jsonrpc":"2.0","id":1}"#), Some(INVALID_REQUEST));
        assert_eq!(
            code(r#"{"jsonrpc":"2.0","id":1,"method":"nope"}"#),
            Some(METHOD_NOT_FOUND)
        );
        assert_eq!(
            code(r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"nope"}}"#),
            Some(INVALID_PARAMS)
        );
        assert!(handle_line(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).is_none());
    }

    #[test]
    fn initialize_offers_its_version_for_an_unknown_one() {
        let r = initialize(&json!({"protocolVersion": "1999-01-01"}));
        assert_eq!(r["protocolVersion"], PROTOCOL_VERSION);
        let r = initialize(&json!({"protocolVersion": "2025-03-26"}));
        assert_eq!(r["protocolVersion"], "2025-03-26");
        assert_eq!(r["capabilities"], json!({"tools": {}}));
    }
}
