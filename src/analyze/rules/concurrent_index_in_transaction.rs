//! `concurrent-index-in-transaction`: CREATE/DROP/REINDEX … CONCURRENTLY inside a transaction.

use super::{Hit, Level, Rule, Stmt};
use pg_query::protobuf::ObjectType;
use pg_query::NodeEnum;

pub static RULE: Rule = Rule {
    id: "concurrent-index-in-transaction",
    level: Level::Error,
    title: "CONCURRENTLY inside a transaction block",
    why: "PostgreSQL refuses `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY` and \
          `REINDEX … CONCURRENTLY` inside a transaction block (`ERROR: … cannot run inside a transaction \
          block`): the migration fails. Tools that wrap each file in a transaction (run `check` with \
          `--assume-transaction` for them) trigger it too.",
    alternative: "Put the statement in a migration of its own that runs outside a transaction \
                  (e.g. `-- +goose NO TRANSACTION`, Django `atomic = False`, Rails \
                  `disable_ddl_transaction!`, or a file without BEGIN/COMMIT for psql).",
    bad: include_str!("examples/concurrent-index-in-transaction.bad.sql"),
    good: include_str!("examples/concurrent-index-in-transaction.good.sql"),
    size_sensitive: false,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    if !s.in_transaction {
        return vec![];
    }
    let what = match s.node {
        NodeEnum::IndexStmt(i) if i.concurrent => "CREATE INDEX CONCURRENTLY",
        NodeEnum::DropStmt(d)
            if d.concurrent && d.remove_type == ObjectType::ObjectIndex as i32 =>
        {
            "DROP INDEX CONCURRENTLY"
        }
        NodeEnum::ReindexStmt(_) if !s.effect.transactional => "REINDEX CONCURRENTLY",
        _ => return vec![],
    };
    vec![Hit {
        message: format!("{what} cannot run inside a transaction block; this migration will fail"),
        table: s.effect.table.clone(),
        level: None,
    }]
}
