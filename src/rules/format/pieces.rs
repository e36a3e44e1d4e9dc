//! The pieces inside a construct: names, string literals, numbers, intervals and expressions
//! (`steps` bands one per line).

use super::printer::Printer;
use super::quote;
use crate::rules::ast::*;

impl Printer {
    pub(super) fn name(&mut self, n: &Name) {
        let shown = name_text(n);
        self.w(&shown);
    }

    pub(super) fn alternatives(&mut self, names: &[Name]) {
        let shown: Vec<String> = names.iter().map(name_text).collect();
        self.w(&shown.join(" | "));
    }

    pub(super) fn text(&mut self, value: &str) {
        self.w(&quote(value));
    }

    pub(super) fn number(&mut self, n: &Number) {
        self.w(&number_text(n));
    }

    pub(super) fn interval(&mut self, i: &Interval) {
        self.w(if i.lower_inclusive { "[" } else { "(" });
        if let Some(lo) = &i.lower {
            self.expr(lo);
        }
        self.w(", ");
        if let Some(hi) = &i.upper {
            self.expr(hi);
        }
        self.w(if i.upper_inclusive { "]" } else { ")" });
    }

    pub(super) fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Number(n) => self.number(n),
            ExprKind::Bool(b) => self.w(if *b { "true" } else { "false" }),
            ExprKind::Var(v) => self.w(v),
            ExprKind::Paren(inner) => {
                self.w("(");
                self.expr(inner);
                self.w(")");
            }
            ExprKind::Unary(UnOp::Neg, inner) => {
                self.w("-");
                self.expr(inner);
            }
            ExprKind::Unary(UnOp::Not, inner) => {
                self.w("not ");
                self.expr(inner);
            }
            ExprKind::Binary(op, lhs, rhs) => {
                self.expr(lhs);
                self.w(" ");
                self.w(op.symbol());
                self.w(" ");
                self.expr(rhs);
            }
            ExprKind::Call(name, args) => {
                self.name(name);
                self.w("(");
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        self.w(", ");
                    }
                    self.expr(arg);
                }
                self.w(")");
            }
            ExprKind::If(cond, then, otherwise) => {
                self.w("if ");
                self.expr(cond);
                self.w(" then ");
                self.expr(then);
                self.w(" else ");
                self.expr(otherwise);
            }
            ExprKind::Steps {
                subject,
                bands,
                otherwise,
            } => {
                self.w("steps ");
                self.expr(subject);
                self.open(subject.span.end);
                for band in bands {
                    self.begin(band.span.start);
                    match &band.bound {
                        Bound::Compare(op, limit) => {
                            self.w(comparator(*op));
                            self.w(" ");
                            self.expr(limit);
                        }
                        Bound::Interval(i) => self.interval(i),
                    }
                    self.w(" -> ");
                    self.expr(&band.value);
                    self.end(band.span.end);
                }
                if let Some(value) = otherwise {
                    self.begin(value.span.start);
                    self.w("else -> ");
                    self.expr(value);
                    self.end(value.span.end);
                }
                // The construct around the steps goes on after the `}`.
                self.close(e.span.end.saturating_sub(1));
            }
        }
    }
}

pub(super) fn level2_text(l2: &Level2) -> String {
    let names: Vec<String> = l2.names.iter().map(name_text).collect();
    let mut text = names.join(" | ");
    if let Some(w) = &l2.weight {
        text.push(' ');
        text.push_str(&number_text(w));
    }
    text
}

/// A comparator as a rule author types it: `>=`, `=` (in guards and bands, `=` reads naturally).
pub(super) fn comparator(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "=",
        other => other.symbol(),
    }
}

pub(super) fn number_text(n: &Number) -> String {
    if n.percent {
        format!("{}%", n.digits)
    } else {
        n.digits.clone()
    }
}

pub(super) fn name_text(n: &Name) -> String {
    if n.quoted {
        quote(&n.text)
    } else {
        n.text.clone()
    }
}
