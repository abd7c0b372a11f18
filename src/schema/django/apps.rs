//! Where a Django project keeps its apps and settings: every `migrations/` package at any depth
//! under the project root (nested packages such as `<pkg>/<app>/migrations/`), the app label
//! (`AppConfig.label` in the app's `apps.py`, else the directory name), and the settings files
//! (`DJANGO_SETTINGS_MODULE` from `manage.py`, a `settings/` package with `base.py`…, or any
//! `settings.py`). Reads small files only; never runs Python.

use std::path::{Path, PathBuf};

/// One Django app that has migrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    /// The app label migrations refer to it by (`auth`, `wagtailcore`).
    pub label: String,
    /// Its `migrations/` directory, relative to the project root.
    pub migrations_dir: PathBuf,
    /// `AppConfig.default_auto_field`, when its `apps.py` sets one.
    pub default_auto_field: Option<String>,
}

/// Directories never searched for apps: dependencies, build output, VCS, test and example
/// trees (their apps are not the project's schema).
const SKIP: &[&str] = &[
    "node_modules",
    "site-packages",
    "__pycache__",
    "venv",
    "env",
    "target",
    "build",
    "dist",
    "docs",
    "static",
    "templates",
    "tests",
    "test",
    "testing",
    "fixtures",
    "examples",
    "project_template",
    "app_template",
];

/// How deep below the root apps are looked for, and how many directories at most.
const MAX_DEPTH: usize = 7;
const MAX_DIRS: usize = 50_000;
/// Files larger than this are not read for labels or settings.
const MAX_READ: u64 = 512 * 1024;

fn read_small(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_READ {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

fn sorted_entries(dir: &Path) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = std::fs::read_dir(dir)
        .map(|es| {
            es.filter_map(|e| e.ok())
                .map(|e| {
                    let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
                    (e.file_name().to_string_lossy().into_owned(), is_dir)
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Whether a file name is a migration module (`0001_initial.py`; not `__init__.py`).
pub fn is_migration_file(name: &str) -> bool {
    name.ends_with(".py")
        && !name.starts_with('_')
        && !name.starts_with('.')
        && !name.starts_with('~')
}

/// Whether `dir` is a Django migrations package: a migration file that imports Django's
/// migrations (so an Alembic or other `migrations/` folder is not taken for one).
fn is_django_migrations(dir: &Path) -> bool {
    sorted_entries(dir)
        .iter()
        .filter(|(n, d)| !d && is_migration_file(n))
        .take(3)
        .any(|(n, _)| {
            read_small(&dir.join(n)).is_some_and(|t| {
                t.contains("from django.db import") || t.contains("migrations.Migration")
            })
        })
}

/// A quoted string value assigned to `key` on one line of `text` (`key = "value"`).
pub fn assigned_string(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let rest = l.trim().strip_prefix(key)?;
        let rest = rest.trim_start().strip_prefix('=')?.trim();
        let q = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let body = &rest[1..];
        Some(body[..body.find(q)?].to_string())
    })
}

/// Every app with migrations under `root`, sorted by migrations directory.
pub fn find_apps(root: &Path) -> Vec<App> {
    let mut apps = vec![];
    let mut frontier = vec![PathBuf::new()];
    let mut seen = 0usize;
    for _ in 0..MAX_DEPTH {
        let mut next = vec![];
        for rel in &frontier {
            for (name, is_dir) in sorted_entries(&root.join(rel)) {
                if !is_dir || name.starts_with('.') || SKIP.contains(&name.as_str()) {
                    continue;
                }
                seen += 1;
                if seen > MAX_DIRS {
                    break;
                }
                let path = rel.join(&name);
                if name == "migrations" {
                    if !rel.as_os_str().is_empty() && is_django_migrations(&root.join(&path)) {
                        apps.push(app_at(root, rel, path));
                    }
                    continue;
                }
                next.push(path);
            }
        }
        frontier = next;
    }
    apps.sort_by(|a, b| a.migrations_dir.cmp(&b.migrations_dir));
    apps
}

fn app_at(root: &Path, app_dir: &Path, migrations_dir: PathBuf) -> App {
    let apps_py = read_small(&root.join(app_dir).join("apps.py")).unwrap_or_default();
    let dir_name = app_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    App {
        label: assigned_string(&apps_py, "label").unwrap_or(dir_name),
        migrations_dir,
        default_auto_field: assigned_string(&apps_py, "default_auto_field"),
    }
}

/// The settings files of the project, the module `DJANGO_SETTINGS_MODULE` names first: for a
/// package (`<pkg>/settings/`), its `__init__.py` and every other module in it (`base.py`,
/// `production.py`…), since settings are usually split and star-imported. Relative to `root`.
pub fn settings_files(root: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    let add_module = |module: &str, out: &mut Vec<PathBuf>| {
        let rel = PathBuf::from(module.replace('.', "/"));
        let file = rel.with_extension("py");
        if root.join(&file).is_file() && !out.contains(&file) {
            out.push(file);
        }
        // A package's modules (`settings/base.py`…), also when the module is one of them.
        let package = if root.join(&rel).is_dir() {
            Some(rel.clone())
        } else {
            rel.parent()
                .filter(|p| p.to_string_lossy().contains("settings"))
                .map(Path::to_path_buf)
        };
        if let Some(rel) = package {
            for (n, d) in sorted_entries(&root.join(&rel)) {
                let f = rel.join(&n);
                if !d && n.ends_with(".py") && !out.contains(&f) {
                    out.push(f);
                }
            }
        }
    };
    if let Some(module) = read_small(&root.join("manage.py")).and_then(|t| settings_module(&t)) {
        add_module(&module, &mut out);
    }
    if out.is_empty() {
        // No manage.py to say: `settings.py` or a `settings/` package one or two levels down.
        let mut dirs = vec![PathBuf::new()];
        for (n, d) in sorted_entries(root) {
            if d && !n.starts_with('.') && !SKIP.contains(&n.as_str()) {
                dirs.push(PathBuf::from(n));
            }
        }
        for d in dirs {
            let module = d.join("settings").to_string_lossy().replace('/', ".");
            add_module(&module, &mut out);
        }
    }
    out
}

/// `DJANGO_SETTINGS_MODULE` as `manage.py` sets it (`os.environ.setdefault(…, "x.settings")`).
pub fn settings_module(manage_py: &str) -> Option<String> {
    let at = manage_py.find("DJANGO_SETTINGS_MODULE")?;
    let rest = &manage_py[at + "DJANGO_SETTINGS_MODULE".len()..];
    let line = rest.lines().next()?;
    let q = line.find(['"', '\''])?;
    // Skip the key's own closing quote and the comma: the next quoted string is the value.
    let after = &line[q + 1..];
    let open = after.find(['"', '\''])?;
    let quote = after.as_bytes()[open] as char;
    let body = &after[open + 1..];
    let value = &body[..body.find(quote)?];
    (!value.is_empty()
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.'))
    .then(|| value.to_string())
}

/// A setting's string value in the first settings file that assigns it (`AUTH_USER_MODEL`).
pub fn setting(root: &Path, files: &[PathBuf], key: &str) -> Option<String> {
    files
        .iter()
        .find_map(|f| read_small(&root.join(f)).and_then(|t| assigned_string(&t, key)))
}

#[cfg(test)]
mod test {
    use super::*;

    fn write(root: &Path, path: &str, text: &str) {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    const MIGRATION: &str = "from django.db import migrations\nclass Migration(migrations.Migration):\n    operations = []\n";

    #[test]
    fn nested_apps_labels_and_settings_package_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        write(
            r,
            "manage.py",
            "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"shop.settings\")\n",
        );
        write(r, "shop/settings/__init__.py", "from .base import *\n");
        write(
            r,
            "shop/settings/base.py",
            "AUTH_USER_MODEL = 'accounts.User'\n",
        );
        write(r, "shop/apps/orders/migrations/0001_initial.py", MIGRATION);
        write(r, "shop/apps/orders/migrations/__init__.py", "");
        write(r, "shop/accounts/migrations/0001_initial.py", MIGRATION);
        write(
            r,
            "shop/accounts/apps.py",
            "class C(AppConfig):\n    name = 'shop.accounts'\n    label = \"shop_accounts\"\n",
        );
        write(
            r,
            "shop/tests/testapp/migrations/0001_initial.py",
            MIGRATION,
        );
        write(
            r,
            "alembic/migrations/0001_x.py",
            "from alembic import op\n",
        );
        let apps = find_apps(r);
        let labels: Vec<(&str, String)> = apps
            .iter()
            .map(|a| (a.label.as_str(), a.migrations_dir.display().to_string()))
            .collect();
        assert_eq!(
            labels,
            [
                ("shop_accounts", "shop/accounts/migrations".to_string()),
                ("orders", "shop/apps/orders/migrations".to_string()),
            ]
        );
        let files = settings_files(r);
        assert_eq!(
            files,
            [
                PathBuf::from("shop/settings/__init__.py"),
                PathBuf::from("shop/settings/base.py")
            ]
        );
        assert_eq!(
            setting(r, &files, "AUTH_USER_MODEL").as_deref(),
            Some("accounts.User")
        );
    }

    #[test]
    fn settings_module_is_read_from_manage_py() {
        let m = "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'zproject.settings')";
        assert_eq!(settings_module(m).as_deref(), Some("zproject.settings"));
        assert_eq!(settings_module("print(1)"), None);
    }
}
