//! Just enough of Django's migration state to know which tables are models: the app's migration
//! files are scanned in name order for `CreateModel(name=…, fields=[…], options={'db_table': …})`,
//! `DeleteModel`, `AlterModelTable`, `AddField`, `RemoveField` and `RenameField` (keyword
//! arguments, as `makemigrations` writes them; they count wherever they appear, including in a
//! `RunSQL(state_operations=[…])`). This is not a Python parser: anything it does not recognise
//! leaves the table unknown, and the renderer then writes plain `RunSQL`.

use std::collections::BTreeMap;
use std::path::Path;

/// A model in the app's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The model name as declared (`User`); operations refer to it in lower case.
    pub name: String,
    pub table: String,
    pub fields: Vec<Field>,
}

/// A field of a model and the column it is stored in.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub column: String,
}

/// The models of one app, by lower-case model name.
#[derive(Debug, Clone, Default)]
pub struct State {
    pub app: String,
    pub models: BTreeMap<String, Model>,
}

impl State {
    /// The state after every migration file in `dir`, in file-name order.
    pub fn load(app: &str, dir: &Path) -> State {
        let mut state = State {
            app: app.to_string(),
            models: BTreeMap::new(),
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return state;
        };
        let mut files: Vec<_> = entries
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "py"))
            .collect();
        files.sort();
        // Read on several threads when there are many; applied in order.
        for text in crate::par::map_ordered(&files, 200, |f| std::fs::read_to_string(f))
            .into_iter()
            .flatten()
        {
            state.apply_text(&text);
        }
        state
    }

    /// Apply every recognised operation in `text`, in order.
    pub fn apply_text(&mut self, text: &str) {
        const OPS: &[&str] = &[
            "CreateModel(",
            "DeleteModel(",
            "AlterModelTable(",
            "AddField(",
            "RemoveField(",
            "RenameField(",
        ];
        let mut pos = 0;
        while let Some((at, op)) = OPS
            .iter()
            .filter_map(|op| text[pos..].find(op).map(|i| (pos + i, *op)))
            .min()
        {
            let open = at + op.len() - 1;
            let Some(args) = balanced(text, open) else {
                return;
            };
            self.apply(&op[..op.len() - 1], args);
            pos = open + 1;
        }
    }

    fn apply(&mut self, op: &str, args: &str) {
        let s = |key: &str| kwarg(args, key).and_then(string_value);
        match op {
            "CreateModel" => {
                let Some(name) = s("name") else { return };
                let table = kwarg(args, "options")
                    .and_then(|o| dict_string(o, "db_table"))
                    .unwrap_or_else(|| format!("{}_{}", self.app, name.to_lowercase()));
                let fields = kwarg(args, "fields")
                    .map(|f| {
                        elements(strip_brackets(f))
                            .into_iter()
                            .filter_map(|t| {
                                let parts = elements(strip_brackets(t));
                                field(string_value(parts.first()?)?, parts.get(1)?)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                self.models.insert(
                    name.to_lowercase(),
                    Model {
                        name,
                        table,
                        fields,
                    },
                );
            }
            "DeleteModel" => {
                if let Some(name) = s("name") {
                    self.models.remove(&name.to_lowercase());
                }
            }
            "AlterModelTable" => {
                if let (Some(name), Some(table)) = (s("name"), s("table")) {
                    if let Some(m) = self.models.get_mut(&name.to_lowercase()) {
                        m.table = table;
                    }
                }
            }
            "AddField" => {
                let (Some(model), Some(name), Some(def)) =
                    (s("model_name"), s("name"), kwarg(args, "field"))
                else {
                    return;
                };
                if let (Some(m), Some(f)) =
                    (self.models.get_mut(&model.to_lowercase()), field(name, def))
                {
                    m.fields.push(f);
                }
            }
            "RemoveField" => {
                if let (Some(model), Some(name)) = (s("model_name"), s("name")) {
                    if let Some(m) = self.models.get_mut(&model.to_lowercase()) {
                        m.fields.retain(|f| f.name != name);
                    }
                }
            }
            "RenameField" => {
                let (Some(model), Some(old), Some(new)) =
                    (s("model_name"), s("old_name"), s("new_name"))
                else {
                    return;
                };
                if let Some(f) = self
                    .models
                    .get_mut(&model.to_lowercase())
                    .and_then(|m| m.fields.iter_mut().find(|f| f.name == old))
                {
                    if f.column == f.name {
                        f.column = new.clone();
                    }
                    f.name = new;
                }
            }
            _ => {}
        }
    }

    /// The model stored in `table`.
    pub fn model_for_table(&self, table: &str) -> Option<&Model> {
        self.models.values().find(|m| m.table == table)
    }

    /// A model name not taken yet, from a table name (`order_items` → `OrderItems`).
    pub fn free_model_name(&self, table: &str) -> String {
        let base = crate::render::idiom::pascal_case(table);
        let mut name = base.clone();
        let mut n = 1;
        while self.models.contains_key(&name.to_lowercase()) {
            n += 1;
            name = format!("{base}{n}");
        }
        name
    }
}

impl Model {
    /// The field stored in `column`.
    pub fn field_for_column(&self, column: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.column == column)
    }
}

/// A field from its name and definition (`models.ForeignKey(…)` is stored in `<name>_id`,
/// `db_column=` wins).
fn field(name: String, definition: &str) -> Option<Field> {
    let args = definition
        .find('(')
        .and_then(|open| balanced(definition, open))
        .unwrap_or("");
    let column = match kwarg(args, "db_column").and_then(string_value) {
        Some(c) => c,
        None if definition.contains("ForeignKey(") || definition.contains("OneToOneField(") => {
            format!("{name}_id")
        }
        None => name.clone(),
    };
    Some(Field { name, column })
}

/// The text between the parenthesis at `open` and its match (strings skipped).
fn balanced(text: &str, open: usize) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut depth = 0;
    let mut quote: Option<u8> = None;
    let mut i = open;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'\'' | b'"' => quote = Some(b),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return text.get(open + 1..i);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// The top-level comma-separated elements of `text`.
fn elements(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = vec![];
    let (mut depth, mut start, mut quote) = (0i32, 0, None::<u8>);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'\'' | b'"' => quote = Some(b),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b',' if depth == 0 => {
                    out.push(text[start..i].trim());
                    start = i + 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    let last = text[start..].trim();
    if !last.is_empty() {
        out.push(last);
    }
    out
}

/// `[…]`, `(…)` or `{…}` without its brackets.
fn strip_brackets(text: &str) -> &str {
    let t = text.trim();
    if t.len() >= 2 && matches!(t.as_bytes()[0], b'[' | b'(' | b'{') {
        &t[1..t.len() - 1]
    } else {
        t
    }
}

/// The value of the top-level keyword argument `key=` in an argument list.
fn kwarg<'a>(args: &'a str, key: &str) -> Option<&'a str> {
    elements(args).into_iter().find_map(|e| {
        let (k, v) = e.split_once('=')?;
        (k.trim() == key).then(|| v.trim())
    })
}

/// The value of `'key': '…'` in a dict literal.
fn dict_string(dict: &str, key: &str) -> Option<String> {
    elements(strip_brackets(dict)).into_iter().find_map(|e| {
        let (k, v) = e.split_once(':')?;
        (string_value(k.trim())? == key).then(|| string_value(v.trim()))?
    })
}

/// A Python string literal's value (`'users'`, `"users"`).
fn string_value(expr: &str) -> Option<String> {
    let e = expr.trim();
    let q = e.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let inner = e.strip_prefix(q)?.strip_suffix(q)?;
    (!inner.contains(q)).then(|| inner.replace("\\\\", "\\"))
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn models_follow_the_operations() {
        let mut state = State {
            app: "shop".into(),
            models: BTreeMap::new(),
        };
        state.apply_text(
            r#"
operations = [
    migrations.CreateModel(
        name="User",
        fields=[
            ("id", models.BigAutoField(primary_key=True, serialize=False)),
            ("name", models.TextField(db_column="full_name")),
            ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='shop.team')),
        ],
        options={'db_table': 'users', "managed": True},
    ),
    migrations.CreateModel(name='Post', fields=[('id', models.AutoField(primary_key=True))]),
    migrations.AddField(model_name='user', name='age', field=models.IntegerField(null=True)),
    migrations.RenameField(model_name='user', old_name='age', new_name='years'),
    migrations.RemoveField(model_name='user', name='id'),
    migrations.AlterModelTable(name='post', table='articles'),
]
"#,
        );
        let user = state.model_for_table("users").unwrap();
        assert_eq!(user.name, "User");
        let columns: Vec<(&str, &str)> = user
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.column.as_str()))
            .collect();
        assert_eq!(
            columns,
            [
                ("name", "full_name"),
                ("team", "team_id"),
                ("years", "years")
            ]
        );
        assert_eq!(state.model_for_table("articles").unwrap().name, "Post");
        assert_eq!(state.free_model_name("users"), "Users");
        assert_eq!(state.free_model_name("user"), "User2");
    }
}
