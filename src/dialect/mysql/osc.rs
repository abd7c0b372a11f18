//! External online-schema-change tools for a COPY change on a large table: the equivalent
//! `gh-ost` and `pt-online-schema-change` command lines, and why either cannot work here.
//!
//! gh-ost copies through the binary log and cannot run on tables with foreign keys (either
//! direction) or triggers, and needs a PRIMARY KEY or a non-null UNIQUE key. pt-osc uses
//! triggers (none may exist on the table in MySQL < 5.7.2 / MariaDB < 10.2.3 since it adds
//! its own), needs a PRIMARY KEY or UNIQUE index, and handles child tables only with
//! `--alter-foreign-keys-method`.

use crate::schema::{deps::DependentKind, Schema, Table};

/// Command lines (or the reason there is none) for running `alter` (the part after
/// `ALTER TABLE t`) on `table` outside the server.
#[derive(Debug, Clone, PartialEq)]
pub struct OscCommands {
    pub gh_ost: Result<String, String>,
    pub pt_osc: Result<String, String>,
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

pub fn commands(schema: &Schema, key: &str, t: &Table, alter: &str) -> OscCommands {
    let (db, name) = match key.split_once('.') {
        Some((db, n)) if db != "public" => (db.to_string(), n.to_string()),
        _ => ("$DB".to_string(), t.name.clone()),
    };
    let has_pk = t.primary_key.is_some()
        || t.unique_constraints.iter().any(|u| {
            u.columns
                .iter()
                .all(|c| t.column(c).is_some_and(|c| !c.nullable))
        });
    let outgoing = !t.foreign_keys.is_empty();
    let incoming = schema
        .tables
        .iter()
        .any(|(k, other)| k != key && other.foreign_keys.iter().any(|f| f.ref_table == key));
    let triggers = schema
        .dependencies
        .iter()
        .any(|d| d.kind == DependentKind::Trigger && d.table == key);
    let gh_ost = if outgoing || incoming {
        Err("gh-ost does not support foreign keys (the table has or is referenced by one)".into())
    } else if triggers {
        Err("gh-ost does not support tables with triggers".into())
    } else if !has_pk {
        Err("gh-ost needs a PRIMARY KEY or a UNIQUE key on NOT NULL columns".into())
    } else {
        Ok(format!(
            "gh-ost --host=$HOST --user=$USER --ask-pass --database={db} --table={name} --alter={} --chunk-size=1000 --max-load=Threads_running=25 --critical-load=Threads_running=100 --cut-over=default --exact-rowcount --execute",
            shell_quote(alter)
        ))
    };
    let pt_osc = if !has_pk {
        Err("pt-online-schema-change needs a PRIMARY KEY or a UNIQUE index".into())
    } else {
        let fk = if incoming {
            " --alter-foreign-keys-method=rebuild_constraints"
        } else {
            ""
        };
        Ok(format!(
            "pt-online-schema-change --alter={} --chunk-size=1000 --max-load=Threads_running=25 --critical-load=Threads_running=100{fk} --execute D={db},t={name}",
            shell_quote(alter)
        ))
    };
    OscCommands { gh_ost, pt_osc }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Column, FkAction, ForeignKey, PrimaryKey};

    fn table(name: &str) -> Table {
        let mut t = Table::new(name);
        t.columns = vec![Column {
            nullable: false,
            ..Column::new("id", "bigint")
        }];
        t.primary_key = Some(PrimaryKey {
            name: format!("{name}_pkey"),
            columns: vec!["id".into()],
        });
        t
    }

    #[test]
    fn gh_ost_refuses_foreign_keys_and_both_need_a_key() {
        let mut s = Schema::default();
        s.tables.insert("users".into(), table("users"));
        let c = commands(
            &s,
            "users",
            s.table("users").unwrap(),
            "MODIFY COLUMN `x` text",
        );
        assert!(c
            .gh_ost
            .as_ref()
            .unwrap()
            .contains("--table=users --alter='MODIFY COLUMN `x` text'"));
        assert!(c.pt_osc.as_ref().unwrap().ends_with("D=$DB,t=users"));
        let mut posts = table("posts");
        posts.foreign_keys.push(ForeignKey {
            name: "fk".into(),
            columns: vec!["id".into()],
            ref_table: "users".into(),
            ref_columns: vec!["id".into()],
            on_delete: FkAction::NoAction,
            on_update: FkAction::NoAction,
            deferrable: false,
            initially_deferred: false,
            validated: true,
        });
        s.tables.insert("posts".into(), posts);
        let c = commands(&s, "users", s.table("users").unwrap(), "FORCE");
        assert!(c.gh_ost.unwrap_err().contains("foreign keys"));
        assert!(c.pt_osc.unwrap().contains("--alter-foreign-keys-method"));
        let mut bare = table("bare");
        bare.primary_key = None;
        let c = commands(&s, "bare", &bare, "FORCE");
        assert!(c.gh_ost.unwrap_err().contains("PRIMARY KEY"));
        assert!(c.pt_osc.unwrap_err().contains("PRIMARY KEY"));
    }
}
