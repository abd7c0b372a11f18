//! `migsmith check --dialect mysql`: lint MySQL/MariaDB migrations.
//!
//! The pipeline mirrors the PostgreSQL one: split the file the way the `mysql` client does
//! (`schema::mysql::split`) → parse each statement with sqlparser's `MySqlDialect` (one that
//! does not parse is a `not-understood` finding, never a crash) → ask the online-DDL model of
//! `dialect::mysql::online` which `ALGORITHM`/`LOCK` each `ALTER TABLE` operation gets on the
//! target version, against the schema *before* the statement → the rules of
//! [`super::mysql_rules`] → replay the statement onto the schema (`schema::mysql::dump::apply`,
//! the same code that loads MySQL dumps) for the next one. No algorithm table lives here.

use super::mysql_rules::{self as r, MysqlRule};
use super::{CheckOptions, Finding};
use crate::analyze::rules::Level;
use crate::dialect::mysql::definition::bytes_per_char;
use crate::dialect::mysql::{Algorithm, Online, Version};
use crate::schema::mysql::dump::apply;
use crate::schema::mysql::split::{split, Statement};
use crate::schema::mysql::table::last_part;
use crate::schema::{Engine, IndexKey, Schema, Table};
use sqlparser::ast::{
    AlterColumnOperation, AlterTableAlgorithm, AlterTableOperation as Op, Statement as Ast,
    TableConstraint,
};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;
use std::collections::BTreeSet;

/// Whether a file reads as MySQL rather than PostgreSQL: backquoted identifiers, `ENGINE=`,
/// `AUTO_INCREMENT`, executable comments, or a MySQL session setting.
/// Comments do not count (prose quotes names in backquotes).
pub fn looks_like_mysql(sql: &str) -> bool {
    let code: String = split(sql)
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(";\n");
    let sql = code.as_str();
    let upper = sql.to_ascii_uppercase();
    crate::schema::mysql::looks_like_mysql(sql)
        || sql.contains('`')
        || upper.contains("AUTO_INCREMENT")
        || upper.contains("ENGINE=")
        || upper.contains("LOCK_WAIT_TIMEOUT")
        || upper.contains("ALGORITHM=")
}

/// What the file did so far.
struct FileState {
    schema: Schema,
    /// Whether the table's columns are known (a schema was given, or the file created it).
    known: BTreeSet<String>,
    new_tables: BTreeSet<String>,
    lock_wait_timeout: bool,
    fk_checks_off: bool,
    ddl: usize,
}

/// One planned finding.
struct Hit {
    rule: &'static str,
    message: String,
    table: Option<String>,
    level: Option<Level>,
}

fn hit(rule: &'static str, table: &str, message: String) -> Hit {
    Hit {
        rule,
        message,
        table: Some(table.to_string()),
        level: None,
    }
}

/// Check the text of one MySQL migration file against `version`.
pub fn check_sql(sql: &str, file: &str, opts: &CheckOptions, version: Version) -> Vec<Finding> {
    let mut schema = opts.schema.clone().unwrap_or_default();
    if schema.engine == Engine::Postgres {
        schema.engine = version.engine;
    }
    let known = schema.tables.keys().cloned().collect();
    let mut state = FileState {
        schema,
        known,
        new_tables: BTreeSet::new(),
        lock_wait_timeout: false,
        fk_checks_off: false,
        ddl: 0,
    };
    let lines: Vec<&str> = sql.lines().collect();
    let statements = split(sql);
    let file_ignores = statements
        .first()
        .map(|s| ignores(&lines[..s.line.saturating_sub(1).min(lines.len())]))
        .unwrap_or_default();
    let mut findings = vec![];
    for st in &statements {
        let own = ignores_before(&lines, st.line);
        for h in statement(st, &mut state, version, file) {
            let silenced = |ids: &[String]| ids.iter().any(|i| i == h.rule || i == "*");
            if silenced(&own) || silenced(&file_ignores) {
                continue;
            }
            let rule = r::by_id(h.rule).expect("every hit names a MySQL rule");
            findings.push(finding(rule, h, st.line, file, opts));
        }
    }
    findings
}

fn finding(rule: &MysqlRule, h: Hit, line: usize, file: &str, opts: &CheckOptions) -> Finding {
    let mut level = h.level.unwrap_or(rule.level);
    let mut note = None;
    // A statement the server refuses (an ALGORITHM it cannot honour) fails on any size.
    let refused = h.level == Some(Level::Error);
    if let (true, false, Some(table)) = (rule.size_sensitive, refused, h.table.as_deref()) {
        if let Some(rows) = super::rows_of(table, opts) {
            if rows < opts.small_table_rows {
                level = Level::Note;
                note = Some(format!(
                    "`{table}` has {rows} rows (fewer than --small-table-rows {}): the copy or build is brief",
                    opts.small_table_rows
                ));
            }
        }
    }
    Finding {
        rule: rule.id,
        level,
        file: file.to_string(),
        line,
        message: h.message,
        help: rule
            .alternative
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        note,
    }
}

/// `-- migsmith:ignore A B` directives in these lines.
fn ignores(lines: &[&str]) -> Vec<String> {
    let mut out = vec![];
    for l in lines {
        let l = l.trim();
        let body = l
            .strip_prefix("--")
            .or_else(|| l.strip_prefix('#'))
            .map(str::trim);
        if let Some(rest) = body.and_then(|b| b.strip_prefix("migsmith:ignore")) {
            out.extend(
                rest.split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|w| !w.is_empty())
                    .map(str::to_string),
            );
        }
    }
    out
}

/// The ignore directives in the comment lines right above 1-based `line`.
fn ignores_before(lines: &[&str], line: usize) -> Vec<String> {
    let mut start = line.saturating_sub(1).min(lines.len());
    while start > 0 {
        let l = lines[start - 1].trim();
        if l.is_empty() || l.starts_with("--") || l.starts_with('#') {
            start -= 1;
        } else {
            break;
        }
    }
    ignores(&lines[start..line.saturating_sub(1).min(lines.len())])
}

/// The findings of one statement; updates the state.
fn statement(st: &Statement, state: &mut FileState, v: Version, file: &str) -> Vec<Hit> {
    let upper = st.text.to_ascii_uppercase();
    let first = upper.split_whitespace().next().unwrap_or("");
    if first == "SET" {
        session_setting(&upper, state);
        return vec![];
    }
    if matches!(
        first,
        "INSERT"
            | "UPDATE"
            | "DELETE"
            | "SELECT"
            | "START"
            | "BEGIN"
            | "COMMIT"
            | "ROLLBACK"
            | "USE"
    ) {
        return vec![];
    }
    let dialect = MySqlDialect {};
    let parsed = Parser::new(&dialect)
        .try_with_sql(&st.text)
        .and_then(|mut p| p.parse_statement());
    let ast = match parsed {
        Ok(ast) => ast,
        Err(e) => {
            return vec![Hit {
                rule: r::NOT_UNDERSTOOD,
                message: format!(
                    "migsmith cannot parse this statement as MySQL ({e}); it was not checked"
                ),
                table: None,
                level: None,
            }]
        }
    };
    let mut hits = vec![];
    let touched: Option<String> = match &ast {
        Ast::AlterTable(at) => Some(last_part(&at.name)),
        Ast::CreateIndex(ci) => Some(last_part(&ci.table_name)),
        Ast::Drop { names, .. } if upper.starts_with("DROP TABLE") => names.first().map(last_part),
        Ast::RenameTable(rt) => rt.first().map(|t| last_part(&t.old_name)),
        _ => None,
    };
    let is_ddl = touched.is_some() || matches!(ast, Ast::CreateTable(_));
    if is_ddl {
        state.ddl += 1;
        if state.ddl == 2 {
            hits.push(Hit {
                rule: r::SEVERAL_DDL,
                message: "a second DDL statement in this file: MySQL commits each on its own, so if this one fails the one before stays applied and the file is half-applied".into(),
                table: None,
                level: None,
            });
        }
    }
    if let Some(t) = touched
        .as_deref()
        .filter(|t| !state.new_tables.contains(*t))
    {
        if !state.lock_wait_timeout {
            hits.push(hit(
                r::LOCK_TIMEOUT,
                t,
                format!("DDL on `{t}` without `SET SESSION lock_wait_timeout` first: behind an open transaction it waits (default: a year) while every query on `{t}` queues behind it"),
            ));
        }
    }
    match &ast {
        Ast::AlterTable(at) => {
            let t = last_part(&at.name);
            if !state.new_tables.contains(&t) {
                hits.extend(alter(&t, &at.operations, state, v));
            }
        }
        Ast::Drop { names, .. } if upper.starts_with("DROP TABLE") => {
            for n in names.iter().map(last_part) {
                if !state.new_tables.contains(&n) {
                    hits.push(hit(
                        r::DROP_TABLE,
                        &n,
                        format!(
                            "dropping `{n}` deletes its data and breaks code that still uses it"
                        ),
                    ));
                }
                state.new_tables.remove(&n);
            }
        }
        Ast::RenameTable(rt) => {
            for one in rt {
                let (from, to) = (last_part(&one.old_name), last_part(&one.new_name));
                if !state.new_tables.contains(&from) {
                    hits.push(hit(r::RENAME_TABLE, &from, format!("renaming `{from}` to `{to}` breaks running code that uses the old name")));
                }
            }
        }
        Ast::CreateTable(ct) => {
            let t = last_part(&ct.name);
            state.new_tables.insert(t.clone());
            state.known.insert(t);
        }
        _ => {}
    }
    if !matches!(ast, Ast::RenameTable(_)) {
        apply(&mut state.schema, st, file);
    } else if let Ast::RenameTable(rt) = &ast {
        for one in rt {
            let (from, to) = (last_part(&one.old_name), last_part(&one.new_name));
            if let Some(mut t) = state.schema.tables.remove(&from) {
                t.name = to.clone();
                state.schema.tables.insert(to.clone(), t);
            }
            if state.new_tables.remove(&from) {
                state.new_tables.insert(to.clone());
            }
            if state.known.remove(&from) {
                state.known.insert(to);
            }
        }
    }
    hits
}

/// `SET [SESSION] lock_wait_timeout = N`, `SET foreign_key_checks = 0|1`.
fn session_setting(upper: &str, state: &mut FileState) {
    for part in upper.trim_start_matches("SET").split(',') {
        let Some((name, value)) = part.split_once('=') else {
            continue;
        };
        let name = name
            .trim()
            .trim_start_matches("SESSION")
            .trim_start_matches("@@SESSION.")
            .trim_start_matches("@@")
            .trim();
        let value = value.trim().trim_end_matches(';').trim();
        match name {
            "LOCK_WAIT_TIMEOUT" => state.lock_wait_timeout = true,
            "FOREIGN_KEY_CHECKS" => state.fk_checks_off = matches!(value, "0" | "OFF" | "FALSE"),
            _ => {}
        }
    }
}

/// `int(11)` → `int` (the display width is not part of the type), else `canonical_type`.
fn same_type(a: &str, b: &str) -> bool {
    fn norm(t: &str) -> String {
        let t = crate::schema::mysql::canonical_type(t);
        for int in ["tinyint", "smallint", "mediumint", "int", "bigint"] {
            if let Some(rest) = t.strip_prefix(int).and_then(|r| r.strip_prefix('(')) {
                if let Some((_, after)) = rest.split_once(')') {
                    return format!("{int}{after}");
                }
            }
        }
        t.replace("integer", "int")
    }
    norm(a) == norm(b)
}

/// Whether `to` holds less than `from`: a shorter (var)char, a smaller integer.
fn narrows(from: &str, to: &str) -> bool {
    fn len(t: &str) -> Option<u32> {
        let t = t.trim().to_ascii_lowercase();
        let rest = t
            .strip_prefix("varchar(")
            .or_else(|| t.strip_prefix("char("))?;
        rest.split(')').next()?.trim().parse().ok()
    }
    fn int_rank(t: &str) -> Option<usize> {
        let t = t.trim().to_ascii_lowercase();
        let head: String = t.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        ["tinyint", "smallint", "mediumint", "int", "bigint"]
            .iter()
            .position(|i| *i == head || (head == "integer" && *i == "int"))
    }
    if let (Some(a), Some(b)) = (len(from), len(to)) {
        return b < a;
    }
    if let (Some(a), Some(b)) = (int_rank(from), int_rank(to)) {
        return b < a;
    }
    false
}

fn indexed_by(t: &Table, columns: &[String]) -> bool {
    let leads = |keys: Vec<Option<&str>>| {
        keys.len() >= columns.len()
            && keys
                .iter()
                .zip(columns)
                .all(|(k, c)| k.is_some_and(|k| k.eq_ignore_ascii_case(c)))
    };
    t.primary_key
        .as_ref()
        .is_some_and(|pk| leads(pk.columns.iter().map(|c| Some(c.as_str())).collect()))
        || t.indexes
            .iter()
            .any(|i| leads(i.columns.iter().map(IndexKey::column).collect()))
}

/// The operations of one `ALTER TABLE` on an existing table, against the model.
fn alter(table: &str, ops: &[Op], state: &mut FileState, v: Version) -> Vec<Hit> {
    let known = state.known.contains(table);
    let before = state
        .schema
        .table(table)
        .cloned()
        .unwrap_or_else(|| Table::new(table));
    // The table after the statement, for the new column definitions.
    let mut after_schema = Schema {
        tables: Default::default(),
        engine: state.schema.engine,
        ..Schema::default()
    };
    after_schema
        .tables
        .insert(table.to_string(), before.clone());
    let stmt = Statement {
        line: 0,
        text: format!(
            "ALTER TABLE `{}` {}",
            table.replace('`', "``"),
            ops.iter()
                .map(|o| o.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    apply(&mut after_schema, &stmt, "");
    let after = after_schema
        .tables
        .get(table)
        .cloned()
        .unwrap_or_else(|| before.clone());

    let mut hits = vec![];
    let mut explicit: Option<AlterTableAlgorithm> = None;
    let chose_copy = ops.iter().any(|o| {
        matches!(
            o,
            Op::Algorithm {
                algorithm: AlterTableAlgorithm::Copy,
                ..
            }
        )
    });
    // (online, what, covered by type-change-rewrites)
    let mut onlines: Vec<(Online, String, bool)> = vec![];
    let mut unknown = false;
    let referenced = |col: &str| {
        before
            .foreign_keys
            .iter()
            .any(|f| f.columns.iter().any(|c| c == col))
            || state.schema.tables.values().any(|o| {
                o.foreign_keys
                    .iter()
                    .any(|f| f.ref_table == table && f.ref_columns.iter().any(|c| c == col))
            })
    };
    let mut added_indexes: Vec<Vec<String>> = vec![];
    for op in ops {
        if let Op::AddConstraint { constraint, .. } = op {
            match constraint {
                TableConstraint::Index(i) => added_indexes.push(
                    i.columns
                        .iter()
                        .map(|c| c.to_string().trim_matches('`').to_string())
                        .collect(),
                ),
                TableConstraint::Unique(u) => added_indexes.push(
                    u.columns
                        .iter()
                        .map(|c| c.to_string().trim_matches('`').to_string())
                        .collect(),
                ),
                _ => {}
            }
        }
    }
    for op in ops {
        match op {
            Op::Algorithm { algorithm, .. } => explicit = Some(*algorithm),
            Op::Lock { .. } => {}
            Op::AddColumn {
                column_def,
                column_position,
                ..
            } => {
                let name = &column_def.name.value;
                let ai = after.column(name).is_some_and(|c| c.options.auto_increment);
                onlines.push((
                    v.add_column(&before, ai, column_position.is_some()),
                    format!("ADD COLUMN `{name}`"),
                    false,
                ));
            }
            Op::DropColumn { column_names, .. } => {
                for n in column_names {
                    let n = &n.value;
                    hits.push(hit(r::DROP_COLUMN, table, format!("dropping `{table}`.`{n}` deletes its data and breaks code that still uses it; deploy code that no longer uses it first")));
                    let indexed = before
                        .indexes
                        .iter()
                        .any(|i| i.columns.iter().any(|k| k.column() == Some(n.as_str())));
                    onlines.push((
                        v.drop_column(&before, indexed),
                        format!("DROP COLUMN `{n}`"),
                        false,
                    ));
                }
            }
            Op::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                let (from, to) = (&old_column_name.value, &new_column_name.value);
                hits.push(hit(r::RENAME_COLUMN, table, format!("renaming `{table}`.`{from}` to `{to}` breaks running code that uses the old name")));
                onlines.push((
                    v.rename_column(referenced(from)),
                    format!("RENAME COLUMN `{from}`"),
                    false,
                ));
            }
            Op::ModifyColumn { col_name, .. } => {
                let n = &col_name.value;
                column_change(
                    table,
                    n,
                    n,
                    known,
                    chose_copy,
                    &before,
                    &after,
                    v,
                    &mut hits,
                    &mut onlines,
                    &mut unknown,
                );
            }
            Op::ChangeColumn {
                old_name, new_name, ..
            } => {
                let (from, to) = (&old_name.value, &new_name.value);
                if from != to {
                    hits.push(hit(r::RENAME_COLUMN, table, format!("renaming `{table}`.`{from}` to `{to}` breaks running code that uses the old name")));
                    onlines.push((
                        v.rename_column(referenced(from)),
                        format!("CHANGE `{from}` `{to}`"),
                        false,
                    ));
                }
                column_change(
                    table,
                    from,
                    to,
                    known,
                    chose_copy,
                    &before,
                    &after,
                    v,
                    &mut hits,
                    &mut onlines,
                    &mut unknown,
                );
            }
            Op::AlterColumn { column_name, op } => match op {
                AlterColumnOperation::SetDefault { .. } | AlterColumnOperation::DropDefault => {
                    onlines.push((
                        v.set_default(),
                        format!("ALTER COLUMN `{}` default", column_name.value),
                        false,
                    ))
                }
                _ => unknown = true,
            },
            Op::AddConstraint { constraint, .. } => match constraint {
                TableConstraint::Index(_) | TableConstraint::Unique(_) => {
                    onlines.push((v.add_index("btree"), "ADD INDEX".into(), false))
                }
                TableConstraint::FulltextOrSpatial(f) => {
                    let method = if f.fulltext { "fulltext" } else { "spatial" };
                    onlines.push((
                        v.add_index(method),
                        format!("ADD {} INDEX", method.to_uppercase()),
                        false,
                    ))
                }
                TableConstraint::PrimaryKey(_) => {
                    onlines.push((Online::REBUILD, "ADD PRIMARY KEY".into(), false))
                }
                TableConstraint::ForeignKey(fk) => {
                    let cols: Vec<String> = fk.columns.iter().map(|c| c.value.clone()).collect();
                    let online = v.add_foreign_key(state.fk_checks_off);
                    let what = if state.fk_checks_off {
                        "ADD FOREIGN KEY".to_string()
                    } else {
                        "ADD FOREIGN KEY with foreign_key_checks=1 (validates every row)"
                            .to_string()
                    };
                    onlines.push((online, what, false));
                    let covered = added_indexes.iter().any(|i| {
                        i.len() >= cols.len()
                            && i.iter().zip(&cols).all(|(a, b)| a.eq_ignore_ascii_case(b))
                    });
                    if known && !covered && !indexed_by(&before, &cols) {
                        hits.push(hit(r::FK_WITHOUT_INDEX, table, format!(
                            "no index on `{table}` ({}) for this foreign key: MySQL builds one implicitly as part of the ALTER, and a later DROP INDEX on it fails",
                            cols.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                        )));
                    }
                }
                TableConstraint::Check(_) => onlines.push((
                    v.add_check(),
                    "ADD CHECK (validates every row)".into(),
                    false,
                )),
                _ => unknown = true,
            },
            Op::DropIndex { .. } => onlines.push((v.drop_index(), "DROP INDEX".into(), false)),
            Op::DropForeignKey { .. } => {
                onlines.push((v.drop_foreign_key(), "DROP FOREIGN KEY".into(), false))
            }
            Op::DropPrimaryKey { .. } => {
                onlines.push((Online::COPY, "DROP PRIMARY KEY".into(), false))
            }
            Op::DropConstraint { name, .. } => {
                let n = &name.value;
                let online = if before.check_constraints.iter().any(|c| &c.name == n) {
                    v.drop_check()
                } else if before.foreign_keys.iter().any(|f| &f.name == n) {
                    v.drop_foreign_key()
                } else if before.indexes.iter().any(|i| &i.name == n) {
                    v.drop_index()
                } else {
                    unknown = true;
                    continue;
                };
                onlines.push((online, format!("DROP CONSTRAINT `{n}`"), false));
            }
            Op::RenameTable { table_name } => {
                let to = table_name.to_string();
                hits.push(hit(
                    r::RENAME_TABLE,
                    table,
                    format!(
                        "renaming `{table}` to {to} breaks running code that uses the old name"
                    ),
                ));
                onlines.push((Online::INSTANT, "RENAME TO".into(), false));
            }
            other => {
                // Table options (`AUTO_INCREMENT=`, `COMMENT=`) are metadata; anything else
                // the model does not cover.
                let text = other.to_string().to_ascii_uppercase();
                if !(text.starts_with("AUTO_INCREMENT") || text.starts_with("COMMENT")) {
                    unknown = true;
                }
            }
        }
    }
    let worst = onlines.iter().map(|(o, _, _)| o.algorithm).max();
    let copies: Vec<&(Online, String, bool)> = onlines
        .iter()
        .filter(|(o, _, _)| o.algorithm == Algorithm::Copy)
        .collect();
    if !copies.is_empty() && copies.iter().any(|(_, _, covered)| !covered) {
        let what: Vec<&str> = copies
            .iter()
            .filter(|c| !c.2)
            .map(|c| c.1.as_str())
            .collect();
        let (level, message) = match explicit {
            Some(AlterTableAlgorithm::Instant) | Some(AlterTableAlgorithm::Inplace) => (
                Some(Level::Error),
                format!("{} on `{table}` is ALGORITHM=COPY on {}: the server refuses the ALGORITHM this statement asks for", what.join(", "), version_name(v)),
            ),
            Some(AlterTableAlgorithm::Copy) => (
                Some(Level::Warning),
                format!("ALGORITHM=COPY chosen for {} on `{table}`: the table is copied while writes wait", what.join(", ")),
            ),
            _ => (
                None,
                format!("{} on `{table}` runs as ALGORITHM=COPY on {}: the table is copied row by row while writes wait", what.join(", "), version_name(v)),
            ),
        };
        hits.push(Hit {
            rule: r::COPY_ALTER,
            message,
            table: Some(table.to_string()),
            level,
        });
    }
    let pinned = matches!(explicit, Some(a) if a != AlterTableAlgorithm::Default);
    if !pinned && worst != Some(Algorithm::Copy) {
        let message = match (worst, unknown) {
            (Some(_), false) => {
                let best = onlines
                    .iter()
                    .map(|(o, _, _)| *o)
                    .max_by_key(|o| (o.algorithm, o.concurrency))
                    .expect("worst is some");
                format!(
                    "ALTER TABLE `{table}` names no ALGORITHM: migsmith expects {}; write `{}` so the server refuses instead of silently copying",
                    best.algorithm.name(),
                    best.clause().trim_start_matches(", ")
                )
            }
            _ => format!("ALTER TABLE `{table}` names no ALGORITHM and migsmith cannot tell which one it gets: pin `ALGORITHM=INPLACE, LOCK=NONE` or `ALGORITHM=INSTANT` so the server refuses instead of silently copying"),
        };
        hits.push(hit(r::NO_ALGORITHM, table, message));
    }
    hits
}

fn version_name(v: Version) -> String {
    let engine = if v.engine == Engine::Mariadb {
        "MariaDB"
    } else {
        "MySQL"
    };
    format!("{engine} {}.{}.{}", v.major, v.minor, v.patch)
}

#[allow(clippy::too_many_arguments)]
fn column_change(
    table: &str,
    from: &str,
    to: &str,
    known: bool,
    chose_copy: bool,
    before: &Table,
    after: &Table,
    v: Version,
    hits: &mut Vec<Hit>,
    onlines: &mut Vec<(Online, String, bool)>,
    unknown: &mut bool,
) {
    let (Some(old), Some(new)) = (before.column(from).filter(|_| known), after.column(to)) else {
        hits.push(Hit {
            rule: r::TYPE_CHANGE,
            message: format!("`{table}`.`{from}` is redefined and its current type is unknown (pass --schema or --database-url): a type change is ALGORITHM=COPY"),
            table: Some(table.to_string()),
            level: Some(Level::Warning),
        });
        *unknown = true;
        return;
    };
    let (a, b) = (
        old.data_type.to_ascii_lowercase(),
        new.data_type.to_ascii_lowercase(),
    );
    if !same_type(&a, &b) {
        let online = v.change_type(before, &a, &b, bytes_per_char(new, after));
        let narrow = narrows(&a, &b);
        if online.algorithm == Algorithm::Copy || narrow {
            let (why, level) = if narrow {
                (format!("narrows `{table}`.`{from}` from {a} to {b}: rows that do not fit fail the statement (or are truncated outside strict mode)"), None)
            } else if chose_copy {
                (format!("changes `{table}`.`{from}` from {a} to {b} with the ALGORITHM=COPY it asks for: the table is copied while writes wait"), Some(Level::Warning))
            } else {
                (format!("changes `{table}`.`{from}` from {a} to {b}: ALGORITHM=COPY, the table is copied while writes wait"), None)
            };
            hits.push(Hit {
                level,
                ..hit(r::TYPE_CHANGE, table, why)
            });
        }
        onlines.push((online, format!("type change of `{from}`"), true));
    } else if old.nullable && !new.nullable {
        onlines.push((v.set_not_null(), format!("`{from}` NOT NULL"), false));
    } else if !old.nullable && new.nullable {
        onlines.push((v.drop_not_null(), format!("`{from}` NULL"), false));
    } else {
        onlines.push((v.set_default(), format!("MODIFY `{from}`"), false));
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn display_width_is_not_a_type_change_and_shorter_varchar_narrows() {
        assert!(same_type("int(11)", "int"));
        assert!(same_type("bigint(20) unsigned", "bigint unsigned"));
        assert!(!same_type("int", "bigint"));
        assert!(narrows("varchar(80)", "varchar(40)"));
        assert!(narrows("bigint", "int(11)"));
        assert!(!narrows("int", "bigint"));
    }

    #[test]
    fn sniffs_mysql_files() {
        assert!(looks_like_mysql("ALTER TABLE `a` ADD COLUMN b int;"));
        assert!(!looks_like_mysql("ALTER TABLE a ADD COLUMN b integer;"));
        assert!(!looks_like_mysql(
            "-- adds `b`\nALTER TABLE a ADD COLUMN b integer;"
        ));
    }
}
