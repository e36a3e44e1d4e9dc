//! `jixiao import WORKBOOK… -o DIR`: one form file per table found in the workbooks (`.xlsx`,
//! `.xls`, `.et`) and Word documents (`.docx`).

use super::Outcome;
use super::output::{Out, report};
use crate::write::{Overwrite, write_atomic};
use crate::xlsx::{self, ImportOptions};
use clap::Args;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Workbooks (.xlsx, .xls, .et) or Word documents (.docx) holding one or more 自评表.
    #[arg(required = true)]
    pub workbooks: Vec<PathBuf>,
    /// Directory to write the form files to; without it, the forms are printed.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Replace form files that exist.
    #[arg(long)]
    pub force: bool,
    /// The year, for tables that do not state it in their title.
    #[arg(long)]
    pub year: Option<i32>,
    /// Name this ruleset (id, e.g. henan-2023) in every form written.
    #[arg(long, value_name = "ID")]
    pub rules: Option<String>,
}

pub fn run(args: ImportArgs, out: &mut Out) -> io::Result<Outcome> {
    if let Some(rules) = &args.rules {
        let is_path = rules.ends_with(".rules") || rules.contains(['/', '\\']);
        let parsed = if is_path {
            Err("a form names its ruleset by id, not by file".to_string())
        } else {
            crate::rules::RulesetRef::parse(rules).map(|_| ())
        };
        if let Err(message) = parsed {
            report(&[crate::diag::Diagnostic::error(
                "usage::rules",
                format!(
                    "--rules 应为评分规则 id，如 henan-2023 (--rules takes a ruleset id): {message}"
                ),
            )]);
            return Ok(Outcome::BadInput);
        }
    }
    let options = ImportOptions {
        year: args.year,
        ruleset: args.rules.clone(),
    };
    let overwrite = if args.force {
        Overwrite::Allow
    } else {
        Overwrite::Refuse
    };
    let mut outcome = Outcome::Ok;
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut written: Vec<PathBuf> = Vec::new();
    let mut count = 0usize;
    for path in &args.workbooks {
        let workbook = match xlsx::read_path(path) {
            Ok(w) => w,
            Err(e) => {
                errors.extend(e);
                continue;
            }
        };
        let import = xlsx::import_workbook(&workbook, &options);
        warnings.extend(import.warnings);
        if import.forms.is_empty() {
            errors.push(crate::diag::Diagnostic::error(
                "xlsx::no-form",
                format!(
                    "工作簿中没有找到自评表 (no form found in {}): expected header rows such as 年初预算数 / 全年执行数 and 一级指标 / 三级指标",
                    path.display()
                ),
            ));
        }
        for table in import.forms {
            let imported = match table {
                Ok(t) => t,
                Err(e) => {
                    errors.extend(e);
                    continue;
                }
            };
            warnings.extend(imported.warnings.iter().cloned());
            // The text is written as read; what does not load is reported at its cell.
            if let Err(e) = imported.load() {
                errors.extend(e);
            }
            count += 1;
            match &args.output {
                None => {
                    out.line(&format!(
                        "# ---- {} ({})",
                        imported.source_name, imported.place
                    ))?;
                    out.write_str(&imported.toml)?;
                    out.line("")?;
                }
                Some(dir) => {
                    let file = file_name(dir, count, &imported.name, &imported.sheet, &written);
                    match write_atomic(&file, imported.toml.as_bytes(), overwrite) {
                        Ok(()) => {
                            out.line(&format!(
                                "{} ← {} ({} {})",
                                file.display(),
                                imported.document,
                                imported.kind,
                                imported.place
                            ))?;
                            written.push(file);
                        }
                        Err(e) => errors.push(e),
                    }
                }
            }
        }
    }
    out.flush()?;
    if !warnings.is_empty() {
        report(&warnings);
    }
    if !errors.is_empty() {
        report(&errors);
        outcome = outcome.worst(Outcome::BadInput);
    }
    if args.output.is_some() {
        eprintln!(
            "jixiao: 已导入 {count} 张表，写出 {} 个文件 (imported {count} table(s), wrote {} file(s)){}",
            written.len(),
            written.len(),
            if warnings.is_empty() {
                String::new()
            } else {
                format!(
                    "；{} 处单元格未导入，见上 ({} cell(s) not placed: see the warnings above)",
                    warnings.len(),
                    warnings.len()
                )
            }
        );
    }
    Ok(outcome)
}

/// `DIR/01-市民之家运行经费.toml`: numbered in workbook order, named after the form.
fn file_name(dir: &Path, index: usize, name: &str, sheet: &str, taken: &[PathBuf]) -> PathBuf {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| {
                !c.is_control()
                    && !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
            })
            .take(60)
            .collect::<String>()
            .trim()
            .trim_matches('.')
            .to_string()
    };
    let base = match clean(name) {
        n if n.is_empty() => clean(sheet),
        n => n,
    };
    let stem = format!("{index:02}-{base}");
    let mut file = dir.join(format!("{stem}.toml"));
    let mut n = 2;
    while taken.contains(&file) {
        file = dir.join(format!("{stem}-{n}.toml"));
        n += 1;
    }
    file
}
