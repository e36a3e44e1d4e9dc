//! Which constructs of the rules language a rule file uses. The matches below name every variant
//! of the syntax tree without a catch-all arm, so that a construct added to the language fails to
//! compile here until it is listed — and then the coverage tests ask for a fixture and a
//! documented example of it.

use jixiao::rules::ast::*;
use std::collections::BTreeSet;

/// Every construct of the language, as [`used`] names them.
pub const ALL: &[&str] = &[
    // items
    "ruleset",
    "grades",
    "rounding",
    "formula",
    "quantitative",
    "qualitative",
    "indicator",
    "review",
    "form",
    "example",
    // the header
    "title",
    "basis",
    "version",
    "years a..b",
    "years a..",
    "years a",
    "region",
    "read-off",
    // grades and rounding
    "grade >= bound",
    "last grade",
    "rounding mode",
    "rounding entry mode",
    // scoring blocks
    "met ->",
    "unmet OPS ->",
    "unmet ->",
    "when ->",
    "zero-target ->",
    "score ->",
    "deviation ->",
    "explain when",
    "bare",
    "lower-is-better",
    "lower-is-better except",
    "parts",
    "tiers",
    "indicator A | B",
    // templates
    "execution",
    "explain execution when",
    "section",
    "section weight",
    "indicators",
    "indicators TOTAL",
    "level-1 weight",
    "level-1 set by the unit",
    "level-1 A | B",
    "absent ->",
    "level-2 list",
    "any level-2",
    "level-2 weight",
    "level-2 A | B",
    // examples
    "kind",
    "initial",
    "budget",
    "executed",
    "total",
    "example indicator",
    "claimed",
    "example part",
    "expect execution",
    "expect rate",
    "expect score",
    "expect deviation",
    "expect explain",
    "expect met",
    "expect grade",
    "expect tier",
    "expect explain-execution",
    "expect mismatch",
    "expect actual",
    // names
    "quoted name",
    // expressions
    "number",
    "percent",
    "true/false",
    "variable",
    "( )",
    "-x",
    "not",
    "+",
    "-",
    "*",
    "/",
    "<",
    "<=",
    ">",
    ">=",
    "==",
    "!=",
    "and",
    "or",
    "if then else",
    "min",
    "max",
    "abs",
    "clamp",
    "floor",
    "ceil",
    "round",
    "steps",
    "band OP x",
    "band interval",
    "[ edge",
    "( edge",
    "] edge",
    ") edge",
    "open end",
    "steps else",
];

pub fn used(file: &File) -> BTreeSet<&'static str> {
    let mut found = BTreeSet::new();
    for item in &file.items {
        item_constructs(item, &mut found);
    }
    found
}

fn name(n: &Name, out: &mut BTreeSet<&'static str>) {
    if n.quoted {
        out.insert("quoted name");
    }
}

fn item_constructs(item: &Item, out: &mut BTreeSet<&'static str>) {
    match item {
        Item::Ruleset(h) => {
            out.insert("ruleset");
            name(&h.id, out);
            for f in &h.fields {
                match f {
                    HeaderField::Title(_) => out.insert("title"),
                    HeaderField::Basis(_) => out.insert("basis"),
                    HeaderField::Version(_) => out.insert("version"),
                    HeaderField::Years { to: Some(_), .. } => out.insert("years a..b"),
                    HeaderField::Years {
                        to: None,
                        open: true,
                        ..
                    } => out.insert("years a.."),
                    HeaderField::Years {
                        to: None,
                        open: false,
                        ..
                    } => out.insert("years a"),
                    HeaderField::Regions { .. } => out.insert("region"),
                    HeaderField::ReadOff(_) => out.insert("read-off"),
                };
            }
        }
        Item::Grades(g) => {
            out.insert("grades");
            for b in &g.bands {
                name(&b.name, out);
                out.insert(if b.min.is_some() {
                    "grade >= bound"
                } else {
                    "last grade"
                });
            }
        }
        Item::Rounding(r) => {
            out.insert("rounding");
            if r.mode.is_some() {
                out.insert("rounding mode");
            }
            if r.entries.iter().any(|e| e.mode.is_some()) {
                out.insert("rounding entry mode");
            }
        }
        Item::Formula(f) => {
            out.insert("formula");
            expr(&f.body, out);
        }
        Item::Scoring(b) => {
            out.insert(match b.scope {
                ScoringScope::Quantitative => "quantitative",
                ScoringScope::Qualitative => "qualitative",
                ScoringScope::Indicator => "indicator",
            });
            if b.selector.len() > 1 {
                out.insert("indicator A | B");
            }
            b.selector.iter().for_each(|n| name(n, out));
            for e in &b.entries {
                match e {
                    ScoringEntry::Clause(c) => {
                        match &c.guard {
                            Guard::When(cond) => {
                                out.insert("when ->");
                                expr(cond, out);
                            }
                            Guard::Met => {
                                out.insert("met ->");
                            }
                            Guard::Unmet(ops) if ops.is_empty() => {
                                out.insert("unmet ->");
                            }
                            Guard::Unmet(_) => {
                                out.insert("unmet OPS ->");
                            }
                            Guard::ZeroTarget => {
                                out.insert("zero-target ->");
                            }
                            Guard::Always => {
                                out.insert("score ->");
                            }
                        }
                        expr(&c.body, out);
                    }
                    ScoringEntry::Deviation { body, .. } => {
                        out.insert("deviation ->");
                        expr(body, out);
                    }
                    ScoringEntry::Explain { condition, .. } => {
                        out.insert("explain when");
                        expr(condition, out);
                    }
                    ScoringEntry::Bare { .. } => {
                        out.insert("bare");
                    }
                    ScoringEntry::LowerIsBetter { patterns, .. } => {
                        out.insert("lower-is-better");
                        for p in patterns {
                            name(&p.name, out);
                            if !p.except.is_empty() {
                                out.insert("lower-is-better except");
                            }
                        }
                    }
                    ScoringEntry::Parts { .. } => {
                        out.insert("parts");
                    }
                    ScoringEntry::Tiers { tiers, .. } => {
                        out.insert("tiers");
                        for t in tiers {
                            name(&t.name, out);
                            interval(&t.interval, out);
                        }
                    }
                }
            }
        }
        Item::Review(_) => {
            out.insert("review");
        }
        Item::Form(t) => {
            out.insert("form");
            for e in &t.entries {
                match e {
                    TemplateEntry::Execution { body, .. } => {
                        out.insert("execution");
                        expr(body, out);
                    }
                    TemplateEntry::ExplainExecution { condition, .. } => {
                        out.insert("explain execution when");
                        expr(condition, out);
                    }
                    TemplateEntry::Section { weight, items, .. } => {
                        out.insert("section");
                        if weight.is_some() {
                            out.insert("section weight");
                        }
                        items.iter().for_each(|i| name(&i.name, out));
                    }
                    TemplateEntry::Indicators { total, level1, .. } => {
                        out.insert("indicators");
                        if total.is_some() {
                            out.insert("indicators TOTAL");
                        }
                        for l1 in level1 {
                            out.insert(if l1.weight.is_some() {
                                "level-1 weight"
                            } else {
                                "level-1 set by the unit"
                            });
                            if l1.names.len() > 1 {
                                out.insert("level-1 A | B");
                            }
                            l1.names.iter().for_each(|n| name(n, out));
                            if l1.absent_to.is_some() {
                                out.insert("absent ->");
                            }
                            out.insert(if l1.level2.is_empty() {
                                "any level-2"
                            } else {
                                "level-2 list"
                            });
                            for l2 in &l1.level2 {
                                if l2.weight.is_some() {
                                    out.insert("level-2 weight");
                                }
                                if l2.names.len() > 1 {
                                    out.insert("level-2 A | B");
                                }
                                l2.names.iter().for_each(|n| name(n, out));
                            }
                        }
                    }
                }
            }
        }
        Item::Example(e) => {
            out.insert("example");
            for s in &e.statements {
                match s {
                    ExampleStatement::Kind(_) => {
                        out.insert("kind");
                    }
                    ExampleStatement::Figure { key, .. } => {
                        out.insert(match key.text.as_str() {
                            "initial" => "initial",
                            "budget" => "budget",
                            "executed" => "executed",
                            _ => "total",
                        });
                    }
                    ExampleStatement::Indicator {
                        category, claimed, ..
                    } => {
                        out.insert("example indicator");
                        category.iter().for_each(|n| name(n, out));
                        if claimed.is_some() {
                            out.insert("claimed");
                        }
                    }
                    ExampleStatement::Part { .. } => {
                        out.insert("example part");
                    }
                    ExampleStatement::Expect { key, .. } => {
                        if let Some(k) = ALL
                            .iter()
                            .find(|k| k.strip_prefix("expect ") == Some(key.text.as_str()))
                        {
                            out.insert(k);
                        }
                    }
                }
            }
        }
    }
}

fn interval(i: &Interval, out: &mut BTreeSet<&'static str>) {
    out.insert(if i.lower_inclusive {
        "[ edge"
    } else {
        "( edge"
    });
    out.insert(if i.upper_inclusive {
        "] edge"
    } else {
        ") edge"
    });
    if i.lower.is_none() || i.upper.is_none() {
        out.insert("open end");
    }
    for e in [&i.lower, &i.upper].into_iter().flatten() {
        expr(e, out);
    }
}

fn expr(e: &Expr, out: &mut BTreeSet<&'static str>) {
    match &e.kind {
        ExprKind::Number(n) => {
            out.insert(if n.percent { "percent" } else { "number" });
        }
        ExprKind::Bool(_) => {
            out.insert("true/false");
        }
        ExprKind::Var(_) => {
            out.insert("variable");
        }
        ExprKind::Paren(inner) => {
            out.insert("( )");
            expr(inner, out);
        }
        ExprKind::Unary(op, inner) => {
            out.insert(match op {
                UnOp::Neg => "-x",
                UnOp::Not => "not",
            });
            expr(inner, out);
        }
        ExprKind::Binary(op, a, b) => {
            out.insert(match op {
                BinOp::Add => "+",
                BinOp::Sub => "-",
                BinOp::Mul => "*",
                BinOp::Div => "/",
                BinOp::And => "and",
                BinOp::Or => "or",
                BinOp::Cmp(CmpOp::Lt) => "<",
                BinOp::Cmp(CmpOp::Le) => "<=",
                BinOp::Cmp(CmpOp::Gt) => ">",
                BinOp::Cmp(CmpOp::Ge) => ">=",
                BinOp::Cmp(CmpOp::Eq) => "==",
                BinOp::Cmp(CmpOp::Ne) => "!=",
            });
            expr(a, out);
            expr(b, out);
        }
        ExprKind::Call(f, args) => {
            if let Some(k) = ALL.iter().find(|k| **k == f.text) {
                out.insert(k);
            }
            args.iter().for_each(|a| expr(a, out));
        }
        ExprKind::If(c, t, o) => {
            out.insert("if then else");
            expr(c, out);
            expr(t, out);
            expr(o, out);
        }
        ExprKind::Steps {
            subject,
            bands,
            otherwise,
        } => {
            out.insert("steps");
            expr(subject, out);
            for band in bands {
                match &band.bound {
                    Bound::Compare(_, limit) => {
                        out.insert("band OP x");
                        expr(limit, out);
                    }
                    Bound::Interval(i) => {
                        out.insert("band interval");
                        interval(i, out);
                    }
                }
                expr(&band.value, out);
            }
            if let Some(o) = otherwise {
                out.insert("steps else");
                expr(o, out);
            }
        }
    }
}
