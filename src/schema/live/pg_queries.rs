//! The catalog queries of live PostgreSQL introspection: one query per object kind, each over
//! every selected table at once (never one query per table), so a catalog of thousands of
//! tables costs a handful of round trips. `$1` is the `--schema-name` filter (NULL: every
//! non-system schema). Text comes from the functions `pg_dump` uses (`format_type`,
//! `pg_get_expr`, `pg_get_constraintdef`, `pg_get_indexdef`), run under the same empty
//! `search_path`, so it is the text a dump would contain.

/// User namespaces: not the system ones, not TOAST or temporary schemas.
const USER_NS: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'";

/// Objects that belong to an extension are the extension's (pg_dump leaves them out too).
fn not_extension(catalog: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '{catalog}'::regclass
         AND e.objid = {oid} AND e.deptype = 'e')"
    )
}

/// The selected tables, as a CTE `tbl(oid, nspname, relname)`.
fn tables_cte() -> String {
    format!(
        "WITH tbl AS (
           SELECT c.oid, n.nspname::text AS nspname, c.relname::text AS relname
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't' AND {USER_NS}
             AND ($1::text IS NULL OR n.nspname = $1::text)
             AND {})",
        not_extension("pg_class", "c.oid")
    )
}

/// `oid, schema, name, comment`.
pub fn tables() -> String {
    format!(
        "{} SELECT t.oid, t.nspname, t.relname, d.description
         FROM tbl t LEFT JOIN pg_description d
           ON d.objoid = t.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0",
        tables_cte()
    )
}

/// `table oid, name, format_type, not null, default text, identity, generated, comment`,
/// in column order.
pub fn columns() -> String {
    format!(
        "{} SELECT a.attrelid, a.attname::text, format_type(a.atttypid, a.atttypmod),
                a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid), a.attidentity::text,
                a.attgenerated::text, d.description
         FROM tbl t
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
         LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
         LEFT JOIN pg_description d ON d.objoid = a.attrelid
           AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
         ORDER BY a.attrelid, a.attnum",
        tables_cte()
    )
}

/// Sequences owned by a column (`serial` or `OWNED BY`; identity sequences are `i`, not `a`):
/// `table oid, column, sequence schema, sequence name`.
pub fn owned_sequences() -> String {
    format!(
        "{} SELECT d.refobjid, a.attname::text, sn.nspname::text, s.relname::text
         FROM tbl t
         JOIN pg_depend d ON d.refobjid = t.oid AND d.refclassid = 'pg_class'::regclass
           AND d.classid = 'pg_class'::regclass AND d.deptype = 'a' AND d.refobjsubid > 0
         JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
         JOIN pg_namespace sn ON sn.oid = s.relnamespace
         JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid",
        tables_cte()
    )
}

/// Constraints (primary key, unique, check, foreign key, exclusion): `table oid, name, type,
/// definition, validated, deferrable, deferred, on delete, on update, columns, referenced
/// schema, referenced table, referenced columns`.
pub fn constraints() -> String {
    let cols = |keys: &str, rel: &str| {
        format!(
            "(SELECT array_agg(a.attname::text ORDER BY u.ord)
              FROM unnest({keys}) WITH ORDINALITY AS u(num, ord)
              JOIN pg_attribute a ON a.attrelid = {rel} AND a.attnum = u.num)"
        )
    };
    format!(
        "{} SELECT k.conrelid, k.conname::text, k.contype::text, pg_get_constraintdef(k.oid),
                k.convalidated, k.condeferrable, k.condeferred, k.confdeltype::text,
                k.confupdtype::text, {}, rn.nspname::text, r.relname::text, {}
         FROM tbl t
         JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype IN ('p', 'u', 'c', 'f', 'x')
         LEFT JOIN pg_class r ON r.oid = k.confrelid
         LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace",
        tables_cte(),
        cols("k.conkey", "k.conrelid"),
        cols("k.confkey", "k.confrelid"),
    )
}

/// Indexes that do not back a primary key, unique or exclusion constraint:
/// `table oid, name, pg_get_indexdef, valid`.
pub fn indexes() -> String {
    format!(
        "{} SELECT x.indrelid, i.relname::text, pg_get_indexdef(x.indexrelid), x.indisvalid
         FROM tbl t
         JOIN pg_index x ON x.indrelid = t.oid
         JOIN pg_class i ON i.oid = x.indexrelid
         WHERE NOT EXISTS (
           SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid
             AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x'))",
        tables_cte()
    )
}

/// Enum types: `schema, name, labels in order`.
pub fn enums() -> String {
    format!(
        "SELECT n.nspname::text, t.typname::text,
                array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
         FROM pg_type t
         JOIN pg_namespace n ON n.oid = t.typnamespace
         JOIN pg_enum e ON e.enumtypid = t.oid
         WHERE {USER_NS} AND ($1::text IS NULL OR n.nspname = $1::text) AND {}
         GROUP BY t.oid, n.nspname, t.typname",
        not_extension("pg_type", "t.oid")
    )
}

/// Domains of every user schema (a column may use a domain of another schema):
/// `schema, name, base type`.
pub fn domains() -> String {
    format!(
        "SELECT n.nspname::text, t.typname::text, format_type(t.typbasetype, t.typtypmod)
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE t.typtype = 'd' AND {USER_NS} AND {}",
        not_extension("pg_type", "t.oid")
    )
}

/// Size statistics: `table oid, reltuples, main fork bytes, table bytes, index bytes, total
/// bytes, block size, estimated tuple data width` (the width as the planner guesses it for a
/// never-analyzed table: fixed-width types at their size, others at 32 bytes).
pub fn stats() -> String {
    format!(
        "{} SELECT t.oid, c.reltuples::float8, pg_relation_size(t.oid), pg_table_size(t.oid),
                pg_indexes_size(t.oid), pg_total_relation_size(t.oid),
                current_setting('block_size')::int8,
                (SELECT coalesce(sum(CASE WHEN ty.typlen > 0 THEN ty.typlen ELSE 32 END), 0)::int8
                 FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
                 WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped)
         FROM tbl t JOIN pg_class c ON c.oid = t.oid",
        tables_cte()
    )
}

/// `oid, column, correlation`: how closely each analyzed column's sort order follows the
/// rows' physical order (`pg_stats`, readable by every user for the tables it may read).
pub fn column_correlations() -> String {
    format!(
        "{} SELECT t.oid, s.attname::text, s.correlation::float8
         FROM tbl t JOIN pg_stats s
           ON s.schemaname = t.nspname AND s.tablename = t.relname AND NOT s.inherited
         WHERE s.correlation IS NOT NULL",
        tables_cte()
    )
}

/// The schema names, for the error when `--schema-name` names none of them.
pub fn schema_names() -> String {
    format!("SELECT n.nspname::text FROM pg_namespace n WHERE {USER_NS} ORDER BY 1")
}

/// What depends on the selected tables, from `pg_depend` (what PostgreSQL checks on a drop):
/// `table oid, column (NULL: the table), kind, view schema ('' otherwise), name, owning table
/// oid (trigger, policy, generated column), trigger function schema, trigger function name`.
/// Views and materialized views through their `_RETURN` rule; not internal triggers (those
/// of foreign keys); generation expressions through `pg_attrdef`.
pub fn dependencies() -> String {
    format!(
        "{} SELECT d.refobjid, a.attname::text,
           CASE WHEN r.oid IS NOT NULL THEN
                  CASE vc.relkind WHEN 'm' THEN 'materialized_view' ELSE 'view' END
                WHEN tg.oid IS NOT NULL THEN 'trigger'
                WHEN po.oid IS NOT NULL THEN 'policy'
                ELSE 'generated_column' END,
           COALESCE(vn.nspname::text, ''),
           COALESCE(vc.relname::text, tg.tgname::text, po.polname::text, ga.attname::text),
           COALESCE(tg.tgrelid, po.polrelid, ad.adrelid),
           fn.nspname::text, fp.proname::text
         FROM pg_depend d
         JOIN tbl ON tbl.oid = d.refobjid
         LEFT JOIN pg_attribute a
           ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid AND d.refobjsubid > 0
         LEFT JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid
         LEFT JOIN pg_class vc ON vc.oid = r.ev_class
         LEFT JOIN pg_namespace vn ON vn.oid = vc.relnamespace
         LEFT JOIN pg_trigger tg ON d.classid = 'pg_trigger'::regclass AND tg.oid = d.objid
         LEFT JOIN pg_proc fp ON fp.oid = tg.tgfoid
         LEFT JOIN pg_namespace fn ON fn.oid = fp.pronamespace
         LEFT JOIN pg_policy po ON d.classid = 'pg_policy'::regclass AND po.oid = d.objid
         LEFT JOIN pg_attrdef ad ON d.classid = 'pg_attrdef'::regclass AND ad.oid = d.objid
         LEFT JOIN pg_attribute ga ON ga.attrelid = ad.adrelid AND ga.attnum = ad.adnum
         WHERE d.refclassid = 'pg_class'::regclass AND d.deptype IN ('n', 'a')
           AND ((r.oid IS NOT NULL AND r.ev_class <> d.refobjid)
                OR (tg.oid IS NOT NULL AND NOT tg.tgisinternal)
                OR po.oid IS NOT NULL
                OR (ad.oid IS NOT NULL AND ga.attgenerated = 's'))",
        tables_cte()
    )
}

/// `schema, name, body` of the functions and procedures with a text body (not C or
/// internal), for the "may depend" matching of [`crate::schema::deps`].
pub fn function_bodies() -> String {
    format!(
        "SELECT n.nspname::text, p.proname::text, p.prosrc
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           JOIN pg_language l ON l.oid = p.prolang
         WHERE {USER_NS} AND l.lanname NOT IN ('c', 'internal')
           AND ($1::text IS NULL OR n.nspname = $1::text) AND {}",
        not_extension("pg_proc", "p.oid")
    )
}
