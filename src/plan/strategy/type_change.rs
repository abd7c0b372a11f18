//! A type change that rewrites a large table (`integer → bigint`, `text → integer USING …`)
//! as expand-contract instead of one long ACCESS EXCLUSIVE rewrite:
//!
//! 1. expand: `ADD COLUMN <c>_new <type>` and a trigger that sets it from `<c>` (the plan's
//!    `USING` expression) on every insert and update;
//! 2. backfill: the batched, resumable form of `backfill.rs`;
//! 3. concurrent index copies on `<c>_new`, and NOT NULL through a validated check;
//! 4. swap, one short transaction: drop the trigger, move the default, rename `<c>` →
//!    `<c>_old` and `<c>_new` → `<c>`, swap the index names, and a reverse trigger that keeps
//!    `<c>_old` in sync so the swap can be undone without losing writes;
//! 5. contract (after the application deploy): drop the reverse trigger and `<c>_old`. Its down
//!    re-creates `<c>_old` from `<c>` in batches.
//!
//! Columns that cannot be carried over exactly (primary key, foreign keys either way, unique,
//! exclusion and check constraints, identity/serial, index expressions) keep the in-place
//! form, and the plan says why.

use super::{backfill, not_null, sync, Cx, Size, Stage};
use crate::plan::ops::{sql, ChangeColumnType, Statement};
use crate::schema::Column;

const FORM: &str = "expand-contract (a new column kept in sync by a trigger, a batched backfill, a swap of the names in one short transaction, then a contract that drops the old column)";

pub(crate) fn stages(op: &ChangeColumnType, cx: &mut Cx) -> Option<Vec<Stage>> {
    if op.in_place() {
        return None;
    }
    let (table, col) = (op.table.as_str(), op.column.as_str());
    let change = format!(
        "the type change of `{table}.{col}` ({} → {})",
        op.from_type, op.to_type
    );
    if cx.size(table, &change, FORM) == Size::Small {
        return None;
    }
    let before = cx.before;
    let t = before.table(table)?;
    let column = t.column(col)?.clone();
    let (new, old) = (format!("{col}_new"), format!("{col}_old"));
    let why = if let Some(other) = &cx.shares_table {
        Some(format!(
            "shares its table with another change of this plan ({other})"
        ))
    } else if t.column(&new).is_some() || t.column(&old).is_some() {
        Some(format!("already has a column `{new}` or `{old}`"))
    } else {
        sync::obstacle(before, t, col)
    };
    if let Some(why) = why {
        cx.decisions.push(refusal(table, col, &why, &change));
        return None;
    }
    let (c, cn, co) = (sql::ident(col), sql::ident(&new), sql::ident(&old));
    let plain_cast = format!("{c}::{}", op.to_type);
    let using = op.using.clone().unwrap_or_else(|| plain_cast.clone());
    let forward_value = if using == plain_cast {
        format!("NEW.{c}::{}", op.to_type)
    } else {
        // The plan's USING expression, evaluated over the new row's columns.
        format!("(SELECT {using} FROM (SELECT NEW.*) AS migsmith_row)")
    };
    let back = format!("{c}::{}", op.from_type);
    let pending = format!("{cn} IS DISTINCT FROM ({using})");
    let Some(fill) = backfill::batched(cx, table, &new, &using, &pending) else {
        cx.decisions.push(refusal(
            table,
            col,
            "has no batched backfill (see above)",
            &change,
        ));
        return None;
    };
    let pending_old = format!("{co} IS DISTINCT FROM ({back})");
    let refill = backfill::batched(cx, table, &old, &back, &pending_old)?;

    let forward = sync::Trigger::new(table, &format!("{col}_sync_new"));
    let reverse = sync::Trigger::new(table, &format!("{col}_sync_old"));
    let forward_body = format!("    NEW.{cn} := {forward_value};\n");
    let reverse_body = format!("    NEW.{co} := NEW.{back};\n");

    let mut taken = vec![];
    let indexes: Vec<_> = sync::indexes_on(t, col)
        .ok()?
        .into_iter()
        .map(|i| {
            let new_name = sync::free_relation_name(before, &format!("{}_new", i.name), &mut taken);
            let old_name = sync::free_relation_name(before, &format!("{}_old", i.name), &mut taken);
            (i.clone(), new_name, old_name)
        })
        .collect();

    // 1. expand
    let mut bare = Column::new(new.clone(), op.to_type.clone());
    bare.nullable = true;
    let mut expand_up = vec![sync::alter(
        table,
        format!("ADD COLUMN {}", sql::column_definition(&bare, table)),
    )];
    expand_up.extend(forward.create(&forward_body, false));
    let mut expand_down = forward.drop();
    expand_down.push(sync::alter(table, format!("DROP COLUMN {cn}")));
    let mut stages = vec![Stage {
        name: "expand",
        wave: 0,
        transactional: true,
        reason: Some(format!(
            "adds `{new}` ({}) and the trigger `{}` that sets it from `{col}` on every insert and update; catalog-only, brief locks",
            op.to_type, forward.name
        )),
        up: expand_up,
        down: expand_down,
        caveat: None,
        deploy: Some(format!(
            "no deploy needed before it; from this migration on every write to `{table}.{col}` is also converted to {} by the trigger (a value that does not convert fails the write)",
            op.to_type
        )),
    }];
    let mut validate = None;
    if !column.nullable {
        let mut pair = not_null::via_check(table, &new, cx, 0);
        let mut second = pair.pop()?;
        let mut first = pair.pop()?;
        first.deploy = None;
        first.reason = None;
        second.wave = 2;
        stages.push(first);
        validate = Some(second);
    }
    // 2. backfill
    stages.push(backfill::stage(fill, 1, table, &pending));
    // 3. index copies and NOT NULL
    if !indexes.is_empty() {
        let reason = super::unique::invalid_index_reason(&indexes[0].1);
        stages.push(Stage {
            name: "concurrent_indexes",
            wave: 2,
            transactional: false,
            reason: Some(reason),
            up: indexes
                .iter()
                .map(|(i, n, _)| sync::build_index(&sync::moved(i, col, &new, n), table, false))
                .collect(),
            down: indexes
                .iter()
                .rev()
                .map(|(_, n, _)| sync::drop_index(n, table))
                .collect(),
            caveat: None,
            deploy: None,
        });
    }
    stages.extend(validate);
    // 4. swap
    let set_default = |name: &str| {
        column.default.as_ref().map(|d| {
            sync::alter(
                table,
                format!("ALTER COLUMN {} SET DEFAULT {d}", sql::ident(name)),
            )
        })
    };
    let drop_default = |name: &str| {
        column.default.as_ref().map(|_| {
            sync::alter(
                table,
                format!("ALTER COLUMN {} DROP DEFAULT", sql::ident(name)),
            )
        })
    };
    let rename = |from: &str, to: &str| {
        sync::alter(
            table,
            format!("RENAME COLUMN {} TO {}", sql::ident(from), sql::ident(to)),
        )
    };
    let comment = |name: &str, text: Option<&str>| {
        column.comment.as_ref().map(|_| {
            Statement::metadata(
                sql::comment_on_column(table, name, text),
                crate::dialect::LockMode::ShareUpdateExclusive,
                table,
            )
        })
    };
    let mut swap_up = forward.drop();
    swap_up.extend(drop_default(col));
    swap_up.push(rename(col, &old));
    swap_up.push(rename(&new, col));
    swap_up.extend(set_default(col));
    swap_up.extend(comment(col, column.comment.as_deref()));
    for (i, n, o) in &indexes {
        swap_up.push(sync::rename_index(&i.name, o, table));
        swap_up.push(sync::rename_index(n, &i.name, table));
    }
    swap_up.extend(reverse.create(&reverse_body, false));
    let mut swap_down = reverse.drop();
    for (i, n, o) in indexes.iter().rev() {
        swap_down.push(sync::rename_index(&i.name, n, table));
        swap_down.push(sync::rename_index(o, &i.name, table));
    }
    swap_down.extend(comment(col, None));
    swap_down.extend(drop_default(col));
    swap_down.push(rename(col, &new));
    swap_down.push(rename(&old, col));
    swap_down.extend(set_default(col));
    swap_down.extend(forward.create(&forward_body, false));
    stages.push(Stage {
        name: "swap",
        wave: 3,
        transactional: true,
        reason: Some(format!(
            "one short transaction under ACCESS EXCLUSIVE (catalog-only: renames, default, index names, triggers): `{new}` becomes `{col}`, the old column stays as `{old}` and a trigger keeps it in sync so this migration can be undone without losing writes"
        )),
        up: swap_up,
        down: swap_down,
        caveat: None,
        deploy: Some(format!(
            "`{table}.{col}` is {} from this migration on (same name): deploy code that handles {} values before it or together with it. Until the contract migration, every write is also converted back to {} for `{old}`: a value that does not fit {} fails the write",
            op.to_type, op.to_type, op.from_type, op.from_type
        )),
    });
    // 5. contract
    let mut contract_up = reverse.drop();
    contract_up.push(sync::alter(table, format!("DROP COLUMN IF EXISTS {co}")));
    let mut old_column = column.clone();
    old_column.name = old.clone();
    old_column.nullable = true;
    old_column.default = None;
    old_column.comment = None;
    let mut contract_down = vec![sync::alter(
        table,
        format!(
            "ADD COLUMN IF NOT EXISTS {}",
            sql::column_definition(&old_column, table)
        ),
    )];
    contract_down.extend(reverse.create(&reverse_body, true));
    contract_down.push(refill);
    if !column.nullable {
        contract_down.extend(sync::not_null_inline(cx, table, &old));
    }
    contract_down.extend(
        indexes
            .iter()
            .map(|(i, _, o)| sync::build_index(&sync::moved(i, col, &old, o), table, true)),
    );
    contract_down.extend(comment(&old, column.comment.as_deref()));
    stages.push(Stage {
        name: "contract",
        wave: 4,
        transactional: false,
        reason: Some(format!(
            "drops `{old}` and its trigger. Its down re-creates `{old}` from `{col}` (converted back to {}) in committed batches and builds its indexes CONCURRENTLY, so it runs without a transaction block; each statement can be run again",
            op.from_type
        )),
        up: contract_up,
        down: contract_down,
        caveat: None,
        deploy: Some(format!(
            "after the deploy that follows the swap, once you no longer need to undo the swap: this drops the {} copy `{old}`",
            op.from_type
        )),
    });
    cx.moved_columns.push((table.to_string(), col.to_string()));
    Some(stages)
}

fn refusal(table: &str, column: &str, why: &str, change: &str) -> String {
    format!(
        "`{table}.{column}` {why}: expand-contract cannot carry that over exactly, so {change} runs in place instead: it rewrites `{table}` under ACCESS EXCLUSIVE (reads and writes wait until it finishes)"
    )
}
