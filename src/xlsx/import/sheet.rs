//! One sheet split into its tables: the header rows found, each indicator header paired with the
//! budget header before it, the rows of each form bounded, each table read, and the filled cells
//! no table claimed reported with the form they sit in.

use super::{
    Import, ImportOptions, MAX_HEADER_ROWS, Sheet, TableReader, first_cell, row_text, warning,
};
use crate::diag::Diagnostic;
use crate::xlsx::cells::{Grid, cell_diagnostic};
use crate::xlsx::labels::*;
use std::collections::HashSet;

/// One form on a sheet: indices into the sheet's budget and indicator headers, and the row of its
/// total.
struct Segment {
    budget: Option<usize>,
    indicators: usize,
    total: Option<u32>,
}

pub(super) fn import_sheet(
    document: &str,
    grid: &Grid,
    options: &ImportOptions,
    import: &mut Import,
) {
    let rows = grid.rows();
    if rows.is_empty() {
        return;
    }
    // The summary sheet `jixiao export` writes beside the forms.
    if grid
        .get(0, 0)
        .is_some_and(|c| c.text == crate::report::xlsx::SUMMARY_TITLE)
    {
        return;
    }
    let headers = match header_rows(document, grid, &rows) {
        Ok(headers) => headers,
        Err(refused) => {
            import.forms.push(Err(vec![refused]));
            return;
        }
    };
    let indicator_headers: Vec<&Header> = headers
        .iter()
        .filter(|h| h.block == TableBlock::Indicators)
        .collect();
    let budget_headers: Vec<&Header> = headers
        .iter()
        .filter(|h| h.block == TableBlock::Budget)
        .collect();
    let mut sheet = Sheet {
        document,
        grid,
        // Nearly every filled cell is read: reserved once rather than rehashed as it grows.
        used: HashSet::with_capacity(grid.cells.len()),
    };
    if indicator_headers.is_empty() && budget_headers.is_empty() {
        import.warnings.push(warning(Diagnostic::error(
            "xlsx::no-form",
            format!(
                "工作表「{}」中没有找到自评表 ({} filled cells; no header row with 年初预算数 / 三级指标 was found in sheet {}): {}",
                grid.sheet,
                grid.cells.len(),
                grid.sheet,
                document
            ),
        )));
        return;
    }
    let last_row = rows.last().copied().unwrap_or(0);

    let (segments, paired_budgets) = pair_headers(grid, &rows, &indicator_headers, &budget_headers);
    refuse_unpaired_budgets(&mut sheet, &budget_headers, &paired_budgets, import);
    let bounds = form_starts(grid, &rows, &segments, &indicator_headers, &budget_headers);
    let many = segments.len() > 1;
    // Indexing below cannot fail: `bounds` has one entry per segment, and a segment's indices
    // were taken from `indicator_headers` and `budget_headers`.
    for (k, segment) in segments.iter().enumerate() {
        let start = bounds[k];
        let end = bounds
            .get(k + 1)
            .map_or(last_row, |&next| next.saturating_sub(1));
        let ih = indicator_headers[segment.indicators];
        let bh = segment.budget.map(|b| budget_headers[b]);
        let inner: Vec<&Header> = headers
            .iter()
            .filter(|h| h.row >= start && h.row <= end)
            .filter(|h| h.block != TableBlock::Budget || bh.is_some_and(|b| b.row == h.row))
            .filter(|h| h.block != TableBlock::Indicators || h.row == ih.row)
            .collect();
        let table = TableReader {
            sheet: &mut sheet,
            start,
            end,
            total: segment.total,
            headers: inner,
            budget: bh,
            indicators: ih,
            options,
            many,
        };
        import.forms.push(table.read());
    }
    assign_unplaced(&sheet, &bounds, segments.len(), import);
}

/// The sheet's header rows, each once; refused, at the first row past the limit, when there are
/// more than `MAX_HEADER_ROWS`.
fn header_rows(document: &str, grid: &Grid, rows: &[u32]) -> Result<Vec<Header>, Diagnostic> {
    // A header printed on two rows is found from either row: kept once.
    let mut headers: Vec<Header> = Vec::new();
    for header in rows.iter().filter_map(|&r| classify_header(grid, r)) {
        if headers
            .last()
            .is_some_and(|h: &Header| header.first_row <= h.last_row && h.block == header.block)
        {
            continue;
        }
        headers.push(header);
        if headers.len() > MAX_HEADER_ROWS {
            break;
        }
    }
    if let Some(extra) = headers.get(MAX_HEADER_ROWS) {
        // Splitting a sheet into tables compares header rows with rows: bounded here, so that
        // 100,000 rows of `三级指标 | 指标值` (815 KB) are refused at once, not in 600 s.
        let place = grid.place(extra.row, extra.first_col());
        return Err(cell_diagnostic(
            document,
            &place,
            &row_text(grid, extra.row),
            "input::too-large",
            format!(
                "工作表「{}」的表头行过多 (more than {MAX_HEADER_ROWS} header rows in sheet {}: no workbook of forms has so many tables)",
                grid.sheet, grid.sheet
            ),
        ));
    }
    Ok(headers)
}

/// Pair each indicator header with the budget header before it; find where each form ends.
/// Returns the forms and the budget headers that were paired.
fn pair_headers(
    grid: &Grid,
    rows: &[u32],
    indicator_headers: &[&Header],
    budget_headers: &[&Header],
) -> (Vec<Segment>, HashSet<usize>) {
    let mut segments: Vec<Segment> = Vec::new();
    let mut paired_budgets = HashSet::new();
    let mut previous_row = 0u32;
    for (i, ih) in indicator_headers.iter().enumerate() {
        let budget = budget_headers
            .iter()
            .rposition(|b| b.row < ih.row && (segments.is_empty() || b.row > previous_row));
        if let Some(b) = budget {
            paired_budgets.insert(b);
        }
        let next_budget = budget_headers
            .iter()
            .find(|b| b.row > ih.row)
            .map_or(u32::MAX, |b| b.row);
        let next_indicators = indicator_headers.get(i + 1).map_or(u32::MAX, |h| h.row);
        let limit = next_budget.min(next_indicators);
        let total = rows
            .iter()
            .copied()
            .filter(|&r| r > ih.row && r < limit)
            .find(|&r| first_cell(grid, r).is_some_and(|c| is_total_label(&norm(&c.text))));
        previous_row = total.unwrap_or(ih.row);
        segments.push(Segment {
            budget,
            indicators: i,
            total,
        });
    }
    (segments, paired_budgets)
}

/// A budget header with no indicator header after it is refused, and its row claimed.
fn refuse_unpaired_budgets(
    sheet: &mut Sheet<'_>,
    budget_headers: &[&Header],
    paired_budgets: &HashSet<usize>,
    import: &mut Import,
) {
    let grid = sheet.grid;
    for (b, header) in budget_headers.iter().enumerate() {
        if !paired_budgets.contains(&b) {
            let place = grid.place(header.row, header.first_col());
            import.forms.push(Err(vec![cell_diagnostic(
                sheet.document,
                &place,
                &row_text(grid, header.row),
                "xlsx::no-indicators",
                "找到了预算表头，但其后没有指标表头 (a budget header row with no indicator header row after it: expected a row with 一级指标 / 二级指标 / 三级指标 / 分值)",
            )]));
            for cell in grid.row(header.row) {
                sheet.used.insert((cell.row, cell.col));
            }
        }
    }
}

/// Where each form starts: after the previous one's total row, at its title or first key label.
fn form_starts(
    grid: &Grid,
    rows: &[u32],
    segments: &[Segment],
    indicator_headers: &[&Header],
    budget_headers: &[&Header],
) -> Vec<u32> {
    // Indexing below cannot fail: `segment.indicators` and `segment.budget` are indices
    // `pair_headers` took from `indicator_headers` and `budget_headers`, and `k - 1` is only
    // reached for `k > 0`.
    let mut bounds = Vec::new();
    for (k, segment) in segments.iter().enumerate() {
        let ih_row = indicator_headers[segment.indicators].row;
        let start = if k == 0 {
            rows.first().copied().unwrap_or(0)
        } else {
            let previous = &segments[k - 1];
            let after = previous
                .total
                .unwrap_or(indicator_headers[previous.indicators].row);
            let head_limit = segment.budget.map_or(ih_row, |b| budget_headers[b].row);
            rows.iter()
                .copied()
                .filter(|&r| r > after && r <= head_limit)
                .find(|&r| {
                    r == head_limit
                        || grid.row(r).any(|c| {
                            is_title(&c.text)
                                || matches!(
                                    key_label(&c.text),
                                    Some((Key::Project | Key::DepartmentName, _))
                                )
                        })
                })
                .unwrap_or(head_limit)
        };
        bounds.push(start);
    }
    bounds
}

/// Cells between or after the forms that nothing claimed: each reported with the form whose rows
/// it sits in (with the sheet's warnings when that form was refused).
fn assign_unplaced(sheet: &Sheet<'_>, bounds: &[u32], forms: usize, import: &mut Import) {
    let unplaced = unplaced_cells(sheet, 0, u32::MAX);
    let mut by_form: Vec<Vec<Diagnostic>> = vec![Vec::new(); forms];
    for (row, diagnostic) in unplaced {
        let k = bounds.iter().rposition(|&b| b <= row).unwrap_or(0);
        if let Some(list) = by_form.get_mut(k) {
            list.push(diagnostic);
        }
    }
    let offset = import.forms.len() - forms;
    for (k, warnings) in by_form.into_iter().enumerate() {
        match import.forms.get_mut(offset + k) {
            Some(Ok(form)) => form.warnings.extend(warnings),
            _ => import.warnings.extend(warnings),
        }
    }
}

fn unplaced_cells(sheet: &Sheet<'_>, from: u32, to: u32) -> Vec<(u32, Diagnostic)> {
    sheet
        .grid
        .cells
        .values()
        .filter(|c| c.row >= from && c.row <= to && !sheet.used.contains(&(c.row, c.col)))
        .map(|c| {
            let place = sheet.grid.place(c.row, c.col);
            (
                c.row,
                warning(cell_diagnostic(
                    sheet.document,
                    &place,
                    &c.text,
                    "xlsx::unplaced",
                    format!(
                        "无法归入表格的单元格 {place} (could not place this cell in the form; it was not imported)"
                    ),
                )),
            )
        })
        .collect()
}
