//! Finding the form files under the paths a user names.

use crate::diag::Diagnostic;
use std::path::{Path, PathBuf};
/// The form files under the given paths: files as given, directories searched recursively for
/// `*.toml` (and, with the `xlsx` feature, `*.xlsx` workbooks). Sorted, so the output order does
/// not depend on the file system.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => walk(path, &mut files, &mut errors),
            Ok(_) => files.push(path.clone()),
            Err(e) => errors.push(Diagnostic::error(
                "input::io",
                format!(
                    "无法读取 {} (cannot read {}): {e}",
                    path.display(),
                    path.display()
                ),
            )),
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(Diagnostic::error(
                "input::io",
                format!(
                    "无法读取目录 {} (cannot read directory {}): {e}",
                    dir.display(),
                    dir.display()
                ),
            ));
            return;
        }
    };
    // The entry's own type costs no system call; only a symbolic link is followed to see
    // what it points at.
    let mut children: Vec<(PathBuf, bool)> = entries
        .filter_map(|e| e.ok())
        .map(|e| {
            let path = e.path();
            let is_dir = match e.file_type() {
                Ok(t) if !t.is_symlink() => t.is_dir(),
                _ => path.is_dir(),
            };
            (path, is_dir)
        })
        .collect();
    children.sort();
    for (child, is_dir) in children {
        let name = child.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Hidden files, and the lock files Excel and WPS leave beside an open workbook.
        if name.starts_with('.') || name.starts_with("~$") {
            continue;
        }
        if is_dir {
            walk(&child, files, errors);
        } else if is_form_file(&child) {
            files.push(child);
        }
    }
}

pub fn is_form_file(path: &Path) -> bool {
    let toml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    #[cfg(feature = "xlsx")]
    let toml = toml || crate::xlsx::is_workbook(path);
    toml
}
