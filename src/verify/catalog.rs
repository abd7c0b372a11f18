//! Catalog snapshots: the schema as PostgreSQL's catalogs see it, one sorted line per object,
//! and a readable diff between two snapshots. The round trip compares S0/S2 and S1/S3 with it;
//! the test suite uses the same function. Reads only.

pub(crate) const USER_NAMESPACES: &str =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'";

/// Every user-visible schema object as one line each, sorted: relations, columns (type,
/// nullability, default, identity), constraints (full definition and validity), indexes (full
/// definition and validity), enum labels in order, comments, view definitions, functions and
/// procedures (signature and a hash of the definition; extension members left out) and
/// triggers (full definition and whether enabled). Column order is not included:
/// PostgreSQL cannot put a re-added column back in its old position.
pub fn snapshot(client: &mut postgres::Client) -> Result<Vec<String>, postgres::Error> {
    let queries = [
        format!(
            "SELECT 'relation ' || n.nspname || '.' || c.relname::text || ' kind=' || c.relkind::text
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE {USER_NAMESPACES} AND c.relkind IN ('r','p','v','m','S','i','f')"
        ),
        format!(
            "SELECT 'column ' || n.nspname || '.' || c.relname || '.' || a.attname
                    || ' ' || format_type(a.atttypid, a.atttypmod)
                    || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
                    || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
                    || CASE a.attidentity WHEN 'a' THEN ' IDENTITY ALWAYS' WHEN 'd' THEN ' IDENTITY BY DEFAULT' ELSE '' END
                    || coalesce(' COMMENT ' || col_description(c.oid, a.attnum), '')
             FROM pg_attribute a
             JOIN pg_class c ON c.oid = a.attrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE {USER_NAMESPACES} AND c.relkind IN ('r','p','v','m','f')
               AND a.attnum > 0 AND NOT a.attisdropped"
        ),
        format!(
            "SELECT 'constraint ' || n.nspname || '.' || c.relname || ' ' || k.conname || ' '
                    || pg_get_constraintdef(k.oid)
                    || CASE WHEN k.convalidated THEN '' ELSE ' (not validated)' END
             FROM pg_constraint k
             JOIN pg_class c ON c.oid = k.conrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE {USER_NAMESPACES}"
        ),
        format!(
            "SELECT 'index ' || pg_get_indexdef(i.indexrelid)
                    || CASE WHEN i.indisvalid THEN '' ELSE ' (INVALID)' END
             FROM pg_index i
             JOIN pg_class c ON c.oid = i.indrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE {USER_NAMESPACES}"
        ),
        format!(
            "SELECT 'enum ' || n.nspname || '.' || t.typname || ' '
                    || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
             FROM pg_type t
             JOIN pg_namespace n ON n.oid = t.typnamespace
             JOIN pg_enum e ON e.enumtypid = t.oid
             WHERE {USER_NAMESPACES}
             GROUP BY n.nspname, t.typname"
        ),
        format!(
            "SELECT 'comment ' || n.nspname || '.' || c.relname || ' ' || obj_description(c.oid, 'pg_class')
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE {USER_NAMESPACES} AND obj_description(c.oid, 'pg_class') IS NOT NULL"
        ),
        format!(
            "SELECT 'view ' || n.nspname || '.' || c.relname || ' '
                    || regexp_replace(pg_get_viewdef(c.oid), '\\s+', ' ', 'g')
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE {USER_NAMESPACES} AND c.relkind IN ('v','m')"
        ),
        format!(
            "SELECT 'function ' || n.nspname || '.' || p.proname || '('
                    || pg_get_function_identity_arguments(p.oid) || ') md5='
                    || md5(pg_get_functiondef(p.oid))
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE {USER_NAMESPACES} AND p.prokind IN ('f','p')
               AND NOT EXISTS (SELECT 1 FROM pg_depend d
                               WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                                 AND d.deptype = 'e')"
        ),
        format!(
            "SELECT 'trigger ' || pg_get_triggerdef(t.oid)
                    || CASE t.tgenabled WHEN 'D' THEN ' (disabled)' ELSE '' END
             FROM pg_trigger t
             JOIN pg_class c ON c.oid = t.tgrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE {USER_NAMESPACES} AND NOT t.tgisinternal"
        ),
    ];
    let mut lines = vec![];
    for q in queries {
        for row in client.query(q.as_str(), &[])? {
            lines.push(row.get::<_, String>(0));
        }
    }
    lines.sort();
    Ok(lines)
}

/// The lines that differ: `- line` only in `expected`, `+ line` only in `actual`; empty when the
/// snapshots are equal. Sorted by object so a changed object shows its old and new line together.
pub fn diff(expected: &[String], actual: &[String]) -> Vec<String> {
    let mut out: Vec<(String, char)> = expected
        .iter()
        .filter(|l| !actual.contains(l))
        .map(|l| (l.clone(), '-'))
        .chain(
            actual
                .iter()
                .filter(|l| !expected.contains(l))
                .map(|l| (l.clone(), '+')),
        )
        .collect();
    out.sort();
    out.into_iter()
        .map(|(l, sign)| format!("{sign} {l}"))
        .collect()
}

#[cfg(test)]
mod test {
    use super::diff;

    #[test]
    fn diff_shows_missing_and_extra_lines() {
        let a = vec!["index a".to_string(), "relation t".to_string()];
        let b = vec!["relation t".to_string(), "relation u".to_string()];
        assert_eq!(diff(&a, &b), vec!["- index a", "+ relation u"]);
        assert!(diff(&a, &a).is_empty());
    }
}
