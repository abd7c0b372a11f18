//! A Prisma `schema.prisma` read into the model: translated to the PostgreSQL DDL Prisma
//! Migrate would generate for it (models → tables with `@map`/`@@map` names, scalar types and
//! `@db.*` native types, `@id`/`@@id`, `@unique`/`@@unique` as `<Model>_<cols>_key` unique
//! indexes, `@@index` as `<Model>_<cols>_idx`, `@default`, `@relation` foreign keys
//! `<Model>_<cols>_fkey`, enums), then replayed by the DDL interpreter. Used when a Prisma
//! project has no migrations yet. Read-only; unknown attributes are ignored.

use super::sql::{load_str, LoadError};
use super::Schema;

/// Load a `schema.prisma` text. A file that ends inside a block (cut off) is an error.
pub fn load(text: &str, origin: &str) -> Result<Schema, LoadError> {
    if let Some((line, what)) = unclosed_block(text) {
        return Err(LoadError {
            origin: origin.to_string(),
            line,
            message: format!("the file ends inside `{what}` (no closing `}}`): it looks truncated"),
        });
    }
    load_str(&to_sql(text), origin)
}

/// Load a multi-file schema (`prisma/schema/*.prisma`): models, enums and relations may refer
/// across files. `files` are (text, origin) pairs.
pub fn load_files(files: &[(String, String)]) -> Result<Schema, LoadError> {
    let text: String = files.iter().map(|(t, _)| format!("{t}\n")).collect();
    let origin = match files {
        [(_, one)] => one.clone(),
        _ => format!(
            "{} ({} files)",
            files
                .first()
                .and_then(|(_, o)| std::path::Path::new(o).parent())
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            files.len()
        ),
    };
    load(&text, &origin)
}

/// The line and opening words of a block (`model X {`, `enum`, `datasource`…) the text
/// leaves open.
fn unclosed_block(text: &str) -> Option<(usize, String)> {
    let mut open = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split("//").next().unwrap_or("").trim();
        if open.is_some() {
            if line == "}" {
                open = None;
            }
            continue;
        }
        let kind = line.split_whitespace().next().unwrap_or("");
        if line.ends_with('{')
            && matches!(
                kind,
                "model" | "enum" | "type" | "view" | "generator" | "datasource"
            )
        {
            open = Some((n + 1, line.to_string()));
        }
    }
    open
}

struct Block<'t> {
    kind: &'t str,
    name: &'t str,
    lines: Vec<&'t str>,
}

fn blocks(text: &str) -> Vec<Block<'_>> {
    let mut out = vec![];
    let mut current: Option<Block> = None;
    for raw in text.lines() {
        let line = raw.split("//").next().unwrap_or("").trim();
        if let Some(b) = current.as_mut() {
            if line == "}" {
                out.push(current.take().expect("open block"));
            } else if !line.is_empty() {
                b.lines.push(line);
            }
            continue;
        }
        let mut words = line.split_whitespace();
        if let (Some(kind), Some(name)) = (words.next(), words.next()) {
            if line.ends_with('{') && matches!(kind, "model" | "enum") {
                current = Some(Block {
                    kind,
                    name,
                    lines: vec![],
                });
            }
        }
    }
    out
}

fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The argument of `@attr(...)` in a line, e.g. `map` of `@map("x")` → `"x"`.
fn attr<'l>(line: &'l str, name: &str) -> Option<&'l str> {
    let at = line.find(&format!("{name}("))? + name.len() + 1;
    let rest = &line[at..];
    let mut depth = 1;
    for (i, c) in rest.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&rest[..i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// The `map: "name"` argument of an attribute's arguments.
fn map_arg(args: &str) -> Option<String> {
    let at = args.find("map:")? + 4;
    let rest = args[at..].trim_start().strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// The column of field `field` in a model block (`@map`, else the field name).
fn column_in(block: &Block, field: &str) -> Option<String> {
    block.lines.iter().find_map(|l| {
        let mut w = l.split_whitespace();
        (w.next()? == field).then(|| {
            attr(l, "@map")
                .map(|m| unquote(m).to_string())
                .unwrap_or_else(|| field.to_string())
        })
    })
}

fn unquote(s: &str) -> &str {
    s.trim().trim_matches('"')
}

/// `[a, b]` or `fields: [a, b]` → `["a", "b"]`.
fn list(s: &str, key: Option<&str>) -> Vec<String> {
    let s = match key {
        Some(k) => match s.find(&format!("{k}:")) {
            Some(at) => &s[at..],
            None => return vec![],
        },
        None => s,
    };
    // The first `]` after the `[` (an earlier stray `]` is not its end).
    let Some((a, b)) = s
        .find('[')
        .and_then(|a| s[a..].find(']').map(|b| (a, a + b)))
    else {
        return vec![];
    };
    s[a + 1..b]
        .split(',')
        .map(|x| x.trim().split('(').next().unwrap_or("").trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

struct Field {
    name: String,
    column: String,
    ty: String,
    optional: bool,
    line: String,
}

fn sql_type(field: &Field, enums: &[(String, String)]) -> Option<String> {
    if let Some(native) = field.line.split("@db.").nth(1) {
        let name: String = native
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let args = if native[name.len()..].starts_with('(') {
            attr(native, &name).unwrap_or("").replace(' ', "")
        } else {
            String::new()
        };
        let name = name.as_str();
        let base = match name {
            "VarChar" => "varchar",
            "Char" => "char",
            "Text" => "text",
            "Uuid" => "uuid",
            "Timestamptz" => "timestamptz",
            "Timestamp" => "timestamp",
            "Date" => "date",
            "Integer" => "integer",
            "SmallInt" => "smallint",
            "BigInt" => "bigint",
            "Decimal" => "numeric",
            "Real" => "real",
            "DoublePrecision" => "double precision",
            "Boolean" => "boolean",
            "Json" => "json",
            "JsonB" => "jsonb",
            "Inet" => "inet",
            _ => "",
        };
        if base == "timestamptz" && !args.is_empty() {
            return Some(format!("timestamp({args}) with time zone"));
        }
        if !base.is_empty() {
            return Some(if args.is_empty() {
                base.into()
            } else {
                format!("{base}({args})")
            });
        }
    }
    let t = match field.ty.as_str() {
        "String" => "text",
        "Int" => "integer",
        "BigInt" => "bigint",
        "Boolean" => "boolean",
        "DateTime" => "timestamp(3)",
        "Float" => "double precision",
        "Decimal" => "numeric(65,30)",
        "Json" => "jsonb",
        "Bytes" => "bytea",
        other => return enums.iter().find(|(m, _)| m == other).map(|(_, db)| q(db)),
    };
    Some(t.into())
}

fn default_sql(field: &Field, ty: &str) -> Option<String> {
    let d = attr(&field.line, "@default")?.trim();
    match d {
        "autoincrement()" | "uuid()" | "cuid()" | "nanoid()" => None,
        "now()" => Some("CURRENT_TIMESTAMP".into()),
        _ if d.starts_with("dbgenerated(") => {
            let inner = attr(d, "dbgenerated")?;
            let inner = inner.trim();
            let inner = inner.strip_prefix('"')?.strip_suffix('"')?;
            Some(inner.replace("\\\"", "\"").replace("\\\\", "\\"))
        }
        "true" | "false" => Some(d.into()),
        _ if d.starts_with('"') => Some(format!(
            "'{}'",
            unquote(d)
                .replace("\\\"", "\"")
                .replace("\\\\", "\\")
                .replace('\'', "''")
        )),
        _ if d.parse::<f64>().is_ok() => Some(d.into()),
        _ if ty.starts_with('"') => Some(format!("'{d}'")),
        _ => None,
    }
}

/// The DDL Prisma Migrate would write for the schema.
pub fn to_sql(text: &str) -> String {
    let blocks = blocks(text);
    let mapped = |b: &Block| -> String {
        b.lines
            .iter()
            .find_map(|l| {
                l.strip_prefix("@@map(")
                    .map(|r| unquote(r.trim_end_matches(')')).to_string())
            })
            .unwrap_or_else(|| b.name.to_string())
    };
    let enums: Vec<(String, String)> = blocks
        .iter()
        .filter(|b| b.kind == "enum")
        .map(|b| (b.name.to_string(), mapped(b)))
        .collect();
    let models: Vec<(String, String)> = blocks
        .iter()
        .filter(|b| b.kind == "model")
        .map(|b| (b.name.to_string(), mapped(b)))
        .collect();
    let mut sql = String::new();
    let mut after = String::new();
    for b in blocks.iter().filter(|b| b.kind == "enum") {
        let values: Vec<String> = b
            .lines
            .iter()
            .filter(|l| !l.starts_with('@'))
            .map(|l| format!("'{}'", l.split_whitespace().next().unwrap_or("")))
            .collect();
        sql.push_str(&format!(
            "CREATE TYPE {} AS ENUM ({});\n",
            q(&mapped(b)),
            values.join(", ")
        ));
    }
    for b in blocks.iter().filter(|b| b.kind == "model") {
        let table = mapped(b);
        let fields: Vec<Field> = b
            .lines
            .iter()
            .filter(|l| !l.starts_with("@@"))
            .filter_map(|l| {
                let mut w = l.split_whitespace();
                let name = w.next()?.to_string();
                let raw = w.next()?;
                let optional = raw.ends_with('?');
                let ty = raw.trim_end_matches(['?', '!']).to_string();
                let column = attr(l, "@map")
                    .map(|m| unquote(m).to_string())
                    .unwrap_or_else(|| name.clone());
                Some(Field {
                    name,
                    column,
                    ty,
                    optional,
                    line: l.to_string(),
                })
            })
            .collect();
        let column_of = |n: &str| {
            fields
                .iter()
                .find(|f| f.name == n)
                .map(|f| f.column.clone())
                .unwrap_or_else(|| n.to_string())
        };
        let cols_sql = |names: &[String]| {
            names
                .iter()
                .map(|n| q(&column_of(n)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let cols_name = |names: &[String]| {
            names
                .iter()
                .map(|n| column_of(n))
                .collect::<Vec<_>>()
                .join("_")
        };
        let mut defs = vec![];
        for f in &fields {
            if let Some(elem) = f.ty.strip_suffix("[]") {
                // A scalar list is an array column (nullable, as Prisma Migrate writes it); a
                // list of models is the other side of a relation and has no column.
                let elem = Field {
                    ty: elem.to_string(),
                    name: f.name.clone(),
                    column: f.column.clone(),
                    optional: true,
                    line: f.line.clone(),
                };
                if models.iter().any(|(m, _)| *m == elem.ty) {
                    continue;
                }
                if let Some(ty) = sql_type(&elem, &enums) {
                    let mut def = format!("{} {ty}[]", q(&f.column));
                    if attr(&f.line, "@default").is_some_and(|d| d.trim() == "[]") {
                        def.push_str(&format!(" DEFAULT ARRAY[]::{ty}[]"));
                    }
                    defs.push(def);
                }
                continue;
            }
            if let Some(rel) = attr(&f.line, "@relation") {
                let (from, to) = (list(rel, Some("fields")), list(rel, Some("references")));
                let target = models
                    .iter()
                    .find(|(m, _)| *m == f.ty)
                    .map(|(_, t)| t.clone())
                    .unwrap_or_else(|| f.ty.clone());
                if !from.is_empty() {
                    let on_delete = match rel
                        .split("onDelete:")
                        .nth(1)
                        .map(|s| s.trim().split([',', ')', ' ']).next().unwrap_or(""))
                    {
                        Some("Cascade") => "CASCADE",
                        Some("SetNull") => "SET NULL",
                        Some("NoAction") => "NO ACTION",
                        Some("SetDefault") => "SET DEFAULT",
                        Some("Restrict") => "RESTRICT",
                        _ if f.optional => "SET NULL",
                        _ => "RESTRICT",
                    };
                    let on_update = match rel
                        .split("onUpdate:")
                        .nth(1)
                        .map(|s| s.trim().split([',', ')', ' ']).next().unwrap_or(""))
                    {
                        Some("SetNull") => "SET NULL",
                        Some("NoAction") => "NO ACTION",
                        Some("SetDefault") => "SET DEFAULT",
                        Some("Restrict") => "RESTRICT",
                        _ => "CASCADE",
                    };
                    // Referenced fields are the target model's field names.
                    let target_block = blocks.iter().find(|b| b.kind == "model" && b.name == f.ty);
                    let to_cols = to
                        .iter()
                        .map(|c| {
                            q(&target_block
                                .and_then(|b| column_in(b, c))
                                .unwrap_or_else(|| c.clone()))
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    let name = map_arg(rel)
                        .unwrap_or_else(|| format!("{table}_{}_fkey", cols_name(&from)));
                    after.push_str(&format!(
                        "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({to_cols}) ON DELETE {on_delete} ON UPDATE {on_update};\n",
                        q(&table), q(&name), cols_sql(&from), q(&target)
                    ));
                }
                continue;
            }
            let Some(ty) = sql_type(f, &enums) else {
                continue;
            };
            let serial = f.line.contains("@default(autoincrement())");
            let ty = match (serial, ty.as_str()) {
                (true, "bigint") => "bigserial".to_string(),
                (true, _) => "serial".to_string(),
                _ => ty,
            };
            let mut def = format!("{} {ty}", q(&f.column));
            if !f.optional {
                def.push_str(" NOT NULL");
            }
            if let Some(d) = default_sql(f, &ty) {
                def.push_str(&format!(" DEFAULT {d}"));
            }
            defs.push(def);
            if f.line.contains("@id") {
                let name = attr(&f.line, "@id")
                    .and_then(map_arg)
                    .unwrap_or_else(|| format!("{table}_pkey"));
                defs.push(format!(
                    "CONSTRAINT {} PRIMARY KEY ({})",
                    q(&name),
                    q(&f.column)
                ));
            }
            if f.line.contains("@unique") {
                let name = attr(&f.line, "@unique")
                    .and_then(map_arg)
                    .unwrap_or_else(|| format!("{table}_{}_key", f.column));
                after.push_str(&format!(
                    "CREATE UNIQUE INDEX {} ON {} ({});\n",
                    q(&name),
                    q(&table),
                    q(&f.column)
                ));
            }
        }
        for l in b.lines.iter().filter(|l| l.starts_with("@@")) {
            let cols = list(l, None);
            let map = map_arg(l);
            if l.starts_with("@@id(") {
                defs.push(format!(
                    "CONSTRAINT {} PRIMARY KEY ({})",
                    q(&map.unwrap_or_else(|| format!("{table}_pkey"))),
                    cols_sql(&cols)
                ));
            } else if l.starts_with("@@unique(") {
                after.push_str(&format!(
                    "CREATE UNIQUE INDEX {} ON {} ({});\n",
                    q(&map.unwrap_or_else(|| format!("{table}_{}_key", cols_name(&cols)))),
                    q(&table),
                    cols_sql(&cols)
                ));
            } else if l.starts_with("@@index(") {
                after.push_str(&format!(
                    "CREATE INDEX {} ON {} ({});\n",
                    q(&map.unwrap_or_else(|| format!("{table}_{}_idx", cols_name(&cols)))),
                    q(&table),
                    cols_sql(&cols)
                ));
            }
        }
        sql.push_str(&format!(
            "CREATE TABLE {} (\n  {}\n);\n",
            q(&table),
            defs.join(",\n  ")
        ));
    }
    sql.push_str(&after);
    sql
}

#[cfg(test)]
mod test {
    use super::*;

    const SCHEMA: &str = r#"
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

enum Role {
  USER
  ADMIN
}

model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique @db.VarChar(255)
  name      String?
  role      Role     @default(USER)
  createdAt DateTime @default(now()) @map("created_at")
  posts     Post[]
  @@map("users")
}

model Post {
  id       BigInt @id @default(autoincrement())
  title    String
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId Int    @map("author_id")
  @@index([authorId])
}
"#;

    #[test]
    fn models_enums_keys_indexes_and_relations() {
        let s = load(SCHEMA, "schema.prisma").unwrap();
        let users = &s.tables["users"];
        let cols: Vec<&str> = users.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(cols, ["id", "email", "name", "role", "created_at"]);
        assert_eq!(users.columns[1].data_type, "varchar(255)");
        assert!(users.columns[2].nullable);
        assert!(users
            .indexes
            .iter()
            .any(|i| i.name == "users_email_key" && i.unique));
        let posts = &s.tables["Post"];
        assert_eq!(posts.foreign_keys[0].name, "Post_author_id_fkey");
        assert!(posts.indexes.iter().any(|i| i.name == "Post_author_id_idx"));
        assert!(s.enums.contains_key("Role"));
    }

    /// The `prismaSchemaFolder` layout: a relation and an enum used across files, scalar lists.
    #[test]
    fn multi_file_schemas_resolve_across_files() {
        let files = [
            (
                "datasource db {\n  provider = \"postgresql\"\n}\nenum Plan {\n  FREE\n  PRO\n  @@map(\"plan\")\n}\n".to_string(),
                "prisma/schema/schema.prisma".to_string(),
            ),
            (
                "model Team {\n  id    String @id @default(cuid())\n  plan  Plan   @default(FREE)\n  tags  String[] @default([])\n  links Link[]\n  @@map(\"teams\")\n}\n".to_string(),
                "prisma/schema/team.prisma".to_string(),
            ),
            (
                "model Link {\n  id     Int    @id @default(autoincrement())\n  teamId String @map(\"team_id\")\n  team   Team   @relation(fields: [teamId], references: [id], onDelete: Cascade)\n  @@unique([teamId, id])\n}\n".to_string(),
                "prisma/schema/link.prisma".to_string(),
            ),
        ];
        let s = load_files(&files).unwrap();
        let teams = &s.tables["teams"];
        assert_eq!(teams.columns[1].data_type, "plan");
        assert_eq!(teams.columns[2].data_type, "text[]");
        assert!(teams.columns[2].nullable);
        assert_eq!(teams.columns.len(), 3, "a list of models has no column");
        let link = &s.tables["Link"];
        assert_eq!(link.foreign_keys[0].name, "Link_team_id_fkey");
        assert_eq!(link.foreign_keys[0].ref_table, "teams");
        assert!(link.indexes.iter().any(|i| i.name == "Link_team_id_id_key"));
        assert!(s.enums.contains_key("plan"));
    }
}
