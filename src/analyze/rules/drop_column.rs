//! `drop-column`: dropping a column of an existing table.

use super::{cmds_of, Hit, Level, Rule, Stmt};
use pg_query::protobuf::AlterTableType;

pub static RULE: Rule = Rule {
    id: "drop-column",
    level: Level::Warning,
    title: "DROP COLUMN",
    why: "The drop itself is metadata-only, but it deletes the column's data for good (a rollback \
          brings the column back empty) and breaks every running instance of the application that \
          still reads or writes it (ORMs often select every column).",
    alternative: "First deploy code that no longer uses the column (for Rails, `ignored_columns`; \
                  for Django, remove the field in a release before), then drop it; take a backup of the \
                  data if it may be needed. Acknowledge with `-- migsmith:ignore drop-column`.",
    bad: include_str!("examples/drop-column.bad.sql"),
    good: include_str!("examples/drop-column.good.sql"),
    size_sensitive: false,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    let Some((table, cmds)) = s.altered_existing_table() else {
        return vec![];
    };
    cmds_of(cmds, AlterTableType::AtDropColumn)
        .flat_map(|cmd| {
            Hit::on(
                table,
                format!("dropping `{table}.{}` deletes its data and breaks code that still uses it; deploy code that no longer uses it first", cmd.name),
            )
        })
        .collect()
}
