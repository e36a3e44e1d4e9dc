//! Reading the forms of one file, whatever its format: a form file holds one, a workbook one per
//! table.

use crate::diag::Diagnostic;
use crate::form::{self, Form};
use crate::rules;
use std::path::Path;

/// The forms of one path: a form file holds one, a workbook one per table.
#[derive(Debug, Default)]
pub struct PathForms {
    /// Each form, or the errors that kept it from loading (located in the file, or at the cell).
    pub forms: Vec<Result<Form, Vec<Diagnostic>>>,
    /// What was read but could not be placed (cells outside any table), and skipped sheets.
    pub warnings: Vec<Diagnostic>,
}

/// Load the forms of one file: a form file, or (feature `xlsx`) every table of a workbook.
pub fn load_forms(path: &Path) -> PathForms {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("rules"))
    {
        return PathForms {
            forms: vec![Err(rule_file_given(path))],
            warnings: Vec::new(),
        };
    }
    #[cfg(feature = "xlsx")]
    if crate::xlsx::is_workbook(path) {
        return load_workbook(path, &crate::xlsx::ImportOptions::default());
    }
    if let Some(errors) = unsupported_type(path) {
        return PathForms {
            forms: vec![Err(errors)],
            warnings: Vec::new(),
        };
    }
    PathForms {
        forms: vec![form::load_path(path)],
        warnings: Vec::new(),
    }
}

/// The file types read as forms, for messages.
const TYPES_READ: &str = if cfg!(feature = "xlsx") {
    ".toml form files, .xlsx/.xlsm/.xls/.et workbooks and the tables of .docx documents"
} else {
    ".toml form files (this build has no Excel support: feature `xlsx`)"
};

/// A file named on the command line whose extension says it is no form file (`.csv`, `.xls`,
/// `.pdf` …): refused with what it is and what is read, instead of being parsed as TOML. A file
/// with no extension is read as a form file.
fn unsupported_type(path: &Path) -> Option<Vec<Diagnostic>> {
    let extension = path
        .extension()?
        .to_str()
        .unwrap_or("")
        .to_ascii_lowercase();
    if extension == "toml" {
        return None;
    }
    let shown = crate::diag::visible(&path.display().to_string()).into_owned();
    let hint = match extension.as_str() {
        "xls" | "et" | "xlsx" | "xlsm" | "docx" => {
            "此版本不读工作簿和文档 (this jixiao was built without the xlsx feature)"
        }
        "csv" => "CSV 文本：请用 Excel 另存为 .xlsx (CSV text: save it from Excel as .xlsx)",
        "doc" | "wps" => {
            "旧版 Word/WPS 文档：请另存为 .docx (an old Word/WPS document: save it as .docx)"
        }
        "pdf" => {
            "PDF 中的表格：请复制到 Excel 另存为 .xlsx (a table in a PDF: copy it into a workbook)"
        }
        _ => "不是表格文件 (not a form file)",
    };
    Some(vec![
        Diagnostic::error(
            "input::unsupported-type",
            format!("不支持的文件类型 .{extension} (unsupported file type): {shown}"),
        )
        .help(format!("{hint}; jixiao reads {TYPES_READ}")),
    ])
}

/// A rule file where a form was expected (`jixiao score draft.rules`): said so, with the
/// commands that take it, and with the rule file's own errors if it has any.
fn rule_file_given(path: &Path) -> Vec<Diagnostic> {
    let shown = path.display();
    let mut errors = vec![
        Diagnostic::error(
            "input::rule-file",
            format!("{shown} 是评分规则文件，不是表格 (a rule file, not a form)"),
        )
        .help(format!(
            "score forms under it with `--rules {shown}`, check it with `jixiao rules check {shown}`"
        )),
    ];
    if let Err(rule_errors) = rules::load_path(path) {
        errors.extend(rule_errors);
    }
    errors
}

/// The forms of a file's contents, received rather than read from disk (an upload to the form
/// page): a workbook or Word document (feature `xlsx`) when `name` says so or the bytes are a zip
/// archive or an OLE2 file, else a form file's text. `name` is only what messages call it.
pub fn load_bytes(name: &str, bytes: Vec<u8>) -> PathForms {
    let path = Path::new(name);
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("rules"))
    {
        return PathForms {
            forms: vec![Err(vec![
                Diagnostic::error(
                    "input::rule-file",
                    format!("{name} 是评分规则文件，不是表格 (a rule file, not a form)"),
                )
                .help("score forms under it with `--rules FILE` on the command line"),
            ])],
            warnings: Vec::new(),
        };
    }
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    // Old Word and WPS documents (OLE2 binary files).
    if matches!(extension.as_deref(), Some("doc" | "wps")) {
        return PathForms {
            forms: vec![Err(vec![
                Diagnostic::error(
                    "input::format",
                    format!("{name} 不是 jixiao 能读的格式 (jixiao reads form files (.toml), workbooks (.xlsx, .xls, .et) and .docx documents, not this file)"),
                )
                .help("在 Word 或 WPS 中另存为 .docx (save it as .docx in Word or WPS)"),
            ])],
            warnings: Vec::new(),
        };
    }
    let workbook = matches!(
        extension.as_deref(),
        Some("xlsx" | "xlsm" | "xls" | "et" | "docx")
    ) || bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]);
    #[cfg(feature = "xlsx")]
    if workbook {
        let workbook = crate::xlsx::read_bytes(name, bytes);
        return workbook_forms(name, workbook, &crate::xlsx::ImportOptions::default());
    }
    #[cfg(not(feature = "xlsx"))]
    if workbook {
        return PathForms {
            forms: vec![Err(vec![Diagnostic::error(
                "input::format",
                format!(
                    "{name} 是工作簿，此版本不读工作簿 (a workbook: this jixiao was built without the xlsx feature)"
                ),
            )])],
            warnings: Vec::new(),
        };
    }
    PathForms {
        forms: vec![crate::decode_text(name, bytes).and_then(|text| form::load_string(name, text))],
        warnings: Vec::new(),
    }
}

/// Every table of a workbook, imported in memory and loaded as a form named `s.xlsx#Sheet1`.
#[cfg(feature = "xlsx")]
pub fn load_workbook(path: &Path, options: &crate::xlsx::ImportOptions) -> PathForms {
    let workbook = crate::xlsx::read_path(path);
    workbook_forms(&path.display().to_string(), workbook, options)
}

#[cfg(feature = "xlsx")]
fn workbook_forms(
    name: &str,
    workbook: Result<crate::xlsx::Workbook, Vec<Diagnostic>>,
    options: &crate::xlsx::ImportOptions,
) -> PathForms {
    let workbook = match workbook {
        Ok(w) => w,
        Err(errors) => {
            return PathForms {
                forms: vec![Err(errors)],
                warnings: Vec::new(),
            };
        }
    };
    let import = crate::xlsx::import_workbook(&workbook, options);
    let mut out = PathForms {
        forms: Vec::new(),
        warnings: import.warnings,
    };
    for table in import.forms {
        match table {
            Ok(imported) => {
                out.warnings.extend(imported.warnings.iter().cloned());
                out.forms.push(imported.load());
            }
            Err(errors) => out.forms.push(Err(errors)),
        }
    }
    if out.forms.is_empty() {
        out.forms.push(Err(vec![Diagnostic::error(
            "xlsx::no-form",
            format!(
                "工作簿中没有找到自评表 (no form found in {name}): expected a table with a header row such as 年初预算数 / 全年预算数 / 全年执行数 and one with 一级指标 / 二级指标 / 三级指标"
            ),
        )]));
    }
    out
}
