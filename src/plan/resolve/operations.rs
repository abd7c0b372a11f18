//! Operations given as JSON (`generate --ops`, the MCP `generate` tool) → checked operations.
//!
//! The input is the `operations` array of the JSON contract, exactly as `generate --format
//! json` prints it, so an agent can hand over what it means instead of a sentence. Each entry
//! goes through the same resolve path as the intent a description would give (same checks,
//! same errors and did-you-mean suggestions); what the intent cannot say (an index's
//! predicate, a foreign key's `deferrable`, a table definition's constraints) is then taken
//! from the entry. Fields the output carries for the inverse (`definition` of a dropped column,
//! `previous` default, `from_type`, …) are ignored: they are captured again from the schema.

use super::{Context, ResolveOptions, Resolved};
use crate::intent::{ColumnSpec, ConstraintTarget, FkActionSpec, IndexTarget, Intent};
use crate::plan::ops::*;
use crate::plan::PlanError;
use crate::schema::{FkAction, Identity, Index, IndexKey, Schema, Table};
use serde::Deserialize;

/// One entry of the `operations` array.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum OperationInput {
    CreateTable {
        table: String,
        definition: Box<Table>,
    },
    DropTable {
        table: String,
    },
    RenameTable {
        from: String,
        to: String,
    },
    AddColumn {
        table: String,
        column: ColumnInput,
    },
    DropColumn {
        table: String,
        column: String,
    },
    RenameColumn {
        table: String,
        from: String,
        to: String,
    },
    ChangeColumnType {
        table: String,
        column: String,
        to_type: String,
        using: Option<String>,
    },
    SetNotNull {
        table: String,
        column: String,
    },
    DropNotNull {
        table: String,
        column: String,
    },
    SetDefault {
        table: String,
        column: String,
        default: String,
    },
    DropDefault {
        table: String,
        column: String,
    },
    AddIndex {
        table: String,
        columns: Vec<IndexKey>,
        #[serde(default)]
        unique: bool,
        name: Option<String>,
        method: Option<String>,
        predicate: Option<String>,
        #[serde(default)]
        include: Vec<String>,
        concurrently: Option<bool>,
    },
    DropIndex {
        name: String,
    },
    AddForeignKey {
        table: String,
        columns: Vec<String>,
        ref_table: String,
        #[serde(default)]
        ref_columns: Vec<String>,
        name: Option<String>,
        on_delete: Option<FkAction>,
        on_update: Option<FkAction>,
        deferrable: Option<bool>,
        initially_deferred: Option<bool>,
        validated: Option<bool>,
    },
    DropForeignKey {
        table: String,
        name: Option<String>,
        #[serde(default)]
        columns: Vec<String>,
    },
    AddUniqueConstraint {
        table: String,
        columns: Vec<String>,
        name: Option<String>,
    },
    AddCheckConstraint {
        table: String,
        expression: String,
        name: Option<String>,
    },
    DropConstraint {
        table: String,
        name: String,
    },
    Backfill {
        table: String,
        column: String,
        value: String,
        condition: Option<String>,
    },
    CreateEnum {
        name: String,
        values: Vec<String>,
    },
    AddEnumValue {
        name: String,
        value: String,
    },
    /// Only ever the inverse of `create_enum` / `add_enum_value`: refused as input.
    DropEnum {},
    RemoveEnumValue {},
}

/// `add_column`'s `column`: `{name, type, nullable, default}` (and `identity`).
#[derive(Debug, Clone, Deserialize)]
pub struct ColumnInput {
    pub name: String,
    #[serde(rename = "type")]
    pub data_type: String,
    /// Default `true`, as in SQL.
    pub nullable: Option<bool>,
    pub default: Option<String>,
    pub identity: Option<Identity>,
}

/// JSON that is not an `operations` array of the contract.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct OperationsError(pub String);

/// Read the `operations` array, or a whole `generate --format json` report that has one.
/// Returns the entries and the report's `description`, when there was one.
pub fn parse_operations(
    value: &serde_json::Value,
) -> Result<(Vec<OperationInput>, Option<String>), OperationsError> {
    let (array, description) = match value {
        serde_json::Value::Array(a) => (a, None),
        serde_json::Value::Object(o) => match o.get("operations") {
            Some(serde_json::Value::Array(a)) => (
                a,
                o.get("description")
                    .and_then(|d| d.as_str())
                    .map(str::to_string),
            ),
            _ => {
                return Err(OperationsError(
                    "expected the `operations` array of `migsmith generate --format json` (or the whole report), found an object without one".into(),
                ))
            }
        },
        other => {
            return Err(OperationsError(format!(
                "expected the `operations` array of `migsmith generate --format json`, found {}",
                json_kind(other)
            )))
        }
    };
    if array.is_empty() {
        return Err(OperationsError(
            "the operations array is empty: nothing to generate".into(),
        ));
    }
    let ops = array
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let op = entry.get("op").and_then(|o| o.as_str()).unwrap_or("?");
            let fail = |e: String| OperationsError(format!("operations[{i}] (`{op}`): {e}"));
            let parsed = OperationInput::deserialize(entry).map_err(|e| fail(e.to_string()))?;
            check_fields(op, entry).map_err(fail)?;
            Ok(parsed)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((ops, description))
}

/// The fields each operation has in the JSON contract (what it is read from, and what the
/// output adds for the down migration), so that a misspelt field is an error, not ignored.
fn known_fields(op: &str) -> &'static [&'static str] {
    const INDEX: &[&str] = &[
        "table",
        "name",
        "columns",
        "unique",
        "method",
        "predicate",
        "include",
        "concurrently",
    ];
    const FOREIGN_KEY: &[&str] = &[
        "table",
        "name",
        "columns",
        "ref_table",
        "ref_columns",
        "on_delete",
        "on_update",
        "deferrable",
        "initially_deferred",
        "validated",
    ];
    match op {
        "create_table" | "drop_table" => &["table", "definition"],
        "rename_table" | "rename_column" => &["table", "from", "to"],
        "add_column" => &["table", "column"],
        "drop_column" => &[
            "table",
            "column",
            "definition",
            "indexes",
            "unique_constraints",
            "check_constraints",
            "foreign_keys",
        ],
        "change_column_type" => &["table", "column", "from_type", "to_type", "using"],
        "set_not_null" | "drop_not_null" => &["table", "column"],
        "set_default" => &["table", "column", "default", "previous"],
        "drop_default" => &["table", "column", "previous"],
        "add_index" | "drop_index" => INDEX,
        "add_foreign_key" | "drop_foreign_key" => FOREIGN_KEY,
        "add_unique_constraint" => &["table", "name", "columns"],
        "add_check_constraint" => &["table", "name", "expression"],
        "drop_constraint" => &["table", "name", "definition"],
        "backfill" => &["table", "column", "value", "condition"],
        "create_enum" => &["name", "values"],
        "add_enum_value" => &["name", "value", "after", "existing", "columns"],
        _ => &[],
    }
}

/// Fails on a field the operation (or `add_column`'s `column`) does not have.
fn check_fields(op: &str, entry: &serde_json::Value) -> Result<(), String> {
    const COLUMN: &[&str] = &[
        "name",
        "type",
        "nullable",
        "default",
        "identity",
        "serial_sequence",
        "comment",
    ];
    let known = known_fields(op);
    let unknown = |object: Option<&serde_json::Map<String, serde_json::Value>>,
                   known: &[&str],
                   what: &str| {
        match object
            .into_iter()
            .flat_map(|o| o.keys())
            .find(|k| k.as_str() != "op" && !known.contains(&k.as_str()))
        {
            Some(k) => Err(format!(
                "unknown field `{k}`{what}; the fields are: {}",
                known.join(", ")
            )),
            None => Ok(()),
        }
    };
    if known.is_empty() {
        return Ok(());
    }
    unknown(entry.as_object(), known, "")?;
    if op == "add_column" {
        unknown(
            entry.get("column").and_then(|c| c.as_object()),
            COLUMN,
            " in `column`",
        )?;
    }
    Ok(())
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Resolve operations, in order, against `schema`: the counterpart of
/// [`super::resolve_with`] for operations instead of intents.
pub fn resolve_operations(
    inputs: &[OperationInput],
    schema: &Schema,
    options: ResolveOptions,
) -> Result<Resolved, PlanError> {
    let mut cx = Context::new(schema, options);
    for input in inputs {
        cx.operation(input)?;
    }
    cx.finish()
}

fn fk_spec(action: Option<FkAction>) -> Option<FkActionSpec> {
    match action? {
        FkAction::NoAction => None,
        FkAction::Restrict => Some(FkActionSpec::Restrict),
        FkAction::Cascade => Some(FkActionSpec::Cascade),
        FkAction::SetNull => Some(FkActionSpec::SetNull),
        FkAction::SetDefault => Some(FkActionSpec::SetDefault),
    }
}

impl Context {
    /// A copy of the working state with nothing recorded yet, to try an intent on.
    fn trial(&self) -> Context {
        let mut trial = self.clone();
        trial.operations.clear();
        trial.decisions.clear();
        trial.already_true.clear();
        trial
    }

    /// Resolve `intent` on a trial copy (its errors are the description's), then push the
    /// operation named `op` it produced, as `adjust` completes it from the input. When the
    /// request already holds, that is recorded instead.
    fn checked(
        &mut self,
        intent: Intent,
        op: &str,
        keep_decisions: bool,
        adjust: impl FnOnce(&mut Operation),
    ) -> Result<(), PlanError> {
        let mut trial = self.trial();
        trial.intent(&intent)?;
        if keep_decisions {
            self.decisions.append(&mut trial.decisions);
        }
        let Some(at) = trial.operations.iter().position(|o| o.name() == op) else {
            self.already_true.append(&mut trial.already_true);
            return Ok(());
        };
        let mut chosen = trial.operations.swap_remove(at);
        adjust(&mut chosen);
        self.push(chosen)
    }

    fn operation(&mut self, input: &OperationInput) -> Result<(), PlanError> {
        use OperationInput as I;
        let s = |v: &str| v.to_string();
        match input.clone() {
            I::CreateTable { table, definition } => self.create_table_exact(&table, *definition),
            I::DropTable { table } => self.intent(&Intent::DropTable { table }),
            I::RenameTable { from, to } => self.intent(&Intent::RenameTable { from, to }),
            I::AddColumn { table, column } => {
                let spec = ColumnSpec {
                    name: column.name.clone(),
                    data_type: Some(column.data_type.clone()),
                    // An identity needs no default even when NOT NULL.
                    nullable: Some(column.identity.is_some() || column.nullable.unwrap_or(true)),
                    default: column.default.clone(),
                    ..ColumnSpec::default()
                };
                let nullable = column.nullable.unwrap_or(true);
                self.checked(
                    Intent::AddColumn { table, column: spec },
                    "add_column",
                    true,
                    |op| {
                        if let Operation::AddColumn(a) = op {
                            a.column.nullable = nullable;
                            a.column.identity = column.identity;
                        }
                    },
                )
            }
            I::DropColumn { table, column } => self.intent(&Intent::DropColumn { table, column }),
            I::RenameColumn { table, from, to } => {
                self.intent(&Intent::RenameColumn { table, from, to })
            }
            I::ChangeColumnType {
                table,
                column,
                to_type,
                using,
            } => {
                // The `using` the output shows when none was asked for is the default one:
                // leave it to resolve, as a description would (an explicit one is kept).
                let current = self
                    .schema
                    .table(&table)
                    .and_then(|t| t.column(&column))
                    .map(|c| c.data_type.clone());
                let target = super::columns::resolve_type(&self.schema, &to_type).ok();
                let using = match (using, current, target) {
                    (Some(u), Some(current), Some(target))
                        if ChangeColumnType::default_using(&column, &current, &target).as_ref()
                            == Some(&u) =>
                    {
                        None
                    }
                    (using, _, _) => using,
                };
                self.intent(&Intent::ChangeColumnType {
                    table,
                    column,
                    to_type,
                    using,
                    from_type: None,
                })
            }
            I::SetNotNull { table, column } => self.intent(&Intent::SetNotNull { table, column }),
            I::DropNotNull { table, column } => {
                self.intent(&Intent::DropNotNull { table, column })
            }
            I::SetDefault {
                table,
                column,
                default,
            } => self.intent(&Intent::SetDefault {
                table,
                column,
                default,
            }),
            I::DropDefault { table, column } => {
                self.intent(&Intent::DropDefault { table, column })
            }
            I::AddIndex {
                table,
                columns,
                unique,
                name,
                method,
                predicate,
                include,
                concurrently,
            } => {
                let names: Option<Vec<String>> =
                    columns.iter().map(|k| k.column().map(s)).collect();
                let Some(names) = names else {
                    // Expression keys: no intent says them; the operation's own checks apply.
                    let name = name.ok_or_else(|| {
                        PlanError::Invalid(format!(
                            "an index on `{table}` with expression keys needs a `name`"
                        ))
                    })?;
                    let concurrently = concurrently.unwrap_or_else(|| self.concurrent(&table));
                    return self.push(AddIndex {
                        table,
                        index: Index {
                            name,
                            columns,
                            unique,
                            method: method.unwrap_or_else(|| "btree".into()).to_lowercase(),
                            predicate,
                            include,
                            prefix_lengths: Default::default(),
                        },
                        concurrently,
                    });
                };
                let intent = Intent::AddIndex {
                    table,
                    columns: names,
                    unique,
                    name,
                    method,
                };
                self.checked(intent, "add_index", true, |op| {
                    if let Operation::AddIndex(a) = op {
                        a.index.predicate = predicate;
                        a.index.include = include;
                        if let Some(c) = concurrently {
                            a.concurrently = c;
                        }
                    }
                })
            }
            I::DropIndex { name } => self.intent(&Intent::DropIndex(IndexTarget::Name(name))),
            I::AddForeignKey {
                table,
                columns,
                ref_table,
                ref_columns,
                name,
                on_delete,
                on_update,
                deferrable,
                initially_deferred,
                validated,
            } => {
                let intent = Intent::AddForeignKey {
                    table,
                    columns,
                    ref_table,
                    ref_columns,
                    on_delete: fk_spec(on_delete),
                    on_update: fk_spec(on_update),
                };
                self.checked(intent, "add_foreign_key", true, |op| {
                    if let Operation::AddForeignKey(a) = op {
                        let fk = &mut a.foreign_key;
                        if let Some(n) = name {
                            fk.name = n;
                        }
                        fk.on_delete = on_delete.unwrap_or(fk.on_delete);
                        fk.on_update = on_update.unwrap_or(fk.on_update);
                        fk.deferrable = deferrable.unwrap_or(fk.deferrable);
                        fk.initially_deferred = initially_deferred.unwrap_or(fk.initially_deferred);
                        fk.validated = validated.unwrap_or(fk.validated);
                    }
                })
            }
            I::DropForeignKey {
                table,
                name,
                columns,
            } => {
                let target = match name {
                    Some(name) => ConstraintTarget::Name { table, name },
                    None => ConstraintTarget::Columns { table, columns },
                };
                self.intent(&Intent::DropForeignKey(target))
            }
            I::AddUniqueConstraint {
                table,
                columns,
                name,
            } => self.intent(&Intent::AddUniqueConstraint {
                table,
                columns,
                name,
            }),
            I::AddCheckConstraint {
                table,
                expression,
                name,
            } => self.intent(&Intent::AddCheckConstraint {
                table,
                expression,
                name,
            }),
            I::DropConstraint { table, name } => {
                self.intent(&Intent::DropConstraint { table, name })
            }
            I::Backfill {
                table,
                column,
                value,
                condition,
            } => self.intent(&Intent::Backfill {
                table,
                column,
                value,
                condition,
            }),
            I::CreateEnum { name, values } => self.intent(&Intent::CreateEnum { name, values }),
            I::AddEnumValue { name, value } => self.intent(&Intent::AddEnumValue { name, value }),
            I::DropEnum {} | I::RemoveEnumValue {} => Err(PlanError::Invalid(
                "`drop_enum` and `remove_enum_value` only appear in down migrations; they are not accepted as input".into(),
            )),
        }
    }

    /// `create_table` with a full definition: the columns are checked (and their types and
    /// defaults canonicalised) as a `create table … (…)` description would be; keys,
    /// constraints and indexes come from the definition.
    fn create_table_exact(&mut self, table: &str, mut definition: Table) -> Result<(), PlanError> {
        let bare = super::names::bare_table(table).to_string();
        if definition.name.is_empty() {
            definition.name = bare.clone();
        }
        if definition.schema.is_empty() {
            definition.schema = match table.split_once('.') {
                Some((schema, _)) => schema.to_string(),
                None => "public".into(),
            };
        }
        if definition.name != bare {
            return Err(PlanError::Invalid(format!(
                "create_table `{table}`: its definition is named `{}`",
                definition.name
            )));
        }
        let pk: Vec<String> = definition
            .primary_key
            .as_ref()
            .map(|p| p.columns.clone())
            .unwrap_or_default();
        let specs: Vec<ColumnSpec> = definition
            .columns
            .iter()
            .map(|c| ColumnSpec {
                name: c.name.clone(),
                data_type: Some(c.data_type.clone()),
                nullable: Some(c.nullable),
                default: c.default.clone(),
                primary_key: pk.contains(&c.name),
                ..ColumnSpec::default()
            })
            .collect();
        let intent = Intent::CreateTable {
            table: table.to_string(),
            columns: specs,
        };
        self.checked(intent, "create_table", false, |op| {
            if let Operation::CreateTable(c) = op {
                for column in &mut definition.columns {
                    if let Some(checked) = c.definition.column(&column.name) {
                        column.data_type = checked.data_type.clone();
                        column.default = checked.default.clone();
                    }
                }
                c.definition = definition;
            }
        })
    }
}
