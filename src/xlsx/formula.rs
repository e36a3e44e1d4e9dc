//! Constant formulas saved without a value.
//!
//! Excel saves the result of every formula beside it, and that result is what jixiao reads. Some
//! tools (scripts, converters, WPS exports) save the formula alone: `<c r="E18"><f>100%</f></c>`.
//! A formula made only of numbers, `%`, `+ - * /` and parentheses has one value whatever the
//! workbook holds, so it is computed here, in decimal; anything else (a cell reference, a
//! function) would need a spreadsheet engine and is refused with the cell and the formula named.

use super::cells::{
    Cell, CellKind, cell_diagnostic, cell_name, number, number_format, parse_cell_name, sheet_ref,
};
use crate::diag::Diagnostic;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Longer formulas are not evaluated (no constant a form needs is this long).
pub const MAX_FORMULA_CHARS: usize = 200;
/// Parentheses nested deeper than this are not evaluated.
const MAX_DEPTH: usize = 32;
/// Results are shown to Excel's 15 significant digits.
const SIGNIFICANT_DIGITS: u32 = 15;

/// The value of a constant formula (without its `=`), and whether it is written as a percentage
/// (`100%`, `95.5%`): `None` when it is not a constant formula or cannot be computed exactly.
pub fn evaluate(formula: &str) -> Option<(Decimal, bool)> {
    let formula = formula.trim().trim_start_matches('=');
    if formula.is_empty() || formula.chars().count() > MAX_FORMULA_CHARS {
        return None;
    }
    let chars: Vec<char> = formula.chars().filter(|c| !c.is_whitespace()).collect();
    let mut parser = Parser {
        chars: &chars,
        at: 0,
        depth: 0,
    };
    let value = parser.expression()?;
    if parser.at != chars.len() {
        return None;
    }
    let percent = chars.last() == Some(&'%') && !chars.contains(&'(');
    let value = value
        .round_sf(SIGNIFICANT_DIGITS)
        .unwrap_or(value)
        .normalize();
    Some((value, percent))
}

/// Formula cells saved without a value: a constant formula (`=100%`) is computed; any other is
/// refused with its cell and its formula, rather than read as an empty cell (which would surface
/// later as a missing figure somewhere else).
pub(super) fn fill_uncached(
    name: &str,
    sheet: &str,
    facts: &super::budget::Facts,
    formats: &super::cells::Formats,
    cells: &mut Vec<Cell>,
    spent: &mut super::budget::Spent,
) -> Result<(), Vec<Diagnostic>> {
    let Some(list) = facts
        .sheet_parts
        .get(sheet)
        .and_then(|part| facts.uncached.get(part))
    else {
        return Ok(());
    };
    let filled: std::collections::HashSet<(u32, u32)> =
        cells.iter().map(|c| (c.row, c.col)).collect();
    let mut errors = Vec::new();
    for (at, formula) in list {
        let Some((row, col)) = parse_cell_name(at) else {
            continue;
        };
        if filled.contains(&(row, col)) {
            continue;
        }
        let place = format!("{}!{}", sheet_ref(sheet), cell_name(row, col));
        match evaluate(formula) {
            Some((value, percent)) => {
                // Shown through the cell's number format (`=92.61/205` under `0.00%` is 45.18%),
                // or as written when the format says nothing (`=100%` is 100%).
                let formatted = formats
                    .get(&(row, col))
                    .filter(|f| !number_format(f).eq(&number_format("General")))
                    .and_then(|f| number(value, f));
                let text = if let Some((text, _)) = &formatted {
                    text.clone()
                } else if percent {
                    match value.checked_mul(Decimal::ONE_HUNDRED) {
                        Some(shown) => format!("{}%", shown.normalize()),
                        None => value.to_string(),
                    }
                } else {
                    value.to_string()
                };
                spent.cell(name, sheet, (row, col), &text)?;
                let kind = match formatted {
                    Some((_, kind)) => kind,
                    None => CellKind::Number { value, percent },
                };
                cells.push(Cell {
                    row,
                    col,
                    text,
                    kind,
                });
            }
            None if errors.len() < 20 => {
                let shown = format!("={}", crate::diag::visible(formula));
                errors.push(
                    cell_diagnostic(
                        name,
                        &place,
                        &shown,
                        "xlsx::uncached-formula",
                        format!(
                            "公式没有保存计算结果 (the formula {shown} in {place} was saved without its value, and jixiao computes only constant formulas)"
                        ),
                    )
                    .help("open the workbook in Excel or WPS and save it again, so that each formula's value is saved with it"),
                );
            }
            None => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

struct Parser<'a> {
    chars: &'a [char],
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn expression(&mut self) -> Option<Decimal> {
        let mut value = self.term()?;
        while let Some(op @ ('+' | '-')) = self.peek() {
            self.at += 1;
            let right = self.term()?;
            value = if op == '+' {
                value.checked_add(right)?
            } else {
                value.checked_sub(right)?
            };
        }
        Some(value)
    }

    fn term(&mut self) -> Option<Decimal> {
        let mut value = self.factor()?;
        while let Some(op @ ('*' | '/')) = self.peek() {
            self.at += 1;
            let right = self.factor()?;
            value = if op == '*' {
                value.checked_mul(right)?
            } else {
                value.checked_div(right)?
            };
        }
        Some(value)
    }

    fn factor(&mut self) -> Option<Decimal> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let value = match self.peek()? {
            '-' => {
                self.at += 1;
                Some(-self.factor()?)
            }
            '+' => {
                self.at += 1;
                self.factor()
            }
            _ => self.primary(),
        };
        self.depth -= 1;
        let mut value = value?;
        while self.peek() == Some('%') {
            self.at += 1;
            value = value.checked_div(Decimal::ONE_HUNDRED)?;
        }
        Some(value)
    }

    fn primary(&mut self) -> Option<Decimal> {
        if self.peek()? == '(' {
            self.at += 1;
            let value = self.expression()?;
            if self.peek()? != ')' {
                return None;
            }
            self.at += 1;
            return Some(value);
        }
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
            self.at += 1;
        }
        let text: String = self.chars.get(start..self.at)?.iter().collect();
        Decimal::from_str(&text).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap_or_default()
    }

    #[test]
    fn constant_formulas_are_computed_in_decimal() {
        assert_eq!(evaluate("=100%"), Some((dec("1"), true)));
        assert_eq!(evaluate("95.5%"), Some((dec("0.955"), true)));
        assert_eq!(
            evaluate("=92.61/205"),
            Some((dec("0.451756097560976"), false))
        );
        assert_eq!(evaluate("=0.1+0.2"), Some((dec("0.3"), false)));
        assert_eq!(evaluate("=(10+5)*2-1"), Some((dec("29"), false)));
        assert_eq!(evaluate("=-(3)"), Some((dec("-3"), false)));
        assert_eq!(evaluate("= 2 * 3 %"), Some((dec("0.06"), true)));
    }

    #[test]
    fn anything_else_is_not_evaluated() {
        for formula in [
            "=SUM(D5:D9)",
            "=D5/E5",
            "=1/0",
            "=(1",
            "=1+",
            "=",
            "=1..2",
            "=\"100%\"",
            "=1e5",
        ] {
            assert_eq!(evaluate(formula), None, "{formula}");
        }
        let deep = format!("={}1{}", "(".repeat(100), ")".repeat(100));
        assert_eq!(evaluate(&deep), None);
        let long = format!("={}", "1+".repeat(150) + "1");
        assert_eq!(evaluate(&long), None);
    }
}
