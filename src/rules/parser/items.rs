//! Items: the top-level constructs of a rule file (`ruleset`, `grades`, `rounding`, `formula`,
//! scoring blocks, `review`, `form` templates, `example`s), each committed once its keyword is
//! seen.

use super::expression::{expr, interval};
use super::*;

pub(super) const ITEM_KEYWORDS: &str = "ruleset, grades, rounding, formula, quantitative, qualitative, indicator, review, form or example";

pub(super) fn item<'a>(input: Tokens<'a>) -> PResult<'a, Item> {
    let Some(t) = input.first() else {
        return fail(SyntaxError::expecting(&input, ITEM_KEYWORDS));
    };
    if t.kind != TokenKind::Name {
        return fail(SyntaxError::expecting(&input, ITEM_KEYWORDS));
    }
    match t.text {
        "ruleset" => {
            with_context("ruleset", commit(ruleset(input))).map(|(i, x)| (i, Item::Ruleset(x)))
        }
        "grades" => {
            with_context("grades", commit(grades(input))).map(|(i, x)| (i, Item::Grades(x)))
        }
        "rounding" => {
            with_context("rounding", commit(rounding(input))).map(|(i, x)| (i, Item::Rounding(x)))
        }
        "formula" => {
            with_context("formula", commit(formula(input))).map(|(i, x)| (i, Item::Formula(x)))
        }
        "quantitative" | "qualitative" | "indicator" => {
            with_context("scoring rules", commit(scoring_block(input)))
                .map(|(i, x)| (i, Item::Scoring(x)))
        }
        "review" => {
            with_context("review", commit(review(input))).map(|(i, x)| (i, Item::Review(x)))
        }
        "form" => with_context("form", commit(form(input))).map(|(i, x)| (i, Item::Form(x))),
        "example" => {
            with_context("example", commit(example(input))).map(|(i, x)| (i, Item::Example(x)))
        }
        _ => fail(SyntaxError::expecting(&input, ITEM_KEYWORDS)),
    }
}

fn ruleset<'a>(all: Tokens<'a>) -> PResult<'a, RulesetHeader> {
    let (input, start) = keyword(all, "ruleset")?;
    let (input, id) = name(input)?;
    let (input, fields) = block(
        input,
        "title, version, basis, years, region or read-off",
        header_field,
    )?;
    Ok((
        input,
        RulesetHeader {
            id,
            fields,
            span: start.start..end_of(&all, &input),
        },
    ))
}

fn header_field<'a>(all: Tokens<'a>) -> PResult<'a, HeaderField> {
    if is_keyword(&all, "title") {
        let (input, _) = keyword(all, "title")?;
        let (input, t) = commit(text(input))?;
        return Ok((input, HeaderField::Title(t)));
    }
    if is_keyword(&all, "basis") {
        let (input, _) = keyword(all, "basis")?;
        let (input, t) = commit(text(input))?;
        return Ok((input, HeaderField::Basis(t)));
    }
    if is_keyword(&all, "version") {
        let (input, _) = keyword(all, "version")?;
        let (input, n) = commit(number(input))?;
        return Ok((input, HeaderField::Version(n)));
    }
    if let Some(word) = ["region", "regions"]
        .into_iter()
        .find(|w| is_keyword(&all, w))
    {
        return regions(all, word);
    }
    if is_keyword(&all, "read-off") {
        let (input, _) = keyword(all, "read-off")?;
        let (input, t) = commit(text(input))?;
        return Ok((input, HeaderField::ReadOff(t)));
    }
    if is_keyword(&all, "years") {
        let (input, start) = keyword(all, "years")?;
        let (input, from) = commit(number(input))?;
        if peek_kind(&input) == Some(TokenKind::DotDot) {
            let input = advance(input);
            if peek_kind(&input) == Some(TokenKind::Number) {
                let (input, to) = number(input)?;
                let span = start.start..end_of(&all, &input);
                return Ok((
                    input,
                    HeaderField::Years {
                        from,
                        to: Some(to),
                        open: false,
                        span,
                    },
                ));
            }
            let span = start.start..end_of(&all, &input);
            return Ok((
                input,
                HeaderField::Years {
                    from,
                    to: None,
                    open: true,
                    span,
                },
            ));
        }
        let span = start.start..end_of(&all, &input);
        return Ok((
            input,
            HeaderField::Years {
                from,
                to: None,
                open: false,
                span,
            },
        ));
    }
    fail(SyntaxError::at(&all))
}

/// `region "四川省"`, `regions "上海市" "上海市普陀区"`: one or more quoted names.
fn regions<'a>(all: Tokens<'a>, word: &'static str) -> PResult<'a, HeaderField> {
    let (input, start) = keyword(all, word)?;
    let (mut input, first) = commit(text(input))?;
    let mut texts = vec![first];
    while peek_kind(&input) == Some(TokenKind::String) {
        let (rest, t) = text(input)?;
        texts.push(t);
        input = rest;
    }
    let span = start.start..end_of(&all, &input);
    Ok((
        input,
        HeaderField::Regions {
            keyword: word,
            texts,
            span,
        },
    ))
}

fn grades<'a>(all: Tokens<'a>) -> PResult<'a, Grades> {
    let (input, start) = keyword(all, "grades")?;
    if is_keyword(&input, "none") {
        let input = advance(input);
        let span = start.start..end_of(&all, &input);
        let bands = Vec::new();
        return Ok((
            input,
            Grades {
                bands,
                none: true,
                span,
            },
        ));
    }
    let (input, bands) = block(input, "a grade such as `优 >= 90`", |i| {
        let (rest, band_name) = name(i)?;
        let rest = optional_separator(rest);
        if peek_kind(&rest) == Some(TokenKind::Ge) {
            let (rest, _) = token(rest, TokenKind::Ge)?;
            let (rest, min) = commit(number(rest))?;
            let span = band_name.span.start..min.span.end;
            let rest = optional_separator(rest);
            Ok((
                rest,
                GradeBand {
                    name: band_name,
                    min: Some(min),
                    span,
                },
            ))
        } else {
            let span = band_name.span.clone();
            Ok((
                rest,
                GradeBand {
                    name: band_name,
                    min: None,
                    span,
                },
            ))
        }
    })?;
    Ok((
        input,
        Grades {
            bands,
            none: false,
            span: start.start..end_of(&all, &input),
        },
    ))
}

fn rounding<'a>(all: Tokens<'a>) -> PResult<'a, RoundingBlock> {
    let (input, start) = keyword(all, "rounding")?;
    let (input, mode) = if peek_kind(&input) == Some(TokenKind::Name) {
        let (i, m) = name(input)?;
        (i, Some(m))
    } else {
        (input, None)
    };
    let (input, entries) = block(input, "a rounding entry such as `score 0.01`", |i| {
        let (rest, target) = name(i)?;
        let (rest, quantum) = commit(number(rest))?;
        let (rest, mode) = match rest.first() {
            Some(t)
                if t.kind == TokenKind::Name
                    && crate::num::RoundingMode::from_keyword(t.text).is_some() =>
            {
                let (r, m) = name(rest)?;
                (r, Some(m))
            }
            _ => (rest, None),
        };
        let span = target.span.start..end_of(&i, &rest);
        let rest = optional_separator(rest);
        Ok((
            rest,
            RoundingEntry {
                target,
                quantum,
                mode,
                span,
            },
        ))
    })?;
    Ok((
        input,
        RoundingBlock {
            mode,
            entries,
            span: start.start..end_of(&all, &input),
        },
    ))
}

fn formula<'a>(all: Tokens<'a>) -> PResult<'a, FormulaDef> {
    let (input, start) = keyword(all, "formula")?;
    let (input, formula_name) = name(input)?;
    let (input, _) = token(input, TokenKind::Assign)?;
    let (input, body) = expr(input)?;
    Ok((
        input,
        FormulaDef {
            name: formula_name,
            body,
            span: start.start..end_of(&all, &input),
        },
    ))
}

fn scoring_block<'a>(all: Tokens<'a>) -> PResult<'a, ScoringBlock> {
    let (input, head) = name(all)?;
    let scope = match head.text.as_str() {
        "quantitative" => ScoringScope::Quantitative,
        "qualitative" => ScoringScope::Qualitative,
        _ => ScoringScope::Indicator,
    };
    let (input, selector) = if scope == ScoringScope::Indicator {
        alternatives(input)?
    } else {
        (input, Vec::new())
    };
    let (input, entries) = block(
        input,
        "a scoring rule: met, unmet, when, zero-target, score, deviation, explain, bare, lower-is-better, parts or tiers",
        scoring_entry,
    )?;
    Ok((
        input,
        ScoringBlock {
            scope,
            selector,
            entries,
            span: head.span.start..end_of(&all, &input),
        },
    ))
}

/// `a | b | c`
fn alternatives<'a>(input: Tokens<'a>) -> PResult<'a, Vec<Name>> {
    let (mut input, first) = name(input)?;
    let mut names = vec![first];
    while peek_kind(&input) == Some(TokenKind::Pipe) {
        let (rest, next) = commit(name(advance(input)))?;
        names.push(next);
        input = rest;
    }
    Ok((input, names))
}

fn arrow_then_expr<'a>(input: Tokens<'a>) -> PResult<'a, Expr> {
    let (input, _) = commit(token(input, TokenKind::Arrow))?;
    commit(expr(input))
}

fn scoring_entry<'a>(all: Tokens<'a>) -> PResult<'a, ScoringEntry> {
    let Some(t) = all.first() else {
        return fail(SyntaxError::at(&all));
    };
    let start = t.offset;
    let word = if t.kind == TokenKind::Name {
        t.text
    } else {
        ""
    };
    let after = advance(all);
    let clause = |input: Tokens<'a>, guard: Guard| -> PResult<'a, ScoringEntry> {
        let (input, body) = arrow_then_expr(input)?;
        let span = start..end_of(&all, &input);
        Ok((input, ScoringEntry::Clause(Clause { guard, body, span })))
    };
    match word {
        "met" => clause(after, Guard::Met),
        "score" => clause(after, Guard::Always),
        "zero-target" => clause(after, Guard::ZeroTarget),
        "when" => {
            let (input, condition) = commit(expr(after))?;
            clause(input, Guard::When(condition))
        }
        "unmet" => {
            let mut input = after;
            let mut ops = Vec::new();
            while peek_kind(&input) != Some(TokenKind::Arrow) {
                let (rest, op) = commit(comparator_token(input)).map_err(|e| {
                    e.map(|mut e| {
                        e.expected.push("`->`");
                        e
                    })
                })?;
                ops.push(op);
                input = rest;
            }
            clause(input, Guard::Unmet(ops))
        }
        "deviation" => {
            let (input, body) = arrow_then_expr(after)?;
            let span = start..end_of(&all, &input);
            Ok((input, ScoringEntry::Deviation { body, span }))
        }
        "explain" => {
            let (input, _) = commit(keyword(after, "when"))?;
            let (input, condition) = commit(expr(input))?;
            let span = start..end_of(&all, &input);
            Ok((input, ScoringEntry::Explain { condition, span }))
        }
        "bare" => {
            let (input, (comparator, _)) = commit(comparator_token(after))?;
            let span = start..end_of(&all, &input);
            Ok((input, ScoringEntry::Bare { comparator, span }))
        }
        "lower-is-better" => {
            let (input, patterns) = commit(block(
                after,
                "a name part such as `结余率`, optionally `except { 疫 }`",
                lower_pattern,
            ))?;
            let span = start..end_of(&all, &input);
            Ok((input, ScoringEntry::LowerIsBetter { patterns, span }))
        }
        "parts" => {
            let (input, rules) = commit(block(after, super::parts::EXPECTED, super::parts::entry))?;
            let span = start..end_of(&all, &input);
            Ok((input, ScoringEntry::Parts { rules, span }))
        }
        "tiers" => {
            let (input, tiers) =
                commit(block(after, "a tier such as `达成 [80%, 100%]`", |i| {
                    let (rest, tier_name) = name(i)?;
                    let (rest, interval) = commit(interval(rest))?;
                    let span = tier_name.span.start..interval.span.end;
                    let rest = optional_separator(rest);
                    Ok((
                        rest,
                        Tier {
                            name: tier_name,
                            interval,
                            span,
                        },
                    ))
                }))?;
            let span = start..end_of(&all, &input);
            Ok((input, ScoringEntry::Tiers { tiers, span }))
        }
        _ => fail(SyntaxError::at(&all)),
    }
}

/// `结余率`, or `控制率 except { 疫 病 }`. A pattern spelt `except` is written in quotes.
fn lower_pattern<'a>(input: Tokens<'a>) -> PResult<'a, LowerPattern> {
    let (input, pattern) = name(input)?;
    let mut span = pattern.span.clone();
    let (input, except) = if is_keyword(&input, "except") {
        let (rest, except) = commit(block(advance(input), "a name part such as `疫`", |i| {
            let (rest, n) = name(i)?;
            Ok((optional_separator(rest), n))
        }))?;
        span.end = end_of(&input, &rest);
        (rest, except)
    } else {
        (input, Vec::new())
    };
    Ok((
        input,
        LowerPattern {
            name: pattern,
            except,
            span,
        },
    ))
}

fn review<'a>(all: Tokens<'a>) -> PResult<'a, ReviewBlock> {
    let (input, start) = keyword(all, "review")?;
    let (input, settings) = block(input, "a review setting such as `tolerance 0.01`", |i| {
        let (rest, key) = name(i)?;
        let (rest, value) = commit(number(rest))?;
        let span = key.span.start..value.span.end;
        let rest = optional_separator(rest);
        Ok((rest, ReviewSetting { key, value, span }))
    })?;
    Ok((
        input,
        ReviewBlock {
            settings,
            span: start.start..end_of(&all, &input),
        },
    ))
}

fn form<'a>(all: Tokens<'a>) -> PResult<'a, FormTemplate> {
    let (input, start) = keyword(all, "form")?;
    let (input, kind) = name(input)?;
    let (input, entries) = block(
        input,
        "execution, explain, section or indicators",
        template_entry,
    )?;
    Ok((
        input,
        FormTemplate {
            kind,
            entries,
            span: start.start..end_of(&all, &input),
        },
    ))
}

fn template_entry<'a>(all: Tokens<'a>) -> PResult<'a, TemplateEntry> {
    let Some(t) = all.first() else {
        return fail(SyntaxError::at(&all));
    };
    let start = t.offset;
    let after = advance(all);
    match t.text {
        "execution" if t.kind == TokenKind::Name => {
            let (input, weight) = commit(number(after))?;
            let (input, _) = commit(keyword(input, "over"))?;
            let (input, denominator) = commit(name(input))?;
            let (input, body) = arrow_then_expr(input)?;
            let span = start..end_of(&all, &input);
            Ok((
                input,
                TemplateEntry::Execution {
                    weight,
                    denominator,
                    body,
                    span,
                },
            ))
        }
        "explain" if t.kind == TokenKind::Name => {
            let (input, _) = commit(keyword(after, "execution"))?;
            let (input, _) = commit(keyword(input, "when"))?;
            let (input, condition) = commit(expr(input))?;
            let span = start..end_of(&all, &input);
            Ok((input, TemplateEntry::ExplainExecution { condition, span }))
        }
        "section" if t.kind == TokenKind::Name => {
            let (input, section_name) = commit(name(after))?;
            let (input, weight) = optional_number(input)?;
            let (input, items) =
                commit(block(input, "an item such as `安排科学性 5`", |i| {
                    let (rest, item_name) = name(i)?;
                    let (rest, weight) = commit(number(rest))?;
                    let span = item_name.span.start..weight.span.end;
                    let rest = optional_separator(rest);
                    Ok((
                        rest,
                        SectionItem {
                            name: item_name,
                            weight,
                            span,
                        },
                    ))
                }))?;
            let span = start..end_of(&all, &input);
            Ok((
                input,
                TemplateEntry::Section {
                    name: section_name,
                    weight,
                    items,
                    span,
                },
            ))
        }
        "indicators" if t.kind == TokenKind::Name => {
            let (input, total) = optional_number(after)?;
            let (input, level1) = commit(block(
                input,
                "a level-1 indicator such as `产出指标 30 { … }`",
                level1,
            ))?;
            let span = start..end_of(&all, &input);
            Ok((
                input,
                TemplateEntry::Indicators {
                    total,
                    level1,
                    span,
                },
            ))
        }
        _ => fail(SyntaxError::at(&all)),
    }
}

fn optional_number<'a>(input: Tokens<'a>) -> PResult<'a, Option<Number>> {
    if peek_kind(&input) == Some(TokenKind::Number) {
        let (input, n) = number(input)?;
        Ok((input, Some(n)))
    } else {
        Ok((input, None))
    }
}

fn level1<'a>(all: Tokens<'a>) -> PResult<'a, Level1> {
    let (input, names) = alternatives(all)?;
    let (input, weight) = optional_number(input)?;
    let (input, absent_to) = if is_keyword(&input, "absent") {
        let (i, _) = keyword(input, "absent")?;
        let (i, _) = commit(token(i, TokenKind::Arrow))?;
        let (i, target) = commit(name(i))?;
        (i, Some(target))
    } else {
        (input, None)
    };
    let (input, level2) = if peek_kind(&input) == Some(TokenKind::LBrace) {
        block(input, "a level-2 indicator", |i| {
            let (rest, names) = alternatives(i)?;
            let (rest, weight) = optional_number(rest)?;
            let span = names.first().map_or(0, |n| n.span.start)..end_of(&i, &rest);
            let rest = optional_separator(rest);
            Ok((
                rest,
                Level2 {
                    names,
                    weight,
                    span,
                },
            ))
        })?
    } else {
        (input, Vec::new())
    };
    let span = names.first().map_or(0, |n| n.span.start)..end_of(&all, &input);
    let input = optional_separator(input);
    Ok((
        input,
        Level1 {
            names,
            weight,
            absent_to,
            level2,
            span,
        },
    ))
}

fn example<'a>(all: Tokens<'a>) -> PResult<'a, Example> {
    let (input, start) = keyword(all, "example")?;
    let (input, title) = text(input)?;
    let (input, statements) = block(
        input,
        "kind, initial, budget, executed, total, indicator, part or expect",
        example_statement,
    )?;
    Ok((
        input,
        Example {
            title,
            statements,
            span: start.start..end_of(&all, &input),
        },
    ))
}

fn example_statement<'a>(all: Tokens<'a>) -> PResult<'a, ExampleStatement> {
    let Some(t) = all.first() else {
        return fail(SyntaxError::at(&all));
    };
    if t.kind != TokenKind::Name {
        return fail(SyntaxError::at(&all));
    }
    let start = t.offset;
    match t.text {
        "kind" => {
            let (input, kind) = commit(name(advance(all)))?;
            Ok((input, ExampleStatement::Kind(kind)))
        }
        "initial" | "budget" | "executed" | "total" => {
            let (input, key) = name(all)?;
            let (input, value) = commit(number(input))?;
            Ok((input, ExampleStatement::Figure { key, value }))
        }
        "indicator" => {
            let mut input = advance(all);
            let mut category = Vec::new();
            while matches!(peek_kind(&input), Some(TokenKind::Name | TokenKind::String))
                && !is_keyword(&input, "target")
            {
                let (rest, n) = name(input)?;
                category.push(n);
                input = rest;
            }
            let (input, _) = commit(keyword(input, "target"))?;
            let (input, target) = commit(text(input))?;
            let (input, actual) = if is_keyword(&input, "actual") {
                let (i, t) = commit(text(advance(input)))?;
                (i, Some(t))
            } else {
                (input, None)
            };
            let (input, _) = commit(keyword(input, "weight"))?;
            let (input, weight) = commit(number(input))?;
            let (input, claimed) = if is_keyword(&input, "claimed") {
                let (i, _) = keyword(input, "claimed")?;
                let (i, n) = commit(number(i))?;
                (i, Some(n))
            } else {
                (input, None)
            };
            let span = start..end_of(&all, &input);
            Ok((
                input,
                ExampleStatement::Indicator {
                    category,
                    target,
                    actual,
                    weight,
                    claimed,
                    span,
                },
            ))
        }
        "part" => super::parts::example_part(all),
        "expect" => {
            let input = advance(all);
            let (input, key) = commit(name(input))?;
            let (input, value) = match peek_kind(&input) {
                Some(TokenKind::Number) => {
                    let (i, n) = number(input)?;
                    (i, ExpectValue::Number(n))
                }
                Some(TokenKind::Minus) => {
                    let (i, n) = commit(number(advance(input)))?;
                    let n = Number {
                        value: -n.value,
                        digits: format!("-{}", n.digits),
                        ..n
                    };
                    (i, ExpectValue::Number(n))
                }
                _ => {
                    let (i, n) = commit(name(input))?;
                    (i, ExpectValue::Name(n))
                }
            };
            let span = start..end_of(&all, &input);
            Ok((input, ExampleStatement::Expect { key, value, span }))
        }
        _ => fail(SyntaxError::at(&all)),
    }
}
