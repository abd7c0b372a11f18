//! A `Schema::create` / `Schema::table` closure's Blueprint calls turned into PostgreSQL DDL
//! the way Laravel's pgsql grammar writes it, with Laravel's default names.

use super::php::*;

pub(super) fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

pub(super) fn sql_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Laravel's default index name: `<table>_<cols>_<type>`, lower case, `-`/`.` → `_`.
pub(super) fn index_name(table: &str, cols: &[String], kind: &str) -> String {
    format!("{table}_{}_{kind}", cols.join("_"))
        .to_lowercase()
        .replace(['-', '.'], "_")
}

/// `Str::plural` for the common English cases (`user` → `users`, `category` → `categories`).
pub(super) fn plural(word: &str) -> String {
    if word.ends_with('y')
        && !word.ends_with("ay")
        && !word.ends_with("ey")
        && !word.ends_with("oy")
        && !word.ends_with("uy")
    {
        format!("{}ies", &word[..word.len() - 1])
    } else if word.ends_with('s')
        || word.ends_with('x')
        || word.ends_with("ch")
        || word.ends_with("sh")
    {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

pub(super) fn snake(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// What a `Schema::create` / `Schema::table` closure does.
pub(super) struct Blueprint {
    pub(super) table: String,
    pub(super) create: bool,
    pub(super) columns: Vec<String>,
    pub(super) alters: Vec<(usize, String)>,
    pub(super) commands: Vec<(usize, String)>,
}

/// A column definition being read from a chain.
pub(super) struct Col {
    pub(super) name: String,
    pub(super) ty: String,
    pub(super) nullable: bool,
    pub(super) default: Option<String>,
    pub(super) primary: bool,
    pub(super) serial: bool,
    pub(super) check: Option<String>,
    pub(super) change: bool,
    pub(super) comment: Option<String>,
}

impl Blueprint {
    pub(super) fn new(table: &str, create: bool) -> Blueprint {
        Blueprint {
            table: table.to_string(),
            create,
            columns: vec![],
            alters: vec![],
            commands: vec![],
        }
    }

    pub(super) fn qt(&self) -> String {
        q(&self.table)
    }

    /// Read the closure's `$table->…;` statements (wherever they are, `if`s included).
    pub(super) fn read(
        &mut self,
        closure: &str,
        first_line: usize,
        note: &mut dyn FnMut(usize, String),
    ) {
        let var = closure
            .find('$')
            .map(|at| {
                closure[at..]
                    .chars()
                    .take_while(|c| *c == '$' || c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .unwrap_or_else(|| "$table".into());
        let Some(open) = closure.find('{').or_else(|| closure.find("=>")) else {
            return;
        };
        let b = closure.as_bytes();
        let body_end = if b[open] == b'{' {
            closing(b, open).unwrap_or(b.len())
        } else {
            b.len()
        };
        let mut j = open;
        let pat = format!("{var}->");
        while j < body_end {
            if b[j] == b'\'' || b[j] == b'"' {
                j = string_end(b, j);
                continue;
            }
            if !closure[j..].starts_with(&pat) {
                j += 1;
                continue;
            }
            let line = first_line + closure[..j].matches('\n').count();
            let calls = chain(&closure[j + var.len()..body_end]);
            // Skip to the end of the statement.
            let mut k = j + var.len();
            let mut depth = 0i32;
            while k < body_end {
                match b[k] {
                    b'\'' | b'"' => {
                        k = string_end(b, k);
                        continue;
                    }
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => depth -= 1,
                    b';' if depth <= 0 => break,
                    _ => {}
                }
                k += 1;
            }
            j = k.max(j + 1);
            if !calls.is_empty() {
                self.statement(line, calls, note);
            }
        }
    }

    pub(super) fn column_sql(&self, c: &Col) -> String {
        let mut s = format!("{} {}", q(&c.name), c.ty);
        if let Some(d) = &c.default {
            s.push_str(&format!(" DEFAULT {d}"));
        }
        if !c.nullable {
            s.push_str(" NOT NULL");
        }
        if c.primary && !self.create {
            s.push_str(" PRIMARY KEY");
        }
        if let Some(ch) = &c.check {
            s.push_str(&format!(" CHECK ({ch})"));
        }
        s
    }

    pub(super) fn add_column(&mut self, line: usize, c: Col) {
        let t = self.qt();
        if c.change {
            let col = q(&c.name);
            let mut parts = vec![format!("ALTER COLUMN {col} TYPE {}", c.ty)];
            parts.push(format!(
                "ALTER COLUMN {col} {} NOT NULL",
                if c.nullable { "DROP" } else { "SET" }
            ));
            parts.push(match &c.default {
                Some(d) => format!("ALTER COLUMN {col} SET DEFAULT {d}"),
                None => format!("ALTER COLUMN {col} DROP DEFAULT"),
            });
            self.alters
                .push((line, format!("ALTER TABLE {t} {}", parts.join(", "))));
        } else if self.create {
            let mut s = self.column_sql(&c);
            if c.primary {
                s.push_str(" PRIMARY KEY");
            }
            self.columns.push(s);
        } else {
            let s = self.column_sql(&c);
            self.alters
                .push((line, format!("ALTER TABLE {t} ADD COLUMN {s}")));
        }
        if let Some(text) = &c.comment {
            self.commands.push((
                line,
                format!("COMMENT ON COLUMN {t}.{} IS {}", q(&c.name), sql_str(text)),
            ));
        }
    }

    pub(super) fn fk(
        &mut self,
        line: usize,
        cols: &[String],
        calls: &[Call],
        default_on: Option<String>,
    ) {
        let mut on = default_on;
        let mut refs = vec!["id".to_string()];
        let mut name = None;
        let (mut del, mut upd) = (None, None);
        for c in calls {
            let a0 = c.args.first();
            match c.name.as_str() {
                "references" => refs = a0.map(Lit::names).unwrap_or_default(),
                "on" | "inTable" => on = a0.and_then(Lit::str).map(str::to_string),
                "constrained" => {
                    if let Some(t) = a0.and_then(Lit::str) {
                        on = Some(t.to_string());
                    }
                    if let Some(col) = c.args.get(1).and_then(Lit::str) {
                        refs = vec![col.to_string()];
                    }
                    if let Some(n) = c.args.get(2).and_then(Lit::str) {
                        name = Some(n.to_string());
                    }
                }
                "onDelete" => del = a0.and_then(Lit::str).map(str::to_uppercase),
                "onUpdate" => upd = a0.and_then(Lit::str).map(str::to_uppercase),
                "cascadeOnDelete" => del = Some("CASCADE".into()),
                "restrictOnDelete" => del = Some("RESTRICT".into()),
                "nullOnDelete" => del = Some("SET NULL".into()),
                "noActionOnDelete" => del = Some("NO ACTION".into()),
                "cascadeOnUpdate" => upd = Some("CASCADE".into()),
                "restrictOnUpdate" => upd = Some("RESTRICT".into()),
                "nullOnUpdate" => upd = Some("SET NULL".into()),
                "noActionOnUpdate" => upd = Some("NO ACTION".into()),
                _ => {}
            }
        }
        let Some(on) = on else { return };
        let name = name.unwrap_or_else(|| index_name(&self.table, cols, "foreign"));
        let list = |v: &[String]| v.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
        let mut sql = format!(
            "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
            self.qt(),
            q(&name),
            list(cols),
            q(&on),
            list(&refs)
        );
        if let Some(d) = del {
            sql.push_str(&format!(" ON DELETE {d}"));
        }
        if let Some(u) = upd {
            sql.push_str(&format!(" ON UPDATE {u}"));
        }
        self.commands.push((line, sql));
    }

    pub(super) fn index(&mut self, line: usize, kind: &str, cols: &[String], name: Option<&str>) {
        let t = self.qt();
        let name = name
            .map(str::to_string)
            .unwrap_or_else(|| index_name(&self.table, cols, kind));
        let list = cols.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
        let sql = match kind {
            "unique" => format!(
                "ALTER TABLE {t} ADD CONSTRAINT {} UNIQUE ({list})",
                q(&name)
            ),
            "primary" => format!("ALTER TABLE {t} ADD PRIMARY KEY ({list})"),
            _ => format!("CREATE INDEX {} ON {t} ({list})", q(&name)),
        };
        self.commands.push((line, sql));
    }

    pub(super) fn drop_index(&mut self, line: usize, kind: &str, arg: Option<&Lit>) {
        let t = self.qt();
        let name = match arg {
            Some(Lit::Str(n)) => n.clone(),
            Some(Lit::List(_)) => index_name(&self.table, &arg.expect("arg").names(), kind),
            None if kind == "primary" => format!("{}_pkey", self.table),
            _ => return,
        };
        let sql = match kind {
            "index" | "fulltext" => format!("DROP INDEX {}", q(&name)),
            "primary" => format!(
                "ALTER TABLE {t} DROP CONSTRAINT {}",
                q(&format!("{}_pkey", self.table))
            ),
            _ => format!("ALTER TABLE {t} DROP CONSTRAINT {}", q(&name)),
        };
        self.commands.push((line, sql));
    }

    pub(super) fn drop_columns(&mut self, line: usize, cols: &[String]) {
        let t = self.qt();
        let parts: Vec<String> = cols
            .iter()
            .map(|c| format!("DROP COLUMN {}", q(c)))
            .collect();
        if !parts.is_empty() {
            self.commands
                .push((line, format!("ALTER TABLE {t} {}", parts.join(", "))));
        }
    }

    /// One `$table->…` statement.
    pub(super) fn statement(
        &mut self,
        line: usize,
        calls: Vec<Call>,
        note: &mut dyn FnMut(usize, String),
    ) {
        let first = &calls[0];
        let a = &first.args;
        let s0 = a.first().and_then(Lit::str).map(str::to_string);
        let names0 = a.first().map(Lit::names).unwrap_or_default();
        let name1 = a.get(1).and_then(Lit::str);
        let m = first.name.as_str();
        let mods = &calls[1..];
        let ts = |n: usize| -> String {
            let p = a.get(n).and_then(Lit::num).unwrap_or(0);
            format!("timestamp({p}) without time zone")
        };
        let tstz = |n: usize| -> String {
            let p = a.get(n).and_then(Lit::num).unwrap_or(0);
            format!("timestamp({p}) with time zone")
        };
        // Types by column method (the pgsql grammar's).
        let ty: Option<String> = match m {
            "id" | "bigIncrements" => Some("bigserial".into()),
            "increments" | "integerIncrements" | "mediumIncrements" => Some("serial".into()),
            "smallIncrements" | "tinyIncrements" => Some("smallserial".into()),
            "string" => Some(format!(
                "varchar({})",
                a.get(1).and_then(Lit::num).unwrap_or(255)
            )),
            "char" => Some(format!(
                "char({})",
                a.get(1).and_then(Lit::num).unwrap_or(255)
            )),
            "text" | "mediumText" | "longText" => Some("text".into()),
            "tinyText" => Some("varchar(255)".into()),
            "integer" | "unsignedInteger" | "mediumInteger" | "unsignedMediumInteger" => Some(
                if a.get(1) == Some(&Lit::Bool(true)) {
                    "serial"
                } else {
                    "integer"
                }
                .into(),
            ),
            "bigInteger" | "unsignedBigInteger" | "foreignId" => Some(
                if a.get(1) == Some(&Lit::Bool(true)) {
                    "bigserial"
                } else {
                    "bigint"
                }
                .into(),
            ),
            "smallInteger" | "unsignedSmallInteger" | "tinyInteger" | "unsignedTinyInteger" => {
                Some("smallint".into())
            }
            "boolean" => Some("boolean".into()),
            "timestamp" | "dateTime" => Some(ts(1)),
            "timestampTz" | "dateTimeTz" => Some(tstz(1)),
            "time" => Some(format!(
                "time({}) without time zone",
                a.get(1).and_then(Lit::num).unwrap_or(0)
            )),
            "timeTz" => Some(format!(
                "time({}) with time zone",
                a.get(1).and_then(Lit::num).unwrap_or(0)
            )),
            "date" => Some("date".into()),
            "year" => Some("integer".into()),
            "decimal" | "unsignedDecimal" => Some(format!(
                "numeric({}, {})",
                a.get(1).and_then(Lit::num).unwrap_or(8),
                a.get(2).and_then(Lit::num).unwrap_or(2)
            )),
            "float" => Some(match a.get(1).and_then(Lit::num) {
                Some(p) if p != 53 => format!("float({p})"),
                _ => "double precision".into(),
            }),
            "double" => Some("double precision".into()),
            "json" => Some("json".into()),
            "jsonb" => Some("jsonb".into()),
            "uuid" | "foreignUuid" => Some("uuid".into()),
            "ulid" | "foreignUlid" => Some("char(26)".into()),
            "binary" => Some("bytea".into()),
            "ipAddress" => Some("inet".into()),
            "macAddress" => Some("macaddr".into()),
            "enum" => Some("varchar(255)".into()),
            _ => None,
        };
        if let (Some(ty), Some(name)) = (
            ty.clone(),
            s0.clone().or_else(|| (m == "id").then(|| "id".into())),
        ) {
            let serial = ty.ends_with("serial");
            let mut c = Col {
                name: name.clone(),
                ty,
                nullable: false,
                default: None,
                primary: serial,
                serial,
                check: None,
                change: false,
                comment: None,
            };
            if m == "enum" {
                let values: Vec<String> = a
                    .get(1)
                    .map(Lit::names)
                    .unwrap_or_default()
                    .iter()
                    .map(|v| sql_str(v))
                    .collect();
                c.check = Some(format!("{} IN ({})", q(&name), values.join(", ")));
            }
            let is_bool = c.ty == "boolean";
            let mut index = vec![];
            let mut fk_calls = vec![];
            for md in mods {
                let x = md.args.first();
                match md.name.as_str() {
                    "nullable" => c.nullable = x != Some(&Lit::Bool(false)),
                    "default" => c.default = x.and_then(|v| default_sql(v, is_bool)),
                    "useCurrent" => c.default = Some("CURRENT_TIMESTAMP".into()),
                    "primary" => c.primary = true,
                    "autoIncrement" => {
                        c.ty = if c.ty == "bigint" {
                            "bigserial"
                        } else {
                            "serial"
                        }
                        .into();
                        c.primary = true;
                    }
                    "change" => c.change = true,
                    "comment" => c.comment = x.and_then(Lit::str).map(str::to_string),
                    "unique" | "index" => {
                        index.push((md.name.clone(), x.and_then(Lit::str).map(str::to_string)))
                    }
                    "constrained" | "references" | "on" | "onDelete" | "onUpdate"
                    | "cascadeOnDelete" | "restrictOnDelete" | "nullOnDelete"
                    | "noActionOnDelete" | "cascadeOnUpdate" | "restrictOnUpdate"
                    | "nullOnUpdate" | "noActionOnUpdate" => fk_calls.push(Call {
                        name: md.name.clone(),
                        args: md.args.clone(),
                    }),
                    "unsigned" | "after" | "first" | "charset" | "collation"
                    | "useCurrentOnUpdate" | "invisible" | "from" | "startingValue" => {}
                    other => note(
                        line,
                        format!("->{other}() on {}.{name}: not modelled", self.table),
                    ),
                }
            }
            if c.serial && c.change {
                c.ty = if c.ty == "bigserial" {
                    "bigint"
                } else {
                    "integer"
                }
                .into();
            }
            if c.change {
                c.primary = false;
            }
            self.add_column(line, c);
            for (kind, n) in index {
                self.index(line, &kind, std::slice::from_ref(&name), n.as_deref());
            }
            let has_fk = fk_calls
                .iter()
                .any(|c| c.name == "constrained" || c.name == "references");
            if has_fk {
                let default_on = name.strip_suffix("_id").map(plural);
                self.fk(line, std::slice::from_ref(&name), &fk_calls, default_on);
            }
            return;
        }
        let t = self.table.clone();
        let ts_col = |n: &str, ty: &str| Col {
            name: n.into(),
            ty: ty.into(),
            nullable: true,
            default: None,
            primary: false,
            serial: false,
            check: None,
            change: false,
            comment: None,
        };
        match m {
            "timestamps" | "nullableTimestamps" | "timestampsTz" => {
                let ty = if m == "timestampsTz" { tstz(0) } else { ts(0) };
                self.add_column(line, ts_col("created_at", &ty));
                self.add_column(line, ts_col("updated_at", &ty));
            }
            "softDeletes" | "softDeletesTz" => {
                let ty = if m == "softDeletesTz" { tstz(1) } else { ts(1) };
                let n = s0.unwrap_or_else(|| "deleted_at".into());
                self.add_column(line, ts_col(&n, &ty));
            }
            "rememberToken" => self.add_column(line, ts_col("remember_token", "varchar(100)")),
            "morphs" | "nullableMorphs" | "uuidMorphs" | "nullableUuidMorphs" | "ulidMorphs"
            | "nullableUlidMorphs" => {
                let Some(n) = s0 else { return };
                let nullable = m.starts_with("nullable");
                let id_ty = if m.contains("Uuid") {
                    "uuid"
                } else if m.contains("Ulid") {
                    "char(26)"
                } else {
                    "bigint"
                };
                let mut ty_col = ts_col(&format!("{n}_type"), "varchar(255)");
                ty_col.nullable = nullable;
                let mut id_col = ts_col(&format!("{n}_id"), id_ty);
                id_col.nullable = nullable;
                self.add_column(line, ty_col);
                self.add_column(line, id_col);
                let cols = [format!("{n}_type"), format!("{n}_id")];
                self.index(line, "index", &cols, name1);
            }
            "foreign" => {
                self.fk(line, &names0, mods, None);
                if let Some(n) = name1 {
                    // foreign($cols, $name)
                    if let Some((_, sql)) = self.commands.last_mut() {
                        let default = q(&index_name(&t, &names0, "foreign"));
                        *sql = sql.replacen(&default, &q(n), 1);
                    }
                }
            }
            "index" | "unique" | "primary" => self.index(line, m, &names0, name1),
            "fullText" => {
                // The pgsql grammar: a GIN index on the columns' `to_tsvector` (`english`
                // unless `->language(…)` says otherwise).
                let language = mods
                    .iter()
                    .find(|c| c.name == "language")
                    .and_then(|c| c.args.first())
                    .and_then(Lit::str)
                    .unwrap_or("english")
                    .to_string();
                let name = name1
                    .map(str::to_string)
                    .unwrap_or_else(|| index_name(&t, &names0, "fulltext"));
                let vectors: Vec<String> = names0
                    .iter()
                    .map(|c| format!("to_tsvector({}, {})", sql_str(&language), q(c)))
                    .collect();
                self.commands.push((
                    line,
                    format!(
                        "CREATE INDEX {} ON {} USING gin (({}))",
                        q(&name),
                        self.qt(),
                        vectors.join(" || ")
                    ),
                ));
            }
            "spatialIndex" | "rawIndex" => {
                note(line, format!("$table->{m}() on {t}: not modelled"))
            }
            "dropColumn" | "dropColumns" | "removeColumn" => {
                let cols: Vec<String> = a.iter().flat_map(Lit::names).collect();
                self.drop_columns(line, &cols);
            }
            "dropTimestamps" | "dropTimestampsTz" => {
                self.drop_columns(line, &["created_at".into(), "updated_at".into()])
            }
            "dropSoftDeletes" | "dropSoftDeletesTz" => {
                self.drop_columns(line, &[s0.unwrap_or_else(|| "deleted_at".into())])
            }
            "dropRememberToken" => self.drop_columns(line, &["remember_token".into()]),
            "dropMorphs" => {
                if let Some(n) = s0 {
                    self.drop_columns(line, &[format!("{n}_type"), format!("{n}_id")]);
                }
            }
            "renameColumn" => {
                if let (Some(from), Some(to)) = (s0, name1) {
                    self.commands.push((
                        line,
                        format!(
                            "ALTER TABLE {} RENAME COLUMN {} TO {}",
                            self.qt(),
                            q(&from),
                            q(to)
                        ),
                    ));
                }
            }
            "rename" => {
                if let Some(to) = s0 {
                    self.commands.push((
                        line,
                        format!("ALTER TABLE {} RENAME TO {}", self.qt(), q(&to)),
                    ));
                }
            }
            "renameIndex" => {
                if let (Some(from), Some(to)) = (s0, name1) {
                    self.commands.push((
                        line,
                        format!("ALTER INDEX {} RENAME TO {}", q(&from), q(to)),
                    ));
                }
            }
            "dropForeign" => self.drop_index(line, "foreign", a.first()),
            "dropUnique" => self.drop_index(line, "unique", a.first()),
            "dropIndex" => self.drop_index(line, "index", a.first()),
            "dropPrimary" => self.drop_index(line, "primary", a.first()),
            "dropConstrainedForeignId" => {
                if let Some(n) = s0 {
                    self.drop_index(line, "foreign", Some(&Lit::List(vec![Lit::Str(n.clone())])));
                    self.drop_columns(line, &[n]);
                }
            }
            "dropFullText" => self.drop_index(line, "fulltext", a.first()),
            "dropSpatialIndex" => {}
            "foreignIdFor" => {
                let model = match a.first() {
                    Some(Lit::Code(c)) => c
                        .trim_end_matches("::class")
                        .rsplit('\\')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    _ => String::new(),
                };
                if model.is_empty() {
                    note(line, format!("$table->foreignIdFor(…) on {t}: not read"));
                    return;
                }
                let col = name1
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{}_id", snake(&model)));
                let mut calls = vec![Call {
                    name: "bigInteger".into(),
                    args: vec![Lit::Str(col.clone())],
                }];
                calls.extend(mods.iter().map(|c| Call {
                    name: c.name.clone(),
                    args: c.args.clone(),
                }));
                // `constrained()` on foreignIdFor targets the model's table.
                for c in calls.iter_mut() {
                    if c.name == "constrained" && c.args.is_empty() {
                        c.args = vec![Lit::Str(plural(&snake(&model)))];
                    }
                }
                self.statement(line, calls, note);
            }
            "temporary" | "engine" | "charset" | "collation" | "comment" => {}
            // A property (`$table->engine = 'InnoDB'`), not a call.
            p if p.ends_with('=') => {}
            other => note(line, format!("$table->{other}() on {t}: not modelled")),
        }
    }

    /// The statements, in the order Laravel runs them.
    pub(super) fn finish(self, line: usize) -> Vec<(usize, String)> {
        let mut out = vec![];
        if self.create {
            out.push((
                line,
                format!(
                    "CREATE TABLE {} (\n  {}\n)",
                    self.qt(),
                    self.columns.join(",\n  ")
                ),
            ));
        }
        out.extend(self.alters);
        out.extend(self.commands);
        out
    }
}

pub(super) fn default_sql(v: &Lit, is_bool: bool) -> Option<String> {
    Some(match v {
        Lit::Str(s) if is_bool && (s == "1" || s == "0") => (s == "1").to_string(),
        Lit::Str(s) => sql_str(s),
        Lit::Num(n) if is_bool => (n != "0").to_string(),
        Lit::Num(n) => n.clone(),
        Lit::Bool(b) if is_bool => b.to_string(),
        Lit::Bool(b) => sql_str(if *b { "1" } else { "0" }),
        Lit::Raw(r) => r.clone(),
        Lit::Null => return None,
        _ => return None,
    })
}
