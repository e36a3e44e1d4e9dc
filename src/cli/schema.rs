//! `jixiao schema [form|score|review|diff]` (or `--output score|review|diff`): the JSON Schema of
//! form files, for TOML editors (taplo, Even Better TOML), or of the JSON that `score`, `review`
//! and `diff` write.

use super::Outcome;
use super::output::{Out, report};
use crate::render::schema::{self, Output};
use crate::write::{Overwrite, write_atomic};
use clap::{Args, ValueEnum};
use std::io;
use std::path::PathBuf;

/// The schema, shipped as `docs/form.schema.json`.
pub const FORM_SCHEMA: &str = include_str!("../../docs/form.schema.json");

/// What a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum What {
    /// Form files (TOML): for editors.
    Form,
    /// The JSON of `jixiao score --format json`.
    Score,
    /// The JSON of `jixiao review --format json`.
    Review,
    /// The JSON of `jixiao diff --format json`.
    Diff,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema: form files (the default), or the JSON output of score, review or diff.
    #[arg(value_enum)]
    pub what: Option<What>,
    /// Write the schema to this file instead of standard output. `--output score`, `review` or
    /// `diff` alone names the JSON output instead, as `jixiao schema score` does (write
    /// `./score` for a file of that name).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `--output score` (a bare word, no schema named before it): the schema of score's output.
fn output_named(path: &std::path::Path) -> Option<What> {
    match path.to_str()? {
        "score" => Some(What::Score),
        "review" => Some(What::Review),
        "diff" => Some(What::Diff),
        _ => None,
    }
}

pub fn run(args: SchemaArgs, out: &mut Out) -> io::Result<Outcome> {
    let (what, file) = match (args.what, &args.output) {
        (None, Some(path)) if output_named(path).is_some() => (output_named(path), None),
        (what, file) => (what, file.as_ref()),
    };
    let text = match what.unwrap_or(What::Form) {
        What::Form => FORM_SCHEMA.to_string(),
        What::Score => schema::text(Output::Score),
        What::Review => schema::text(Output::Review),
        What::Diff => schema::text(Output::Diff),
    };
    match file {
        None => out.write_str(&text)?,
        Some(path) => {
            let overwrite = if args.force {
                Overwrite::Allow
            } else {
                Overwrite::Refuse
            };
            if let Err(e) = write_atomic(path, text.as_bytes(), overwrite) {
                report(&[e]);
                return Ok(Outcome::BadInput);
            }
            out.line(&path.display().to_string())?;
        }
    }
    Ok(Outcome::Ok)
}
