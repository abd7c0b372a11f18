//! Lexical path arithmetic for settings: a path relative to the config file's directory
//! re-expressed relative to the project directory or the working directory, so reports keep
//! showing short relative paths (`db/migrate`, not `/home/…/db/migrate`). No file system
//! access: `..` is resolved by name, as a shell's `cd` does.

use std::path::{Component, Path, PathBuf};

/// `path` joined onto `cwd` (unless absolute), with `.` and `..` resolved.
pub fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in cwd.join(path).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `to` as a path from the directory `from` (both absolute): `../db`, `migsmith.toml`, `.`.
/// An absolute `to` on another root stays absolute.
pub fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to_parts: Vec<Component> = to.components().collect();
    if from.first() != to_parts.first() {
        return to.to_path_buf();
    }
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to_parts[common..] {
        out.push(c);
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// `value`, written relative to `base` (a directory as seen from `cwd`), re-expressed
/// relative to `target` (another such directory). Absolute values stay as they are.
pub fn rebase(value: &Path, base: &Path, target: &Path, cwd: &Path) -> PathBuf {
    if value.is_absolute() {
        return value.to_path_buf();
    }
    let full = absolute(&base.join(value), cwd);
    relative(&absolute(target, cwd), &full)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn relative_paths_walk_up_and_down() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            relative(&p("/a/b/c"), &p("/a/migsmith.toml")),
            p("../../migsmith.toml")
        );
        assert_eq!(relative(&p("/a"), &p("/a/b/x")), p("b/x"));
        assert_eq!(relative(&p("/a"), &p("/a")), p("."));
    }

    #[test]
    fn rebase_keeps_paths_short_when_the_dirs_agree() {
        let cwd = Path::new("/r/app/models");
        let p = |s: &str| PathBuf::from(s);
        // The file two levels up names db/migrate; the project is that same directory.
        assert_eq!(
            rebase(&p("db/migrate"), &p("../.."), &p("../.."), cwd),
            p("db/migrate")
        );
        // The project is elsewhere: the path points back at the file's directory.
        assert_eq!(
            rebase(&p("db/migrate"), &p("../.."), &p("."), cwd),
            p("../../db/migrate")
        );
        assert_eq!(rebase(&p("/abs/x"), &p(".."), &p("."), cwd), p("/abs/x"));
        assert_eq!(absolute(&p("../x/./y"), cwd), p("/r/app/x/y"));
    }
}
