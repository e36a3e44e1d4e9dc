//! Expressions: names resolved, types checked, `steps` bands checked for overlap.

use super::*;

/// A `steps` band's bound, compiled, and its ends when they are constants (for the overlap
/// check); `None` when an end is computed from the form.
type CheckedBound = (CBound, Option<(End, End)>);

impl Checker<'_> {
    /// A rule's expression: of the type wanted, within the evaluation limits, reading only the
    /// variables the place it is used in has.
    pub(super) fn rule_expr(
        &mut self,
        expr: &ast::Expr,
        place: Place,
        want: Type,
    ) -> Option<RuleExpr> {
        let (compiled, ty) = self.expr(expr, place)?;
        if ty != want {
            let kind = CheckError::WrongRuleType {
                want_zh: if want == Type::Num {
                    "数字"
                } else {
                    "条件"
                },
                want: want.describe(),
                found: ty.describe(),
            };
            self.error(&expr.span, kind);
            return None;
        }
        let cost = cost_of(&compiled, &self.costs);
        if !self.within_limits(cost, &expr.span, "此规则 (this rule)") {
            return None;
        }
        let mut reads = Vec::new();
        compiled.variables(&self.compiled_formulas(), &mut reads);
        reads.sort();
        for var in &reads {
            if !place.allows(*var) {
                let kind = CheckError::VariableNotAvailable {
                    name: var.name(),
                    place: place.describe(),
                };
                self.error(&expr.span, kind);
            }
        }
        Some(RuleExpr {
            expr: compiled,
            text: self.text_of(&expr.span),
            span: Some(expr.span.clone()),
            reads,
        })
    }

    pub(super) fn expr(&mut self, expr: &ast::Expr, place: Place) -> Option<(CExpr, Type)> {
        let span = &expr.span;
        let node = |kind| CExpr {
            kind,
            span: span.clone(),
        };
        match &expr.kind {
            ExprKind::Number(n) => Some((node(CKind::Num(n.value)), Type::Num)),
            ExprKind::Bool(b) => Some((node(CKind::Bool(*b)), Type::Bool)),
            ExprKind::Paren(inner) => self.expr(inner, place),
            ExprKind::Var(name) => self.name(name, span, place),
            ExprKind::Unary(op, inner) => {
                let (e, ty) = self.expr(inner, place)?;
                match op {
                    ast::UnOp::Neg => {
                        self.expect_type(&inner.span, ty, Type::Num)?;
                        Some((node(CKind::Neg(Box::new(e))), Type::Num))
                    }
                    ast::UnOp::Not => {
                        self.expect_type(&inner.span, ty, Type::Bool)?;
                        Some((node(CKind::Not(Box::new(e))), Type::Bool))
                    }
                }
            }
            ExprKind::Binary(op, lhs, rhs) => {
                // Both sides are checked, so that a mistake on each is reported.
                let left = self.expr(lhs, place);
                let right = self.expr(rhs, place);
                let ((l, lt), (r, rt)) = (left?, right?);
                let (operand, result) = match op {
                    BinOp::And | BinOp::Or => (Type::Bool, Type::Bool),
                    BinOp::Cmp(_) => (Type::Num, Type::Bool),
                    _ => (Type::Num, Type::Num),
                };
                self.expect_type(&lhs.span, lt, operand)?;
                self.expect_type(&rhs.span, rt, operand)?;
                Some((node(CKind::Binary(*op, Box::new(l), Box::new(r))), result))
            }
            ExprKind::Call(name, args) => self.call(name, args, span, place),
            ExprKind::If(cond, then, otherwise) => {
                let c = self.expr(cond, place);
                let t = self.expr(then, place);
                let o = self.expr(otherwise, place);
                let ((c, ct), (t, tt), (o, ot)) = (c?, t?, o?);
                self.expect_type(&cond.span, ct, Type::Bool)?;
                if tt != ot {
                    let kind = CheckError::BranchTypesDiffer {
                        then: tt.describe(),
                        otherwise: ot.describe(),
                    };
                    self.error(&otherwise.span, kind);
                    return None;
                }
                Some((node(CKind::If(Box::new(c), Box::new(t), Box::new(o))), tt))
            }
            ExprKind::Steps {
                subject,
                bands,
                otherwise,
            } => self.steps(subject, bands, otherwise.as_deref(), span, place),
        }
    }

    /// A name: a variable, or a formula defined in the file.
    fn name(&mut self, name: &str, span: &Span, place: Place) -> Option<(CExpr, Type)> {
        let node = |kind| CExpr {
            kind,
            span: span.clone(),
        };
        if let Some(var) = Var::from_name(name) {
            if place == Place::Constant {
                let name = name.to_string();
                self.error(span, CheckError::VariableInConstant { name });
                return None;
            }
            let ty = if var.is_bool() { Type::Bool } else { Type::Num };
            return Some((node(CKind::Var(var)), ty));
        }
        if let Some(&index) = self.formula_index.get(name) {
            let ty = self.formula_type(index)?;
            return Some((node(CKind::Formula(index)), ty));
        }
        self.undefined_name(name, span);
        None
    }

    /// A name that is neither: reported once with what it may have meant; where the same name is
    /// used again, a note on that report says so instead of another error.
    fn undefined_name(&mut self, name: &str, span: &Span) {
        /// Further places listed on the first report of a misspelt name.
        const MAX_PLACES: usize = 3;
        if let Some(&first) = self.undefined.get(name) {
            let (line, column) = self.file.line_col(span.start);
            if let Some(d) = self.errors.get_mut(first) {
                let shown = d.notes.len();
                if shown < MAX_PLACES {
                    d.notes.push(format!("also written at {line}:{column}"));
                } else if shown == MAX_PLACES {
                    d.notes.push("also written elsewhere".into());
                }
            }
            return;
        }
        let mut formulas: Vec<&str> = self.formula_index.keys().map(String::as_str).collect();
        formulas.sort_unstable();
        let mut help = format!("variables are {}", Var::ALL.map(Var::name).join(", "));
        if !formulas.is_empty() {
            help.push_str(&format!("; formulas are {}", formulas.join(", ")));
        }
        if name.contains('-') {
            help.push_str("; write `a - b` with spaces to subtract");
        }
        let candidates = Var::ALL.iter().map(|v| v.name()).chain(formulas);
        let label = match crate::diag::nearest(name, candidates) {
            Some(near) => format!("not a variable or formula: did you mean `{near}`?"),
            None => "not a variable or formula".to_string(),
        };
        self.undefined.insert(name.to_string(), self.errors.len());
        let name = name.to_string();
        let d = self.error(span, CheckError::UndefinedName { name });
        d.label = Some(label);
        d.help = Some(help);
    }

    fn call(
        &mut self,
        name: &ast::Name,
        args: &[ast::Expr],
        span: &Span,
        place: Place,
    ) -> Option<(CExpr, Type)> {
        let Some(func) = Func::from_name(&name.text) else {
            let kind = CheckError::UnknownFunction {
                name: name.text.clone(),
            };
            self.error(&name.span, kind).label =
                Some("expected min, max, abs, clamp, floor, ceil or round".into());
            return None;
        };
        let (least, most) = func.arity();
        if args.len() < least || args.len() > most {
            let wanted = if least == most {
                least.to_string()
            } else if most == usize::MAX {
                format!("at least {least}")
            } else {
                format!("{least} to {most}")
            };
            let kind = CheckError::WrongArity {
                function: func.name(),
                wanted,
                given: args.len(),
            };
            self.error(span, kind);
            return None;
        }
        let mut compiled = Vec::new();
        for arg in args {
            let (e, ty) = self.expr(arg, place)?;
            self.expect_type(&arg.span, ty, Type::Num)?;
            compiled.push(e);
        }
        let node = CExpr {
            kind: CKind::Call(func, compiled),
            span: span.clone(),
        };
        Some((node, Type::Num))
    }

    /// `steps subject { bound -> value … else -> value }`: every band of one type, no two
    /// constant bands overlapping.
    fn steps(
        &mut self,
        subject: &ast::Expr,
        bands: &[ast::StepBand],
        otherwise: Option<&ast::Expr>,
        span: &Span,
        place: Place,
    ) -> Option<(CExpr, Type)> {
        if bands.len() > MAX_STEP_BANDS {
            self.error(span, CheckError::TooManyBands { given: bands.len() });
            return None;
        }
        let (s, st) = self.expr(subject, place)?;
        self.expect_type(&subject.span, st, Type::Num)?;
        let mut result_type = None;
        let mut compiled = Vec::new();
        let mut constant_intervals: Vec<ConstantBand> = Vec::new();
        for band in bands {
            let (bound, constant) = self.band_bound(&band.bound, place)?;
            if let Some((lower, upper)) = constant {
                constant_intervals.push((lower, upper, band.span.clone()));
            }
            let (v, vt) = self.expr(&band.value, place)?;
            if let Some(rt) = result_type
                && rt != vt
            {
                self.error(&band.value.span, CheckError::BandTypesDiffer);
                return None;
            }
            result_type = Some(vt);
            compiled.push((bound, v));
        }
        self.check_band_overlap(&constant_intervals);
        let otherwise = match otherwise {
            Some(o) => {
                let (e, ot) = self.expr(o, place)?;
                if let Some(rt) = result_type
                    && rt != ot
                {
                    self.error(&o.span, CheckError::ElseTypeDiffers);
                    return None;
                }
                result_type = Some(ot);
                Some(Box::new(e))
            }
            None => None,
        };
        let Some(ty) = result_type else {
            self.error(span, CheckError::NoBands);
            return None;
        };
        let node = CExpr {
            kind: CKind::Steps {
                subject: Box::new(s),
                bands: compiled,
                otherwise,
            },
            span: span.clone(),
        };
        Some((node, ty))
    }

    /// A band's bound (`>= 90%`, `[80%, 90%)`), and its ends when they are constants.
    fn band_bound(&mut self, bound: &ast::Bound, place: Place) -> Option<CheckedBound> {
        match bound {
            ast::Bound::Compare(op, limit) => {
                let (l, lt) = self.expr(limit, place)?;
                self.expect_type(&limit.span, lt, Type::Num)?;
                let constant = match l.kind {
                    CKind::Num(v) => match op {
                        CmpOp::Ge => Some((Some((v, true)), None)),
                        CmpOp::Gt => Some((Some((v, false)), None)),
                        CmpOp::Le => Some((None, Some((v, true)))),
                        CmpOp::Lt => Some((None, Some((v, false)))),
                        CmpOp::Eq => Some((Some((v, true)), Some((v, true)))),
                        CmpOp::Ne => None,
                    },
                    _ => None,
                };
                Some((CBound::Compare(*op, l), constant))
            }
            ast::Bound::Interval(interval) => {
                let mut ends = [None, None];
                for (slot, (end, inclusive)) in ends.iter_mut().zip([
                    (&interval.lower, interval.lower_inclusive),
                    (&interval.upper, interval.upper_inclusive),
                ]) {
                    if let Some(end) = end {
                        let (e, et) = self.expr(end, place)?;
                        self.expect_type(&end.span, et, Type::Num)?;
                        *slot = Some((e, inclusive));
                    }
                }
                let [lower, upper] = ends;
                let constant_end = |end: &Option<(CExpr, bool)>| match end {
                    Some((
                        CExpr {
                            kind: CKind::Num(v),
                            ..
                        },
                        inc,
                    )) => Some(Some((*v, *inc))),
                    Some(_) => None,
                    None => Some(None),
                };
                let constant = constant_end(&lower).zip(constant_end(&upper));
                if let Some((Some((l, _)), Some((h, _)))) = constant
                    && l > h
                {
                    self.error(&interval.span, CheckError::IntervalReversed);
                }
                Some((CBound::Interval { lower, upper }, constant))
            }
        }
    }

    /// Two bands that both contain some value make the result depend on their order: refuse.
    /// Sorted by lower end, a band overlaps an earlier one exactly when it starts before the
    /// furthest upper end seen so far: n log n (65,000 bands compared pairwise took 33 s).
    fn check_band_overlap(&mut self, intervals: &[ConstantBand]) {
        let mut order: Vec<usize> = (0..intervals.len()).collect();
        // Lower ends: none (unbounded) first, then by value, an inclusive end before an exclusive.
        let lower_key = |i: &usize| {
            intervals
                .get(*i)
                .map(|band| band.0.map(|(v, inclusive)| (v, !inclusive)))
        };
        order.sort_by_key(lower_key);
        // The band reaching furthest up so far (an unbounded upper end reaches furthest).
        let mut reach: Option<usize> = None;
        let mut found = None;
        for &j in &order {
            let Some(b) = intervals.get(j) else { continue };
            if let Some(i) = reach
                && let Some(a) = intervals.get(i)
                && bands_overlap((a.0, a.1), (b.0, b.1))
            {
                found = Some((i.min(j), i.max(j)));
                break;
            }
            let further = match reach.and_then(|i| intervals.get(i)) {
                None => true,
                Some(a) => upper_key(b.1) > upper_key(a.1),
            };
            if further {
                reach = Some(j);
            }
        }
        let Some((first, second)) = found else {
            return;
        };
        let (Some(a), Some(b)) = (intervals.get(first), intervals.get(second)) else {
            return;
        };
        let other = self.text_of(&a.2);
        self.error(&b.2, CheckError::BandsOverlap { other }).help =
            Some("use `[a, b)` and `[b, c)` so that each value falls in exactly one band".into());
    }

    fn expect_type(&mut self, span: &Span, found: Type, want: Type) -> Option<()> {
        if found == want {
            return Some(());
        }
        let kind = CheckError::TypeMismatch {
            want: want.describe(),
            found: found.describe(),
        };
        self.error(span, kind);
        None
    }
}

/// An upper end as a sort key: unbounded highest, an inclusive end above an exclusive one.
fn upper_key(end: End) -> (bool, Option<(Decimal, bool)>) {
    match end {
        None => (true, None),
        Some((v, inclusive)) => (false, Some((v, inclusive))),
    }
}

/// Two intervals overlap unless one lies wholly below the other.
pub(super) fn bands_overlap(a: (End, End), b: (End, End)) -> bool {
    !below(a.1, b.0) && !below(b.1, a.0)
}

/// Whether an interval ending at `upper` lies wholly below one starting at `lower`.
fn below(upper: End, lower: End) -> bool {
    match (upper, lower) {
        (Some((hi, hi_inc)), Some((lo, lo_inc))) => hi < lo || (hi == lo && !(hi_inc && lo_inc)),
        _ => false,
    }
}
