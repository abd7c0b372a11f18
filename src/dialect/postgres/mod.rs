//! PostgreSQL: quoting, canonical type and expression spelling (through `pg_query`, the real
//! PostgreSQL grammar), so that a type or default written by a user, printed by `pg_dump` or
//! produced by migsmith compares equal when it means the same thing.

pub mod capabilities;
mod casts;
mod literals;
pub mod locks;

pub use capabilities::PgVersion;
pub use casts::{assignable, has_cast};
pub use literals::literal_mismatch;

use super::Dialect;
use crate::plan::ops::{Operation, Statement};
use crate::plan::resolve::Resolved;
use crate::plan::{Plan, PlanError, StrategyOptions};
use crate::schema::{Engine, Schema};
use pg_query::protobuf::{a_const, KeywordKind};
use pg_query::NodeEnum;

/// The PostgreSQL dialect.
#[derive(Debug, Clone, Copy, Default)]
pub struct Postgres;

impl Dialect for Postgres {
    fn engine(&self) -> Engine {
        Engine::Postgres
    }
    fn name(&self) -> &'static str {
        "postgres"
    }
    fn display_name(&self) -> &'static str {
        "PostgreSQL"
    }
    fn ident(&self, name: &str) -> String {
        quote_ident(name)
    }
    fn literal(&self, value: &str) -> String {
        quote_literal(value)
    }
    fn statements(&self, op: &Operation, _before: &Schema) -> Result<Vec<Statement>, PlanError> {
        Ok(op.statements())
    }
    fn build(
        &self,
        description: &str,
        before: &Schema,
        resolved: Resolved,
        opts: &StrategyOptions,
    ) -> Plan {
        crate::plan::strategy::build_with(description, before, resolved, opts)
    }
    /// PostgreSQL's effect is its own SQL run through the DDL interpreter (`schema::sql`), so
    /// the planner's model and a replay of the generated files can never disagree.
    fn apply(&self, op: &Operation, schema: &mut Schema) -> Result<(), PlanError> {
        op.validate(schema)?;
        for statement in op.statements() {
            crate::schema::sql::apply_str(schema, &statement.sql, "generated SQL").map_err(
                |e| PlanError::Invalid(format!("internal: the generated SQL does not apply: {e}")),
            )?;
        }
        Ok(())
    }
}

/// Errors from spelling a type or expression.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SpellingError {
    #[error("`{0}` is not a PostgreSQL type")]
    Type(String),
    #[error("`{input}` is not a valid SQL expression: {reason}")]
    Expression { input: String, reason: String },
}

/// Quote an identifier if PostgreSQL would not read it back unchanged: upper case, spaces,
/// quotes, a leading digit, or any keyword other than an unreserved one. Embedded double
/// quotes are doubled, so a hostile name can never end its quotes early.
pub fn quote_ident(name: &str) -> String {
    let plain = !name.is_empty()
        && name.len() < 64
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain && !is_keyword_needing_quotes(name) {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

fn is_keyword_needing_quotes(name: &str) -> bool {
    match pg_query::scan(name) {
        Ok(scan) => scan.tokens.iter().any(|t| {
            t.keyword_kind != KeywordKind::NoKeyword as i32
                && t.keyword_kind != KeywordKind::UnreservedKeyword as i32
        }),
        Err(_) => true,
    }
}

/// A standard-conforming string literal (`'it''s'`).
pub fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// `schema.table` key (as in [`crate::schema::Schema::tables`]) quoted for SQL.
pub fn quote_qualified(key: &str) -> String {
    match key.split_once('.') {
        Some((schema, name)) => format!("{}.{}", quote_ident(schema), quote_ident(name)),
        None => quote_ident(key),
    }
}

/// The canonical spelling of a type: `integer`, `bigint`, `varchar(20)`, `timestamptz`,
/// `numeric(10,2)`, `text[]`, `double precision`, user types by name (without `public.`).
/// Accepts every SQL spelling PostgreSQL accepts (`int4`, `character varying(20)`,
/// `timestamp with time zone`, `decimal`, …). `serial`/`bigserial`/`smallserial` are kept
/// as such; the loader turns them into an integer column with a sequence default.
pub fn canonical_type(input: &str) -> Result<String, SpellingError> {
    let err = || SpellingError::Type(input.trim().to_string());
    if input.contains(';') || input.trim().is_empty() {
        return Err(err());
    }
    let sql = format!("CREATE TABLE t (c {input})");
    let parsed = pg_query::parse(&sql, 0).map_err(|_| err())?;
    let stmt = parsed
        .protobuf
        .stmts
        .first()
        .and_then(|s| s.stmt.as_ref())
        .and_then(|s| s.node.as_ref())
        .ok_or_else(err)?;
    let NodeEnum::CreateStmt(create) = stmt else {
        return Err(err());
    };
    if create.table_elts.len() != 1 {
        return Err(err());
    }
    let Some(NodeEnum::ColumnDef(col)) = create.table_elts[0].node.as_ref() else {
        return Err(err());
    };
    if !col.constraints.is_empty() || col.coll_clause.is_some() {
        return Err(err());
    }
    let type_name = col.type_name.as_ref().ok_or_else(err)?;
    Ok(spell_type_name(type_name))
}

/// Spell a parsed `TypeName` canonically (see [`canonical_type`]).
pub fn spell_type_name(type_name: &pg_query::protobuf::TypeName) -> String {
    let names: Vec<String> = type_name
        .names
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect();
    let (schema, base) = match names.as_slice() {
        [base] => (None, base.as_str()),
        [schema, base] => (Some(schema.as_str()), base.as_str()),
        [.., schema, base] => (Some(schema.as_str()), base.as_str()),
        [] => (None, ""),
    };
    let builtin = match (schema, base) {
        (Some("pg_catalog") | None, name) => builtin_name(name),
        _ => None,
    };
    let mut out = match (builtin, schema) {
        (Some(b), _) => b.to_string(),
        (None, Some(s)) if s != "public" && s != "pg_catalog" => {
            format!("{}.{}", quote_ident(s), quote_ident(base))
        }
        (None, _) => quote_ident(base),
    };
    let mods: Vec<String> = type_name
        .typmods
        .iter()
        .filter_map(|m| match m.node.as_ref() {
            Some(NodeEnum::AConst(c)) => match c.val.as_ref() {
                Some(a_const::Val::Ival(i)) => Some(i.ival.to_string()),
                Some(a_const::Val::Sval(s)) => Some(quote_literal(&s.sval)),
                Some(a_const::Val::Fval(f)) => Some(f.fval.clone()),
                _ => None,
            },
            Some(NodeEnum::ColumnRef(_)) => None,
            _ => None,
        })
        .collect();
    // `interval` carries its field mask as a typmod; it is not a length.
    if !mods.is_empty() && out != "interval" {
        out = match out.as_str() {
            // Precision goes inside the name for these.
            "timestamptz" => format!("timestamp({}) with time zone", mods.join(",")),
            "timetz" => format!("time({}) with time zone", mods.join(",")),
            _ => format!("{out}({})", mods.join(",")),
        };
    }
    for _ in &type_name.array_bounds {
        out.push_str("[]");
    }
    out
}

/// Internal and SQL-standard names of built-in types → the canonical spelling.
fn builtin_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "int2" | "smallint" => "smallint",
        "int4" | "int" | "integer" => "integer",
        "int8" | "bigint" => "bigint",
        "float4" | "real" => "real",
        "float8" => "double precision",
        "numeric" | "decimal" => "numeric",
        "bool" | "boolean" => "boolean",
        "varchar" => "varchar",
        "bpchar" | "char" => "char",
        "text" => "text",
        "timestamptz" => "timestamptz",
        "timestamp" => "timestamp",
        "timetz" => "timetz",
        "time" => "time",
        "date" => "date",
        "interval" => "interval",
        "json" => "json",
        "jsonb" => "jsonb",
        "uuid" => "uuid",
        "bytea" => "bytea",
        "inet" => "inet",
        "cidr" => "cidr",
        "macaddr" => "macaddr",
        "money" => "money",
        "bit" => "bit",
        "varbit" => "varbit",
        "xml" => "xml",
        "tsvector" => "tsvector",
        "tsquery" => "tsquery",
        "oid" => "oid",
        "citext" => "citext",
        "serial" | "serial4" => "serial",
        "bigserial" | "serial8" => "bigserial",
        "smallserial" | "serial2" => "smallserial",
        _ => return None,
    })
}

/// The canonical spelling of a scalar expression (a default, a check, an index predicate), as
/// PostgreSQL's own deparser prints it: `false`, `'active'`, `now()`, `price >= 0`.
pub fn canonical_expr(input: &str) -> Result<String, SpellingError> {
    let node = parse_expr(input)?;
    spell_expr(&node).map_err(|reason| SpellingError::Expression {
        input: input.to_string(),
        reason,
    })
}

/// Parse one scalar expression (refusing anything that is not exactly one expression, so a
/// hostile default such as `1; DROP TABLE users` is rejected, not smuggled into SQL).
pub fn parse_expr(input: &str) -> Result<NodeEnum, SpellingError> {
    let bad = |reason: String| SpellingError::Expression {
        input: input.trim().to_string(),
        reason,
    };
    if input.trim().is_empty() {
        return Err(bad("it is empty".into()));
    }
    let parsed = pg_query::parse(&format!("SELECT {input}"), 0).map_err(|e| bad(error_text(&e)))?;
    let stmts = &parsed.protobuf.stmts;
    if stmts.len() != 1 {
        return Err(bad("only one expression is allowed".into()));
    }
    let Some(NodeEnum::SelectStmt(select)) = stmts[0].stmt.as_ref().and_then(|s| s.node.as_ref())
    else {
        return Err(bad("it is not an expression".into()));
    };
    if select.target_list.len() != 1
        || !select.from_clause.is_empty()
        || select.where_clause.is_some()
        || select.op != pg_query::protobuf::SetOperation::SetopNone as i32
    {
        return Err(bad("only one expression is allowed".into()));
    }
    match select.target_list[0].node.as_ref() {
        Some(NodeEnum::ResTarget(rt)) if rt.name.is_empty() => rt
            .val
            .as_ref()
            .and_then(|v| v.node.clone())
            .ok_or_else(|| bad("it is not an expression".into())),
        _ => Err(bad("it is not an expression".into())),
    }
}

/// Print a parsed expression node in canonical form.
pub fn spell_expr(node: &NodeEnum) -> Result<String, String> {
    use pg_query::protobuf::{Node, RawStmt, ResTarget, SelectStmt};
    let select = SelectStmt {
        target_list: vec![Node {
            node: Some(NodeEnum::ResTarget(Box::new(ResTarget {
                val: Some(Box::new(Node {
                    node: Some(node.clone()),
                })),
                ..Default::default()
            }))),
        }],
        op: pg_query::protobuf::SetOperation::SetopNone as i32,
        limit_option: pg_query::protobuf::LimitOption::Default as i32,
        ..Default::default()
    };
    let result = pg_query::protobuf::ParseResult {
        version: parser_version(),
        stmts: vec![RawStmt {
            stmt: Some(Box::new(Node {
                node: Some(NodeEnum::SelectStmt(Box::new(select))),
            })),
            stmt_location: 0,
            stmt_len: 0,
        }],
    };
    let text = pg_query::deparse(&result, Default::default()).map_err(|e| error_text(&e))?;
    text.strip_prefix("SELECT ")
        .map(str::to_string)
        .ok_or_else(|| format!("unexpected deparse output `{text}`"))
}

/// Whether an expression calls a volatile function, so that as a column default it is evaluated
/// once per row (and `ADD COLUMN` rewrites the table) instead of once.
pub fn is_volatile_expr(expr: &str) -> bool {
    const VOLATILE: &[&str] = &[
        "random(",
        "clock_timestamp(",
        "gen_random_uuid(",
        "uuid_generate_v",
        "timeofday(",
        "nextval(",
        "txid_current(",
        "statement_timestamp(",
    ];
    let lower = expr.to_lowercase();
    VOLATILE.iter().any(|f| lower.contains(f))
}

/// Whether changing a column from `from` to `to` (canonical types) needs no table rewrite.
pub fn is_binary_coercible(from: &str, to: &str) -> bool {
    fn split(t: &str) -> (&str, Vec<u32>) {
        match t.split_once('(') {
            Some((base, rest)) => (
                base,
                rest.trim_end_matches(')')
                    .split(',')
                    .filter_map(|n| n.trim().parse().ok())
                    .collect(),
            ),
            None => (t, vec![]),
        }
    }
    if from == to {
        return true;
    }
    let ((fb, fm), (tb, tm)) = (split(from), split(to));
    match (fb, tb) {
        ("varchar", "text") | ("text", "varchar") if tm.is_empty() => true,
        ("varchar", "varchar") | ("varbit", "varbit") => {
            tm.is_empty() || (!fm.is_empty() && tm[0] >= fm[0])
        }
        ("numeric", "numeric") => match (fm.as_slice(), tm.as_slice()) {
            (_, []) => true,
            ([fp, fs], [tp, ts]) => ts == fs && tp >= fp,
            ([fp], [tp]) => tp >= fp,
            _ => false,
        },
        ("cidr", "inet") => true,
        _ => false,
    }
}

/// Whether every value of type `from` converts to `to` without change (widening, or any type to
/// unconstrained text), so a type change cannot lose data.
pub fn is_lossless_conversion(from: &str, to: &str) -> bool {
    if is_binary_coercible(from, to) || to == "text" {
        return true;
    }
    let base = |t: &str| t.split('(').next().unwrap_or(t).trim().to_string();
    matches!(
        (base(from).as_str(), to),
        ("smallint", "integer" | "bigint" | "numeric")
            | ("integer", "bigint" | "numeric")
            | ("bigint", "numeric")
            | ("real", "double precision")
            | ("date", "timestamp" | "timestamptz")
            | ("varchar" | "char", "varchar")
            | ("json", "jsonb")
    )
}

/// The spelling `format_type()` prints for a canonical type (`timestamptz` → `timestamp with time
/// zone`, `varchar(20)` → `character varying(20)`), for queries against the catalog.
pub fn format_type_name(canonical: &str) -> String {
    let (array, base) = match canonical.find("[]") {
        Some(i) => (&canonical[i..], &canonical[..i]),
        None => ("", canonical),
    };
    let (name, args) = match base.find('(') {
        Some(i) => (&base[..i], &base[i..]),
        None => (base, ""),
    };
    let spelled = match name {
        "varchar" => format!("character varying{args}"),
        "char" => format!("character{}", if args.is_empty() { "(1)" } else { args }),
        "timestamptz" => format!("timestamp{args} with time zone"),
        "timestamp" => format!("timestamp{args} without time zone"),
        "timetz" => format!("time{args} with time zone"),
        "time" => format!("time{args} without time zone"),
        "varbit" => format!("bit varying{args}"),
        "serial" => "integer".into(),
        "bigserial" => "bigint".into(),
        "smallserial" => "smallint".into(),
        _ => base.to_string(),
    };
    format!("{spelled}{array}")
}

/// The PostgreSQL version number of the bundled parser, as its parse results carry it.
fn parser_version() -> i32 {
    static VERSION: std::sync::OnceLock<i32> = std::sync::OnceLock::new();
    *VERSION.get_or_init(|| {
        pg_query::parse("SELECT 1", 0)
            .map(|r| r.protobuf.version)
            .unwrap_or(170000)
    })
}

/// The message of a pg_query error without its Rust wrapper.
pub fn error_text(e: &pg_query::Error) -> String {
    match e {
        pg_query::Error::Parse(m) | pg_query::Error::Split(m) | pg_query::Error::Scan(m) => {
            m.clone()
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(quote_ident("users"), "users");
        assert_eq!(quote_ident("email_verified"), "email_verified");
        assert_eq!(quote_ident("user"), "\"user\"");
        assert_eq!(quote_ident("order"), "\"order\"");
        assert_eq!(quote_ident("Users"), "\"Users\"");
        assert_eq!(quote_ident("two words"), "\"two words\"");
        assert_eq!(quote_ident("1st"), "\"1st\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        // Unreserved keywords are fine bare.
        assert_eq!(quote_ident("name"), "name");
        assert_eq!(quote_ident("comment"), "comment");
    }

    #[test]
    fn canonical_types() {
        for (input, want) in [
            ("int", "integer"),
            ("int4", "integer"),
            ("INTEGER", "integer"),
            ("int8", "bigint"),
            ("character varying(20)", "varchar(20)"),
            ("varchar", "varchar"),
            ("timestamp with time zone", "timestamptz"),
            ("timestamptz", "timestamptz"),
            ("timestamp without time zone", "timestamp"),
            ("timestamp(6) with time zone", "timestamp(6) with time zone"),
            ("decimal(10,2)", "numeric(10,2)"),
            ("numeric(10, 2)", "numeric(10,2)"),
            ("double precision", "double precision"),
            ("float8", "double precision"),
            ("bool", "boolean"),
            ("character(3)", "char(3)"),
            ("text[]", "text[]"),
            ("integer[][]", "integer[][]"),
            ("public.post_status", "post_status"),
            ("post_status", "post_status"),
            ("\"PostStatus\"", "\"PostStatus\""),
            ("audit.kind", "audit.kind"),
            ("jsonb", "jsonb"),
            ("bigserial", "bigserial"),
        ] {
            assert_eq!(canonical_type(input).as_deref(), Ok(want), "{input}");
        }
        assert!(canonical_type("int; drop table users").is_err());
        assert!(canonical_type("not null").is_err());
        assert!(canonical_type("").is_err());
    }

    #[test]
    fn knows_which_type_changes_need_no_rewrite() {
        assert!(is_binary_coercible("varchar(50)", "varchar(100)"));
        assert!(is_binary_coercible("varchar(50)", "text"));
        assert!(is_binary_coercible("varchar(50)", "varchar"));
        assert!(!is_binary_coercible("varchar(100)", "varchar(50)"));
        assert!(is_binary_coercible("numeric(10,2)", "numeric(12,2)"));
        assert!(!is_binary_coercible("numeric(10,2)", "numeric(12,3)"));
        assert!(!is_binary_coercible("integer", "bigint"));
        assert!(!is_binary_coercible("text", "integer"));
        assert!(is_lossless_conversion("integer", "bigint"));
        assert!(is_lossless_conversion("integer", "text"));
        assert!(!is_lossless_conversion("bigint", "integer"));
        assert!(!is_lossless_conversion("text", "integer"));
        assert!(is_volatile_expr("gen_random_uuid()"));
        assert!(!is_volatile_expr("now()"));
    }

    #[test]
    fn canonical_expressions() {
        assert_eq!(canonical_expr("FALSE").unwrap(), "false");
        assert_eq!(canonical_expr("'active'").unwrap(), "'active'");
        assert_eq!(canonical_expr("NOW()").unwrap(), "now()");
        assert_eq!(canonical_expr("price>=0").unwrap(), "price >= 0");
        assert_eq!(
            canonical_expr("'free'::character varying").unwrap(),
            canonical_expr("'free'::varchar").unwrap()
        );
        assert!(canonical_expr("1; DROP TABLE users").is_err());
        assert!(canonical_expr("1, 2").is_err());
        assert!(canonical_expr("(select 1) union select 2").is_err());
    }
}
