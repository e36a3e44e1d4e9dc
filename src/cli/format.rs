//! The output format of the commands that print results (`score`, `review`, `diff`), and the CSV
//! options they share: one list, so that a format added here is offered by each of them, and a
//! command that cannot write it fails to compile until it can.

use crate::render::csv::CsvStyle;
use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal.
    Table,
    Json,
    /// One row per form (`score`), finding (`review`) or changed form (`diff`).
    Csv,
    Markdown,
}

/// How CSV is written.
#[derive(Debug, Args)]
pub struct CsvArgs {
    /// Start CSV output with a UTF-8 byte-order mark, so that Excel reads the Chinese text.
    #[arg(long)]
    pub bom: bool,
    /// CSV fields exactly as they are, for programs: no `'` before a field that a spreadsheet
    /// would run as a formula (`=`, `+`, `-`, `@`), no escaping of control characters.
    #[arg(long)]
    pub csv_raw: bool,
}

impl CsvArgs {
    pub fn style(&self) -> CsvStyle {
        if self.csv_raw {
            CsvStyle::Raw
        } else {
            CsvStyle::Safe
        }
    }

    /// What CSV output starts with: the byte-order mark, when asked for.
    pub fn opening(&self) -> &'static str {
        if self.bom { "\u{feff}" } else { "" }
    }
}
