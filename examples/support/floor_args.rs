//! The command line of the floor examples (`parse_floor`, `workbook_floor`): `[--jobs N] PATH…`.

use std::path::PathBuf;

/// The jobs asked for (`--jobs N` or `-j N`; the machine's cores when absent) and the paths.
pub fn parse() -> (Option<usize>, Vec<PathBuf>) {
    let mut jobs = None;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--jobs" | "-j" => jobs = args.next().and_then(|n| n.parse().ok()),
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    (jobs, paths)
}
