//! Scoring blocks (`quantitative`, `qualitative`, `indicator …`): clauses, deviation, explain,
//! `bare`, `lower-is-better`, `parts` and `tiers`, completed from the built-in defaults, and whether they cover every case.

use super::expressions::bands_overlap;
use super::*;

impl Checker<'_> {
    /// A user's scoring block, completed from the defaults where it says nothing.
    pub(super) fn scoring_with_defaults(
        &mut self,
        block: Option<&ast::ScoringBlock>,
        default: Option<&ast::ScoringBlock>,
        what: &'static str,
    ) -> (ScoringRules, Option<Comparator>, Option<Vec<Tier>>) {
        let (defaults, default_bare, default_tiers) = match default {
            Some(d) => self.default_block(d),
            None => (ScoringRules::default(), None, None),
        };
        let Some(block) = block else {
            return (defaults, default_bare, default_tiers);
        };
        let reported = self.errors.len();
        let (mut rules, bare, tiers) = self.scoring_block(block, true);
        if rules.clauses.is_empty() && self.errors.len() == reported {
            rules.clauses = defaults.clauses;
        } else if self.errors.len() == reported {
            // A block with a mistake already reported (a misspelt name drops its clause) is not
            // also reported as incomplete: that would be the same mistake again.
            self.check_coverage(block, &rules, what);
        }
        if rules.deviation.is_none() {
            rules.deviation = defaults.deviation;
        }
        if rules.explain.is_none() {
            rules.explain = defaults.explain;
        }
        (rules, bare.or(default_bare), tiers.or(default_tiers))
    }

    /// The built-in defaults are checked against their own text.
    fn default_block(
        &mut self,
        block: &ast::ScoringBlock,
    ) -> (ScoringRules, Option<Comparator>, Option<Vec<Tier>>) {
        let file = SourceFile::new("<defaults>", DEFAULT_RULES);
        let mut inner = Checker::new(&file);
        let (mut rules, bare, tiers) = inner.scoring_block(block, true);
        // Default rules have no place in the user's file.
        for clause in &mut rules.clauses {
            clause.body.span = None;
            clause.span = 0..0;
        }
        if let Some(d) = &mut rules.deviation {
            d.span = None;
        }
        if let Some(e) = &mut rules.explain {
            e.span = None;
        }
        self.errors.extend(inner.errors);
        (rules, bare, tiers)
    }

    fn check_coverage(
        &mut self,
        block: &ast::ScoringBlock,
        rules: &ScoringRules,
        what: &'static str,
    ) {
        let has_always = rules
            .clauses
            .iter()
            .any(|c| matches!(c.guard, Guard::Always));
        if has_always {
            return;
        }
        let met = rules.clauses.iter().any(|c| matches!(c.guard, Guard::Met));
        if !met {
            self.error(&block.span, CheckError::MetNotCovered { block: what });
        }
        let comparators: &[Comparator] = if what == "quantitative" {
            &[
                Comparator::Ge,
                Comparator::Gt,
                Comparator::Le,
                Comparator::Lt,
                Comparator::Eq,
            ]
        } else {
            &[Comparator::Ge]
        };
        for cmp in comparators {
            let covered = rules.clauses.iter().any(|c| match &c.guard {
                Guard::Unmet(ops) => ops.is_empty() || ops.contains(cmp) || what != "quantitative",
                _ => false,
            });
            if !covered {
                let kind = if what == "quantitative" {
                    CheckError::UnmetNotCovered {
                        symbol: cmp.symbol(),
                        ascii: ascii_symbol(*cmp),
                    }
                } else {
                    CheckError::QualitativeUnmetNotCovered
                };
                self.error(&block.span, kind);
            }
        }
    }

    pub(super) fn scoring_block(
        &mut self,
        block: &ast::ScoringBlock,
        top_level: bool,
    ) -> (ScoringRules, Option<Comparator>, Option<Vec<Tier>>) {
        let mut rules = ScoringRules::default();
        let mut bare = None;
        let mut tiers = None;
        for entry in &block.entries {
            match entry {
                ScoringEntry::Clause(clause) => {
                    let guard = match &clause.guard {
                        ast::Guard::When(cond) => {
                            match self.rule_expr(cond, Place::Indicator, Type::Bool) {
                                Some(e) => Guard::When(e),
                                None => continue,
                            }
                        }
                        ast::Guard::Met => Guard::Met,
                        ast::Guard::ZeroTarget => Guard::ZeroTarget,
                        ast::Guard::Always => Guard::Always,
                        ast::Guard::Unmet(ops) => {
                            let mut comparators = Vec::new();
                            for (op, span) in ops {
                                match target_comparator(*op) {
                                    Some(c) => comparators.push(c),
                                    None => {
                                        self.error(span, CheckError::NotATargetComparator);
                                    }
                                }
                            }
                            Guard::Unmet(comparators)
                        }
                    };
                    if let Some(body) = self.rule_expr(&clause.body, Place::Indicator, Type::Num) {
                        rules.clauses.push(Clause {
                            guard,
                            body,
                            span: clause.span.clone(),
                        });
                    }
                }
                ScoringEntry::Deviation { body, span } => {
                    if rules.deviation.is_some() {
                        let entry = "deviation";
                        self.error(span, CheckError::DuplicateEntry { entry });
                    }
                    rules.deviation = self.rule_expr(body, Place::Indicator, Type::Num);
                }
                ScoringEntry::Explain { condition, span } => {
                    if rules.explain.is_some() {
                        let entry = "explain";
                        self.error(span, CheckError::DuplicateEntry { entry });
                    }
                    rules.explain = self.rule_expr(condition, Place::Explain, Type::Bool);
                }
                ScoringEntry::Bare { comparator, span } => {
                    if block.scope != ScoringScope::Quantitative || !top_level {
                        let (entry, block) = ("bare", "quantitative");
                        self.error(span, CheckError::MisplacedEntry { entry, block });
                    }
                    match target_comparator(*comparator) {
                        Some(c) => bare = Some(c),
                        None => {
                            self.error(span, CheckError::NotATargetComparator);
                        }
                    }
                }
                ScoringEntry::LowerIsBetter { patterns, span } => {
                    if block.scope != ScoringScope::Quantitative || !top_level {
                        let (entry, block) = ("lower-is-better", "quantitative");
                        self.error(span, CheckError::MisplacedEntry { entry, block });
                    }
                    if self.lower_is_better.is_some() {
                        let entry = "lower-is-better";
                        self.error(span, CheckError::DuplicateEntry { entry });
                    }
                    let list = self.lower_patterns(patterns);
                    self.lower_is_better = Some(list);
                }
                ScoringEntry::Parts {
                    rules: entries,
                    span,
                } => {
                    let quantitative = block.scope == ScoringScope::Quantitative && top_level;
                    self.parts_entry(entries, span, quantitative);
                }
                ScoringEntry::Tiers { tiers: list, span } => {
                    if block.scope != ScoringScope::Qualitative || !top_level {
                        let (entry, block) = ("tiers", "qualitative");
                        self.error(span, CheckError::MisplacedEntry { entry, block });
                    }
                    tiers = Some(self.tiers(list, span));
                }
            }
        }
        (rules, bare, tiers)
    }

    /// The name parts of `lower-is-better`: none empty (it would match every name), none twice.
    fn lower_patterns(&mut self, patterns: &[ast::LowerPattern]) -> Vec<LowerIsBetter> {
        let mut list: Vec<LowerIsBetter> = Vec::new();
        for pattern in patterns {
            for part in std::iter::once(&pattern.name).chain(&pattern.except) {
                if part.text.trim().is_empty() {
                    self.error(&part.span, CheckError::EmptyNamePart);
                }
            }
            if list.iter().any(|p| p.pattern == pattern.name.text) {
                let name = pattern.name.text.clone();
                self.error(&pattern.name.span, CheckError::DuplicateNamePart { name });
            }
            list.push(LowerIsBetter {
                pattern: pattern.name.text.clone(),
                except: pattern.except.iter().map(|n| n.text.clone()).collect(),
            });
        }
        list
    }

    pub(super) fn tiers(&mut self, list: &[ast::Tier], span: &Span) -> Vec<Tier> {
        let mut tiers: Vec<Tier> = Vec::new();
        for tier in list {
            let lower = tier.interval.lower.as_ref().and_then(|e| self.constant(e));
            let upper = tier.interval.upper.as_ref().and_then(|e| self.constant(e));
            let (Some(lower), Some(upper)) = (lower, upper) else {
                if tier.interval.lower.is_none() || tier.interval.upper.is_none() {
                    self.error(&tier.interval.span, CheckError::TierWithoutBounds);
                }
                continue;
            };
            if lower > upper {
                self.error(&tier.interval.span, CheckError::TierReversed);
            }
            if tiers.iter().any(|t| t.name == tier.name.text) {
                let name = tier.name.text.clone();
                self.error(&tier.name.span, CheckError::DuplicateTier { name });
            }
            let candidate = Tier {
                name: tier.name.text.clone(),
                lower,
                lower_inclusive: tier.interval.lower_inclusive,
                upper,
                upper_inclusive: tier.interval.upper_inclusive,
            };
            if let Some(other) = tiers.iter().find(|t| intervals_overlap(t, &candidate)) {
                let kind = CheckError::TiersOverlap {
                    name: candidate.name.clone(),
                    other: other.name.clone(),
                    interval: candidate.describe(),
                    other_interval: other.describe(),
                };
                self.error(&tier.interval.span, kind);
            }
            tiers.push(candidate);
        }
        if tiers.is_empty() {
            self.error(span, CheckError::NoTiers);
        }
        tiers
    }

    pub(super) fn constant(&mut self, expr: &ast::Expr) -> Option<Decimal> {
        let compiled = self.expr(expr, Place::Constant)?;
        if compiled.1 != Type::Num {
            self.error(&expr.span, CheckError::ExpectedNumber);
            return None;
        }
        match compiled
            .0
            .eval_num(&crate::rules::expr::Env::default(), &Vec::new())
        {
            Ok(v) => Some(v),
            Err(e) => {
                let message = e.message;
                self.error(&e.span, CheckError::ConstantNotComputable { message });
                None
            }
        }
    }
}

fn intervals_overlap(a: &Tier, b: &Tier) -> bool {
    bands_overlap(
        (
            Some((a.lower, a.lower_inclusive)),
            Some((a.upper, a.upper_inclusive)),
        ),
        (
            Some((b.lower, b.lower_inclusive)),
            Some((b.upper, b.upper_inclusive)),
        ),
    )
}

fn target_comparator(op: CmpOp) -> Option<Comparator> {
    Some(match op {
        CmpOp::Ge => Comparator::Ge,
        CmpOp::Gt => Comparator::Gt,
        CmpOp::Le => Comparator::Le,
        CmpOp::Lt => Comparator::Lt,
        CmpOp::Eq => Comparator::Eq,
        CmpOp::Ne => return None,
    })
}

fn ascii_symbol(c: Comparator) -> &'static str {
    match c {
        Comparator::Ge => ">=",
        Comparator::Gt => ">",
        Comparator::Le => "<=",
        Comparator::Lt => "<",
        Comparator::Eq => "=",
    }
}
