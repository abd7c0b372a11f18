//! `enum-value-in-transaction`: ALTER TYPE … ADD VALUE inside a transaction before PostgreSQL 12.

use super::{Hit, Level, Rule, Stmt};
use crate::dialect::postgres::locks::dotted_name;
use pg_query::NodeEnum;

pub static RULE: Rule = Rule {
    id: "enum-value-in-transaction",
    level: Level::Error,
    title: "enum value added inside a transaction on PostgreSQL < 12",
    why: "Before PostgreSQL 12, `ALTER TYPE … ADD VALUE` cannot run inside a transaction block: the \
          migration fails. From 12 it can, but the new value cannot be used until the transaction commits.",
    alternative: "Run `ALTER TYPE … ADD VALUE` in a migration of its own outside a transaction (or target \
                  PostgreSQL 12+ with `--pg-version`), and use the value in a later migration.",
    bad: include_str!("examples/enum-value-in-transaction.bad.sql"),
    good: include_str!("examples/enum-value-in-transaction.good.sql"),
    size_sensitive: false,
    examples_on: 110000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    match s.node {
        NodeEnum::AlterEnumStmt(a)
            if a.old_val.is_empty() && s.in_transaction && !s.effect.transactional =>
        {
            vec![Hit {
                message: format!(
                    "ALTER TYPE {} ADD VALUE cannot run inside a transaction block before PostgreSQL 12",
                    dotted_name(&a.type_name)
                ),
                table: None,
                level: None,
            }]
        }
        _ => vec![],
    }
}
