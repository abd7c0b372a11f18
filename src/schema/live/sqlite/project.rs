//! Finding the SQLite file a framework's config names (Rails `config/database.yml`, Django
//! `settings.py`).

use std::path::{Path, PathBuf};

/// The SQLite file a framework's config names, relative paths resolved against `root` (the
/// directory the framework was found in): Rails' `config/database.yml` (`database:` of the
/// `development` environment, e.g. `storage/development.sqlite3`), Django's `settings.py`
/// (`'NAME': BASE_DIR / 'db.sqlite3'` with the `sqlite3` backend). `None` when the config names
/// no file.
pub fn framework_database(root: &Path, framework: &str) -> Option<PathBuf> {
    match framework {
        "rails" => rails_database(root),
        "django" => django_database(root),
        _ => None,
    }
}

pub(super) fn unquote(v: &str) -> &str {
    v.trim().trim_matches(|c| c == '"' || c == '\'')
}

pub(super) fn rails_database(root: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(root.join("config/database.yml")).ok()?;
    let mut env: Option<&str> = None;
    let mut found: Vec<(Option<&str>, &str)> = vec![];
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            env = line.split(':').next();
            continue;
        }
        if let Some(v) = line.trim().strip_prefix("database:") {
            let v = unquote(v);
            if !v.contains("<%")
                && (v.ends_with(".sqlite3") || v.ends_with(".db") || v.ends_with(".sqlite"))
            {
                found.push((env, v));
            }
        }
    }
    let pick = found
        .iter()
        .find(|(e, _)| *e == Some("development"))
        .or_else(|| found.first())?;
    Some(root.join(pick.1))
}

pub(super) fn django_database(root: &Path) -> Option<PathBuf> {
    let mut candidates = vec![];
    let mut stack = vec![(root.to_path_buf(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if p.is_dir() && depth < 3 && !name.starts_with('.') && name != "node_modules" {
                stack.push((p, depth + 1));
            } else if name == "settings.py" || (dir.ends_with("settings") && name.ends_with(".py"))
            {
                candidates.push(p);
            }
        }
    }
    candidates.sort();
    for settings in candidates {
        let Ok(text) = std::fs::read_to_string(&settings) else {
            continue;
        };
        if !text.contains("django.db.backends.sqlite3") {
            continue;
        }
        let at = text.find("django.db.backends.sqlite3")?;
        let rest = &text[at..];
        let name_at = rest.find("'NAME'").or_else(|| rest.find("\"NAME\""))?;
        let value = rest[name_at + 6..]
            .trim_start()
            .strip_prefix(':')?
            .trim_start();
        let value = value.split([',', '\n', '}']).next()?.trim();
        // `BASE_DIR / 'db.sqlite3'`, `os.path.join(BASE_DIR, 'db.sqlite3')`, `'db.sqlite3'`.
        let literal = value
            .rsplit(['/', '('])
            .next()
            .map(|v| v.trim().trim_end_matches(')'))
            .map(unquote)?;
        let literal = if value.starts_with("os.path.join") {
            let inner = &rest[name_at..];
            let open = inner.find("os.path.join(")? + "os.path.join(".len();
            let close = inner[open..].find(')')? + open;
            unquote(inner[open..close].split(',').next_back()?)
        } else {
            literal
        };
        if literal.is_empty() {
            continue;
        }
        // BASE_DIR: the directory of manage.py, else the project root.
        let base = if root.join("manage.py").is_file() {
            root.to_path_buf()
        } else {
            settings.parent()?.parent()?.to_path_buf()
        };
        return Some(base.join(literal));
    }
    None
}
