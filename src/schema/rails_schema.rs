//! A Rails `db/schema.rb` read into the model: `create_table` blocks (the implicit `bigserial`
//! `id` unless `id: false`, `id: :uuid`, `primary_key:`), `t.<type>` columns with `null:`,
//! `default:`, `limit:`, `precision:`, `scale:`, `array:`, `t.index`, and top-level
//! `add_index` / `add_foreign_key`, translated to the PostgreSQL DDL ActiveRecord runs for them
//! and replayed by the DDL interpreter. Read-only; lines it does not know are skipped.

use super::sql::{load_str, LoadError};
use super::Schema;

/// Load a `db/schema.rb` text. A file that ends inside a block (cut off) is an error.
pub fn load(text: &str, origin: &str) -> Result<Schema, LoadError> {
    if let Some((line, message)) = truncated(text) {
        return Err(LoadError {
            origin: origin.to_string(),
            line,
            message,
        });
    }
    load_str(&to_sql(text), origin)
}

/// Where a `schema.rb` that was cut off ends inside a block: the line of the block left
/// open (a `create_table … do`, or the `ActiveRecord::Schema.define … do` around everything).
fn truncated(text: &str) -> Option<(usize, String)> {
    let mut open: Vec<(usize, String)> = vec![];
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('#') {
            continue;
        }
        if (line.starts_with("create_table ") || line.starts_with("ActiveRecord::Schema"))
            && (line.ends_with(" do") || line.contains(" do |"))
        {
            open.push((n + 1, line.chars().take(60).collect()));
        } else if line == "end" {
            open.pop();
        }
    }
    open.pop().map(|(line, what)| {
        (
            line,
            format!("the file ends inside `{what}` (no `end`): it looks truncated"),
        )
    })
}

fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The quoted strings of a line, in order: `t.string "email", default: "x"` → `[email, x]`.
fn strings(line: &str) -> Vec<String> {
    line.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The value of `key: value` in a line (up to the next `,` outside quotes and brackets).
fn option<'l>(line: &'l str, key: &str) -> Option<&'l str> {
    let pat = format!("{key}: ");
    let at = line.find(&pat)? + pat.len();
    let rest = &line[at..];
    let (mut quoted, mut depth) = (false, 0);
    for (i, c) in rest.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '[' | '(' | '{' if !quoted => depth += 1,
            ']' | ')' | '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => return Some(rest[..i].trim()),
            _ => {}
        }
    }
    Some(rest.trim())
}

fn column_type(kind: &str, line: &str) -> Option<String> {
    let limit = option(line, "limit").and_then(|l| l.parse::<u32>().ok());
    let t = match kind {
        "string" => match limit {
            Some(n) => format!("varchar({n})"),
            None => "varchar".into(),
        },
        "text" => "text".into(),
        "integer" => match limit {
            Some(8) => "bigint".into(),
            Some(2) => "smallint".into(),
            _ => "integer".into(),
        },
        "bigint" => "bigint".into(),
        "float" => "double precision".into(),
        "decimal" => match (option(line, "precision"), option(line, "scale")) {
            (Some(p), Some(s)) => format!("numeric({p},{s})"),
            (Some(p), None) => format!("numeric({p})"),
            _ => "numeric".into(),
        },
        "datetime" | "timestamp" => match option(line, "precision") {
            Some("nil") => "timestamp".into(),
            Some(p) => format!("timestamp({p})"),
            None => "timestamp(6)".into(),
        },
        "timestamptz" => "timestamptz".into(),
        "date" => "date".into(),
        "time" => "time".into(),
        "boolean" => "boolean".into(),
        "binary" => "bytea".into(),
        "json" | "jsonb" | "uuid" | "inet" | "cidr" | "citext" | "hstore" | "xml" | "money" => {
            kind.into()
        }
        _ => return None,
    };
    Some(if option(line, "array") == Some("true") {
        format!("{t}[]")
    } else {
        t
    })
}

fn default_sql(line: &str) -> Option<String> {
    let d = option(line, "default")?;
    if let Some(expr) = d
        .strip_prefix("-> { \"")
        .and_then(|r| r.strip_suffix("\" }"))
    {
        return Some(expr.to_string());
    }
    if d.starts_with('"') {
        return Some(format!("'{}'", d.trim_matches('"').replace('\'', "''")));
    }
    (d == "true" || d == "false" || d.parse::<f64>().is_ok()).then(|| d.to_string())
}

fn index_sql(table: &str, columns: &[String], line: &str) -> String {
    let name = option(line, "name")
        .map(|n| n.trim_matches('"').to_string())
        .unwrap_or_else(|| format!("index_{table}_on_{}", columns.join("_and_")));
    let unique = if option(line, "unique") == Some("true") {
        "UNIQUE "
    } else {
        ""
    };
    let cols = columns.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
    let using = option(line, "using")
        .map(|u| format!(" USING {}", u.trim_start_matches(':')))
        .unwrap_or_default();
    let wher = option(line, "where")
        .map(|w| format!(" WHERE {}", w.trim_matches('"')))
        .unwrap_or_default();
    format!(
        "CREATE {unique}INDEX {} ON {}{using} ({cols}){wher};\n",
        q(&name),
        q(table)
    )
}

/// `users` → `user` (the rules `add_foreign_key` needs for its default column).
fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("ses") || word.ends_with("xes") {
        word[..word.len() - 2].to_string()
    } else {
        word.strip_suffix('s').unwrap_or(word).to_string()
    }
}

/// The DDL ActiveRecord runs for the schema.
pub fn to_sql(text: &str) -> String {
    let mut sql = String::new();
    let mut after = String::new();
    let mut table: Option<(String, Vec<String>)> = None;
    for raw in text.lines() {
        let line = raw.trim();
        if let Some((name, defs)) = table.as_mut() {
            if line == "end" {
                sql.push_str(&format!(
                    "CREATE TABLE {} (\n  {}\n);\n",
                    q(name),
                    defs.join(",\n  ")
                ));
                table = None;
            } else if let Some(rest) = line.strip_prefix("t.index ") {
                after.push_str(&index_sql(
                    name,
                    &strings(rest.split(']').next().unwrap_or("")),
                    rest,
                ));
            } else if let Some(rest) = line.strip_prefix("t.") {
                let kind = rest.split_whitespace().next().unwrap_or("");
                let (Some(column), Some(ty)) =
                    (strings(rest).into_iter().next(), column_type(kind, rest))
                else {
                    continue;
                };
                let mut def = format!("{} {ty}", q(&column));
                if option(rest, "null") == Some("false") {
                    def.push_str(" NOT NULL");
                }
                if let Some(d) = default_sql(rest) {
                    def.push_str(&format!(" DEFAULT {d}"));
                }
                defs.push(def);
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("create_table ") {
            let name = strings(rest).into_iter().next().unwrap_or_default();
            let mut defs = vec![];
            let pk = option(rest, "primary_key")
                .map(|p| p.trim_matches('"').to_string())
                .unwrap_or_else(|| "id".into());
            match option(rest, "id") {
                Some("false") => {}
                Some(":uuid") => defs.push(format!(
                    "{} uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY",
                    q(&pk)
                )),
                Some(":integer") | Some(":serial") => {
                    defs.push(format!("{} serial PRIMARY KEY", q(&pk)))
                }
                _ => defs.push(format!("{} bigserial PRIMARY KEY", q(&pk))),
            }
            table = Some((name, defs));
        } else if let Some(rest) = line.strip_prefix("add_index ") {
            let s = strings(rest);
            if let Some(t) = s.first() {
                let cols = strings(
                    rest.split_once('[')
                        .map(|(_, r)| r.split(']').next().unwrap_or(""))
                        .unwrap_or(""),
                );
                after.push_str(&index_sql(t, &cols, rest));
            }
        } else if let Some(rest) = line.strip_prefix("add_foreign_key ") {
            let s = strings(rest);
            let (Some(from), Some(to)) = (s.first(), s.get(1)) else {
                continue;
            };
            let column = option(rest, "column")
                .map(|c| c.trim_matches('"').to_string())
                .unwrap_or_else(|| format!("{}_id", singular(to)));
            let pk = option(rest, "primary_key")
                .map(|c| c.trim_matches('"').to_string())
                .unwrap_or_else(|| "id".into());
            let name = option(rest, "name")
                .map(|c| c.trim_matches('"').to_string())
                .unwrap_or_else(|| format!("fk_rails_{from}_{column}"));
            let on_delete = match option(rest, "on_delete") {
                Some(":cascade") => " ON DELETE CASCADE",
                Some(":nullify") => " ON DELETE SET NULL",
                Some(":restrict") => " ON DELETE RESTRICT",
                _ => "",
            };
            after.push_str(&format!(
                "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}){on_delete};\n",
                q(from), q(&name), q(&column), q(to), q(&pk)
            ));
        }
    }
    sql.push_str(&after);
    sql
}

#[cfg(test)]
mod test {
    use super::*;

    const SCHEMA: &str = r#"
ActiveRecord::Schema[7.1].define(version: 2024_01_02_000000) do
  enable_extension "plpgsql"

  create_table "posts", force: :cascade do |t|
    t.string "title", limit: 200, null: false
    t.bigint "user_id", null: false
    t.decimal "price", precision: 10, scale: 2
    t.datetime "created_at", null: false
    t.index ["user_id"], name: "index_posts_on_user_id"
  end

  create_table "users", force: :cascade do |t|
    t.string "email", null: false
    t.boolean "admin", default: false, null: false
    t.string "status", default: "active"
  end

  add_index "users", ["email"], name: "index_users_on_email", unique: true
  add_foreign_key "posts", "users", on_delete: :cascade
end
"#;

    #[test]
    fn tables_columns_indexes_and_foreign_keys() {
        let s = load(SCHEMA, "db/schema.rb").unwrap();
        let users = &s.tables["users"];
        let cols: Vec<&str> = users.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(cols, ["id", "email", "admin", "status"]);
        assert_eq!(users.columns[0].data_type, "bigint");
        assert!(!users.columns[2].nullable);
        assert!(users
            .indexes
            .iter()
            .any(|i| i.name == "index_users_on_email" && i.unique));
        let posts = &s.tables["posts"];
        assert_eq!(posts.columns[1].data_type, "varchar(200)");
        assert_eq!(posts.columns[3].data_type, "numeric(10,2)");
        assert_eq!(posts.columns[4].data_type, "timestamp(6)");
        assert_eq!(posts.foreign_keys.len(), 1);
        assert_eq!(posts.foreign_keys[0].columns, ["user_id"]);
    }
}
