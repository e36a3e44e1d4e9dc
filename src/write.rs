//! Writing files without losing anything: a temporary file in the same directory, then a rename,
//! and never over an existing file unless the user said `--force`.
//!
//! Written for a shared directory where another local user may plant links: the temporary file
//! has a random name and is created with `O_EXCL` (`create_new`), which never follows a link;
//! `--force` replaces only a regular file (never a link, a FIFO, a device such as `/dev/stdout`, a
//! directory); `rules fmt` ([`Overwrite::InPlace`]) writes through a link to its target and keeps
//! the file's owner and mode, or refuses. Temporary files of ours left by a killed run (older
//! than an hour) are removed by the next write in that directory.

use crate::diag::Diagnostic;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Refuse to replace an existing file.
    Refuse,
    /// Replace it (`--force`): a regular file only, never through a symbolic link.
    Allow,
    /// Rewrite the file a user named (`rules fmt`): through a symbolic link to its target, with
    /// its owner and mode kept; refused for a file with other hard links (which a rename would
    /// split) or one whose owner cannot be kept.
    InPlace,
}

/// Our temporary files: `.NAME.jixiao-RANDOM.tmp`.
const TEMP_MARK: &str = ".jixiao-";
const TEMP_SUFFIX: &str = ".tmp";
/// A temporary file of ours older than this was left by a run that was killed.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// Write `contents` to `path` atomically: readers see the old file or the new one, never half.
///
/// The new text goes to a temporary file in the same directory, which then takes the name: with
/// [`Overwrite::Refuse`] by a hard link, which fails if the name exists — even if the file
/// appeared after the check — and falls back to a rename where the file system has no hard links;
/// otherwise by a rename over the old file, whose permissions the new one keeps.
/// A read-only file is never replaced.
pub fn write_atomic(path: &Path, contents: &[u8], overwrite: Overwrite) -> Result<(), Diagnostic> {
    let given = crate::diag::visible(&path.display().to_string()).into_owned();
    let (path, existing) = replaceable_target(path, &given, overwrite)?;
    let path = path.as_path();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir.display().to_string(), &e))?;
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("output");
    let (temp, mut file) = create_temp(&dir, file_name).map_err(|e| io_error(&given, &e))?;
    let written = fill_temp(&mut file, contents, existing.as_ref(), overwrite);
    #[cfg(unix)]
    let ours = file.metadata().ok().map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid()
    });
    #[cfg(not(unix))]
    let ours: Option<u32> = None;
    drop(file);
    let placed = written.and_then(|()| place(&temp, path, overwrite));
    if let Err(e) = placed {
        let _ = std::fs::remove_file(&temp);
        return Err(if e.kind() == std::io::ErrorKind::AlreadyExists {
            exists_error(&given)
        } else {
            io_error(&given, &e)
        });
    }
    // The rename itself is durable once the directory is synced (best effort: not every
    // platform opens directories).
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    remove_stale_temps(&dir, ours);
    Ok(())
}

fn refusal(given: &str, code: &'static str, why: String, help: &str) -> Diagnostic {
    Diagnostic::error(code, format!("{given} {why}")).help(help.to_string())
}

fn exists_error(given: &str) -> Diagnostic {
    refusal(
        given,
        "output::exists",
        format!("已存在，未覆盖 (refusing to overwrite {given}: it exists)"),
        "pass --force to replace it",
    )
}

/// The file that is really replaced (for `rules fmt`, a link's target) and what is there now,
/// or why it may not be replaced: it exists and `--force` was not given, it is a link, not a
/// regular file, read-only, or (rewritten in place) has other hard links.
fn replaceable_target(
    path: &Path,
    given: &str,
    overwrite: Overwrite,
) -> Result<(PathBuf, Option<std::fs::Metadata>), Diagnostic> {
    let link = std::fs::symlink_metadata(path).ok();
    if overwrite == Overwrite::Refuse && link.is_some() {
        return Err(exists_error(given));
    }
    let path: PathBuf = match &link {
        Some(m) if m.file_type().is_symlink() => match overwrite {
            Overwrite::InPlace => std::fs::canonicalize(path).map_err(|e| io_error(given, &e))?,
            _ => {
                return Err(refusal(
                    given,
                    "output::not-a-file",
                    "是符号链接，未替换 (refusing to replace a symbolic link)".into(),
                    "name the file it points to, or remove the link first",
                ));
            }
        },
        _ => path.to_path_buf(),
    };
    let existing = std::fs::symlink_metadata(&path).ok();
    if let Some(m) = &existing {
        if !m.file_type().is_file() {
            return Err(refusal(
                given,
                "output::not-a-file",
                "不是普通文件，未替换 (refusing to replace what is not a regular file: a directory, FIFO, socket or device)".into(),
                "write to a regular file's name",
            ));
        }
        if m.permissions().readonly() {
            return Err(refusal(
                given,
                "output::read-only",
                format!("是只读文件，未改写 (refusing to replace {given}: it is read-only)"),
                "make it writable first if it should be replaced",
            ));
        }
        #[cfg(unix)]
        if overwrite == Overwrite::InPlace {
            use std::os::unix::fs::MetadataExt;
            if m.nlink() > 1 {
                return Err(refusal(
                    given,
                    "output::hard-links",
                    format!(
                        "有 {} 个硬链接，改写会拆开它们，未改写 (refusing to rewrite a file with {} hard links: the rewrite would split them)",
                        m.nlink(),
                        m.nlink()
                    ),
                    "format a copy (`jixiao rules fmt` on a file of its own), or remove the other links",
                ));
            }
        }
    }
    Ok((path, existing))
}

/// The new contents, with the replaced file's permissions (and, rewritten in place, its owner),
/// synced to disk before the temporary file takes the name.
fn fill_temp(
    file: &mut std::fs::File,
    contents: &[u8],
    existing: Option<&std::fs::Metadata>,
    overwrite: Overwrite,
) -> std::io::Result<()> {
    file.write_all(contents)?;
    if let Some(old) = existing {
        file.set_permissions(old.permissions())?;
        #[cfg(unix)]
        if overwrite == Overwrite::InPlace {
            use std::os::unix::fs::MetadataExt;
            let ours = file.metadata()?;
            if (ours.uid(), ours.gid()) != (old.uid(), old.gid()) {
                std::os::unix::fs::fchown(&*file, Some(old.uid()), Some(old.gid())).map_err(
                    |e| {
                        std::io::Error::new(
                            e.kind(),
                            format!("its owner cannot be kept ({e}); not rewritten"),
                        )
                    },
                )?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = overwrite;
    file.sync_all()
}

/// The temporary file takes the target's name: by a rename over an old file, or — when nothing
/// may be replaced — by a hard link, which fails if the name appeared after the first check.
fn place(temp: &Path, path: &Path, overwrite: Overwrite) -> std::io::Result<()> {
    match overwrite {
        Overwrite::Allow | Overwrite::InPlace => std::fs::rename(temp, path),
        Overwrite::Refuse => match std::fs::hard_link(temp, path) {
            Ok(()) => std::fs::remove_file(temp),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
            // No hard links here (FAT, some network shares): check again, then rename.
            Err(_) if std::fs::symlink_metadata(path).is_ok() => {
                Err(std::io::ErrorKind::AlreadyExists.into())
            }
            Err(_) => std::fs::rename(temp, path),
        },
    }
}

/// A new temporary file beside the target: a random name, created with `O_EXCL` so that a file
/// or a link planted under that name is never opened.
fn create_temp(dir: &Path, file_name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    let mut last = None;
    for _ in 0..16 {
        let temp = dir.join(format!(
            ".{file_name}{TEMP_MARK}{:016x}{TEMP_SUFFIX}",
            random()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::ErrorKind::AlreadyExists.into()))
}

/// 64 unpredictable bits from the standard library's randomly keyed hasher, the time and a
/// counter (no extra crate for a file name).
fn random() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    h.write_u32(std::process::id());
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    h.finish()
}

/// Remove our temporary files older than an hour from `dir`: regular files named as ours and
/// owned by the user running now (`owner`, where the platform says), never a link.
fn remove_stale_temps(dir: &Path, owner: Option<u32>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for entry in entries.flatten().take(100_000) {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with('.') && name.contains(TEMP_MARK) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let Ok(m) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        #[cfg(unix)]
        let mine = {
            use std::os::unix::fs::MetadataExt;
            owner.is_none_or(|uid| uid == m.uid())
        };
        #[cfg(not(unix))]
        let mine = owner.is_none();
        let old = m
            .modified()
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age > STALE_AFTER);
        if m.file_type().is_file() && mine && old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Refuse an output path that names one of the inputs (the same file by device and inode, or
/// by canonical path): `report -o form.toml form.toml` would replace the form with the report.
pub fn refuse_input(output: &Path, inputs: &[PathBuf]) -> Result<(), Diagnostic> {
    let Ok(out) = std::fs::metadata(output) else {
        return Ok(()); // a new file is no input
    };
    for input in inputs {
        let Ok(m) = std::fs::metadata(input) else {
            continue;
        };
        if same_file(&out, &m, output, input) {
            let shown = crate::diag::visible(&output.display().to_string()).into_owned();
            return Err(Diagnostic::error(
                "output::is-input",
                format!("{shown} 是输入文件之一，未覆盖 (refusing to write over {shown}: it is one of the inputs)"),
            )
            .help("write the output to another file"));
        }
    }
    Ok(())
}

fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata, pa: &Path, pb: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let _ = (pa, pb);
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        matches!((std::fs::canonicalize(pa), std::fs::canonicalize(pb)), (Ok(x), Ok(y)) if x == y)
    }
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
