//! The loader's stored forms, computed from catalog text instead of a file: live introspection
//! reads the very strings `pg_dump` prints (`format_type`, `pg_get_expr`,
//! `pg_get_constraintdef`, `pg_get_indexdef`, all under an empty `search_path`, as pg_dump
//! runs) and passes them through the same functions the dump loader applies to a dump. So a
//! live load and a load of `pg_dump --schema-only` of the same database agree by construction,
//! not by a second implementation of PostgreSQL's spelling rules.
//!
//! Pure functions of text; no I/O.

use super::coerce::Domains;
use super::{expr, index, names, objects};
use crate::dialect::postgres::{canonical_type, parse_expr};
use crate::schema::{Column, IndexKey};
use pg_query::protobuf::{ConstrType, Constraint, IndexElem, IndexStmt};
use pg_query::NodeEnum;

/// A column type from `format_type(atttypid, atttypmod)`, canonical.
pub fn column_type(format_type: &str) -> Result<String, String> {
    canonical_type(format_type).map_err(|e| e.to_string())
}

/// A column default from `pg_get_expr(adbin, adrelid)`, as the loader stores
/// `DEFAULT <text>` / `ALTER COLUMN … SET DEFAULT <text>` for a column of `column_type`.
pub fn column_default(
    text: &str,
    column_type: &str,
    domains: &Domains,
) -> Result<Option<String>, String> {
    let node = parse_expr(text).map_err(|e| e.to_string())?;
    expr::default_expr(node, column_type, domains)
}

/// The spelling of a user type (domain or enum) in a column type: `name` in `public`,
/// `schema.name` elsewhere (how [`crate::schema::sql::names::domains`] keys domains).
pub fn type_spelling(ns: &str, name: &str) -> String {
    objects::type_spelling(&names::key(ns, name))
}

/// `CHECK (…) [NOT VALID]` from `pg_get_constraintdef`: the stored expression, as the loader
/// stores `ADD CONSTRAINT c CHECK (…)`.
pub fn check_expression(
    constraintdef: &str,
    columns: &[Column],
    domains: &Domains,
) -> Result<String, String> {
    let c = parse_constraint(constraintdef)?;
    let node = c
        .raw_expr
        .and_then(|e| e.node)
        .ok_or_else(|| format!("not a CHECK constraint: {constraintdef}"))?;
    expr::table_expr(node, columns, domains)
}

/// The parts of an index from `pg_get_indexdef(indexrelid)`, stored as the loader stores the
/// same `CREATE INDEX` statement.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexParts {
    pub columns: Vec<IndexKey>,
    pub unique: bool,
    pub method: String,
    pub predicate: Option<String>,
    pub include: Vec<String>,
}

/// See [`IndexParts`].
pub fn index_parts(
    indexdef: &str,
    columns: &[Column],
    domains: &Domains,
) -> Result<IndexParts, String> {
    let s = parse_index(indexdef)?;
    let keys = s
        .index_params
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::IndexElem(e)) => Some(index::index_key(e, columns, domains)),
            _ => None,
        })
        .collect::<Result<Vec<_>, _>>()?;
    let include = s
        .index_including_params
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::IndexElem(e)) => Some(e.name.clone()),
            _ => None,
        })
        .collect();
    let predicate = match s.where_clause.and_then(|w| w.node) {
        Some(w) => Some(expr::table_expr(w, columns, domains)?),
        None => None,
    };
    let method = if s.access_method.is_empty() {
        "btree".to_string()
    } else {
        s.access_method.to_lowercase()
    };
    Ok(IndexParts {
        columns: keys,
        unique: s.unique,
        method,
        predicate,
        include,
    })
}

/// An exclusion constraint's access method, `(element, operator)` pairs and predicate.
pub type ExclusionParts = (String, Vec<(IndexKey, String)>, Option<String>);

/// The element list of an `EXCLUDE` constraint from `pg_get_constraintdef`: each element as
/// an index key with its operator (`room WITH =`), the method and the predicate.
pub fn exclusion_parts(
    constraintdef: &str,
    columns: &[Column],
    domains: &Domains,
) -> Result<ExclusionParts, String> {
    let c = parse_constraint(constraintdef)?;
    exclusion_from_constraint(&c, columns, domains)
}

/// [`exclusion_parts`] of a parsed `EXCLUDE` constraint (shared with the dump loader).
pub(super) fn exclusion_from_constraint(
    c: &Constraint,
    columns: &[Column],
    domains: &Domains,
) -> Result<ExclusionParts, String> {
    let mut elements = Vec::new();
    for pair in &c.exclusions {
        let Some(NodeEnum::List(l)) = pair.node.as_ref() else {
            continue;
        };
        let elem: Option<&IndexElem> = l.items.first().and_then(|n| match n.node.as_ref() {
            Some(NodeEnum::IndexElem(e)) => Some(&**e),
            _ => None,
        });
        let Some(elem) = elem else {
            return Err("EXCLUDE element without a column or expression".into());
        };
        let op = l
            .items
            .get(1)
            .map(|n| names::list_strings(Some(n)).join("."))
            .unwrap_or_default();
        elements.push((index::index_key(elem, columns, domains)?, op));
    }
    let method = if c.access_method.is_empty() {
        "btree".to_string()
    } else {
        c.access_method.to_lowercase()
    };
    let predicate = match c.where_clause.as_ref().and_then(|w| w.node.clone()) {
        Some(w) => Some(expr::table_expr(w, columns, domains)?),
        None => None,
    };
    Ok((method, elements, predicate))
}

fn parse_constraint(def: &str) -> Result<Constraint, String> {
    let sql = format!("ALTER TABLE t ADD CONSTRAINT c {def}");
    let parsed = pg_query::parse(&sql, 0).map_err(|e| format!("{def}: {e}"))?;
    let stmt = parsed
        .protobuf
        .stmts
        .first()
        .and_then(|s| s.stmt.as_ref())
        .and_then(|s| s.node.as_ref());
    let Some(NodeEnum::AlterTableStmt(a)) = stmt else {
        return Err(format!("not a constraint definition: {def}"));
    };
    for cmd in &a.cmds {
        if let Some(NodeEnum::AlterTableCmd(cmd)) = cmd.node.as_ref() {
            if let Some(NodeEnum::Constraint(c)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
                if matches!(
                    ConstrType::try_from(c.contype),
                    Ok(ConstrType::ConstrCheck | ConstrType::ConstrExclusion)
                ) {
                    return Ok((**c).clone());
                }
            }
        }
    }
    Err(format!("not a CHECK or EXCLUDE constraint: {def}"))
}

fn parse_index(def: &str) -> Result<IndexStmt, String> {
    let parsed = pg_query::parse(def, 0).map_err(|e| format!("{def}: {e}"))?;
    match parsed
        .protobuf
        .stmts
        .first()
        .and_then(|s| s.stmt.as_ref())
        .and_then(|s| s.node.as_ref())
    {
        Some(NodeEnum::IndexStmt(s)) => Ok((**s).clone()),
        _ => Err(format!("not an index definition: {def}")),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn col(name: &str, ty: &str) -> Column {
        Column::new(name, ty)
    }

    #[test]
    fn catalog_text_gets_the_loaders_stored_form() {
        let cols = [col("price", "numeric(10,2)"), col("email", "varchar(100)")];
        let d = Domains::new();
        assert_eq!(
            check_expression("CHECK ((price >= (0)::numeric)) NOT VALID", &cols, &d).unwrap(),
            "price >= 0::numeric"
        );
        let i = index_parts(
            "CREATE UNIQUE INDEX u ON public.t USING btree (lower((email)::text)) INCLUDE (price) WHERE (price > (0)::numeric)",
            &cols,
            &d,
        )
        .unwrap();
        assert!(i.unique);
        assert_eq!(i.method, "btree");
        assert_eq!(i.include, vec!["price"]);
        assert_eq!(i.predicate.as_deref(), Some("price > 0::numeric"));
        assert_eq!(
            i.columns,
            vec![IndexKey::Expression {
                expression: "lower(email::text)".into()
            }]
        );
        assert_eq!(
            column_default("'x'::character varying", "varchar(100)", &d).unwrap(),
            Some("'x'::varchar".into())
        );
        assert_eq!(type_spelling("audit", "Mood"), "audit.\"Mood\"");
    }

    #[test]
    fn exclusion_elements_keep_their_operators() {
        let cols = [col("room", "integer"), col("during", "tsrange")];
        let (method, elems, pred) = exclusion_parts(
            "EXCLUDE USING gist (room WITH =, during WITH &&) WHERE ((room > 0))",
            &cols,
            &Domains::new(),
        )
        .unwrap();
        assert_eq!(method, "gist");
        assert_eq!(
            elems,
            vec![
                (IndexKey::Column("room".into()), "=".into()),
                (IndexKey::Column("during".into()), "&&".into())
            ]
        );
        assert_eq!(pred.as_deref(), Some("room > 0"));
    }
}
