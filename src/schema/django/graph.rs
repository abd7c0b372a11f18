//! The migration graph across apps and the order Django applies it in: each file's
//! `dependencies` (`("app", "0002_x")`, `__first__`, `__latest__`,
//! `migrations.swappable_dependency(settings.AUTH_USER_MODEL)`), `run_before` and `replaces`.
//! With no database nothing is applied yet, so — Django's rule — a squashed migration is used
//! and the migrations it replaces are skipped (dependencies on them point at it instead).

use super::apps::{is_migration_file, App};
use super::python::{Source, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// `(app label, migration name)`.
pub type Key = (String, String);

/// One migration file, read.
#[derive(Debug, Clone)]
pub struct Migration {
    pub app: String,
    pub name: String,
    /// Relative to the project root.
    pub path: PathBuf,
    pub dependencies: Vec<Key>,
    pub replaces: Vec<Key>,
    pub run_before: Vec<Key>,
    /// The `operations = [...]` list.
    pub operations: Vec<Value>,
    /// `atomic = False` and other facts are not needed; a file that has no `Migration` class
    /// (a helper module in `migrations/`) is skipped.
    pub is_migration: bool,
}

fn key_of(v: &Value, user_app: &str) -> Option<Key> {
    match v {
        Value::Tuple(items) | Value::List(items) => match items.as_slice() {
            [a, b] => Some((a.as_str()?.to_string(), b.as_str()?.to_string())),
            _ => None,
        },
        Value::Call(c) if c.name() == "swappable_dependency" => {
            let app = match c.args.first() {
                Some(Value::Str(s)) => s.split('.').next().unwrap_or(s).to_string(),
                _ => user_app.to_string(),
            };
            Some((app, "__first__".into()))
        }
        _ => None,
    }
}

/// Read one migration file.
pub fn read(app: &str, path: PathBuf, text: &str, user_app: &str) -> Migration {
    let src = Source::new(text);
    let name = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let keys = |attr: &str| -> Vec<Key> {
        src.assignment("Migration", attr)
            .map(|v| {
                v.items()
                    .iter()
                    .filter_map(|i| key_of(i, user_app))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut operations = src.assignment("Migration", "operations");
    if let Some(ops) = operations.as_mut() {
        src.resolve(ops, 0);
    }
    Migration {
        app: app.to_string(),
        name,
        dependencies: keys("dependencies"),
        replaces: keys("replaces"),
        run_before: keys("run_before"),
        is_migration: text.contains("class Migration") && operations.is_some(),
        operations: operations.map(|v| v.items().to_vec()).unwrap_or_default(),
        path,
    }
}

/// Every migration of `apps`, read from disk under `root`. A migration file that is not a
/// readable text source (too large, binary, not UTF-8: [`crate::schema::sql::read_source`])
/// is an error: leaving it out would give a schema the project does not have.
pub fn load_all(
    root: &Path,
    apps: &[App],
    user_app: &str,
) -> Result<Vec<Migration>, crate::schema::sql::LoadError> {
    // (app, file name), in the order read; reading and parsing each file is independent, so
    // a large project's files are read on several threads.
    let mut files: Vec<(&App, String)> = vec![];
    for app in apps {
        let Ok(entries) = std::fs::read_dir(root.join(&app.migrations_dir)) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| is_migration_file(n))
            .collect();
        names.sort();
        files.extend(names.into_iter().map(|n| (app, n)));
    }
    let read_one = |(app, n): &(&App, String)| {
        let text = crate::schema::sql::read_source(&root.join(&app.migrations_dir).join(n))?;
        Ok(read(
            &app.label,
            app.migrations_dir.join(n),
            &text,
            user_app,
        ))
    };
    let mut out = vec![];
    for m in crate::par::map_ordered(&files, 200, read_one) {
        let m = m?;
        if m.is_migration {
            out.push(m);
        }
    }
    Ok(out)
}

/// The migrations in the order Django applies them, with notes on what could not be ordered
/// (dependencies on apps that are not in the project, e.g. `django.contrib.auth`).
pub fn order(migrations: Vec<Migration>) -> (Vec<Migration>, Vec<String>) {
    let mut notes = vec![];
    let mut nodes: BTreeMap<Key, Migration> = migrations
        .into_iter()
        .map(|m| ((m.app.clone(), m.name.clone()), m))
        .collect();
    // Squashed migrations win: drop what they replace, remember where it went.
    let mut replaced_by: BTreeMap<Key, Key> = BTreeMap::new();
    let squashes: Vec<(Key, Vec<Key>)> = nodes
        .iter()
        .filter(|(_, m)| !m.replaces.is_empty())
        .map(|(k, m)| (k.clone(), m.replaces.clone()))
        .collect();
    for (squash, replaces) in &squashes {
        if !nodes.contains_key(squash) {
            continue; // itself replaced by a later squash
        }
        for r in replaces {
            if r != squash {
                nodes.remove(r);
                replaced_by.insert(r.clone(), squash.clone());
            }
        }
    }
    let resolve_replaced = |k: &Key| -> Key {
        let mut k = k.clone();
        for _ in 0..16 {
            match replaced_by.get(&k) {
                Some(n) => k = n.clone(),
                None => break,
            }
        }
        k
    };
    // Per app, its migrations in name order (for __first__ / __latest__).
    let mut by_app: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (app, name) in nodes.keys() {
        by_app.entry(app.clone()).or_default().push(name.clone());
    }
    let mut missing_apps = BTreeSet::new();
    let mut deps: BTreeMap<Key, Vec<Key>> = BTreeMap::new();
    let keys: Vec<Key> = nodes.keys().cloned().collect();
    for k in &keys {
        let m = &nodes[k];
        let mut list = vec![];
        for d in &m.dependencies {
            let Some(names) = by_app.get(&d.0) else {
                missing_apps.insert(d.0.clone());
                continue;
            };
            let d = match d.1.as_str() {
                "__first__" => (d.0.clone(), names[0].clone()),
                "__latest__" => (d.0.clone(), names[names.len() - 1].clone()),
                _ => resolve_replaced(d),
            };
            if &d == k {
                continue;
            }
            if nodes.contains_key(&d) {
                list.push(d);
            } else {
                notes.push(format!(
                    "{}: dependency {}.{} is not among the migration files; ordered without it",
                    m.path.display(),
                    d.0,
                    d.1
                ));
            }
        }
        deps.insert(k.clone(), list);
    }
    for k in &keys {
        for rb in nodes[k].run_before.clone() {
            let rb = resolve_replaced(&rb);
            if let Some(list) = deps.get_mut(&rb) {
                list.push(k.clone());
            }
        }
    }
    for app in &missing_apps {
        notes.push(format!(
            "app `{app}` is not in the project (a Django or third-party app): its tables are not loaded, and foreign keys to them are left out"
        ));
    }
    // Depth-first, dependencies first, nodes in (app, name) order.
    let mut done = BTreeSet::new();
    let mut visiting = BTreeSet::new();
    let mut out_keys = vec![];
    fn visit(
        k: &Key,
        deps: &BTreeMap<Key, Vec<Key>>,
        done: &mut BTreeSet<Key>,
        visiting: &mut BTreeSet<Key>,
        out: &mut Vec<Key>,
        notes: &mut Vec<String>,
    ) {
        if done.contains(k) {
            return;
        }
        if !visiting.insert(k.clone()) {
            notes.push(format!("dependency cycle through {}.{}", k.0, k.1));
            return;
        }
        for d in deps.get(k).into_iter().flatten() {
            visit(d, deps, done, visiting, out, notes);
        }
        visiting.remove(k);
        done.insert(k.clone());
        out.push(k.clone());
    }
    for k in &keys {
        visit(
            k,
            &deps,
            &mut done,
            &mut visiting,
            &mut out_keys,
            &mut notes,
        );
    }
    let ordered = out_keys
        .into_iter()
        .filter_map(|k| nodes.remove(&k))
        .collect();
    (ordered, notes)
}

#[cfg(test)]
mod test {
    use super::*;

    fn m(app: &str, name: &str, body: &str) -> Migration {
        let text = format!("class Migration(migrations.Migration):\n{body}\n    operations = []\n");
        read(
            app,
            PathBuf::from(format!("{app}/migrations/{name}.py")),
            &text,
            "accounts",
        )
    }

    fn names(ms: &[Migration]) -> Vec<String> {
        ms.iter().map(|m| format!("{}.{}", m.app, m.name)).collect()
    }

    #[test]
    fn dependencies_across_apps_come_first() {
        let (ordered, notes) = order(vec![
            m("blog", "0001_initial", "    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL), ('contenttypes', '0002_x')]"),
            m("blog", "0002_more", "    dependencies = [('blog', '0001_initial'), ('accounts', '__latest__')]"),
            m("accounts", "0001_initial", "    dependencies = []"),
            m("accounts", "0002_x", "    dependencies = [('accounts', '0001_initial')]"),
        ]);
        assert_eq!(
            names(&ordered),
            [
                "accounts.0001_initial",
                "accounts.0002_x",
                "blog.0001_initial",
                "blog.0002_more"
            ]
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("`contenttypes`"), "{notes:?}");
    }

    #[test]
    fn a_squashed_migration_replaces_what_it_squashes() {
        let (ordered, notes) = order(vec![
            m("shop", "0001_initial", "    dependencies = []"),
            m("shop", "0002_b", "    dependencies = [('shop', '0001_initial')]"),
            m("shop", "0001_squashed_0002_b", "    replaces = [('shop', '0001_initial'), ('shop', '0002_b')]\n    dependencies = []"),
            m("shop", "0003_c", "    dependencies = [('shop', '0002_b')]"),
            m("other", "0001_initial", "    dependencies = [('shop', '0001_initial')]\n    run_before = [('shop', '0003_c')]"),
        ]);
        assert_eq!(
            names(&ordered),
            [
                "shop.0001_squashed_0002_b",
                "other.0001_initial",
                "shop.0003_c"
            ]
        );
        assert!(notes.is_empty(), "{notes:?}");
    }
}
