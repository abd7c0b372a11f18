//! Names: table keys, identifier lists from the parse tree, and PostgreSQL's rules for the
//! names it invents (`ChooseRelationName`, `ChooseConstraintName`, `makeObjectName` and
//! `FigureIndexColname` in the PostgreSQL sources).
//!
//! Generated names are unique within a schema (namespace) the way PostgreSQL makes them: a
//! relation name (table, index, constraint-backed index, serial sequence) must not collide
//! with any other relation name of the schema that the model knows about, and a constraint
//! name must not collide with another constraint of the schema. Objects the model does not
//! hold (views, standalone sequences) are not considered, and identity sequences are assumed
//! to have their default names, so a collision with one of those is the one case where the
//! name can differ from PostgreSQL's.

use crate::schema::Schema;
use pg_query::protobuf::Node;
use pg_query::NodeEnum;

/// PostgreSQL's `NAMEDATALEN - 1`: the longest identifier, in bytes.
pub const MAX_IDENT: usize = 63;

/// The key of a table or enum in [`Schema`]: `name` in `public`, `schema.name` elsewhere.
pub fn key(schema: &str, name: &str) -> String {
    if schema.is_empty() || schema == "public" {
        name.to_string()
    } else {
        format!("{schema}.{name}")
    }
}

/// Split a key back into `(schema, name)`.
pub fn split_key(key: &str) -> (&str, &str) {
    match key.split_once('.') {
        Some((s, n)) => (s, n),
        None => ("public", key),
    }
}

/// The `String` values of a list of nodes (name lists such as `schema.table.column`).
pub fn strings(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect()
}

/// The `String` values inside a node that is itself a `List` of names.
pub fn list_strings(node: Option<&Node>) -> Vec<String> {
    match node.and_then(|n| n.node.as_ref()) {
        Some(NodeEnum::List(l)) => strings(&l.items),
        Some(NodeEnum::String(s)) => vec![s.sval.clone()],
        Some(NodeEnum::TypeName(t)) => strings(&t.names),
        _ => Vec::new(),
    }
}

/// A dotted name list (`[schema,] name`) as a key, with `default_schema` when unqualified.
pub fn names_key(names: &[String], default_schema: &str) -> Option<String> {
    match names {
        [name] => Some(key(default_schema, name)),
        [.., schema, name] => Some(key(schema, name)),
        [] => None,
    }
}

/// Clip `s` to at most `max` bytes without splitting a character (PostgreSQL's `pg_mbcliplen`).
fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// PostgreSQL's `makeObjectName`: `name1[_name2]_label`, shortening the longer of the two
/// name parts one byte at a time until the whole fits in 63 bytes.
pub fn make_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let mut overhead = 0;
    if !label.is_empty() {
        overhead += label.len() + 1;
    }
    if name2.is_some() {
        overhead += 1;
    }
    let avail = MAX_IDENT.saturating_sub(overhead);
    let mut n1 = name1.len();
    let mut n2 = name2.map_or(0, str::len);
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let mut out = clip(name1, n1).to_string();
    if let Some(n) = name2 {
        out.push('_');
        out.push_str(clip(n, n2));
    }
    if !label.is_empty() {
        out.push('_');
        out.push_str(label);
    }
    out
}

/// Pick a name like PostgreSQL's `ChooseRelationName`/`ChooseConstraintName`: the object
/// name, then `label1`, `label2`, … until `taken` says no.
pub fn choose_name(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: impl Fn(&str) -> bool,
) -> String {
    let mut candidate = make_object_name(name1, name2, label);
    let mut pass = 0;
    while taken(&candidate) {
        pass += 1;
        candidate = make_object_name(name1, name2, &format!("{label}{pass}"));
    }
    candidate
}

/// PostgreSQL's `ChooseIndexNameAddition` / `ChooseForeignKeyConstraintNameAddition`: the
/// column names joined with `_`, stopped once the result is long enough to be truncated.
pub fn name_addition(columns: &[String]) -> String {
    let mut out = String::new();
    for c in columns {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(c);
        if out.len() >= MAX_IDENT {
            break;
        }
    }
    out
}

/// PostgreSQL's `ChooseIndexColumnNames`: make the per-key names unique (`lower`, `lower1`).
pub fn unique_column_names(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for orig in names {
        let mut cur = orig.clone();
        let mut i = 1;
        while out.contains(&cur) {
            let suffix = i.to_string();
            cur = format!("{}{suffix}", clip(&orig, MAX_IDENT - suffix.len()));
            i += 1;
        }
        out.push(cur);
    }
    out
}

/// PostgreSQL's `FigureIndexColname` for an index expression: the function or column name,
/// a cast's type name, or `expr`.
pub fn figure_colname(node: &NodeEnum) -> String {
    figure(node).unwrap_or_else(|| "expr".to_string())
}

fn figure(node: &NodeEnum) -> Option<String> {
    match node {
        NodeEnum::ColumnRef(c) => strings(&c.fields).pop(),
        NodeEnum::FuncCall(f) => strings(&f.funcname).pop(),
        NodeEnum::TypeCast(t) => t
            .arg
            .as_ref()
            .and_then(|a| a.node.as_ref())
            .and_then(figure)
            .or_else(|| t.type_name.as_ref().and_then(|tn| strings(&tn.names).pop())),
        NodeEnum::AIndirection(i) => i
            .indirection
            .iter()
            .rev()
            .find_map(|n| match n.node.as_ref() {
                Some(NodeEnum::String(s)) => Some(s.sval.clone()),
                _ => None,
            })
            .or_else(|| {
                i.arg
                    .as_ref()
                    .and_then(|a| a.node.as_ref())
                    .and_then(figure)
            }),
        NodeEnum::CollateClause(c) => c
            .arg
            .as_ref()
            .and_then(|a| a.node.as_ref())
            .and_then(figure),
        NodeEnum::CaseExpr(_) => Some("case".into()),
        NodeEnum::CoalesceExpr(_) => Some("coalesce".into()),
        NodeEnum::MinMaxExpr(m) => Some(if m.op == 2 { "least" } else { "greatest" }.into()),
        NodeEnum::AArrayExpr(_) => Some("array".into()),
        NodeEnum::RowExpr(_) => Some("row".into()),
        NodeEnum::NullIfExpr(_) => Some("nullif".into()),
        _ => None,
    }
}

/// Relation names (tables, indexes, constraint-backed indexes, serial and identity sequences)
/// that the model knows in PostgreSQL schema `ns`, looked up without copying (loading a large
/// dump asks this thousands of times).
pub fn relation_names_in<'a>(schema: &'a Schema, ns: &'a str) -> RelationNames<'a> {
    RelationNames { schema, ns }
}

/// See [`relation_names_in`].
pub struct RelationNames<'a> {
    schema: &'a Schema,
    ns: &'a str,
}

impl RelationNames<'_> {
    /// Whether a relation of the schema is called `n`.
    pub fn contains(&self, n: &str) -> bool {
        self.schema
            .tables
            .values()
            .filter(|t| t.schema == self.ns)
            .any(|t| {
                t.name == n
                    || t.indexes.iter().any(|i| i.name == n)
                    || t.primary_key.iter().any(|p| p.name == n)
                    || t.unique_constraints.iter().any(|u| u.name == n)
                    || t.exclusion_constraints.iter().any(|x| x.name == n)
                    || t.columns.iter().any(|c| {
                        c.serial_sequence.as_deref().is_some_and(|s| split_key(s).1 == n)
                        // An identity column's sequence, by its default name.
                        || (c.identity.is_some()
                            && n.ends_with("seq")
                            && make_object_name(&t.name, Some(&c.name), "seq") == n)
                    })
            })
    }
}

/// Constraint names the model knows in PostgreSQL schema `ns` (see [`relation_names_in`]).
pub fn constraint_names_in<'a>(schema: &'a Schema, ns: &'a str) -> ConstraintNames<'a> {
    ConstraintNames { schema, ns }
}

/// See [`constraint_names_in`].
pub struct ConstraintNames<'a> {
    schema: &'a Schema,
    ns: &'a str,
}

impl ConstraintNames<'_> {
    /// Whether a constraint of the schema is called `n`.
    pub fn contains(&self, n: &str) -> bool {
        self.schema
            .tables
            .values()
            .filter(|t| t.schema == self.ns)
            .any(|t| t.constraint_names().any(|c| c == n))
    }
}

/// The note that records a domain, so later files replayed onto the same schema still know
/// it: `ignored CREATE DOMAIN <type spelling> AS <base type> (line N)`.
pub const DOMAIN_NOTE: &str = "ignored CREATE DOMAIN ";

/// Domains recorded in the schema's notes: type spelling → canonical base type.
pub fn domains(schema: &Schema) -> super::coerce::Domains {
    schema
        .notes
        .iter()
        .filter_map(|n| n.strip_prefix(DOMAIN_NOTE))
        .filter_map(domain_of_note)
        .collect()
}

/// `(type spelling, base type)` of a domain note, given the text after [`DOMAIN_NOTE`].
pub(super) fn domain_of_note(rest: &str) -> Option<(String, String)> {
    let (name, rest) = rest.split_once(" AS ")?;
    // `(line N)` from a file, `(from the database)` from live introspection.
    let base = rest.rsplit_once(" (").map_or(rest, |(b, _)| b);
    Some((name.to_string(), base.to_string()))
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn object_names_truncate_like_postgres() {
        assert_eq!(
            make_object_name("users", Some("email"), "key"),
            "users_email_key"
        );
        assert_eq!(make_object_name("users", None, "pkey"), "users_pkey");
        let long = "a".repeat(40);
        let name = make_object_name(&long, Some(&"b".repeat(40)), "fkey");
        assert_eq!(name.len(), 63);
        assert_eq!(name, format!("{}_{}_fkey", "a".repeat(29), "b".repeat(28)));
        let name = make_object_name(&"a".repeat(60), Some("id"), "fkey");
        assert_eq!(name, format!("{}_id_fkey", "a".repeat(55)));
    }

    #[test]
    fn collisions_get_numbers() {
        let taken = ["t_a_key".to_string(), "t_a_key1".to_string()];
        assert_eq!(
            choose_name("t", Some("a"), "key", |n| taken.iter().any(|t| t == n)),
            "t_a_key2"
        );
        assert_eq!(
            unique_column_names(vec!["lower".into(), "lower".into(), "a".into()]),
            vec!["lower", "lower1", "a"]
        );
    }
}
