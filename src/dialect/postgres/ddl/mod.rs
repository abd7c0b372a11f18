//! PostgreSQL's plain statements for each operation kind, one file per kind: the SQL and the
//! lock each statement takes (with the first version on which that holds). The zero-downtime
//! forms built from them live in `plan::strategy`, reached through `Postgres::build`.

mod add_check_constraint;
mod add_column;
mod add_enum_value;
mod add_foreign_key;
mod add_index;
mod add_unique_constraint;
mod backfill;
mod change_column_type;
mod create_enum;
mod create_table;
mod drop_column;
mod drop_constraint;
mod drop_default;
mod drop_enum;
mod drop_foreign_key;
mod drop_index;
mod drop_not_null;
mod drop_table;
mod remove_enum_value;
mod rename_column;
mod rename_table;
mod set_default;
mod set_not_null;

use crate::plan::ops::{Operation, Origin, Statement};

/// The statements of `op`, each tagged with its [`Origin`] in it.
pub fn statements(op: &Operation) -> Vec<Statement> {
    let mut statements = match op {
        Operation::AddCheckConstraint(o) => add_check_constraint::statements(o),
        Operation::AddColumn(o) => add_column::statements(o),
        Operation::AddEnumValue(o) => add_enum_value::statements(o),
        Operation::AddForeignKey(o) => add_foreign_key::statements(o),
        Operation::AddIndex(o) => add_index::statements(o),
        Operation::AddUniqueConstraint(o) => add_unique_constraint::statements(o),
        Operation::Backfill(o) => backfill::statements(o),
        Operation::ChangeColumnType(o) => change_column_type::statements(o),
        Operation::CreateEnum(o) => create_enum::statements(o),
        Operation::CreateTable(o) => create_table::statements(o),
        Operation::DropColumn(o) => drop_column::statements(o),
        Operation::DropConstraint(o) => drop_constraint::statements(o),
        Operation::DropDefault(o) => drop_default::statements(o),
        Operation::DropEnum(o) => drop_enum::statements(o),
        Operation::DropForeignKey(o) => drop_foreign_key::statements(o),
        Operation::DropIndex(o) => drop_index::statements(o),
        Operation::DropNotNull(o) => drop_not_null::statements(o),
        Operation::DropTable(o) => drop_table::statements(o),
        Operation::RemoveEnumValue(o) => remove_enum_value::statements(o),
        Operation::RenameColumn(o) => rename_column::statements(o),
        Operation::RenameTable(o) => rename_table::statements(o),
        Operation::SetDefault(o) => set_default::statements(o),
        Operation::SetNotNull(o) => set_not_null::statements(o),
    };
    let count = statements.len();
    for (index, s) in statements.iter_mut().enumerate() {
        s.origin = Some(Origin {
            op: Box::new(op.clone()),
            index,
            count,
        });
    }
    statements
}
