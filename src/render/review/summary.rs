//! Totals over a batch: counts by severity and code, grade transitions, the forms and the units
//! with the largest inflation.

use super::claimed_text;
use crate::diag::Severity;
use crate::review::batch::BatchFinding;
use crate::review::{CATALOGUE, Finding, FormReview};
use crate::score::sheet::shown_grade;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;
use std::str::FromStr;

/// Totals over a batch, built as forms stream past: memory stays flat however many forms there
/// are (the per-form lines are kept for small batches only).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Form files found.
    pub files: usize,
    pub reviewed: usize,
    /// Files that could not be read, parsed or scored.
    pub input_errors: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Findings per code, in catalogue order; codes with none are left out.
    pub by_code: Vec<CodeCount>,
    /// Claimed grade against recomputed grade, with how many forms each pair has.
    pub grades: Vec<GradeCount>,
    #[serde(skip)]
    code_counts: Vec<usize>,
    /// The first forms, one line each, for the text and Markdown summaries.
    #[serde(skip)]
    pub forms: Vec<FormLine>,
    #[serde(skip)]
    pub forms_not_listed: usize,
    /// Per unit (实施单位, else 主管部门): forms, mean totals, the inflation and the findings,
    /// ranked by inflation (claimed − recomputed, summed), largest first.
    pub units: Vec<UnitLine>,
    #[serde(skip)]
    unit_numbers: HashMap<(String, String), usize>,
}

/// One unit in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct UnitLine {
    pub department: String,
    pub unit: String,
    pub forms: usize,
    /// Mean claimed total over the forms that claim one.
    pub claimed_mean: Option<String>,
    pub recomputed_mean: String,
    /// Claimed − recomputed totals, summed over the forms that claim one.
    pub inflation: String,
    pub errors: usize,
    pub warnings: usize,
    #[serde(skip)]
    claimed_forms: usize,
    #[serde(skip)]
    claimed_sum: Decimal,
    #[serde(skip)]
    recomputed_sum: Decimal,
    #[serde(skip)]
    inflation_sum: Decimal,
}

impl UnitLine {
    fn new(department: &str, unit: &str) -> UnitLine {
        UnitLine {
            department: department.to_string(),
            unit: unit.to_string(),
            forms: 0,
            claimed_mean: None,
            recomputed_mean: String::new(),
            inflation: String::new(),
            errors: 0,
            warnings: 0,
            claimed_forms: 0,
            claimed_sum: Decimal::ZERO,
            recomputed_sum: Decimal::ZERO,
            inflation_sum: Decimal::ZERO,
        }
    }

    /// The unit as the tables show it.
    pub fn label(&self) -> String {
        match (self.department.as_str(), self.unit.as_str()) {
            ("", "") => "—".into(),
            (d, u) if d == u || d.is_empty() => u.to_string(),
            (d, u) => format!("{d} / {u}"),
        }
    }

    fn count(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
    }
}

fn mean(sum: Decimal, n: usize) -> Option<String> {
    (n > 0)
        .then(|| sum.checked_div(Decimal::from(n)))
        .flatten()
        .map(|m| m.round_dp(2).to_string())
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeCount {
    pub code: &'static str,
    pub severity: Severity,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GradeCount {
    /// `—` where the form claims none.
    pub claimed: String,
    pub recomputed: String,
    pub count: usize,
}

/// One form in the summary table.
#[derive(Debug, Clone)]
pub struct FormLine {
    pub name: String,
    pub file: String,
    pub claimed: String,
    pub recomputed: String,
    pub errors: usize,
    pub warnings: usize,
}

/// Larger batches list their forms in the output above, not again in the summary.
const SUMMARY_FORM_LINES: usize = 100;

/// The text and Markdown summaries show the units with the largest inflation; JSON has them all.
pub(super) const SUMMARY_UNIT_LINES: usize = 100;

impl Summary {
    pub fn new(files: usize) -> Summary {
        Summary {
            files,
            reviewed: 0,
            input_errors: 0,
            errors: 0,
            warnings: 0,
            by_code: Vec::new(),
            grades: Vec::new(),
            code_counts: vec![0; CATALOGUE.len()],
            forms: Vec::new(),
            forms_not_listed: 0,
            units: Vec::new(),
            unit_numbers: HashMap::new(),
        }
    }

    fn unit(&mut self, department: &str, unit: &str) -> Option<&mut UnitLine> {
        let key = (department.to_string(), unit.to_string());
        let n = match self.unit_numbers.get(&key) {
            Some(n) => *n,
            None => {
                self.units.push(UnitLine::new(department, unit));
                self.unit_numbers.insert(key, self.units.len() - 1);
                self.units.len() - 1
            }
        };
        self.units.get_mut(n)
    }

    fn count_finding(&mut self, f: &Finding) {
        match f.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        if let Some(i) = CATALOGUE.iter().position(|c| c.code == f.code)
            && let Some(n) = self.code_counts.get_mut(i)
        {
            *n += 1;
        }
    }

    /// Count a finding of a batch check (its form was added already).
    pub fn add_batch(&mut self, b: &BatchFinding) {
        self.count_finding(&b.finding);
        if let Some(u) = self.unit(&b.department, &b.unit) {
            u.count(b.finding.severity);
        }
    }

    pub fn add(&mut self, r: &FormReview) {
        self.reviewed += 1;
        for f in &r.findings {
            self.count_finding(f);
        }
        let total = Decimal::from_str(&r.total).ok();
        let claimed_total = r
            .claimed_total
            .as_deref()
            .and_then(|c| Decimal::from_str(c.trim()).ok());
        let (department, unit) = (r.department_name().to_string(), r.unit_name().to_string());
        if let Some(u) = self.unit(&department, &unit) {
            u.forms += 1;
            for f in &r.findings {
                u.count(f.severity);
            }
            if let Some(total) = total {
                u.recomputed_sum = u
                    .recomputed_sum
                    .checked_add(total)
                    .unwrap_or(u.recomputed_sum);
                if let Some(claimed) = claimed_total {
                    u.claimed_forms += 1;
                    u.claimed_sum = u.claimed_sum.checked_add(claimed).unwrap_or(u.claimed_sum);
                    let gap = claimed.checked_sub(total).unwrap_or_default();
                    u.inflation_sum = u.inflation_sum.checked_add(gap).unwrap_or(u.inflation_sum);
                }
            }
        }
        let claimed = r.claimed_grade.clone().unwrap_or_else(|| "—".into());
        match self
            .grades
            .iter_mut()
            .find(|g| g.claimed == claimed && g.recomputed == r.grade)
        {
            Some(g) => g.count += 1,
            None => self.grades.push(GradeCount {
                claimed,
                recomputed: r.grade.clone(),
                count: 1,
            }),
        }
        if self.forms.len() < SUMMARY_FORM_LINES {
            self.forms.push(FormLine {
                name: r.name.clone(),
                file: r.file.clone(),
                claimed: claimed_text(r),
                recomputed: format!("{} {}", r.total, shown_grade(&r.grade)),
                errors: r.count(Severity::Error),
                warnings: r.count(Severity::Warning),
            });
        } else {
            self.forms_not_listed += 1;
        }
    }

    pub fn finish(mut self, input_errors: usize) -> Summary {
        self.input_errors = input_errors;
        self.by_code = CATALOGUE
            .iter()
            .zip(&self.code_counts)
            .filter(|(_, n)| **n > 0)
            .map(|(c, n)| CodeCount {
                code: c.code,
                severity: c.severity,
                count: *n,
            })
            .collect();
        self.grades
            .sort_by(|a, b| (&a.claimed, &a.recomputed).cmp(&(&b.claimed, &b.recomputed)));
        for u in &mut self.units {
            u.claimed_mean = mean(u.claimed_sum, u.claimed_forms);
            u.recomputed_mean = mean(u.recomputed_sum, u.forms).unwrap_or_default();
            u.inflation = u.inflation_sum.normalize().to_string();
        }
        self.units.sort_by(|a, b| {
            b.inflation_sum
                .cmp(&a.inflation_sum)
                .then_with(|| (&a.department, &a.unit).cmp(&(&b.department, &b.unit)))
        });
        self.unit_numbers.clear();
        self
    }

    /// Summarise a finished batch at once.
    pub fn of(files: usize, reviews: &[FormReview], input_errors: usize) -> Summary {
        let mut summary = Summary::new(files);
        for r in reviews {
            summary.add(r);
        }
        summary.finish(input_errors)
    }
}
