//! The tables of Django's own apps (`django.contrib.contenttypes`, `auth`, `sessions`,
//! `sites`, `admin`), whose migrations live in Django, not in the project: taken from
//! `contrib.sql` (what `manage.py migrate` creates with Django 5.2) for the apps the project's
//! migrations depend on. With a swapped `AUTH_USER_MODEL`, `auth_user` and its through tables
//! are not created (Django skips swapped models) and `django_admin_log.user_id` references
//! the project's user model instead, once its table exists.

use super::editor::{Editor, ModelKey};
use super::names;
use std::collections::BTreeSet;

const SQL: &str = include_str!("contrib.sql");

/// The contrib apps this module knows.
pub const APPS: &[&str] = &["contenttypes", "auth", "sessions", "sites", "admin"];

/// `(table, sql)` sections of `contrib.sql`, in dependency order.
fn sections() -> Vec<(&'static str, &'static str)> {
    let mut out = vec![];
    let mut rest = SQL;
    while let Some(at) = rest.find("-- table: ") {
        let body = &rest[at + "-- table: ".len()..];
        let name_end = body.find('\n').unwrap_or(body.len());
        let end = body.find("-- table: ").unwrap_or(body.len());
        out.push((body[..name_end].trim(), &body[name_end..end]));
        rest = &body[end..];
    }
    out
}

fn app_of(table: &str) -> &'static str {
    match table {
        "django_content_type" => "contenttypes",
        "django_session" => "sessions",
        "django_site" => "sites",
        "django_admin_log" => "admin",
        _ => "auth",
    }
}

/// What of Django's own apps is loaded, and what waits for the user model.
pub struct Contrib {
    apps: BTreeSet<&'static str>,
    swapped: bool,
    admin_pending: bool,
    /// `DEFAULT_AUTO_FIELD` is `BigAutoField`: the through tables' ids are `bigint`.
    big_through: bool,
}

impl Contrib {
    /// The contrib apps needed by the project's missing dependencies (`auth` needs
    /// `contenttypes`; `admin` both).
    pub fn new(
        missing: &BTreeSet<String>,
        user_model: &ModelKey,
        default_auto_field: &str,
    ) -> Contrib {
        let mut apps: BTreeSet<&'static str> = APPS
            .iter()
            .copied()
            .filter(|a| missing.contains(*a))
            .collect();
        if apps.contains("admin") {
            apps.insert("auth");
        }
        if apps.contains("auth") {
            apps.insert("contenttypes");
        }
        let swapped = user_model != &("auth".to_string(), "user".to_string());
        Contrib {
            admin_pending: swapped && apps.contains("admin"),
            apps,
            swapped,
            big_through: default_auto_field == "BigAutoField",
        }
    }

    /// Create the tables that need nothing from the project.
    pub fn start(&self, editor: &mut Editor) {
        editor.origin = "django.contrib (Django 5.2)".into();
        for (table, sql) in sections() {
            let app = app_of(table);
            if !self.apps.contains(app) {
                continue;
            }
            if self.swapped && (table.starts_with("auth_user") || table == "django_admin_log") {
                continue;
            }
            let through = matches!(
                table,
                "auth_group_permissions" | "auth_user_groups" | "auth_user_user_permissions"
            );
            if through && self.big_through {
                editor.exec(&sql.replacen("id integer NOT NULL", "id bigint NOT NULL", 1));
            } else {
                editor.exec(sql);
            }
        }
        if !self.apps.is_empty() {
            let apps: Vec<&str> = self.apps.iter().copied().collect();
            editor.notes.push(format!(
                "Django's own apps ({}) are not in the project: their tables are taken as Django 5.2 creates them",
                apps.join(", ")
            ));
        }
    }

    /// After each migration: `django_admin_log`, once the swapped user model's table exists.
    pub fn after_migration(&mut self, editor: &mut Editor, user_model: &ModelKey) {
        if !self.admin_pending || !editor.models.contains_key(user_model) {
            return;
        }
        let Some((table, column, ty)) = editor.target(user_model, None) else {
            return;
        };
        if !editor.schema().tables.contains_key(&table) {
            return;
        }
        self.admin_pending = false;
        let Some((_, sql)) = sections()
            .into_iter()
            .find(|(t, _)| *t == "django_admin_log")
        else {
            return;
        };
        let fk = names::foreign_key_name("django_admin_log", "user_id", &table, &column);
        let sql = sql
            .replace(
                "user_id integer NOT NULL",
                &format!("user_id {ty} NOT NULL"),
            )
            .replace("django_admin_log_user_id_c564eba6_fk_auth_user_id", &fk)
            .replace(
                "REFERENCES auth_user(id)",
                &format!(
                    "REFERENCES {}({})",
                    super::editor::q(&table),
                    super::editor::q(&column)
                ),
            );
        let origin = std::mem::replace(
            &mut editor.origin,
            "django.contrib.admin (Django 5.2)".into(),
        );
        editor.exec(&sql);
        editor.origin = origin;
    }
}
