//! Formulas: the order they are compiled in (each after those it refers to), the one place
//! where cycles and over-long chains are found, and how deep and large each is once its
//! references are followed.

use super::*;

impl Checker<'_> {
    /// The formulas in an order where each comes after every formula it refers to (a depth-first
    /// post-order, in definition order, with an explicit stack: a chain of 20,000 references
    /// recurses nowhere). Cycles and chains longer than [`MAX_FORMULA_CHAIN`] are reported here,
    /// at the formula where they close or go too deep, and those formulas marked as failed.
    pub(super) fn formula_order(&mut self) -> Vec<usize> {
        let count = self.formula_asts.len();
        let references: Vec<Vec<usize>> = self
            .formula_asts
            .iter()
            .map(|def| {
                let mut out = Vec::new();
                formula_references(&def.body, &self.formula_index, &mut out);
                out
            })
            .collect();
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Open,
            Done,
        }
        let mut mark = vec![Mark::New; count];
        let mut order = Vec::with_capacity(count);
        let mut chain_reported = false;
        for root in 0..count {
            if mark.get(root) != Some(&Mark::New) {
                continue;
            }
            // The path from the root, each formula with the next reference to follow.
            let mut path: Vec<(usize, usize)> = vec![(root, 0)];
            if let Some(m) = mark.get_mut(root) {
                *m = Mark::Open;
            }
            while let Some(&mut (node, ref mut next)) = path.last_mut() {
                let Some(&child) = references.get(node).and_then(|r| r.get(*next)) else {
                    path.pop();
                    if let Some(m) = mark.get_mut(node) {
                        *m = Mark::Done;
                    }
                    order.push(node);
                    continue;
                };
                *next += 1;
                match mark.get(child) {
                    Some(Mark::New) if path.len() >= MAX_FORMULA_CHAIN => {
                        if let Some(m) = mark.get_mut(child) {
                            *m = Mark::Done;
                        }
                        self.failed.insert(child);
                        // Once is enough: a chain of 20,000 would otherwise be reported at every
                        // 33rd link.
                        if !chain_reported {
                            chain_reported = true;
                            if let Some(def) = self.formula_asts.get(child) {
                                let span = def.name.span.clone();
                                self.error(&span, CheckError::FormulaChainTooDeep);
                            }
                        }
                        order.push(child);
                    }
                    Some(Mark::New) => {
                        if let Some(m) = mark.get_mut(child) {
                            *m = Mark::Open;
                        }
                        path.push((child, 0));
                    }
                    Some(Mark::Open) => {
                        let members: Vec<usize> = path
                            .iter()
                            .map(|(n, _)| *n)
                            .skip_while(|n| *n != child)
                            .collect();
                        // A cycle through a formula already reported is the same mistake: its
                        // members fail without another message.
                        let reported = members.iter().any(|m| self.failed.contains(m));
                        self.failed.extend(&members);
                        if reported {
                            continue;
                        }
                        let cycle: Vec<String> = members
                            .iter()
                            .chain(std::iter::once(&child))
                            .filter_map(|i| self.formula_asts.get(*i).map(|f| f.name.text.clone()))
                            .collect();
                        if let Some(def) = self.formula_asts.get(child) {
                            let span = def.name.span.clone();
                            let cycle = cycle.join(" → ");
                            self.error(&span, CheckError::FormulaCycle { cycle });
                        }
                    }
                    _ => {}
                }
            }
        }
        order
    }

    /// Record how deep and large a compiled formula is with its references followed, and refuse
    /// it past [`MAX_EVAL_DEPTH`] or [`MAX_EVAL_TERMS`].
    pub(super) fn check_formula_cost(&mut self, index: usize) {
        let Some(Some((expr, _))) = self.formulas.get(index) else {
            return;
        };
        let cost = cost_of(expr, &self.costs);
        let Some(def) = self.formula_asts.get(index) else {
            return;
        };
        let (span, name) = (def.name.span.clone(), def.name.text.clone());
        if self.within_limits(cost, &span, &format!("公式 {name} (formula `{name}`)")) {
            if let Some(slot) = self.costs.get_mut(index) {
                *slot = Some(cost);
            }
        } else {
            self.failed.insert(index);
            if let Some(slot) = self.formulas.get_mut(index) {
                *slot = None;
            }
        }
    }

    pub(super) fn within_limits(&mut self, cost: Cost, span: &Span, what: &str) -> bool {
        if cost.depth > MAX_EVAL_DEPTH {
            let (what, depth) = (what.to_string(), cost.depth);
            self.error(span, CheckError::NestedTooDeep { what, depth })
                .help =
                Some("split the formulas differently, or write the rule more simply".into());
            return false;
        }
        if cost.terms > MAX_EVAL_TERMS {
            let (what, terms) = (what.to_string(), cost.terms);
            self.error(span, CheckError::TooManyTerms { what, terms })
                .help = Some(
                "a formula used several times by another, in a chain, doubles at every link".into(),
            );
            return false;
        }
        true
    }

    /// Compile a formula's body. [`Checker::formula_order`] puts every formula after those it
    /// refers to and fails every member of a cycle, so the formulas this one uses are compiled
    /// (or failed) already: compiling never recurses into another formula.
    pub(super) fn compile_formula(&mut self, index: usize) -> Option<Type> {
        if self.failed.contains(&index) {
            return None;
        }
        let def = *self.formula_asts.get(index)?;
        let Some((expr, ty)) = self.expr(&def.body, Place::Formula) else {
            self.failed.insert(index);
            return None;
        };
        if let Some(slot) = self.formulas.get_mut(index) {
            *slot = Some((expr, ty));
        }
        Some(ty)
    }

    /// The type of a formula used by a rule or another formula; `None` when it failed (its
    /// mistake is reported where the formula is written, not where it is used).
    pub(super) fn formula_type(&self, index: usize) -> Option<Type> {
        match self.formulas.get(index) {
            Some(Some((_, ty))) => Some(*ty),
            _ => None,
        }
    }
}

/// How deep and how large an expression is once formula references are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Cost {
    pub(super) depth: usize,
    pub(super) terms: usize,
}

/// The cost of a compiled expression, the costs of the formulas it refers to known (a formula
/// without one, because it failed, counts as a single term). Recurses as deep as the expression,
/// which the parser keeps within [`crate::rules::parser::MAX_EXPR_DEPTH`].
pub(super) fn cost_of(expr: &CExpr, formulas: &[Option<Cost>]) -> Cost {
    let leaf = Cost { depth: 1, terms: 1 };
    let combine = |children: &[Cost]| Cost {
        depth: children
            .iter()
            .map(|c| c.depth)
            .max()
            .unwrap_or(0)
            .saturating_add(1),
        terms: children
            .iter()
            .fold(1usize, |n, c| n.saturating_add(c.terms)),
    };
    match &expr.kind {
        CKind::Num(_) | CKind::Bool(_) | CKind::Var(_) => leaf,
        CKind::Formula(i) => match formulas.get(*i).copied().flatten() {
            Some(c) => combine(&[c]),
            None => leaf,
        },
        CKind::Neg(e) | CKind::Not(e) => combine(&[cost_of(e, formulas)]),
        CKind::Binary(_, a, b) => combine(&[cost_of(a, formulas), cost_of(b, formulas)]),
        CKind::Call(_, args) => {
            let costs: Vec<Cost> = args.iter().map(|a| cost_of(a, formulas)).collect();
            combine(&costs)
        }
        CKind::If(a, b, c) => combine(&[
            cost_of(a, formulas),
            cost_of(b, formulas),
            cost_of(c, formulas),
        ]),
        CKind::Steps {
            subject,
            bands,
            otherwise,
        } => {
            let mut costs = vec![cost_of(subject, formulas)];
            for (bound, value) in bands {
                match bound {
                    CBound::Compare(_, e) => costs.push(cost_of(e, formulas)),
                    CBound::Interval { lower, upper } => {
                        for (e, _) in lower.iter().chain(upper.iter()) {
                            costs.push(cost_of(e, formulas));
                        }
                    }
                }
                costs.push(cost_of(value, formulas));
            }
            if let Some(o) = otherwise {
                costs.push(cost_of(o, formulas));
            }
            combine(&costs)
        }
    }
}

/// The formulas an expression names, in the order the checker meets them.
fn formula_references(expr: &ast::Expr, index: &HashMap<String, usize>, out: &mut Vec<usize>) {
    let mut walk = |e: &ast::Expr| formula_references(e, index, out);
    match &expr.kind {
        ExprKind::Number(_) | ExprKind::Bool(_) => {}
        ExprKind::Var(name) => {
            if Var::from_name(name).is_none()
                && let Some(&i) = index.get(name)
            {
                out.push(i);
            }
        }
        ExprKind::Paren(e) | ExprKind::Unary(_, e) => walk(e),
        ExprKind::Binary(_, a, b) => {
            walk(a);
            walk(b);
        }
        ExprKind::Call(_, args) => args.iter().for_each(walk),
        ExprKind::If(a, b, c) => {
            walk(a);
            walk(b);
            walk(c);
        }
        ExprKind::Steps {
            subject,
            bands,
            otherwise,
        } => {
            walk(subject);
            for band in bands {
                match &band.bound {
                    ast::Bound::Compare(_, e) => walk(e),
                    ast::Bound::Interval(interval) => {
                        for e in interval.lower.iter().chain(interval.upper.iter()) {
                            walk(e);
                        }
                    }
                }
                walk(&band.value);
            }
            if let Some(o) = otherwise {
                walk(o);
            }
        }
    }
}
