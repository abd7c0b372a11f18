//! Dependencies read from DDL (see [`crate::schema::deps`]): the tables and columns a view's
//! query, a trigger (its `UPDATE OF` list and `WHEN`), a policy (`USING`, `WITH CHECK`) or a
//! generation expression uses, found by walking the `pg_query` tree. Column references are
//! resolved the way PostgreSQL does: a qualified name by its table or alias, an unqualified
//! one in the innermost `FROM` that has such a column. Function bodies are collected and
//! matched against the tables once everything is loaded (pg_dump prints functions first).

use super::names::{self, key};
use super::{Ctx, LoadError};
use crate::schema::deps::normalize;
use crate::schema::{Dependency, DependentKind, Schema};
use pg_query::protobuf::{DropStmt, ObjectType};
use pg_query::NodeEnum;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Record what a `CREATE VIEW / MATERIALIZED VIEW / TRIGGER / POLICY / FUNCTION` uses.
pub(super) fn record(schema: &mut Schema, node: &NodeEnum, ctx: &Ctx) {
    let mut found = Vec::new();
    match node {
        NodeEnum::ViewStmt(v) => {
            let Some(view) = &v.view else { return };
            let name = view_key(view, ctx);
            // CREATE OR REPLACE VIEW: the new query replaces the old one's uses.
            forget(schema, DependentKind::View, &name, None);
            let uses = Walker::run(schema, ctx, vec![], v.query.as_deref());
            found = deps(DependentKind::View, &name, None, uses);
        }
        NodeEnum::CreateTableAsStmt(c)
            if ObjectType::try_from(c.objtype) == Ok(ObjectType::ObjectMatview) =>
        {
            let Some(rel) = c.into.as_ref().and_then(|i| i.rel.as_ref()) else {
                return;
            };
            let name = view_key(rel, ctx);
            let uses = Walker::run(schema, ctx, vec![], c.query.as_deref());
            found = deps(DependentKind::MaterializedView, &name, None, uses);
        }
        NodeEnum::CreateTrigStmt(t) => {
            let Some(rel) = &t.relation else { return };
            let table = ctx.resolve(schema, rel);
            if !schema.tables.contains_key(&table) {
                return;
            }
            let scope = vec![
                ("new".to_string(), table.clone()),
                ("old".to_string(), table.clone()),
            ];
            let mut uses = Walker::run(schema, ctx, scope, t.when_clause.as_deref());
            let listed = uses.entry(table.clone()).or_default();
            listed.extend(names::strings(&t.columns));
            let function = names::names_key(&names::strings(&t.funcname), "public");
            forget(schema, DependentKind::Trigger, &t.trigname, Some(&table));
            found = deps(DependentKind::Trigger, &t.trigname, Some(&table), uses);
            for d in &mut found {
                d.function = function.clone();
            }
        }
        NodeEnum::CreatePolicyStmt(p) => {
            let Some(rel) = &p.table else { return };
            let table = ctx.resolve(schema, rel);
            if !schema.tables.contains_key(&table) {
                return;
            }
            let scope = vec![(rel.relname.clone(), table.clone())];
            let mut uses = Walker::run(schema, ctx, scope.clone(), p.qual.as_deref());
            for (k, cols) in Walker::run(schema, ctx, scope, p.with_check.as_deref()) {
                uses.entry(k).or_default().extend(cols);
            }
            uses.entry(table.clone()).or_default();
            found = deps(DependentKind::Policy, &p.policy_name, Some(&table), uses);
        }
        _ => {}
    }
    if !found.is_empty() {
        schema.dependencies.append(&mut found);
        normalize(&mut schema.dependencies);
    }
}

/// Forget a view, trigger or policy (`on`: the table a trigger or policy belongs to).
fn forget(schema: &mut Schema, kind: DependentKind, name: &str, on: Option<&str>) {
    schema
        .dependencies
        .retain(|d| !(d.kind == kind && d.name == name && d.on.as_deref() == on));
}

/// `ALTER VIEW | MATERIALIZED VIEW … RENAME TO`, `ALTER TRIGGER | POLICY … ON t RENAME TO`:
/// the dependencies follow the new name.
pub(super) fn rename(
    schema: &mut Schema,
    s: &pg_query::protobuf::RenameStmt,
    kind: ObjectType,
    ctx: &Ctx,
) {
    let Some(rel) = s.relation.as_ref() else {
        return;
    };
    let (want, old, new, on) = match kind {
        ObjectType::ObjectView | ObjectType::ObjectMatview => {
            let old = view_key(rel, ctx);
            let new = key(names::split_key(&old).0, &s.newname);
            let want = if kind == ObjectType::ObjectView {
                DependentKind::View
            } else {
                DependentKind::MaterializedView
            };
            (want, old, new, None)
        }
        ObjectType::ObjectTrigger | ObjectType::ObjectPolicy => {
            let want = if kind == ObjectType::ObjectTrigger {
                DependentKind::Trigger
            } else {
                DependentKind::Policy
            };
            let table = ctx.resolve(schema, rel);
            (want, s.subname.clone(), s.newname.clone(), Some(table))
        }
        _ => return,
    };
    for d in &mut schema.dependencies {
        if d.kind == want && d.name == old && d.on == on {
            d.name = new.clone();
        }
    }
    normalize(&mut schema.dependencies);
}

/// The body of a `CREATE FUNCTION … AS '…'`, with the function's key.
pub(super) fn function_body(node: &NodeEnum, ctx: &Ctx) -> Option<(String, String)> {
    let NodeEnum::CreateFunctionStmt(f) = node else {
        return None;
    };
    let body = f.options.iter().find_map(|o| match o.node.as_ref() {
        Some(NodeEnum::DefElem(d)) if d.defname == "as" => {
            Some(names::list_strings(d.arg.as_deref()).join("\n"))
        }
        _ => None,
    })?;
    let name = names::names_key(&names::strings(&f.funcname), ctx.default_schema())?;
    Some((name, body))
}

/// A generated column of `table` computed from `expr`.
pub(super) fn generated_column(
    schema: &mut Schema,
    table: &str,
    column: &str,
    expr: Option<&pg_query::protobuf::Node>,
) {
    let columns = columns_of_expr(expr);
    if columns.is_empty() {
        return;
    }
    schema.dependencies.push(Dependency {
        kind: DependentKind::GeneratedColumn,
        name: column.to_string(),
        table: table.to_string(),
        columns,
        on: Some(table.to_string()),
        function: None,
    });
    normalize(&mut schema.dependencies);
}

/// Unqualified column names in an expression of one table (a generation expression).
fn columns_of_expr(expr: Option<&pg_query::protobuf::Node>) -> Vec<String> {
    let Some(v) = expr.and_then(|e| serde_json::to_value(e).ok()) else {
        return vec![];
    };
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                if let Some(c) = o.get("ColumnRef") {
                    if let Some(name) = field_names(c).last().and_then(|f| f.clone()) {
                        out.push(name);
                    }
                    return;
                }
                o.values().for_each(|x| walk(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(&v, &mut out);
    out
}

/// `DROP VIEW | MATERIALIZED VIEW | TRIGGER | POLICY | FUNCTION`: forget what it recorded.
pub(super) fn forget_dropped(schema: &mut Schema, s: &DropStmt, kind: ObjectType, ctx: &Ctx) {
    for o in &s.objects {
        let parts = match o.node.as_ref() {
            Some(NodeEnum::ObjectWithArgs(f)) => names::strings(&f.objname),
            _ => names::list_strings(Some(o)),
        };
        let Some((last, rest)) = parts.split_last() else {
            continue;
        };
        match kind {
            ObjectType::ObjectView | ObjectType::ObjectMatview | ObjectType::ObjectFunction => {
                let Some(k) = names::names_key(&parts, ctx.default_schema()) else {
                    continue;
                };
                let want = match kind {
                    ObjectType::ObjectView => DependentKind::View,
                    ObjectType::ObjectMatview => DependentKind::MaterializedView,
                    _ => DependentKind::Function,
                };
                schema
                    .dependencies
                    .retain(|d| !(d.kind == want && d.name == k));
                if want == DependentKind::Function {
                    ctx.functions.borrow_mut().retain(|(f, _)| *f != k);
                }
            }
            ObjectType::ObjectTrigger | ObjectType::ObjectPolicy => {
                let table = ctx.resolve_names(schema, rest).unwrap_or_default();
                let want = if kind == ObjectType::ObjectTrigger {
                    DependentKind::Trigger
                } else {
                    DependentKind::Policy
                };
                schema.dependencies.retain(|d| {
                    !(d.kind == want && &d.name == last && d.on.as_deref() == Some(&table))
                });
            }
            _ => {}
        }
    }
}

/// Without CASCADE, PostgreSQL refuses to drop what a view, trigger, policy or generated
/// column uses (`column`: `None` for the whole table).
pub(super) fn check_drop(
    schema: &Schema,
    table: &str,
    column: Option<&str>,
    cascade: bool,
    ctx: &Ctx,
) -> Result<(), LoadError> {
    if cascade {
        return Ok(());
    }
    let blocking = match column {
        Some(c) => schema
            .column_dependents(table, c)
            .into_iter()
            .find(|d| d.certain()),
        None => schema
            .table_dependents(table)
            .into_iter()
            .find(|d| d.certain() && !d.belongs_to(table)),
    };
    match (blocking, column) {
        (None, _) => Ok(()),
        (Some(d), Some(c)) => Err(ctx.err(format!(
            "cannot drop column {c} of table {table} because other objects depend on it ({}); use CASCADE",
            d.describe().replace('`', "")
        ))),
        (Some(d), None) => Err(ctx.err(format!(
            "cannot drop table {table} because other objects depend on it ({}); use CASCADE",
            d.describe().replace('`', "")
        ))),
    }
}

fn view_key(rv: &pg_query::protobuf::RangeVar, ctx: &Ctx) -> String {
    let ns = if rv.schemaname.is_empty() {
        ctx.default_schema()
    } else {
        &rv.schemaname
    };
    key(ns, &rv.relname)
}

fn deps(
    kind: DependentKind,
    name: &str,
    on: Option<&str>,
    uses: BTreeMap<String, BTreeSet<String>>,
) -> Vec<Dependency> {
    uses.into_iter()
        .map(|(table, columns)| Dependency {
            kind,
            name: name.to_string(),
            table,
            columns: columns.into_iter().collect(),
            on: on.map(str::to_string),
            function: None,
        })
        .collect()
}

/// The names in a serialized `ColumnRef`'s fields (`None` for `*`).
fn field_names(c: &Value) -> Vec<Option<String>> {
    c.get("fields")
        .and_then(Value::as_array)
        .map(|fs| {
            fs.iter()
                .map(|f| {
                    f.pointer("/node/String/sval")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Walks a serialized query, keeping a stack of `FROM` scopes (alias → table key).
struct Walker<'a> {
    schema: &'a Schema,
    ctx: &'a Ctx<'a>,
    scopes: Vec<Vec<(String, String)>>,
    /// Names of the `WITH` queries in scope: they shadow tables.
    ctes: Vec<String>,
    uses: BTreeMap<String, BTreeSet<String>>,
}

impl<'a> Walker<'a> {
    fn run(
        schema: &'a Schema,
        ctx: &'a Ctx<'a>,
        outer: Vec<(String, String)>,
        node: Option<&pg_query::protobuf::Node>,
    ) -> BTreeMap<String, BTreeSet<String>> {
        let mut w = Walker {
            schema,
            ctx,
            scopes: vec![outer],
            ctes: vec![],
            uses: BTreeMap::new(),
        };
        if let Some(v) = node.and_then(|n| serde_json::to_value(n).ok()) {
            w.walk(&v);
        }
        w.uses
    }

    fn table_key(&self, rv: &Value) -> Option<String> {
        let rel = rv.get("relname")?.as_str()?;
        let ns = rv.get("schemaname").and_then(Value::as_str).unwrap_or("");
        if ns.is_empty() && self.ctes.iter().any(|c| c == rel) {
            return None;
        }
        let k = if ns.is_empty() {
            self.ctx.resolve_name(self.schema, rel)
        } else {
            key(ns, rel)
        };
        self.schema.tables.contains_key(&k).then_some(k)
    }

    /// The tables a `FROM` list brings into scope (through joins, not subqueries).
    fn scope_of(&self, from: &Value, out: &mut Vec<(String, String)>) {
        match from {
            Value::Array(a) => a.iter().for_each(|x| self.scope_of(x, out)),
            Value::Object(o) => {
                if let Some(rv) = o.get("RangeVar") {
                    if let Some(k) = self.table_key(rv) {
                        let alias = rv
                            .pointer("/alias/aliasname")
                            .and_then(Value::as_str)
                            .or_else(|| rv.get("relname").and_then(Value::as_str))
                            .unwrap_or_default();
                        out.push((alias.to_string(), k));
                    }
                } else if let Some(j) = o.get("JoinExpr") {
                    for side in ["larg", "rarg"] {
                        if let Some(x) = j.get(side) {
                            self.scope_of(x, out);
                        }
                    }
                } else if let Some(n) = o.get("node") {
                    self.scope_of(n, out);
                }
            }
            _ => {}
        }
    }

    fn walk(&mut self, v: &Value) {
        match v {
            Value::Object(o) => {
                if let Some(s) = o.get("SelectStmt") {
                    let outer_ctes = self.ctes.len();
                    if let Some(ctes) = s.pointer("/with_clause/ctes").and_then(Value::as_array) {
                        self.ctes.extend(ctes.iter().filter_map(|c| {
                            c.pointer("/node/CommonTableExpr/ctename")
                                .and_then(Value::as_str)
                                .map(str::to_string)
                        }));
                    }
                    let mut scope = Vec::new();
                    if let Some(from) = s.get("from_clause") {
                        self.scope_of(from, &mut scope);
                    }
                    for (_, k) in &scope {
                        self.uses.entry(k.clone()).or_default();
                    }
                    self.scopes.push(scope);
                    if let Value::Object(fields) = s {
                        fields.values().for_each(|x| self.walk(x));
                    }
                    self.scopes.pop();
                    self.ctes.truncate(outer_ctes);
                    return;
                }
                if let Some(rv) = o.get("RangeVar") {
                    if let Some(k) = self.table_key(rv) {
                        self.uses.entry(k).or_default();
                    }
                    return;
                }
                if let Some(c) = o.get("ColumnRef") {
                    self.column_ref(&field_names(c));
                    return;
                }
                o.values().for_each(|x| self.walk(x));
            }
            Value::Array(a) => a.iter().for_each(|x| self.walk(x)),
            _ => {}
        }
    }

    fn all_columns(&mut self, table: &str) {
        if let Some(t) = self.schema.tables.get(table) {
            let cols = t.columns.iter().map(|c| c.name.clone());
            self.uses.entry(table.to_string()).or_default().extend(cols);
        }
    }

    fn column_ref(&mut self, fields: &[Option<String>]) {
        let has = |k: &str, c: &str| {
            self.schema
                .tables
                .get(k)
                .is_some_and(|t| t.column(c).is_some())
        };
        match fields {
            [None] => {
                let inner: Vec<String> = self
                    .scopes
                    .last()
                    .map(|s| s.iter().map(|(_, k)| k.clone()).collect())
                    .unwrap_or_default();
                inner.iter().for_each(|k| self.all_columns(k));
            }
            [Some(c)] => {
                for scope in self.scopes.iter().rev() {
                    let hits: Vec<String> = scope
                        .iter()
                        .filter(|(_, k)| has(k, c))
                        .map(|(_, k)| k.clone())
                        .collect();
                    if !hits.is_empty() {
                        for k in hits {
                            self.uses.entry(k).or_default().insert(c.clone());
                        }
                        return;
                    }
                }
            }
            [Some(q), col] => {
                let Some(k) = self
                    .scopes
                    .iter()
                    .rev()
                    .find_map(|s| s.iter().find(|(a, _)| a == q).map(|(_, k)| k.clone()))
                else {
                    return;
                };
                match col {
                    None => self.all_columns(&k),
                    Some(c) if has(&k, c) => {
                        self.uses.entry(k).or_default().insert(c.clone());
                    }
                    Some(_) => {}
                }
            }
            [Some(ns), Some(t), col] => {
                let k = key(ns, t);
                match col {
                    None => self.all_columns(&k),
                    Some(c) if has(&k, c) => {
                        self.uses.entry(k).or_default().insert(c.clone());
                    }
                    Some(_) => {}
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::sql::load_str;
    use crate::schema::{Dependency, DependentKind};

    const SQL: &str = "
        CREATE TABLE users (id bigint PRIMARY KEY, email text, name text, tenant int, note text,
            full_name text GENERATED ALWAYS AS (upper(name)) STORED);
        CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint, title text);
        CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$
            begin insert into posts(title) values (NEW.note); return NEW; end $$;
        CREATE VIEW active_users AS SELECT u.id, u.email FROM users u WHERE u.tenant > 0;
        CREATE VIEW post_titles AS SELECT title, (SELECT count(*) FROM users) AS n FROM posts p JOIN users ON users.id = p.user_id;
        CREATE TRIGGER users_audit AFTER UPDATE OF note ON users FOR EACH ROW
            WHEN (NEW.email IS NOT NULL) EXECUTE FUNCTION audit();
        CREATE POLICY tenant_only ON users USING (tenant = 1);
        CREATE POLICY posts_owner ON posts USING (user_id IN (SELECT id FROM users WHERE email IS NOT NULL));
        CREATE VIEW shadowed AS WITH users AS (SELECT 1 AS id) SELECT users.id, p.title FROM users, posts p;
    ";

    fn d(
        kind: DependentKind,
        name: &str,
        on: Option<&str>,
        table: &str,
        cols: &[&str],
    ) -> Dependency {
        Dependency {
            kind,
            name: name.into(),
            table: table.into(),
            columns: cols.iter().map(|c| c.to_string()).collect(),
            on: on.map(str::to_string),
            function: None,
        }
    }

    #[test]
    fn views_triggers_policies_generated_columns_and_functions_are_recorded() {
        let s = load_str(SQL, "t.sql").unwrap();
        use DependentKind::*;
        let trigger = Dependency {
            function: Some("audit".into()),
            ..d(
                Trigger,
                "users_audit",
                Some("users"),
                "users",
                &["email", "note"],
            )
        };
        assert_eq!(
            s.dependencies,
            vec![
                d(
                    View,
                    "active_users",
                    None,
                    "users",
                    &["email", "id", "tenant"]
                ),
                d(View, "post_titles", None, "posts", &["title", "user_id"]),
                d(View, "post_titles", None, "users", &["id"]),
                d(View, "shadowed", None, "posts", &["title"]),
                d(Trigger, "users_audit", Some("users"), "users", &[]),
                d(Policy, "posts_owner", Some("posts"), "posts", &["user_id"]),
                d(
                    Policy,
                    "posts_owner",
                    Some("posts"),
                    "users",
                    &["email", "id"]
                ),
                d(Policy, "tenant_only", Some("users"), "users", &["tenant"]),
                d(
                    GeneratedColumn,
                    "full_name",
                    Some("users"),
                    "users",
                    &["name"]
                ),
                d(Function, "audit", None, "posts", &["title"]),
                d(Function, "audit", None, "users", &["note"]),
            ]
            .into_iter()
            .map(|x| if x.kind == Trigger {
                trigger.clone()
            } else {
                x
            })
            .collect::<Vec<_>>()
        );
    }

    #[test]
    fn drops_follow_postgresql_dependency_rules() {
        for (drop, blocked_by) in [
            ("ALTER TABLE users DROP COLUMN tenant", "view active_users"),
            (
                "ALTER TABLE users DROP COLUMN note",
                "trigger users_audit on users",
            ),
            (
                "ALTER TABLE users DROP COLUMN name",
                "generated column users.full_name",
            ),
            ("DROP TABLE users", "view active_users"),
        ] {
            let err = load_str(&format!("{SQL};{drop};"), "t.sql").unwrap_err();
            assert!(err.message.contains(blocked_by), "{drop}: {err}");
        }
        let s = load_str(
            &format!("{SQL}; ALTER TABLE users DROP COLUMN tenant CASCADE;"),
            "t.sql",
        )
        .unwrap();
        assert!(s
            .dependencies
            .iter()
            .all(|d| d.name != "active_users" && d.name != "tenant_only"));
        let s = load_str(&format!("{SQL}; DROP VIEW active_users; DROP POLICY tenant_only ON users; ALTER TABLE users DROP COLUMN tenant;"), "t.sql").unwrap();
        assert!(s.table("users").unwrap().column("tenant").is_none());
        // Renamed and replaced objects: their new names and queries count.
        let s = load_str(
            &format!(
                "{SQL}; ALTER VIEW active_users RENAME TO actives; DROP VIEW actives;
                 ALTER POLICY tenant_only ON users RENAME TO t1; DROP POLICY t1 ON users;
                 CREATE OR REPLACE VIEW post_titles AS SELECT title FROM posts;
                 ALTER TRIGGER users_audit ON users RENAME TO a1; DROP TRIGGER a1 ON users;
                 DROP FUNCTION audit(); ALTER TABLE users DROP COLUMN tenant;
                 ALTER TABLE users DROP COLUMN note;"
            ),
            "t.sql",
        )
        .unwrap();
        let names: Vec<&str> = s.dependencies.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "post_titles",
                "shadowed",
                "posts_owner",
                "posts_owner",
                "full_name"
            ]
        );
        let s = load_str(&format!("{SQL}; ALTER TABLE users RENAME COLUMN email TO mail; ALTER TABLE users RENAME TO people;"), "t.sql").unwrap();
        assert!(s.dependencies.iter().any(|d| d.name == "active_users"
            && d.table == "people"
            && d.columns.contains(&"mail".to_string())));
    }
}
