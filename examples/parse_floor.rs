//! The parse-only floor of the batch path: the same files found, read and deserialized into the
//! raw form structs on the same worker pool, and nothing else — no validation, scoring, review or
//! output. `jixiao review` over the same files is measured against it (docs/performance.md).
//!
//!     cargo run --release --example parse_floor -- [--jobs N] PATH…

use jixiao::app::Batch;
use jixiao::app::sources;
use std::process::ExitCode;

#[path = "support/floor_args.rs"]
mod floor_args;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let (jobs, paths) = floor_args::parse();
    let (files, errors) = sources::collect(&paths);
    let Ok(batch) = Batch::new(jobs) else {
        return ExitCode::from(2);
    };
    let mut parsed = 0usize;
    let mut failed = errors.len();
    let result = batch.run(
        &files,
        |path| {
            let text = jixiao::read_text(path).ok()?;
            toml::from_str::<jixiao::form::raw::RawForm>(&text).ok()
        },
        |raw| {
            match raw {
                Some(_) => parsed += 1,
                None => failed += 1,
            }
            Ok(())
        },
    );
    if result.is_err() {
        return ExitCode::from(2);
    }
    eprintln!("parse_floor: {parsed} forms read and deserialized, {failed} failed");
    ExitCode::SUCCESS
}
