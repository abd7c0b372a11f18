//! The dialect-free model effect (`plan::ops::apply_structural`, what MySQL and SQLite use)
//! against PostgreSQL's (each operation's own SQL run through the DDL interpreter): for every
//! operation of the PostgreSQL corpora — the `pg_roundtrip` descriptions, the
//! `model_roundtrip` descriptions and its random clauses — and every inverse, both give the
//! same model, operation after operation.
//!
//! Deliberate differences, normalized away before comparing (see `normalized`):
//! - `notes` (the interpreter's remarks about statements it read) are not model content;
//! - literal casts in stored expressions: PostgreSQL stores a default or a check as it
//!   prints it back, with the cast it infers for each literal (`'x'::varchar`,
//!   `price >= 0::numeric`); the structural effect keeps the expression as the operation
//!   spells it (`'x'`, `price >= 0`), which is what another engine's SQL carries too. Casts
//!   are removed from defaults and check expressions on both sides before comparing.

mod common;

use common::clauses::clause;
use migsmith::intent;
use migsmith::plan::ops::apply_structural;
use migsmith::plan::{self, Operation};
use migsmith::schema::sql::load_str;
use migsmith::schema::Schema;
use proptest::prelude::*;
use std::collections::BTreeSet;

fn fixture() -> Schema {
    let sql = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/app.sql"
    ))
    .unwrap();
    load_str(&sql, "app.sql").unwrap()
}

fn normalized(mut s: Schema) -> Schema {
    s.notes.clear();
    for t in s.tables.values_mut() {
        for c in &mut t.columns {
            c.default = c.default.as_deref().map(without_casts);
        }
        for c in &mut t.check_constraints {
            c.expression = without_casts(&c.expression);
        }
    }
    s
}

/// `expr` without its `::type` casts (outside string literals).
fn without_casts(expr: &str) -> String {
    let mut out = String::new();
    let mut chars = expr.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if !quoted && c == ':' && chars.peek() == Some(&':') {
            chars.next();
            while chars
                .peek()
                .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '"' | '.' | '[' | ']'))
            {
                chars.next();
            }
            if chars.peek() == Some(&'(') {
                for c in chars.by_ref() {
                    if c == ')' {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// The descriptions of `tests/pg_roundtrip.rs` and `tests/model_roundtrip.rs`.
const CORPUS: &[&str] = &[
    "add is_admin to users",
    "add column phone varchar(20) to users",
    "add users.nickname:string",
    "add a nullable last_login_at timestamp to users",
    "add score integer default 0 not null to users",
    "add is_vip to users and add index on users.is_vip",
    "add users.nickname:string and add index on users.nickname",
    "remove bio from users",
    "drop column email from users",
    "drop posts.slug",
    "rename column old_name to display_name in users",
    "change type of users.age to bigint",
    "change users.old_name to varchar(200)",
    "make users.old_name not null",
    "make users.email nullable",
    "set default of users.status to 'pending'",
    "remove default from users.status",
    "create articles table",
    "create table tags with name:string post:references",
    "create invoices (number varchar(40) not null, total numeric(12,2), paid_at timestamptz)",
    "drop table comments",
    "drop table users",
    "rename table products to items",
    "rename column id to uid in comments and drop table comments",
    "add index on users.age",
    "add unique index on products(sku)",
    "remove index on posts(user_id, created_at)",
    "drop index users_lower_email_idx",
    "add foreign key from comments.post_id to posts.id on delete cascade",
    "add reference to users on products",
    "remove foreign key posts.user_id",
    "add unique constraint on users.email",
    "add check constraint price >= 0 on products",
    "drop constraint products_name_check on products",
    "drop constraint posts_slug_key on posts",
    "backfill users.email_verified with true where confirmed_at is not null",
    "create enum mood with happy, sad",
    "add value archived to enum post_status",
    "add timestamps to comments",
    "add started_at and finished_at to product",
    "AddIndexToUsersAge",
    "add kind enum to products with values physical, digital",
    "remove the foreign key from comments to users",
    "CreateJoinTableUsersProducts",
    "each product belongs to a user",
    "products.sku should default to 'none' and users.bio is required",
    "change users.old_name from varchar(100) to text",
    "add a foreign key from comments to posts",
    "remove bio and age from users",
    "add nickname CharField(max_length=40) and is_public BooleanField default false not null to users",
    "rename column email to address in users and drop index users_email_idx",
];

/// Apply `ops` both ways from `before`; the first difference, if any. Records the kinds seen.
fn differential(
    description: &str,
    before: &Schema,
    ops: &[Operation],
    seen: &mut BTreeSet<String>,
) -> Result<Schema, String> {
    let mut pg = before.clone();
    let mut structural = before.clone();
    for op in ops {
        seen.insert(op.name());
        op.apply(&mut pg)
            .map_err(|e| format!("{description}: {} (PostgreSQL): {e}", op.name()))?;
        op.validate(&structural)
            .map_err(|e| format!("{description}: {} (validate): {e}", op.name()))?;
        apply_structural(op, &mut structural)
            .map_err(|e| format!("{description}: {} (structural): {e}", op.name()))?;
        let (a, b) = (normalized(pg.clone()), normalized(structural.clone()));
        if a != b {
            return Err(format!(
                "{description}: after {} the models differ:\n{}",
                op.name(),
                diff(&a, &b)
            ));
        }
    }
    Ok(pg)
}

/// The fields that differ, PostgreSQL's first.
fn diff(pg: &Schema, structural: &Schema) -> String {
    let mut out = String::new();
    let keys: BTreeSet<&String> = pg.tables.keys().chain(structural.tables.keys()).collect();
    for k in keys {
        let (a, b) = (pg.tables.get(k), structural.tables.get(k));
        if a == b {
            continue;
        }
        let (Some(a), Some(b)) = (a, b) else {
            out.push_str(&format!(
                "table {k}: pg {:?} / structural {:?}\n",
                a.is_some(),
                b.is_some()
            ));
            continue;
        };
        let a = format!("{a:#?}");
        let b = format!("{b:#?}");
        for (x, y) in a.lines().zip(b.lines()) {
            if x != y {
                out.push_str(&format!(
                    "table {k}:\n  pg:         {}\n  structural: {}\n",
                    x.trim(),
                    y.trim()
                ));
                break;
            }
        }
        if a.lines().count() != b.lines().count() {
            out.push_str(&format!("table {k}: pg\n{a}\nstructural\n{b}\n"));
        }
    }
    if pg.enums != structural.enums {
        out.push_str(&format!(
            "enums:\n  pg:         {:?}\n  structural: {:?}\n",
            pg.enums, structural.enums
        ));
    }
    if pg.dependencies != structural.dependencies {
        out.push_str(&format!(
            "dependencies:\n  pg:         {:?}\n  structural: {:?}\n",
            pg.dependencies, structural.dependencies
        ));
    }
    out
}

/// Plan `description` against `before` and compare the operations, then their inverses.
fn check(description: &str, before: &Schema, seen: &mut BTreeSet<String>) -> Result<(), String> {
    let names: Vec<String> = before.tables.values().map(|t| t.name.clone()).collect();
    let reading =
        intent::interpret(description, &names).map_err(|e| format!("{description}: {e}"))?;
    let options = plan::ResolveOptions {
        cascade: description.ends_with("cascade"),
        ..Default::default()
    };
    let Ok(resolved) = plan::resolve_with(&reading.intents, before, options) else {
        return Ok(());
    };
    let after = differential(description, before, &resolved.operations, seen)?;
    let inverses: Vec<Operation> = resolved
        .operations
        .iter()
        .rev()
        .flat_map(Operation::inverse)
        .collect();
    differential(&format!("{description} (inverse)"), &after, &inverses, seen)?;
    Ok(())
}

#[test]
fn structural_effect_equals_the_postgresql_sql_effect_on_the_corpus() {
    let before = fixture();
    let mut seen = BTreeSet::new();
    let failures: Vec<String> = CORPUS
        .iter()
        .filter_map(|d| check(d, &before, &mut seen).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // Every kind is exercised (the inverses bring drop_enum and remove_enum_value).
    let all = [
        "create_table",
        "drop_table",
        "rename_table",
        "add_column",
        "drop_column",
        "rename_column",
        "change_column_type",
        "set_not_null",
        "drop_not_null",
        "set_default",
        "drop_default",
        "add_index",
        "drop_index",
        "add_foreign_key",
        "drop_foreign_key",
        "add_unique_constraint",
        "add_check_constraint",
        "drop_constraint",
        "backfill",
        "create_enum",
        "drop_enum",
        "add_enum_value",
        "remove_enum_value",
    ];
    let missing: Vec<&str> = all.iter().copied().filter(|k| !seen.contains(*k)).collect();
    assert!(missing.is_empty(), "kinds not exercised: {missing:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The random clauses of `model_roundtrip` (1–3 per description).
    #[test]
    fn structural_effect_equals_the_postgresql_sql_effect_on_random_plans(
        clauses in prop::collection::vec(clause(), 1..4)
    ) {
        let description = clauses.join(" and ");
        let before = fixture();
        let intents = intent::parse(&description)
            .map_err(|e| TestCaseError::fail(format!("{description}: {e}")))?;
        let Ok(resolved) = plan::resolve(&intents, &before) else { return Ok(()) };
        let mut seen = BTreeSet::new();
        let after = differential(&description, &before, &resolved.operations, &mut seen)
            .map_err(TestCaseError::fail)?;
        let inverses: Vec<Operation> = resolved.operations.iter().rev().flat_map(Operation::inverse).collect();
        differential(&format!("{description} (inverse)"), &after, &inverses, &mut seen)
            .map_err(TestCaseError::fail)?;
    }
}
