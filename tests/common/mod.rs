//! Shared helpers for the integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run the `jixiao` binary from the crate root.
pub fn jixiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run jixiao")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A path relative to the crate root, with `/` separators, for stable snapshots.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Every rule file of the repository: the shipped rulesets and the test fixtures, sorted.
pub fn rule_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                // The bad-input corpus is meant not to parse.
                if path.file_name().is_some_and(|n| n == "invalid") {
                    continue;
                }
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rules") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("scoring-rules"), &mut files);
    walk(&root().join("tests/fixtures"), &mut files);
    files.sort();
    files
}

#[cfg(feature = "xlsx")]
pub mod workbook;

/// A fresh scratch directory under the target directory, named for the test, removed when the
/// test is done with it (set `JIXIAO_KEEP_SCRATCH=1` to keep it and look).
pub fn scratch(name: &str) -> Scratch {
    // Unique per call: tests run in parallel, and one test's directory is removed when it ends.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = root()
        .join("target")
        .join("test-scratch")
        .join(format!("{name}-{}-{call}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

/// A scratch directory that removes itself when dropped.
#[derive(Debug)]
pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = PathBuf;
    fn deref(&self) -> &PathBuf {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::env::var_os("JIXIAO_KEEP_SCRATCH").is_none() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Run the `jixiao` binary in a given directory.
pub fn jixiao_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run jixiao")
}

pub mod constructs;
