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
///
/// The new text goes to a temporary file in the same directory, which then takes the name: with
/// [`Overwrite::Refuse`] by a hard link, which fails if the name exists — even if the file
/// appeared after the check — and falls back to a rename where the file system has no hard links;
/// with [`Overwrite::Allow`] by a rename over the old file, whose permissions the new one keeps.
/// A read-only file is never replaced.
pub fn write_atomic(path: &Path, contents: &[u8], overwrite: Overwrite) -> Result<(), Diagnostic> {
    let shown = path.display().to_string();
    let exists = || {
        Diagnostic::error(
            "output::exists",
            format!("{shown} 已存在，未覆盖 (refusing to overwrite {shown}: it exists)"),
        )
        .help("pass --force to replace it")
    };
    let existing = std::fs::symlink_metadata(path).ok();
    if overwrite == Overwrite::Refuse && existing.is_some() {
        return Err(exists());
    }
    let existing = std::fs::metadata(path).ok();
    if existing
        .as_ref()
        .is_some_and(|m| m.permissions().readonly())
    {
        return Err(Diagnostic::error(
            "output::read-only",
            format!("{shown} 是只读文件，未改写 (refusing to replace {shown}: it is read-only)"),
        )
        .help("make it writable first if it should be replaced"));
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
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(contents)?;
        if let Some(old) = &existing {
            file.set_permissions(old.permissions())?;
        }
        file.sync_all()
    })();
    let placed = written.and_then(|()| match overwrite {
        Overwrite::Allow => std::fs::rename(&temp, path),
        Overwrite::Refuse => match std::fs::hard_link(&temp, path) {
            Ok(()) => std::fs::remove_file(&temp),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
            // No hard links here (FAT, some network shares): check again, then rename.
            Err(_) if path.exists() => Err(std::io::ErrorKind::AlreadyExists.into()),
            Err(_) => std::fs::rename(&temp, path),
        },
    });
    if let Err(e) = placed {
        let _ = std::fs::remove_file(&temp);
        return Err(if e.kind() == std::io::ErrorKind::AlreadyExists {
            exists()
        } else {
            io_error(&shown, &e)
        });
    }
    // The rename itself is durable once the directory is synced (best effort: not every
    // platform opens directories).
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
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
    fn a_replaced_file_keeps_its_permissions_and_a_read_only_one_is_not_replaced() {
        let dir = scratch("mode");
        let path = dir.join("a.rules");
        std::fs::write(&path, "old").unwrap();
        let mut permissions = std::fs::metadata(&path).unwrap().permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&path, permissions.clone()).unwrap();
        let err = write_atomic(&path, b"new", Overwrite::Allow).unwrap_err();
        assert_eq!(err.code, "output::read-only");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
            write_atomic(&path, b"new", Overwrite::Allow).unwrap();
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o664);
            assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        }
        #[cfg(not(unix))]
        {
            permissions.set_readonly(false);
            std::fs::set_permissions(&path, permissions).unwrap();
        }
    }

    /// A dangling symbolic link is a name that exists: refused, not followed.
    #[cfg(unix)]
    #[test]
    fn refuses_a_name_taken_by_a_dangling_link() {
        let dir = scratch("link");
        let path = dir.join("out.toml");
        std::os::unix::fs::symlink(dir.join("nowhere"), &path).unwrap();
        let err = write_atomic(&path, b"data", Overwrite::Refuse).unwrap_err();
        assert_eq!(err.code, "output::exists");
        assert!(!dir.join("nowhere").exists());
    }

    #[test]
    fn creates_missing_directories() {
        let dir = scratch("mkdir");
        let path = dir.join("x/y/b.toml");
        write_atomic(&path, b"data", Overwrite::Refuse).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "data");
    }
}
