//! PostgreSQL's zero-downtime strategy (`Dialect::build` of `dialect::postgres::Postgres`):
//! operations → phases, in the zero-downtime form each change needs at its table's size.
//!
//! Every operation becomes one or more [`Stage`]s: the simple form (its own statements, undone
//! by its inverse) or a safer, longer form chosen by the change and the size of the table it
//! touches (one file per strategy in this folder). Stage *k* of every operation goes to wave *k*;
//! each wave becomes one migration per run of transactional / non-transactional stages
//! (`phases.rs`), so a multi-phase plan runs expand → validate/backfill → contract in order.
//! Every phase starts with `SET lock_timeout` (`settings.rs`).
//!
//! Sizes come from `TableStats` (live statistics or `--rows`); a table without a size is assumed
//! large, and the plan says so. Tables created by the plan itself are always "small".

mod backfill;
mod constraints;
mod not_null;
mod phases;
mod rename;
pub mod settings;
mod simple;
mod sync;
mod type_change;
mod unique;
mod volatile_default;

pub use backfill::progress_query;

use super::ops::{Operation, Statement};
use super::resolve::Resolved;
use super::Plan;
use crate::dialect::postgres::PgVersion;
use crate::plan::cost::CostTable;
use crate::schema::Schema;

/// How to plan: target server, timeouts and thresholds (`generate` flags).
#[derive(Debug, Clone)]
pub struct StrategyOptions {
    /// `--pg-version` (default: the live server's, else 15).
    pub pg_version: PgVersion,
    /// `--lock-timeout`, in milliseconds (default 5 s).
    pub lock_timeout_ms: u64,
    /// `statement_timeout` for phases that only change the catalog, in milliseconds.
    pub statement_timeout_ms: u64,
    /// `--small-table-rows`: at or below this many rows the simple form is used.
    pub small_table_rows: u64,
    /// `--batch-size`: rows per committed backfill batch.
    pub batch_size: u64,
    /// Pause between backfill batches, in milliseconds.
    pub batch_pause_ms: u64,
    /// Per-row costs for the estimates.
    pub costs: CostTable,
    /// `--strategy`: how renames are planned (type changes on large tables always use
    /// expand-contract when they can).
    pub renames: RenameStrategy,
}

/// `--strategy`: the form of column and table renames.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RenameStrategy {
    /// One `RENAME` (brief lock; running code using the old name breaks at once).
    #[default]
    Plain,
    /// Column: new column + two-way sync trigger + batched backfill, contract later.
    /// Table: rename + an auto-updatable view under the old name, dropped later.
    ExpandContract,
}

impl Default for StrategyOptions {
    fn default() -> Self {
        StrategyOptions {
            pg_version: PgVersion::default(),
            lock_timeout_ms: 5_000,
            statement_timeout_ms: 30_000,
            small_table_rows: 10_000,
            batch_size: 10_000,
            batch_pause_ms: 50,
            costs: CostTable::default(),
            renames: RenameStrategy::Plain,
        }
    }
}

/// One step of one operation's form: becomes (part of) one phase.
#[derive(Debug, Clone)]
pub(crate) struct Stage {
    /// Phase name base (`schema`, `concurrent_indexes`, `validate`, `backfill`).
    pub name: &'static str,
    /// Position in the operation's sequence of stages.
    pub wave: usize,
    pub transactional: bool,
    /// Why this stage cannot share a migration with the others, when it cannot.
    pub reason: Option<String>,
    pub up: Vec<Statement>,
    /// Statements that undo `up`, in execution order.
    pub down: Vec<Statement>,
    pub caveat: Option<String>,
    /// When to deploy application code relative to this stage, if it matters.
    pub deploy: Option<String>,
}

/// How big a table is for planning.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Size {
    /// Created by this plan, or at most `small_table_rows` rows.
    Small,
    /// More rows than the threshold, or unknown (assumed large).
    Large,
}

/// What a strategy may look at and record.
pub(crate) struct Cx<'a> {
    pub opts: &'a StrategyOptions,
    pub before: &'a Schema,
    pub decisions: Vec<String>,
    /// Set while planning an operation whose table a later operation of the same plan drops,
    /// renames or restructures: a phased form would leave steps (VALIDATE, backfill, …) to run
    /// after that change, so the simple form is used. Holds the later operation's summary.
    pub changed_later: Option<String>,
    /// Set while planning an operation when another operation of the same plan works on the
    /// same table (its summary): the expand-contract forms, whose steps span several
    /// migrations, then keep the simple form.
    pub shares_table: Option<String>,
    /// Columns an expand-contract form re-creates (`table`, `column`): they end up last in
    /// their table, as in the database.
    pub moved_columns: Vec<(String, String)>,
}

impl Cx<'_> {
    /// The size class of `table`, recording once why the form was chosen.
    pub fn size(&mut self, table: &str, change: &str, safe_form: &str) -> Size {
        let Some(t) = self.before.table(table) else {
            return Size::Small;
        };
        if let Some(later) = &self.changed_later {
            let text = format!(
                "a later change in this plan ({later}) alters `{table}`: {change} uses the simple form so that all of its steps run before that change"
            );
            if !self.decisions.contains(&text) {
                self.decisions.push(text);
            }
            return Size::Small;
        }
        let threshold = self.opts.small_table_rows;
        let (size, text) = match t.rows() {
            Some(rows) if rows <= threshold => (
                Size::Small,
                format!(
                    "`{table}` has {} rows (at most --small-table-rows {}): {change} uses the simple form; its lock is brief at this size",
                    thousands(rows),
                    thousands(threshold)
                ),
            ),
            Some(rows) => (
                Size::Large,
                format!(
                    "`{table}` has {} rows (more than --small-table-rows {}): {change} uses {safe_form}",
                    thousands(rows),
                    thousands(threshold)
                ),
            ),
            None => (
                Size::Large,
                format!(
                    "the size of `{table}` is unknown (no statistics, no --rows {table}=N): assumed large, so {change} uses {safe_form}"
                ),
            ),
        };
        if !self.decisions.contains(&text) {
            self.decisions.push(text);
        }
        size
    }
}

/// `1,000,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Build the plan for resolved operations with the default options.
pub fn build(description: &str, before: &Schema, resolved: Resolved) -> Plan {
    build_with(description, before, resolved, &StrategyOptions::default())
}

/// Build the plan for resolved operations.
pub fn build_with(
    description: &str,
    before: &Schema,
    resolved: Resolved,
    opts: &StrategyOptions,
) -> Plan {
    let Resolved {
        mut operations,
        decisions,
        already_true,
        mut after,
    } = resolved;
    let mut cx = Cx {
        opts,
        before,
        decisions,
        changed_later: None,
        shares_table: None,
        moved_columns: vec![],
    };
    let mut stages: Vec<(usize, Stage)> = vec![];
    let later_changes: Vec<Option<String>> = (0..operations.len())
        .map(|i| restructured_later(&operations, i))
        .collect();
    let shared: Vec<Option<String>> = (0..operations.len())
        .map(|i| shares_table(&operations, i))
        .collect();
    for (i, op) in operations.iter_mut().enumerate() {
        cx.changed_later = later_changes[i].clone();
        cx.shares_table = shared[i].clone();
        for stage in stages_for(op, &mut cx) {
            stages.push((i, stage));
        }
    }
    for (table, column) in &cx.moved_columns {
        if let Some(t) = after.table_mut(table) {
            if let Some(at) = t.columns.iter().position(|c| &c.name == column) {
                let c = t.columns.remove(at);
                t.columns.push(c);
            }
        }
    }
    let phases = phases::group(stages, before, &after, opts);
    Plan {
        description: description.to_string(),
        operations,
        phases,
        decisions: cx.decisions,
        already_true,
        before: before.clone(),
        after,
    }
}

/// The summary of the first operation after `i` that drops, renames or restructures the table
/// operation `i` works on, if any.
fn restructured_later(operations: &[Operation], i: usize) -> Option<String> {
    let table = operations[i].table()?;
    // A foreign key's steps also name the referenced table: renaming or dropping it later
    // would leave the VALIDATE (and the down's re-added constraint) pointing at a name that
    // is gone.
    let referenced = match &operations[i] {
        Operation::AddForeignKey(fk) => Some(fk.foreign_key.ref_table.as_str()),
        _ => None,
    };
    operations[i + 1..]
        .iter()
        .find(|op| {
            let moves_referenced = referenced.is_some()
                && op.table() == referenced
                && matches!(op, Operation::DropTable(_) | Operation::RenameTable(_));
            moves_referenced
                || op.table() == Some(table)
                    && matches!(
                        op,
                        Operation::DropTable(_)
                        | Operation::RenameTable(_)
                        | Operation::DropColumn(_)
                        | Operation::RenameColumn(_)
                        | Operation::ChangeColumnType(_)
                        // A constraint dropped later (directly, or because its referenced
                        // table is dropped) must not be left to a later VALIDATE.
                        | Operation::DropForeignKey(_)
                        | Operation::DropConstraint(_)
                    )
        })
        .map(Operation::summary)
}

/// The summary of another operation of the plan on the same table as operation `i`, if any.
fn shares_table(operations: &[Operation], i: usize) -> Option<String> {
    let table = operations[i].table()?;
    operations
        .iter()
        .enumerate()
        .find(|(j, op)| *j != i && op.table() == Some(table))
        .map(|(_, op)| op.summary())
}

/// The stages of one operation (which may adjust its own form, e.g. a concurrent index build
/// on a small table becomes a plain one).
fn stages_for(op: &mut Operation, cx: &mut Cx) -> Vec<Stage> {
    let strategy = match op {
        Operation::SetNotNull(o) => not_null::stages(o, cx),
        Operation::AddForeignKey(o) => constraints::foreign_key(o, cx),
        Operation::AddCheckConstraint(o) => constraints::check(o, cx),
        Operation::AddUniqueConstraint(o) => unique::stages(o, cx),
        Operation::AddColumn(o) => volatile_default::stages(o, cx),
        Operation::Backfill(o) => backfill::stages(o, cx),
        Operation::ChangeColumnType(o) => type_change::stages(o, cx),
        Operation::RenameColumn(o) => rename::column(o, cx),
        Operation::RenameTable(o) => rename::table(o, cx),
        Operation::AddIndex(o) => {
            if o.concurrently
                && cx.size(&o.table, "the index build", "CREATE INDEX CONCURRENTLY") == Size::Small
            {
                o.concurrently = false;
            }
            o.concurrently.then(|| {
                let name = o.index.name.clone();
                let mut stages = simple::stages(&Operation::AddIndex(o.clone()));
                for stage in &mut stages {
                    stage.reason = Some(unique::invalid_index_reason(&name));
                    for s in &mut stage.down {
                        s.set_sql(s.sql.replacen(
                            "DROP INDEX CONCURRENTLY ",
                            "DROP INDEX CONCURRENTLY IF EXISTS ",
                            1,
                        ));
                    }
                }
                stages
            })
        }
        Operation::DropIndex(o) => {
            if o.concurrently
                && cx.size(&o.table, "the index drop", "DROP INDEX CONCURRENTLY") == Size::Small
            {
                o.concurrently = false;
            }
            None
        }
        _ => None,
    };
    strategy.unwrap_or_else(|| simple::stages(op))
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_expand;
