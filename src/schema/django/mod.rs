//! Django without a database: the project's migration files read statically (never run) and
//! replayed, in Django's dependency order across apps, onto a [`Schema`] with the tables,
//! columns, constraints and indexes Django's PostgreSQL schema editor would create.
//!
//! `apps` finds the apps (any depth) and settings; `python` reads the Python literals a
//! migration file is made of (not a Python parser); `graph` orders the migrations
//! (`dependencies`, `replaces`, `swappable_dependency`); `editor`, `field_ops` and
//! `constraints` turn each operation into the SQL Django runs (names from `names`, types
//! from `fields`) and feed it to the schema's SQL interpreter. Anything not understood
//! becomes a note on the schema, never an error (only a migration file that is not readable
//! text is). Read-only.

pub mod apps;
mod constraints;
pub mod contrib;
pub mod editor;
mod field_ops;
pub mod fields;
pub mod graph;
pub mod names;
pub mod python;

use super::Schema;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The schema Django's migrations under `root` (the directory of `manage.py`) build, with
/// the migration files used, in the order applied. Fails only on a migration file that cannot
/// be read as text (see [`graph::load_all`]); what is not understood becomes a note.
pub fn load(root: &Path) -> Result<(Schema, Vec<PathBuf>), super::sql::LoadError> {
    load_observed(root, None)
}

/// Called with each migration applied, the schema before it and the schema after it.
pub type Observer<'a> = &'a mut dyn FnMut(&graph::Migration, &Schema, &Schema);

/// [`load`], calling `observe(migration, schema before it, schema after it)` for each
/// migration applied (the real-name corpus builder diffs the two).
pub fn load_observed(
    root: &Path,
    mut observe: Option<Observer>,
) -> Result<(Schema, Vec<PathBuf>), super::sql::LoadError> {
    let found = apps::find_apps(root);
    let settings_files = apps::settings_files(root);
    let texts: Vec<String> = settings_files
        .iter()
        .filter_map(|f| std::fs::read_to_string(root.join(f)).ok())
        .collect();
    let setting = |k: &str| texts.iter().find_map(|t| apps::assigned_string(t, k));
    let user_model = setting("AUTH_USER_MODEL").unwrap_or_else(|| "auth.User".into());
    let user_model = match user_model.split_once('.') {
        Some((a, m)) => (a.to_string(), m.to_lowercase()),
        None => ("auth".to_string(), "user".to_string()),
    };
    let use_tz = !texts.iter().any(|t| {
        t.lines()
            .any(|l| l.replace(' ', "").starts_with("USE_TZ=False"))
    });
    let class = |s: String| s.rsplit('.').next().unwrap_or(&s).to_string();
    let default_auto_field = setting("DEFAULT_AUTO_FIELD")
        .map(class)
        .unwrap_or_else(|| "AutoField".into());
    let app_auto_field: BTreeMap<String, String> = found
        .iter()
        .filter_map(|a| Some((a.label.clone(), class(a.default_auto_field.clone()?))))
        .collect();
    let migrations = graph::load_all(root, &found, &user_model.0)?;
    let labels: std::collections::BTreeSet<&str> = found.iter().map(|a| a.label.as_str()).collect();
    let missing: std::collections::BTreeSet<String> = migrations
        .iter()
        .flat_map(|m| m.dependencies.iter().map(|d| d.0.clone()))
        .filter(|a| !labels.contains(a.as_str()))
        .collect();
    // Django's own apps the settings install count as well, depended on or not.
    let mut missing = missing;
    for app in contrib::APPS {
        let installed = format!("django.contrib.{app}\"");
        let installed_sq = format!("django.contrib.{app}'");
        if texts
            .iter()
            .any(|t| t.contains(&installed) || t.contains(&installed_sq))
            && !labels.contains(app)
        {
            missing.insert(app.to_string());
        }
    }
    let mut contrib = contrib::Contrib::new(&missing, &user_model, &default_auto_field);
    let (ordered, mut notes) = graph::order(migrations);
    // Django's own apps are loaded from `contrib`, not left out.
    notes.retain(|n| {
        !contrib::APPS
            .iter()
            .any(|a| n.starts_with(&format!("app `{a}` ")))
    });
    let user = user_model.clone();
    let mut editor = editor::Editor::new(editor::Settings {
        use_tz,
        user_model,
        default_auto_field,
        app_auto_field,
        texts: texts.clone(),
    });
    editor.notes.extend(notes);
    contrib.start(&mut editor);
    let mut used = vec![];
    for m in &ordered {
        let before = observe.is_some().then(|| editor.schema().clone());
        editor.migrate(m);
        contrib.after_migration(&mut editor, &user);
        if let (Some(f), Some(before)) = (observe.as_mut(), before) {
            f(m, &before, editor.schema());
        }
        used.push(root.join(&m.path));
    }
    Ok((editor.finish(), used))
}

/// The directory Django runs from for a migrations directory: the nearest ancestor (up to
/// `project_dir`) holding `manage.py`, else `project_dir`.
pub fn project_root(project_dir: &Path, migrations_dir: &Path) -> PathBuf {
    let start = project_dir.join(migrations_dir);
    for dir in start.ancestors() {
        if dir.join("manage.py").is_file() {
            return dir.to_path_buf();
        }
        if dir == project_dir {
            break;
        }
    }
    project_dir.to_path_buf()
}

#[cfg(test)]
mod test;
