//! `ADD COLUMN … DEFAULT <volatile>` (`random()`, `gen_random_uuid()`, `clock_timestamp()`) on a
//! large table rewrites it under ACCESS EXCLUSIVE. Instead: add the column without a default,
//! set the default (new rows get it), backfill existing rows in committed batches, then make it
//! NOT NULL through a validated check when it must be.

use super::{backfill, not_null, Cx, Size, Stage};
use crate::dialect::postgres::is_volatile_expr;
use crate::dialect::LockMode;
use crate::plan::ops::{sql, AddColumn, Operation, Statement};

pub(crate) fn stages(op: &AddColumn, cx: &mut Cx) -> Option<Vec<Stage>> {
    let column = &op.column;
    let default = column.default.as_deref()?;
    if !is_volatile_expr(default) || column.identity.is_some() || column.serial_sequence.is_some() {
        return None;
    }
    let form = "ADD COLUMN without the default, SET DEFAULT, then a batched backfill";
    let change = format!("the volatile default of `{}`", column.name);
    if cx.size(&op.table, &change, form) == Size::Small {
        return None;
    }
    let mut bare = column.clone();
    bare.default = None;
    bare.nullable = true;
    let plain = AddColumn {
        table: op.table.clone(),
        column: bare,
    };
    let (t, c) = (sql::table(&op.table), sql::ident(&column.name));
    let mut up = Operation::from(plain.clone()).statements();
    up.insert(
        1,
        Statement::metadata(
            format!("ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {default}"),
            LockMode::AccessExclusive,
            &op.table,
        ),
    );
    let down = Operation::from(op.clone())
        .inverse()
        .iter()
        .flat_map(Operation::statements)
        .collect();
    let pending = format!("{c} IS NULL");
    let fill = backfill::batched(cx, &op.table, &column.name, default, &pending)?;
    let mut stages = vec![
        Stage {
            name: "schema",
            wave: 0,
            transactional: true,
            reason: None,
            up,
            down,
            caveat: None,
            deploy: None,
        },
        backfill::stage(fill, 1, &op.table, &pending),
    ];
    if !column.nullable {
        stages.extend(not_null::via_check(&op.table, &column.name, cx, 2));
    }
    Some(stages)
}
