//! A phase direction as the code-based renderers see it: session settings, then each
//! operation whose plain statements are all there (consecutive, in order, untouched by a
//! strategy) as one [`Item::Op`] the renderer may spell with the framework's own call, and
//! every other statement as [`Item::Sql`], to stay raw SQL.
//!
//! This only regroups what the plan holds (by [`crate::plan::ops::Origin`]); it never
//! re-plans, and an operation is only offered whole, so a renderer that writes one call per
//! item reproduces exactly the statements of the plan.

use super::idiom::Direction;
use crate::plan::ops::{Operation, Statement};
use crate::plan::Phase;

/// One piece of a phase direction, in execution order.
#[derive(Debug, Clone, PartialEq)]
pub enum Item<'a> {
    /// A statement that must run as written (a setting, or a statement a strategy rewrote).
    Sql(&'a str),
    /// Every plain statement of `op`, in order: replaceable by one framework call producing
    /// exactly them, otherwise run as `sql`.
    Op {
        op: &'a Operation,
        sql: Vec<&'a str>,
    },
}

impl Item<'_> {
    /// The SQL this item runs when written raw.
    pub fn sql(&self) -> Vec<&str> {
        match self {
            Item::Sql(s) => vec![s],
            Item::Op { sql, .. } => sql.clone(),
        }
    }
}

/// The settings, then the statements of one direction of `phase`, grouped by operation.
pub fn items(phase: &Phase, direction: Direction) -> Vec<Item<'_>> {
    let steps = match direction {
        Direction::Up => &phase.up,
        Direction::Down => &phase.down,
    };
    let statements: Vec<&Statement> = steps.iter().map(|s| &s.statement).collect();
    let mut out: Vec<Item> = phase.settings.iter().map(|s| Item::Sql(s)).collect();
    out.extend(group(&statements));
    out
}

/// The items of statements only (no settings).
pub fn group<'a>(statements: &[&'a Statement]) -> Vec<Item<'a>> {
    let mut out = vec![];
    let mut i = 0;
    while i < statements.len() {
        if let Some(origin) = statements[i].origin.as_ref().filter(|o| o.index == 0) {
            let end = i + origin.count;
            let whole = end <= statements.len()
                && statements[i..end].iter().enumerate().all(|(k, s)| {
                    s.origin.as_ref().is_some_and(|o| {
                        o.index == k && o.count == origin.count && o.op == origin.op
                    })
                });
            if whole {
                out.push(Item::Op {
                    op: &origin.op,
                    sql: statements[i..end].iter().map(|s| s.sql.as_str()).collect(),
                });
                i = end;
                continue;
            }
        }
        out.push(Item::Sql(&statements[i].sql));
        i += 1;
    }
    out
}

/// `users` → `Some("users")`; a schema-qualified key (`audit.events`) → `None`, which the
/// renderers treat as "no idiom" (their table arguments would need a schema option).
pub fn plain_table(key: &str) -> Option<&str> {
    (!key.contains('.')).then_some(key)
}

/// A canonical PostgreSQL type split into its name and numeric arguments: `varchar(255)` →
/// `("varchar", [255])`, `numeric(10,2)` → `("numeric", [10, 2])`, `text` → `("text", [])`.
/// `None` for anything else (arrays, quoted or qualified names, non-numeric arguments).
pub fn type_parts(data_type: &str) -> Option<(&str, Vec<u32>)> {
    let (name, args) = match data_type.split_once('(') {
        Some((name, rest)) => {
            let inner = rest.strip_suffix(')')?;
            let args = inner
                .split(',')
                .map(|a| a.trim().parse::<u32>().ok())
                .collect::<Option<Vec<_>>>()?;
            (name, args)
        }
        None => (data_type, vec![]),
    };
    name.bytes()
        .all(|b| b.is_ascii_lowercase() || b == b' ')
        .then_some((name, args))
}

/// Whether a string literal delimited by `quote` (backslash escapes) runs across a line break
/// in `code`: such a call cannot be re-indented line by line without changing the string, so
/// the renderers fall back to raw SQL for it.
pub fn string_spans_lines(code: &str, quote: char) -> bool {
    let mut inside = false;
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if inside => {
                chars.next();
            }
            '\n' if inside => return true,
            c if c == quote => inside = !inside,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::dialect::LockMode;
    use crate::plan::ops::{AddColumn, RenameColumn};
    use crate::schema::Column;

    fn op_statements(op: Operation) -> Vec<Statement> {
        op.statements()
    }

    #[test]
    fn whole_operations_group_and_rewritten_statements_stay_raw() {
        let rename = Operation::from(RenameColumn {
            table: "users".into(),
            from: "a".into(),
            to: "b".into(),
        });
        let mut rewritten = op_statements(rename.clone()).remove(0);
        rewritten.set_sql("ALTER TABLE users RENAME COLUMN a TO c".into());
        let raw = Statement::metadata("SELECT 1".into(), LockMode::None, "users");
        let plain = op_statements(rename.clone());
        let all: Vec<&Statement> = vec![&raw, &plain[0], &rewritten];
        let items = group(&all);
        assert_eq!(items.len(), 3);
        assert_eq!(items[0], Item::Sql("SELECT 1"));
        assert!(matches!(&items[1], Item::Op { op, sql } if **op == rename && sql.len() == 1));
        assert_eq!(
            items[2],
            Item::Sql("ALTER TABLE users RENAME COLUMN a TO c")
        );
    }

    #[test]
    fn an_operation_missing_a_statement_stays_raw() {
        let mut column = Column::new("x", "text");
        column.comment = Some("note".into());
        let add = Operation::from(AddColumn {
            table: "users".into(),
            column,
        });
        let statements = op_statements(add);
        assert_eq!(statements.len(), 2);
        let items = group(&[&statements[0]]);
        assert_eq!(items, vec![Item::Sql(&statements[0].sql)]);
        let items = group(&[&statements[0], &statements[1]]);
        assert!(matches!(&items[..], [Item::Op { .. }]));
    }

    #[test]
    fn strings_across_lines_are_found() {
        assert!(!string_spans_lines("a('x',\n  'y')", '\''));
        assert!(string_spans_lines("a('x\ny')", '\''));
        assert!(!string_spans_lines("a('it\\'s')\nb", '\''));
        assert!(string_spans_lines("t(\"\"\"a\nb\"\"\")", '"'));
    }

    #[test]
    fn types_split_into_name_and_arguments() {
        assert_eq!(type_parts("varchar(255)"), Some(("varchar", vec![255])));
        assert_eq!(type_parts("numeric(10,2)"), Some(("numeric", vec![10, 2])));
        assert_eq!(
            type_parts("double precision"),
            Some(("double precision", vec![]))
        );
        assert_eq!(type_parts("text[]"), None);
        assert_eq!(type_parts("public.mood"), None);
    }
}
