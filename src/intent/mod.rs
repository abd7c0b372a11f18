//! The description grammar: "add email_verified to users and add index on users.email" →
//! `Vec<Intent>`, plus type inference from column names (`*_at` → timestamptz, …).
//!
//! Pure: no I/O and no schema. Names here are what the user wrote (folded to lower case unless
//! quoted); whether they exist is checked later by `plan::resolve`.

mod columns;
mod cursor;
mod grammar;
#[cfg(test)]
mod grammar_edge_tests;
#[cfg(test)]
mod grammar_tests;
mod index_forms;
pub mod infer;
#[cfg(test)]
mod interpret_tests;
mod keys;
mod lexer;
mod migration_names;
mod name_constraints;
mod sentences;
mod suggest;
mod vocabulary;

pub use grammar::parse;
pub use vocabulary::{interpret, Interpretation};

/// The table of a column named without one (`make display_name required`): `plan::resolve`
/// looks for the one table that has the column, and lists the candidates when several do.
pub const ANY_TABLE: &str = "";

use serde::Serialize;

/// One change the user asked for, before it is checked against the schema.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "intent", rename_all = "snake_case")]
pub enum Intent {
    /// `add email_verified to users`, `add users.bio:text`, `add column phone varchar(20) to users`
    AddColumn { table: String, column: ColumnSpec },
    /// `remove email_verified from users`, `drop users.x`
    DropColumn { table: String, column: String },
    /// `rename column a to b in users`, `rename users.a to b`
    RenameColumn {
        table: String,
        from: String,
        to: String,
    },
    /// `change type of users.age to bigint`, `alter column age in users to text`
    ChangeColumnType {
        table: String,
        column: String,
        /// The type as the user wrote it (SQL or framework spelling), e.g. `bigint`, `string`.
        to_type: String,
        /// `using <expr>` when the user gave one.
        using: Option<String>,
        /// `change t.c from jsonb to json`: the type the user expects the column to have now
        /// (checked against the schema).
        #[serde(skip_serializing_if = "Option::is_none")]
        from_type: Option<String>,
    },
    /// `make users.email not null`
    SetNotNull { table: String, column: String },
    /// `make users.email nullable`, `allow null in users.email`
    DropNotNull { table: String, column: String },
    /// `set default of users.status to 'active'`; `default` is SQL as written.
    SetDefault {
        table: String,
        column: String,
        default: String,
    },
    /// `remove default from users.status`
    DropDefault { table: String, column: String },
    /// `add timestamps to posts` (Rails `t.timestamps`, Django `auto_now_add`/`auto_now`):
    /// `created_at` and `updated_at`, each unless the table has it already.
    AddTimestamps { table: String },
    /// `create posts table`, `create table posts with title:string body:text user:references`,
    /// `create posts (title varchar(200) not null, body text)`. Empty `columns` means "the
    /// default shape" (id + timestamps); resolve adds `id`/timestamps when absent.
    CreateTable {
        table: String,
        columns: Vec<ColumnSpec>,
    },
    /// `drop table posts`
    DropTable { table: String },
    /// `rename table posts to articles`
    RenameTable { from: String, to: String },
    /// `add index on users.email`, `add unique index on users(email)`,
    /// `add index on posts(user_id, created_at)`
    AddIndex {
        table: String,
        columns: Vec<String>,
        unique: bool,
        /// `add index idx_x on …` / `… named idx_x`
        name: Option<String>,
        /// `using gin`
        method: Option<String>,
    },
    /// `remove index on users.email` (by columns) or `drop index idx_users_email` (by name).
    DropIndex(IndexTarget),
    /// `add foreign key from posts.user_id to users.id on delete cascade`
    AddForeignKey {
        table: String,
        columns: Vec<String>,
        ref_table: String,
        /// Empty: the referenced table's primary key.
        ref_columns: Vec<String>,
        on_delete: Option<FkActionSpec>,
        on_update: Option<FkActionSpec>,
    },
    /// `add reference to users on posts`: column `user_id`, index and foreign key.
    AddReference {
        table: String,
        ref_table: String,
        /// Explicit column name, else `<singular ref_table>_id`.
        column: Option<String>,
        on_delete: Option<FkActionSpec>,
    },
    /// `remove foreign key posts.user_id` (by columns) or `drop foreign key fk_name on posts`.
    DropForeignKey(ConstraintTarget),
    /// `add unique constraint on users.email`
    AddUniqueConstraint {
        table: String,
        columns: Vec<String>,
        name: Option<String>,
    },
    /// `add check constraint price >= 0 on products`; `expression` is SQL as written.
    AddCheckConstraint {
        table: String,
        expression: String,
        name: Option<String>,
    },
    /// `drop constraint users_email_key on users`
    DropConstraint { table: String, name: String },
    /// `backfill users.email_verified with true where confirmed_at is not null`
    Backfill {
        table: String,
        column: String,
        /// SQL expression as written.
        value: String,
        /// SQL condition as written.
        condition: Option<String>,
    },
    /// `create enum post_status with draft, published`
    CreateEnum { name: String, values: Vec<String> },
    /// `add value archived to enum post_status`
    AddEnumValue { name: String, value: String },
}

/// A column as the user described it; `None` fields are inferred or defaulted later.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ColumnSpec {
    pub name: String,
    /// Type as written (`boolean`, `varchar(20)`, `string`, `decimal(10,2)`…); `None`: infer.
    #[serde(rename = "type")]
    pub data_type: Option<String>,
    /// `Some(false)` for "not null", `Some(true)` for "nullable"/"null"; `None`: unspecified.
    pub nullable: Option<bool>,
    /// Default SQL as written (`false`, `'active'`, `now()`).
    pub default: Option<String>,
    pub unique: bool,
    pub primary_key: bool,
    /// `user:references`, `user_id references users`: the referenced table.
    pub references: Option<String>,
}

/// `ON DELETE` / `ON UPDATE` as the user wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FkActionSpec {
    Cascade,
    SetNull,
    SetDefault,
    Restrict,
    NoAction,
}

/// Which index to drop.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexTarget {
    Name(String),
    Columns { table: String, columns: Vec<String> },
}

/// Which foreign key to drop.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintTarget {
    Name {
        table: String,
        name: String,
    },
    Columns {
        table: String,
        columns: Vec<String>,
    },
    /// `remove the foreign key from tasks to members`: the one foreign key of `table` that
    /// references `ref_table`.
    References {
        table: String,
        ref_table: String,
    },
}

/// A description the grammar could not read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("could not understand \"{fragment}\"{}", hint_text(.hint))]
pub struct ParseError {
    /// The part of the description that was not understood (one clause, as written).
    pub fragment: String,
    /// What was expected at the point of failure, when that is specific.
    pub hint: Option<String>,
    /// The closest supported forms, best first (2–4 examples).
    pub suggestions: Vec<String>,
}

fn hint_text(hint: &Option<String>) -> String {
    hint.as_ref().map(|h| format!(": {h}")).unwrap_or_default()
}
