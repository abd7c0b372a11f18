//! Renames with `--strategy expand-contract`, so code using the old name keeps working while the
//! application is deployed:
//!
//! - column: expand (`ADD COLUMN <to>` and a two-way trigger: a write to either name lands in
//!   both), a batched backfill of `<to>`, concurrent copies of its indexes and NOT NULL through a
//!   validated check; then, after the deploy of code that uses only `<to>`, contract: drop the
//!   trigger and `<from>`, give the index copies their old names, move the default.
//! - table: rename it and create `CREATE VIEW <from> AS SELECT * FROM <to>` (automatically
//!   updatable: reads and writes through the old name keep working); contract drops the view.
//!
//! Without the flag (`plain`) renames keep the simple form and its warning.

use super::{backfill, not_null, sync, Cx, RenameStrategy, Stage};
use crate::dialect::LockMode;
use crate::plan::ops::{sql, Operation, RenameColumn, RenameTable, Statement};
use crate::schema::Column;

fn wanted(cx: &mut Cx, what: &str) -> Result<(), ()> {
    if cx.opts.renames != RenameStrategy::ExpandContract {
        return Err(());
    }
    let other = cx.changed_later.clone().or_else(|| cx.shares_table.clone());
    if let Some(other) = other {
        cx.decisions.push(format!(
            "--strategy expand-contract: {what} shares its table with another change of this plan ({other}), so it uses the plain RENAME; generate that change separately to phase it"
        ));
        return Err(());
    }
    Ok(())
}

pub(crate) fn table(op: &RenameTable, cx: &mut Cx) -> Option<Vec<Stage>> {
    wanted(cx, &format!("the rename of `{}`", op.from)).ok()?;
    let new_key = match op.from.split_once('.') {
        Some((schema, _)) => format!("{schema}.{}", sql::bare_name(&op.to)),
        None => sql::bare_name(&op.to).to_string(),
    };
    let create_view = || {
        Statement::metadata(
            format!(
                "CREATE VIEW {} AS SELECT * FROM {}",
                sql::table(&op.from),
                sql::table(&new_key)
            ),
            LockMode::AccessShare,
            &new_key,
        )
    };
    let drop_view = || {
        Statement::metadata(
            format!("DROP VIEW IF EXISTS {}", sql::table(&op.from)),
            LockMode::AccessExclusive,
            &new_key,
        )
    };
    let mut up = Operation::from(op.clone()).statements();
    up.push(create_view());
    let mut down = vec![drop_view()];
    down.extend(op_inverse(&Operation::from(op.clone())));
    cx.decisions.push(format!(
        "--strategy expand-contract: `{}` is renamed to `{}` and a view `{}` (SELECT * FROM `{}`, automatically updatable) keeps the old name working until the contract migration drops it",
        op.from, op.to, op.from, op.to
    ));
    Some(vec![
        Stage {
            name: "expand",
            wave: 0,
            transactional: true,
            reason: Some(format!(
                "renames the table and creates the view `{}` in one transaction (catalog-only, brief lock): code using either name works from here on",
                op.from
            )),
            up,
            down,
            caveat: None,
            deploy: Some(format!(
                "after this migration: deploy code that uses `{}` (reads and writes through the view `{}` keep working meanwhile)",
                op.to, op.from
            )),
        },
        Stage {
            name: "contract",
            wave: 1,
            transactional: true,
            reason: Some(format!("drops the transition view `{}`", op.from)),
            up: vec![drop_view()],
            down: vec![create_view()],
            caveat: None,
            deploy: Some(format!(
                "before this migration: deploy code that no longer uses `{}`",
                op.from
            )),
        },
    ])
}

fn op_inverse(op: &Operation) -> Vec<Statement> {
    op.inverse()
        .iter()
        .flat_map(Operation::statements)
        .collect()
}

pub(crate) fn column(op: &RenameColumn, cx: &mut Cx) -> Option<Vec<Stage>> {
    let (table, from, to) = (op.table.as_str(), op.from.as_str(), op.to.as_str());
    wanted(cx, &format!("the rename of `{table}.{from}`")).ok()?;
    let before = cx.before;
    let t = before.table(table)?;
    let column = t.column(from)?.clone();
    if let Some(why) = sync::obstacle(before, t, from) {
        cx.decisions.push(format!(
            "--strategy expand-contract: `{table}.{from}` {why}: a new column cannot take that over exactly, so the rename uses the plain RENAME"
        ));
        return None;
    }
    let (cf, ct) = (sql::ident(from), sql::ident(to));
    let pending = format!("{ct} IS DISTINCT FROM {cf}");
    let Some(fill) = backfill::batched(cx, table, to, &cf, &pending) else {
        cx.decisions.push(format!(
            "--strategy expand-contract: without a batched backfill the rename of `{table}.{from}` uses the plain RENAME"
        ));
        return None;
    };
    let refill = backfill::batched(cx, table, from, &ct, &format!("{cf} IS DISTINCT FROM {ct}"))?;
    let trigger = sync::Trigger::new(table, &format!("{from}_{to}_sync"));
    // A write to one name is copied to the other; a row the backfill has not reached yet (one
    // side NULL) is filled from the other side on any update, so a NOT VALID check on the
    // filled side holds, and the side being refilled never overwrites the side holding data.
    let body = format!(
        "    IF TG_OP = 'INSERT' THEN\n\
         \x20       IF NEW.{ct} IS NULL THEN\n\
         \x20           NEW.{ct} := NEW.{cf};\n\
         \x20       ELSE\n\
         \x20           NEW.{cf} := NEW.{ct};\n\
         \x20       END IF;\n\
         \x20   ELSIF NEW.{ct} IS DISTINCT FROM OLD.{ct} THEN\n\
         \x20       NEW.{cf} := NEW.{ct};\n\
         \x20   ELSIF NEW.{cf} IS DISTINCT FROM OLD.{cf} THEN\n\
         \x20       NEW.{ct} := NEW.{cf};\n\
         \x20   ELSIF NEW.{ct} IS NULL THEN\n\
         \x20       NEW.{ct} := NEW.{cf};\n\
         \x20   ELSIF NEW.{cf} IS NULL THEN\n\
         \x20       NEW.{cf} := NEW.{ct};\n\
         \x20   END IF;\n"
    );
    let mut taken = vec![];
    let indexes: Vec<_> = sync::indexes_on(t, from)
        .ok()?
        .into_iter()
        .map(|i| {
            let n = sync::free_relation_name(before, &format!("{}_new", i.name), &mut taken);
            (i.clone(), n)
        })
        .collect();
    cx.decisions.push(format!(
        "--strategy expand-contract: `{table}.{from}` is renamed through a new column `{to}` kept in sync both ways by the trigger `{}`; the contract migration drops `{from}` once the code uses `{to}`",
        trigger.name
    ));

    let shape = |name: &str| {
        let mut c = Column::new(name.to_string(), column.data_type.clone());
        c.nullable = true;
        c
    };
    let add = |name: &str, if_not_exists: bool| {
        sync::alter(
            table,
            format!(
                "ADD COLUMN {}{}",
                if if_not_exists { "IF NOT EXISTS " } else { "" },
                sql::column_definition(&shape(name), table)
            ),
        )
    };
    let default = |name: &str, set: bool| {
        column.default.as_ref().map(|d| {
            let action = if set {
                format!("SET DEFAULT {d}")
            } else {
                "DROP DEFAULT".to_string()
            };
            sync::alter(table, format!("ALTER COLUMN {} {action}", sql::ident(name)))
        })
    };
    let comment = |name: &str, set: bool| {
        column.comment.as_ref().map(|c| {
            Statement::metadata(
                sql::comment_on_column(table, name, set.then_some(c.as_str())),
                LockMode::ShareUpdateExclusive,
                table,
            )
        })
    };

    // expand
    let mut up = vec![add(to, false)];
    up.extend(trigger.create(&body, false));
    let mut down = trigger.drop();
    down.push(sync::alter(table, format!("DROP COLUMN {ct}")));
    let mut stages = vec![Stage {
        name: "expand",
        wave: 0,
        transactional: true,
        reason: Some(format!(
            "adds `{to}` and the trigger `{}` that copies every write of `{from}` to `{to}` and back (catalog-only, brief locks)",
            trigger.name
        )),
        up,
        down,
        caveat: None,
        deploy: Some(format!(
            "no deploy needed before it: code using `{from}` keeps working"
        )),
    }];
    let mut validate = None;
    if !column.nullable {
        let mut pair = not_null::via_check(table, to, cx, 0);
        let mut second = pair.pop()?;
        let mut first = pair.pop()?;
        first.deploy = None;
        first.reason = None;
        second.wave = 2;
        validate = Some(second);
        stages.push(first);
    }
    let mut fill_stage = backfill::stage(fill, 1, table, &pending);
    fill_stage.deploy = Some(format!(
        "once this and the migrations before the contract have run, `{to}` holds every row: deploy code that reads and writes `{to}` (writes to either name land in both until the contract)"
    ));
    stages.push(fill_stage);
    if !indexes.is_empty() {
        stages.push(Stage {
            name: "concurrent_indexes",
            wave: 2,
            transactional: false,
            reason: Some(super::unique::invalid_index_reason(&indexes[0].1)),
            up: indexes
                .iter()
                .map(|(i, n)| sync::build_index(&sync::moved(i, from, to, n), table, false))
                .collect(),
            down: indexes
                .iter()
                .rev()
                .map(|(_, n)| sync::drop_index(n, table))
                .collect(),
            caveat: None,
            deploy: None,
        });
    }
    stages.extend(validate);

    // contract
    let mut up = trigger.drop();
    up.push(sync::alter(table, format!("DROP COLUMN IF EXISTS {cf}")));
    for (i, n) in &indexes {
        up.push(sync::rename_index(n, &i.name, table));
    }
    up.extend(default(to, true));
    up.extend(comment(to, true));
    let mut down: Vec<Statement> = vec![];
    down.extend(comment(to, false));
    down.extend(default(to, false));
    for (i, n) in indexes.iter().rev() {
        down.push(sync::rename_index(&i.name, n, table));
    }
    down.push(add(from, true));
    down.extend(trigger.create(&body, true));
    down.push(refill);
    if !column.nullable {
        down.extend(sync::not_null_inline(cx, table, from));
    }
    down.extend(
        indexes
            .iter()
            .map(|(i, _)| sync::build_index(i, table, true)),
    );
    down.extend(default(from, true));
    down.extend(comment(from, true));
    stages.push(Stage {
        name: "contract",
        wave: 3,
        transactional: false,
        reason: Some(format!(
            "drops the trigger and `{from}`, then gives the index copies their old names. Its down re-creates `{from}` from `{to}` in committed batches and builds its indexes CONCURRENTLY, so it runs without a transaction block; each statement can be run again"
        )),
        up,
        down,
        caveat: None,
        deploy: Some(format!(
            "before this migration: deploy code that no longer reads or writes `{table}.{from}`"
        )),
    });
    cx.moved_columns.push((table.to_string(), to.to_string()));
    Some(stages)
}
