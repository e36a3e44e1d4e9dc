//! `jixiao schema`: the JSON Schema of form files, for TOML editors (taplo, Even Better TOML).

use super::Outcome;
use super::output::{Out, report};
use crate::write::{Overwrite, write_atomic};
use clap::Args;
use std::io;
use std::path::PathBuf;

/// The schema, shipped as `docs/form.schema.json`.
pub const FORM_SCHEMA: &str = include_str!("../../docs/form.schema.json");

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write the schema to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: SchemaArgs, out: &mut Out) -> io::Result<Outcome> {
    match &args.output {
        None => out.write_str(FORM_SCHEMA)?,
        Some(path) => {
            let overwrite = if args.force {
                Overwrite::Allow
            } else {
                Overwrite::Refuse
            };
            if let Err(e) = write_atomic(path, FORM_SCHEMA.as_bytes(), overwrite) {
                report(&[e]);
                return Ok(Outcome::BadInput);
            }
            out.line(&path.display().to_string())?;
        }
    }
    Ok(Outcome::Ok)
}
