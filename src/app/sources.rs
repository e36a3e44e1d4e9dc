//! Finding the form files under the paths a user names.
//!
//! A file named on the command line is read whatever it is (and refused with a reason if jixiao
//! cannot read its type). A directory is walked the way ripgrep walks one: hidden entries and what
//! `.gitignore`/`.ignore` files exclude are not read, symbolic links are not followed (so no file
//! is counted twice and no link loop hangs the walk), and every file passed over is counted with
//! its reason, so that nothing is skipped without a word.

use crate::diag::Diagnostic;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why a file under a walked directory was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SkipReason {
    /// A submission format jixiao does not read yet (`.ods`, `.xlsb`, `.doc`, `.wps`, `.pdf` …).
    UnreadFormat,
    /// A TOML file that configures a tool (`Cargo.toml`, `clippy.toml` …), not a form.
    ToolConfig,
    /// Neither a form file nor a workbook (`.rs`, `.md`, `.csv` …).
    OtherType,
    /// The lock file Excel and WPS leave beside an open workbook (`~$form.xlsx`).
    LockFile,
    /// A symbolic link: not followed, so that no file is read twice.
    Link,
    /// A FIFO, socket or device: reading it could block the batch.
    Special,
}

impl SkipReason {
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::UnreadFormat => "暂不支持的表格格式 (a submission format not read yet)",
            SkipReason::ToolConfig => "工具配置文件，不是表格 (a tool's configuration, not a form)",
            SkipReason::OtherType => "不是表格文件 (not a form file or workbook)",
            SkipReason::LockFile => "Excel/WPS 的锁定文件 (an Excel/WPS lock file)",
            SkipReason::Link => "符号链接，未跟随 (a symbolic link, not followed)",
            SkipReason::Special => "管道、套接字或设备 (a FIFO, socket or device)",
        }
    }

    /// Worth a warning on its own: a submission that will not be scored.
    pub fn is_notable(self) -> bool {
        matches!(self, SkipReason::UnreadFormat | SkipReason::Link)
    }
}

/// What a walk found: the files to read, the paths it could not read, and what it passed over.
#[derive(Debug, Default)]
pub struct Sources {
    /// Sorted and without duplicates, so the output order does not depend on the file system.
    pub files: Vec<PathBuf>,
    pub errors: Vec<Diagnostic>,
    pub skipped: Vec<(PathBuf, SkipReason)>,
}

impl Sources {
    /// `N` files skipped, by reason: for the end-of-batch summary.
    pub fn skipped_summary(&self) -> Option<String> {
        if self.skipped.is_empty() {
            return None;
        }
        let mut counts: BTreeMap<SkipReason, usize> = BTreeMap::new();
        for (_, reason) in &self.skipped {
            *counts.entry(*reason).or_default() += 1;
        }
        let parts: Vec<String> = counts
            .iter()
            .map(|(reason, n)| format!("{n} {}", reason.describe()))
            .collect();
        Some(format!(
            "跳过 {} 个文件 (skipped {} file(s)): {}; 隐藏目录和 .gitignore 忽略的路径不读取 (hidden folders and ignored paths are not read)",
            self.skipped.len(),
            self.skipped.len(),
            parts.join(", ")
        ))
    }
}

/// The form files under the given paths, with the errors of reading them: [`find`] without the
/// list of what was passed over.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let found = find(paths);
    (found.files, found.errors)
}

/// The form files under the given paths: files as given, directories walked for `*.toml` (and,
/// with the `xlsx` feature, `.xlsx`/`.xlsm`/`.xls`/`.et` workbooks and `.docx` documents).
pub fn find(paths: &[PathBuf]) -> Sources {
    let mut sources = Sources::default();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => walk(path, &mut sources),
            Ok(_) => sources.files.push(path.clone()),
            Err(e) => sources.errors.push(Diagnostic::error(
                "input::io",
                format!(
                    "无法读取 {} (cannot read {}): {e}",
                    path.display(),
                    path.display()
                ),
            )),
        }
    }
    sources.files.sort();
    sources.files.dedup();
    sources.skipped.sort();
    sources
}

fn walk(dir: &Path, sources: &mut Sources) {
    let walker = ignore::WalkBuilder::new(dir)
        .follow_links(false)
        // A submissions folder is rarely a git checkout: its .gitignore still says what to leave.
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                sources.errors.push(Diagnostic::error(
                    "input::io",
                    format!("无法读取目录 (cannot read a directory): {e}"),
                ));
                continue;
            }
        };
        let Some(kind) = entry.file_type() else {
            continue; // standard input: not produced by a directory walk
        };
        let path = entry.into_path();
        if kind.is_dir() {
            continue;
        }
        let reason = if kind.is_symlink() {
            Some(SkipReason::Link)
        } else if !kind.is_file() {
            Some(SkipReason::Special)
        } else {
            classify(&path)
        };
        match reason {
            None => sources.files.push(path),
            Some(reason) => sources.skipped.push((path, reason)),
        }
    }
}

/// TOML files that configure tools, found beside forms in a repository or a project folder.
const TOOL_CONFIGS: &[&str] = &[
    "Cargo.toml",
    "clippy.toml",
    "rustfmt.toml",
    "rust-toolchain.toml",
    "deny.toml",
    "taplo.toml",
    "typos.toml",
    "_typos.toml",
    "pyproject.toml",
    "Cross.toml",
    "config.toml",
];

/// Extensions of submissions jixiao does not read yet: reported, never silently passed over.
/// (`.xls`, `.et` and `.docx` are read, with the `xlsx` feature.)
const UNREAD_FORMATS: &[&str] = &[
    "ods",
    "xlsb",
    "doc",
    "wps",
    "pdf",
    #[cfg(not(feature = "xlsx"))]
    "xls",
    #[cfg(not(feature = "xlsx"))]
    "et",
    #[cfg(not(feature = "xlsx"))]
    "docx",
];

/// Whether a walked file is read, or why not.
fn classify(path: &Path) -> Option<SkipReason> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.starts_with("~$") {
        return Some(SkipReason::LockFile);
    }
    if TOOL_CONFIGS.contains(&name) {
        return Some(SkipReason::ToolConfig);
    }
    if is_form_file(path) {
        return None;
    }
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if UNREAD_FORMATS.contains(&extension.as_str()) {
        Some(SkipReason::UnreadFormat)
    } else {
        Some(SkipReason::OtherType)
    }
}

/// Whether a path names a file jixiao reads as forms: a `.toml` form file or (feature `xlsx`) a
/// workbook.
pub fn is_form_file(path: &Path) -> bool {
    let toml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    #[cfg(feature = "xlsx")]
    let toml = toml || crate::xlsx::is_workbook(path);
    toml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_configs_lock_files_and_other_formats_are_skipped_with_a_reason() {
        let reason = |name: &str| classify(Path::new(name));
        assert_eq!(reason("a/Cargo.toml"), Some(SkipReason::ToolConfig));
        assert_eq!(reason("a/~$form.xlsx"), Some(SkipReason::LockFile));
        assert_eq!(reason("a/form.ods"), Some(SkipReason::UnreadFormat));
        assert_eq!(reason("a/form.DOC"), Some(SkipReason::UnreadFormat));
        assert_eq!(reason("a/form.pdf"), Some(SkipReason::UnreadFormat));
        assert_eq!(reason("a/form.wps"), Some(SkipReason::UnreadFormat));
        assert_eq!(reason("a/form.xlsb"), Some(SkipReason::UnreadFormat));
        #[cfg(feature = "xlsx")]
        for read in ["a/form.xls", "a/form.ET", "a/form.DOCX", "a/form.xlsx"] {
            assert_eq!(reason(read), None, "{read}");
        }
        #[cfg(not(feature = "xlsx"))]
        assert_eq!(reason("a/form.xls"), Some(SkipReason::UnreadFormat));
        assert_eq!(reason("a/notes.md"), Some(SkipReason::OtherType));
        assert_eq!(reason("a/g.toml.txt"), Some(SkipReason::OtherType));
        assert_eq!(reason("a/form.toml"), None);
    }
}
