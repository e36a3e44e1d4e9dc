//! Lists `scoring-rules/*.rules` for the binary, so that shipping a province's rules is one rule
//! file (plus its examples) and no Rust code: `src/rules/mod.rs` includes the list as `BUILTIN`.

use std::fmt::Write;
use std::path::Path;

/// Tests and the registry take these by position: they come first, in this order.
const FIRST: &[&str] = &["henan-2023", "central-2020"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new("scoring-rules");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut ids: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let is_rules = path.extension().is_some_and(|e| e == "rules");
            is_rules.then(|| path.file_stem()?.to_str().map(str::to_string))?
        })
        .collect();
    // Shipped first, then by name: the same order on every machine.
    ids.sort_by_key(|id| {
        (
            FIRST.iter().position(|f| f == id).unwrap_or(FIRST.len()),
            id.clone(),
        )
    });
    let mut out = String::from("&[\n");
    for id in &ids {
        let _ = writeln!(
            out,
            "    ({id:?}, \"built-in {id}.rules\", include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/scoring-rules/{id}.rules\"))),"
        );
    }
    out.push(']');
    let target = Path::new(&std::env::var("OUT_DIR")?).join("builtin_rules.rs");
    std::fs::write(target, out)?;
    Ok(())
}
