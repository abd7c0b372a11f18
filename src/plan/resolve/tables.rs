//! Resolving `create table` (default shape, references, keys) and `drop table` (foreign keys
//! from other tables dropped first, and restored by the down migration).

use super::columns::resolve_column;
use super::names::{bare_table, object_name, relation_name};
use super::{constraints, Context};
use crate::intent::ColumnSpec;
use crate::plan::ops::*;
use crate::plan::PlanError;
use crate::schema::{Identity, Index, IndexKey, PrimaryKey, Table};

impl Context {
    pub(super) fn create_table(
        &mut self,
        table: &str,
        specs: &[ColumnSpec],
    ) -> Result<(), PlanError> {
        if self.schema.table(table).is_some() {
            return Err(PlanError::AlreadyExists {
                what: "table",
                name: table.to_string(),
                hint: None,
            });
        }
        let mut definition = Table::new(bare_table(table));
        if let Some((schema_name, _)) = table.split_once('.') {
            definition.schema = schema_name.to_string();
        }
        let mut primary_key = vec![];
        let mut references = vec![];
        let mut uniques = vec![];
        if !specs.iter().any(|s| s.primary_key || s.name == "id") {
            definition.columns.push(crate::schema::Column {
                nullable: false,
                identity: Some(Identity::ByDefault),
                ..crate::schema::Column::new("id", "bigint")
            });
            primary_key.push("id".to_string());
            self.decisions.push(format!(
                "`{table}` gets a primary key `{}`",
                crate::dialect::for_engine(self.schema.engine).default_key()
            ));
        }
        for spec in specs {
            if definition.column(&spec.name).is_some() {
                return Err(PlanError::AlreadyExists {
                    what: "column",
                    name: format!("{table}.{}", spec.name),
                    hint: Some("it is listed twice".into()),
                });
            }
            let mut resolved = resolve_column(&self.schema, table, spec)?;
            self.decisions.append(&mut resolved.decisions);
            let name = resolved.column.name.clone();
            if resolved.primary_key || (spec.name == "id" && primary_key.is_empty()) {
                resolved.column.nullable = false;
                primary_key.push(name.clone());
            }
            if let Some(target) = resolved.references {
                references.push((name.clone(), target));
            }
            if resolved.unique {
                uniques.push(name);
            }
            definition.columns.push(resolved.column);
        }
        if specs.is_empty() {
            for ts in ["created_at", "updated_at"] {
                definition.columns.push(crate::schema::Column {
                    nullable: false,
                    default: Some("now()".into()),
                    ..crate::schema::Column::new(ts, "timestamptz")
                });
            }
            self.decisions.push(format!(
                "no columns given: `{table}` gets `created_at` and `updated_at timestamptz NOT NULL DEFAULT now()`"
            ));
        }
        let bare = bare_table(table);
        if !primary_key.is_empty() {
            definition.primary_key = Some(PrimaryKey {
                name: object_name(bare, &[], "pkey"),
                columns: primary_key,
            });
        }
        for column in uniques {
            definition
                .unique_constraints
                .push(crate::schema::UniqueConstraint {
                    name: relation_name(&self.schema, table, &[&column], "key"),
                    columns: vec![column],
                });
        }
        for (column, target) in references {
            let fk = constraints::foreign_key(
                &self.schema,
                table,
                std::slice::from_ref(&column),
                &target,
                &[],
                None,
                None,
            )?;
            definition.foreign_keys.push(fk);
            definition.indexes.push(Index {
                name: relation_name(&self.schema, table, &[&column], "idx"),
                columns: vec![IndexKey::Column(column)],
                unique: false,
                method: "btree".into(),
                predicate: None,
                include: vec![],
                prefix_lengths: Default::default(),
            });
        }
        self.push(CreateTable {
            table: table.to_string(),
            definition,
        })
    }

    pub(super) fn drop_table(&mut self, table: &str) -> Result<(), PlanError> {
        let definition = self.table(table)?.clone();
        let incoming: Vec<(String, crate::schema::ForeignKey)> = self
            .schema
            .references_to(table)
            .filter(|(t, _)| t.key() != table)
            .map(|(t, fk)| (t.key(), fk.clone()))
            .collect();
        for (other, fk) in incoming {
            self.decisions.push(format!(
                "`{other}` references `{table}` through `{}`: that foreign key is dropped first (and restored by the down migration)",
                fk.name
            ));
            self.push(DropForeignKey {
                table: other,
                foreign_key: fk,
            })?;
        }
        let dependents: Vec<crate::schema::Dependency> = self
            .schema
            .table_dependents(table)
            .into_iter()
            .cloned()
            .collect();
        let what = format!("`{table}`");
        let cascade = self.dependents_decisions(&what, &dependents, Some(table))?;
        self.push(DropTable {
            table: table.to_string(),
            definition,
            dependents,
            cascade,
        })
    }
}
