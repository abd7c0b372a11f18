//! Django model fields as PostgreSQL columns, the way Django's PostgreSQL backend types them
//! (`django/db/backends/postgresql/base.py` `data_types`): `CharField(max_length=n)` is
//! `varchar(n)`, `DateTimeField` `timestamptz` (with `USE_TZ`), `AutoField` an `integer`
//! identity, a `ForeignKey` a `<name>_id` column of the target's primary key type, a
//! `ManyToManyField` no column but a through table. A field class it does not know is typed
//! from its base class name (`…CharField`, `…TextField`) or `max_length`, else `text`, with
//! a note.

use super::python::{Call, Value};

/// What a field is stored as.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A plain column.
    Column,
    /// A `ForeignKey`/`OneToOneField` column to `(app, model)`.
    ForeignKey {
        to: (String, String),
        to_field: Option<String>,
        constraint: bool,
    },
    /// A `ManyToManyField`: no column; a through table unless `through=` names a model.
    ManyToMany {
        to: (String, String),
        through: bool,
        db_table: Option<String>,
    },
}

/// A field's column as Django creates it.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub kind: Kind,
    /// The column name (`db_column`, `<name>_id` for relations, else the field name).
    pub column: String,
    /// The PostgreSQL type; for a relation, filled in from the target by the editor.
    pub sql_type: String,
    /// `AutoField` & co: an identity column.
    pub identity: bool,
    pub null: bool,
    pub primary_key: bool,
    /// `unique=True` (also implied by `primary_key` and `OneToOneField`).
    pub unique: bool,
    /// `db_index`: default true for relations and `SlugField`.
    pub db_index: bool,
    /// `CHECK` for positive integer fields.
    pub check: Option<String>,
    /// `db_default=` a literal.
    pub db_default: Option<String>,
    /// The field class, when it was typed by guess.
    pub guessed: Option<String>,
}

/// Settings the typing depends on.
pub struct Typing<'a> {
    pub use_tz: bool,
    /// `AUTH_USER_MODEL` as `(app, model)` in lower case.
    pub user_model: &'a (String, String),
    /// Other `settings.X` model references (`settings.WAGTAILIMAGES_IMAGE_MODEL`).
    pub setting: &'a dyn Fn(&str) -> Option<String>,
}

/// `(app, model)` in lower case for a model reference (`"app.Model"`, `"Model"`, `"self"`,
/// `settings.AUTH_USER_MODEL`), seen from model `(app, model)`.
pub fn model_ref(v: &Value, from: (&str, &str), t: &Typing) -> Option<(String, String)> {
    let split = |s: &str| -> (String, String) {
        match s.split_once('.') {
            Some((a, m)) => (a.to_string(), m.to_lowercase()),
            None if s == "self" => (from.0.to_string(), from.1.to_string()),
            None => (from.0.to_string(), s.to_lowercase()),
        }
    };
    match v {
        Value::Str(s) => Some(split(s)),
        Value::Name(n) if n == "settings.AUTH_USER_MODEL" => Some(t.user_model.clone()),
        Value::Name(n) => {
            let key = n.strip_prefix("settings.")?;
            (t.setting)(key).map(|s| split(&s))
        }
        // `swapper.get_model_name("app", "Model")` (swappable models, as Wagtail's).
        Value::Call(c) if c.name() == "get_model_name" => match c.args.as_slice() {
            [Value::Str(a), Value::Str(m)] => Some((a.clone(), m.to_lowercase())),
            _ => None,
        },
        // Wagtail's swappable models.
        Value::Call(c) if c.name() == "get_image_model_string" => {
            Some(("wagtailimages".into(), "image".into()))
        }
        Value::Call(c) if c.name() == "get_document_model_string" => {
            Some(("wagtaildocs".into(), "document".into()))
        }
        _ => None,
    }
}

fn literal(v: &Value) -> Option<String> {
    match v {
        Value::Str(s) => Some(format!("'{}'", s.replace('\'', "''"))),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The column for field `name` defined by `call`, on model `(app, model)`. `None` when the
/// call is not a field at all.
pub fn field(name: &str, call: &Call, from: (&str, &str), t: &Typing) -> Field {
    let class = call.name();
    let null = call.flag("null", false) || class == "NullBooleanField";
    let primary_key = call.flag("primary_key", false);
    let mut f = Field {
        kind: Kind::Column,
        column: name.to_string(),
        sql_type: String::new(),
        identity: false,
        null: null && !primary_key,
        primary_key,
        unique: primary_key || call.flag("unique", false),
        db_index: call.flag("db_index", false),
        check: None,
        db_default: call.kw("db_default").and_then(literal),
        guessed: None,
    };
    let varchar = |n: Option<i64>| match n {
        Some(n) => format!("varchar({n})"),
        None => "varchar".to_string(),
    };
    let max_length = call.kw("max_length").and_then(Value::as_int);
    let positive = |f: &mut Field, ty: &str| {
        f.sql_type = ty.into();
        f.check = Some(format!("\"{}\" >= 0", f.column));
    };
    match class {
        "AutoField" => (f.sql_type, f.identity) = ("integer".into(), true),
        "BigAutoField" => (f.sql_type, f.identity) = ("bigint".into(), true),
        "SmallAutoField" => (f.sql_type, f.identity) = ("smallint".into(), true),
        "CICharField" => f.sql_type = "citext".into(),
        "CharField" | "CommaSeparatedIntegerField" => f.sql_type = varchar(max_length),
        "EmailField" => f.sql_type = varchar(max_length.or(Some(254))),
        "URLField" => f.sql_type = varchar(max_length.or(Some(200))),
        "SlugField" => {
            f.sql_type = varchar(max_length.or(Some(50)));
            f.db_index = call.flag("db_index", true);
        }
        "FileField" | "ImageField" | "FilePathField" => {
            f.sql_type = varchar(max_length.or(Some(100)))
        }
        "TextField" => f.sql_type = "text".into(),
        "CITextField" | "CIEmailField" => f.sql_type = "citext".into(),
        "BooleanField" | "NullBooleanField" => f.sql_type = "boolean".into(),
        "DateTimeField" => f.sql_type = if t.use_tz { "timestamptz" } else { "timestamp" }.into(),
        "DateField" => f.sql_type = "date".into(),
        "TimeField" => f.sql_type = "time".into(),
        "DurationField" => f.sql_type = "interval".into(),
        "FloatField" => f.sql_type = "double precision".into(),
        "DecimalField" => {
            let p = call.kw("max_digits").and_then(Value::as_int);
            let s = call.kw("decimal_places").and_then(Value::as_int);
            f.sql_type = match (p, s) {
                (Some(p), Some(s)) => format!("numeric({p},{s})"),
                _ => "numeric".into(),
            }
        }
        "IntegerField" => f.sql_type = "integer".into(),
        "BigIntegerField" => f.sql_type = "bigint".into(),
        "SmallIntegerField" => f.sql_type = "smallint".into(),
        "PositiveIntegerField" => positive(&mut f, "integer"),
        "PositiveSmallIntegerField" => positive(&mut f, "smallint"),
        "PositiveBigIntegerField" => positive(&mut f, "bigint"),
        "BinaryField" => f.sql_type = "bytea".into(),
        "UUIDField" => f.sql_type = "uuid".into(),
        "JSONField" => f.sql_type = "jsonb".into(),
        "GenericIPAddressField" | "IPAddressField" => f.sql_type = "inet".into(),
        "HStoreField" => f.sql_type = "hstore".into(),
        "SearchVectorField" => f.sql_type = "tsvector".into(),
        "IntegerRangeField" => f.sql_type = "int4range".into(),
        "BigIntegerRangeField" => f.sql_type = "int8range".into(),
        "DecimalRangeField" => f.sql_type = "numrange".into(),
        "DateTimeRangeField" => f.sql_type = "tstzrange".into(),
        "DateRangeField" => f.sql_type = "daterange".into(),
        "ArrayField" => {
            let base = call.arg("base_field", 0).and_then(Value::as_call);
            let inner = base.map(|b| field(name, b, from, t).sql_type);
            f.sql_type = format!("{}[]", inner.unwrap_or_else(|| "text".into()));
        }
        c if c.ends_with("ForeignKey") || c.ends_with("OneToOneField") || c == "ParentalKey" => {
            let to = call
                .arg("to", 0)
                .and_then(|v| model_ref(v, from, t))
                .unwrap_or_else(|| ("?".into(), "?".into()));
            f.kind = Kind::ForeignKey {
                to,
                to_field: call.str("to_field", usize::MAX).map(str::to_string),
                constraint: call.flag("db_constraint", true),
            };
            f.column = format!("{name}_id");
            if class.ends_with("OneToOneField") {
                f.unique = true;
            }
            f.db_index = call.flag("db_index", true);
        }
        // django-taggit's manager is a relation through its own model: no column, no table.
        "TaggableManager" => {
            f.kind = Kind::ManyToMany {
                to: ("taggit".into(), "tag".into()),
                through: false,
                db_table: None,
            };
        }
        c if c.ends_with("ManyToManyField") => {
            let to = call
                .arg("to", 0)
                .and_then(|v| model_ref(v, from, t))
                .unwrap_or_else(|| ("?".into(), "?".into()));
            f.kind = Kind::ManyToMany {
                to,
                through: call.kw("through").is_none(),
                db_table: call.str("db_table", usize::MAX).map(str::to_string),
            };
        }
        // Common third-party fields, by what they store.
        "CountryField" if !call.flag("multiple", false) => {
            f.sql_type = varchar(max_length.or(Some(2)))
        }
        "PhoneNumberField" => f.sql_type = varchar(max_length.or(Some(128))),
        "TimeZoneField" => f.sql_type = varchar(max_length.or(Some(63))),
        "MACAddressField" => f.sql_type = "macaddr".into(),
        "ASNField" => f.sql_type = "bigint".into(),
        "RichTextField" | "MarkdownField" | "HTMLField" => f.sql_type = "text".into(),
        other => {
            f.guessed = Some(call.func.clone());
            f.sql_type = if other.ends_with("JSONField") || other == "StreamField" {
                "jsonb".into()
            } else if other.ends_with("TextField") {
                "text".into()
            } else if other.ends_with("ImageField") || other.ends_with("FileField") {
                varchar(max_length.or(Some(100)))
            } else if other.ends_with("CharField") || max_length.is_some() {
                varchar(max_length)
            } else if other.ends_with("BooleanField") {
                "boolean".into()
            } else if other.ends_with("DateTimeField") {
                "timestamptz".into()
            } else if other.ends_with("BigIntegerField") {
                "bigint".into()
            } else if other.ends_with("IntegerField") {
                "integer".into()
            } else if other.ends_with("UUIDField") {
                "uuid".into()
            } else {
                "text".into()
            };
        }
    }
    if let Some(c) = call.str("db_column", usize::MAX) {
        f.column = c.to_string();
        if f.check.is_some() {
            f.check = Some(format!("\"{c}\" >= 0"));
        }
    }
    if f.unique {
        f.db_index = false;
    }
    f
}

/// The type a foreign key to this primary key has: the same, without the identity.
pub fn referencing_type(pk: &Field) -> String {
    pk.sql_type.clone()
}

/// Whether Django adds a `…_like` index (`varchar_pattern_ops`/`text_pattern_ops`) for it.
pub fn like_opclass(f: &Field) -> Option<&'static str> {
    if !(f.db_index || f.unique) || f.sql_type.contains('[') {
        return None;
    }
    if f.sql_type.starts_with("varchar") {
        Some("varchar_pattern_ops")
    } else if f.sql_type == "text" {
        Some("text_pattern_ops")
    } else {
        None
    }
}

#[cfg(test)]
mod test {
    use super::super::python::parse_expr;
    use super::*;

    fn typed(src: &str) -> Field {
        let user = ("auth".to_string(), "user".to_string());
        let none = |_: &str| None;
        let t = Typing {
            use_tz: true,
            user_model: &user,
            setting: &none,
        };
        let v = parse_expr(src);
        field("f", v.as_call().unwrap(), ("shop", "item"), &t)
    }

    #[test]
    fn core_fields_get_djangos_postgres_types() {
        for (src, ty) in [
            ("models.CharField(max_length=20)", "varchar(20)"),
            ("models.EmailField()", "varchar(254)"),
            ("models.SlugField()", "varchar(50)"),
            ("models.DateTimeField(auto_now_add=True)", "timestamptz"),
            ("models.DecimalField(max_digits=10, decimal_places=2)", "numeric(10,2)"),
            ("models.JSONField(default=dict)", "jsonb"),
            (
                "django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=5), size=None)",
                "varchar(5)[]",
            ),
            ("wagtail.fields.RichTextField()", "text"),
        ] {
            assert_eq!(typed(src).sql_type, ty, "{src}");
        }
        let id = typed("models.BigAutoField(auto_created=True, primary_key=True, serialize=False)");
        assert!(id.identity && id.primary_key && !id.null);
        let slug = typed("models.SlugField(unique=True)");
        assert!(slug.unique && !slug.db_index);
        assert_eq!(like_opclass(&slug), Some("varchar_pattern_ops"));
        let p = typed("models.PositiveIntegerField(null=True, db_column='qty')");
        assert_eq!(p.check.as_deref(), Some("\"qty\" >= 0"));
        assert!(p.null);
    }

    #[test]
    fn relations_are_columns_or_through_tables() {
        let fk = typed("models.ForeignKey(on_delete=models.CASCADE, to=settings.AUTH_USER_MODEL)");
        assert_eq!(fk.column, "f_id");
        assert!(fk.db_index && !fk.null);
        assert!(
            matches!(fk.kind, Kind::ForeignKey { ref to, .. } if to == &("auth".to_string(), "user".to_string()))
        );
        let o2o = typed("models.OneToOneField(on_delete=models.CASCADE, to='self', null=True)");
        assert!(o2o.unique && o2o.null);
        assert!(
            matches!(o2o.kind, Kind::ForeignKey { ref to, .. } if to == &("shop".to_string(), "item".to_string()))
        );
        let m2m = typed("models.ManyToManyField(to='blog.Tag', through='shop.ItemTag')");
        assert!(matches!(m2m.kind, Kind::ManyToMany { through: false, .. }));
    }
}
