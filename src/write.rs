//! Writing files without losing anything: a temporary file in the same directory, then a rename,
//! and never over an existing file unless the user said `--force`.

use crate::diag::Diagnostic;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Refuse to replace an existing file.
    Refuse,
    /// Replace it (`--force`, or a command such as `rules fmt` whose job is to rewrite in place).
    Allow,
}

/// Write `contents` to `path` atomically: readers see the old file or the new one, never half.
pub fn write_atomic(path: &Path, contents: &[u8], overwrite: Overwrite) -> Result<(), Diagnostic> {
    let shown = path.display().to_string();
    if overwrite == Overwrite::Refuse && path.exists() {
        return Err(Diagnostic::error(
            "output::exists",
            format!("{shown} 已存在，未覆盖 (refusing to overwrite {shown}: it exists)"),
        )
        .help("pass --force to replace it"));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir.display().to_string(), &e))?;
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("output");
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(io_error(&shown, &e));
    }
    Ok(())
}

fn io_error(path: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "output::io",
        format!("无法写入 {path} (cannot write {path}): {e}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("jixiao-write-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn refuses_to_overwrite_without_force_and_keeps_the_old_file() {
        let dir = scratch("refuse");
        let path = dir.join("a.toml");
        std::fs::write(&path, "old").unwrap();
        let err = write_atomic(&path, b"new", Overwrite::Refuse).unwrap_err();
        assert_eq!(err.code, "output::exists");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        write_atomic(&path, b"new", Overwrite::Allow).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn creates_missing_directories() {
        let dir = scratch("mkdir");
        let path = dir.join("x/y/b.toml");
        write_atomic(&path, b"data", Overwrite::Refuse).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "data");
    }
}
