//! The top-level constructs of a rule file: `ruleset`, `grades`, `scoring`, `form`, level-1
//! indicators and `example` blocks, one construct per line.

use unicode_width::UnicodeWidthStr;

use super::pieces::{comparator, level2_text};
use super::printer::Printer;
use super::{INDENT, MAX_INLINE_WIDTH};
use crate::rules::ast::*;

impl Printer {
    pub(super) fn item(&mut self, item: &Item) {
        match item {
            Item::Ruleset(h) => self.ruleset(h),
            Item::Grades(g) if g.none => {
                self.begin(g.span.start);
                self.w("grades none");
                self.end(g.span.end);
            }
            Item::Grades(g) => {
                self.begin(g.span.start);
                self.w("grades");
                self.open(g.span.start + "grades".len());
                for band in &g.bands {
                    self.begin(band.span.start);
                    self.name(&band.name);
                    if let Some(min) = &band.min {
                        self.w(" >= ");
                        self.number(min);
                    }
                    self.end(band.span.end);
                }
                self.close_block(&g.span);
            }
            Item::Rounding(r) => {
                self.begin(r.span.start);
                self.w("rounding");
                let mut head_end = r.span.start + "rounding".len();
                if let Some(mode) = &r.mode {
                    self.w(" ");
                    self.name(mode);
                    head_end = mode.span.end;
                }
                self.open(head_end);
                for e in &r.entries {
                    self.begin(e.span.start);
                    self.name(&e.target);
                    self.w(" ");
                    self.number(&e.quantum);
                    if let Some(mode) = &e.mode {
                        self.w(" ");
                        self.name(mode);
                    }
                    self.end(e.span.end);
                }
                self.close_block(&r.span);
            }
            Item::Formula(f) => {
                self.begin(f.span.start);
                self.w("formula ");
                self.name(&f.name);
                self.w(" = ");
                self.expr(&f.body);
                self.end(f.span.end);
            }
            Item::Scoring(b) => self.scoring(b),
            Item::Review(r) => {
                self.begin(r.span.start);
                self.w("review");
                self.open(r.span.start + "review".len());
                for s in &r.settings {
                    self.begin(s.span.start);
                    self.name(&s.key);
                    self.w(" ");
                    self.number(&s.value);
                    self.end(s.span.end);
                }
                self.close_block(&r.span);
            }
            Item::Form(t) => self.form(t),
            Item::Example(e) => self.example(e),
        }
    }

    /// Close a block that ends its construct: `}` then the end of the line.
    pub(super) fn close_block(&mut self, span: &Span) {
        self.close(span.end.saturating_sub(1));
        self.end(span.end);
    }

    pub(super) fn ruleset(&mut self, h: &RulesetHeader) {
        self.begin(h.span.start);
        self.w("ruleset ");
        self.name(&h.id);
        self.open(h.id.span.end);
        for field in &h.fields {
            match field {
                HeaderField::Title(t) => {
                    self.begin(t.span.start);
                    self.w("title ");
                    self.text(&t.value);
                    self.end(t.span.end);
                }
                HeaderField::Basis(t) => {
                    self.begin(t.span.start);
                    self.w("basis ");
                    self.text(&t.value);
                    self.end(t.span.end);
                }
                HeaderField::Version(n) => {
                    self.begin(n.span.start);
                    self.w("version ");
                    self.number(n);
                    self.end(n.span.end);
                }
                HeaderField::Years {
                    from,
                    to,
                    open,
                    span,
                } => {
                    self.begin(span.start);
                    self.w("years ");
                    self.number(from);
                    if let Some(to) = to {
                        self.w("..");
                        self.number(to);
                    } else if *open {
                        self.w("..");
                    }
                    self.end(span.end);
                }
                HeaderField::Regions {
                    keyword,
                    texts,
                    span,
                } => {
                    self.begin(span.start);
                    self.w(keyword);
                    for t in texts {
                        self.w(" ");
                        self.text(&t.value);
                    }
                    self.end(span.end);
                }
                HeaderField::ReadOff(t) => {
                    self.begin(t.span.start);
                    self.w("read-off ");
                    self.text(&t.value);
                    self.end(t.span.end);
                }
            }
        }
        self.close_block(&h.span);
    }

    pub(super) fn scoring(&mut self, b: &ScoringBlock) {
        self.begin(b.span.start);
        let mut head_end = b.span.start;
        match b.scope {
            ScoringScope::Quantitative => {
                self.w("quantitative");
                head_end += "quantitative".len();
            }
            ScoringScope::Qualitative => {
                self.w("qualitative");
                head_end += "qualitative".len();
            }
            ScoringScope::Indicator => {
                self.w("indicator ");
                self.alternatives(&b.selector);
                head_end = b.selector.last().map_or(head_end, |n| n.span.end);
            }
        }
        self.open(head_end);
        for entry in &b.entries {
            match entry {
                ScoringEntry::Clause(c) => {
                    self.begin(c.span.start);
                    match &c.guard {
                        Guard::When(cond) => {
                            self.w("when ");
                            self.expr(cond);
                        }
                        Guard::Met => self.w("met"),
                        Guard::Unmet(ops) => {
                            self.w("unmet");
                            for (op, _) in ops {
                                self.w(" ");
                                self.w(comparator(*op));
                            }
                        }
                        Guard::ZeroTarget => self.w("zero-target"),
                        Guard::Always => self.w("score"),
                    }
                    self.w(" -> ");
                    self.expr(&c.body);
                    self.end(c.span.end);
                }
                ScoringEntry::Deviation { body, span } => {
                    self.begin(span.start);
                    self.w("deviation -> ");
                    self.expr(body);
                    self.end(span.end);
                }
                ScoringEntry::Explain { condition, span } => {
                    self.begin(span.start);
                    self.w("explain when ");
                    self.expr(condition);
                    self.end(span.end);
                }
                ScoringEntry::Bare {
                    comparator: op,
                    span,
                } => {
                    self.begin(span.start);
                    self.w("bare ");
                    self.w(comparator(*op));
                    self.end(span.end);
                }
                ScoringEntry::LowerIsBetter { patterns, span } => {
                    self.begin(span.start);
                    self.w("lower-is-better");
                    self.open(span.start + "lower-is-better".len());
                    for pattern in patterns {
                        self.begin(pattern.span.start);
                        self.name(&pattern.name);
                        if !pattern.except.is_empty() {
                            self.w(" except {");
                            for part in &pattern.except {
                                self.w(" ");
                                self.name(part);
                            }
                            self.w(" }");
                        }
                        self.end(pattern.span.end);
                    }
                    self.close_block(span);
                }
                ScoringEntry::Parts { rules, span } => {
                    self.begin(span.start);
                    self.w("parts");
                    self.open(span.start + "parts".len());
                    for rule in rules {
                        self.begin(rule.span.start);
                        self.name(&rule.kind);
                        self.w(" ");
                        self.name(&rule.method);
                        self.end(rule.span.end);
                    }
                    self.close_block(span);
                }
                ScoringEntry::Tiers { tiers, span } => {
                    self.begin(span.start);
                    self.w("tiers");
                    self.open(span.start + "tiers".len());
                    for tier in tiers {
                        self.begin(tier.span.start);
                        self.name(&tier.name);
                        self.w(" ");
                        self.interval(&tier.interval);
                        self.end(tier.span.end);
                    }
                    self.close_block(span);
                }
            }
        }
        self.close_block(&b.span);
    }

    pub(super) fn form(&mut self, t: &FormTemplate) {
        self.begin(t.span.start);
        self.w("form ");
        self.name(&t.kind);
        self.open(t.kind.span.end);
        for entry in &t.entries {
            match entry {
                TemplateEntry::Execution {
                    weight,
                    denominator,
                    body,
                    span,
                } => {
                    self.begin(span.start);
                    self.w("execution ");
                    self.number(weight);
                    self.w(" over ");
                    self.name(denominator);
                    self.w(" -> ");
                    self.expr(body);
                    self.end(span.end);
                }
                TemplateEntry::ExplainExecution { condition, span } => {
                    self.begin(span.start);
                    self.w("explain execution when ");
                    self.expr(condition);
                    self.end(span.end);
                }
                TemplateEntry::Section {
                    name,
                    weight,
                    items,
                    span,
                } => {
                    self.begin(span.start);
                    self.w("section ");
                    self.name(name);
                    let mut head_end = name.span.end;
                    if let Some(w) = weight {
                        self.w(" ");
                        self.number(w);
                        head_end = w.span.end;
                    }
                    self.open(head_end);
                    for item in items {
                        self.begin(item.span.start);
                        self.name(&item.name);
                        self.w(" ");
                        self.number(&item.weight);
                        self.end(item.span.end);
                    }
                    self.close_block(span);
                }
                TemplateEntry::Indicators {
                    total,
                    level1,
                    span,
                } => {
                    self.begin(span.start);
                    self.w("indicators");
                    let mut head_end = span.start + "indicators".len();
                    if let Some(n) = total {
                        self.w(" ");
                        self.number(n);
                        head_end = n.span.end;
                    }
                    let commented = self
                        .comments
                        .iter()
                        .any(|c| c.offset > span.start && c.offset < span.end);
                    if level1.is_empty() && !commented {
                        // A flat template: `indicators 90 { }` on one line.
                        self.w(" { }");
                        self.end(span.end);
                    } else {
                        self.open(head_end);
                        for l1 in level1 {
                            self.level1(l1);
                        }
                        self.close_block(span);
                    }
                }
            }
        }
        self.close_block(&t.span);
    }

    pub(super) fn level1(&mut self, l1: &Level1) {
        self.begin(l1.span.start);
        self.alternatives(&l1.names);
        let mut head_end = l1.names.last().map_or(l1.span.start, |n| n.span.end);
        if let Some(w) = &l1.weight {
            self.w(" ");
            self.number(w);
            head_end = w.span.end;
        }
        if let Some(to) = &l1.absent_to {
            self.w(" absent -> ");
            self.name(to);
            head_end = to.span.end;
        }
        if l1.level2.is_empty() {
            self.end(l1.span.end);
            return;
        }
        let inline: Vec<String> = l1.level2.iter().map(level2_text).collect();
        let inline = format!(" {{ {} }}", inline.join(" "));
        let width = INDENT.repeat(self.depth).width() + self.line.width() + inline.width();
        let commented = self
            .comments
            .iter()
            .any(|c| c.offset > l1.span.start && c.offset < l1.span.end);
        if !commented && width <= MAX_INLINE_WIDTH {
            self.w(&inline);
            self.end(l1.span.end);
            return;
        }
        self.open(head_end);
        for l2 in &l1.level2 {
            self.begin(l2.span.start);
            self.w(&level2_text(l2));
            self.end(l2.span.end);
        }
        self.close_block(&l1.span);
    }

    pub(super) fn example(&mut self, e: &Example) {
        self.begin(e.span.start);
        self.w("example ");
        self.text(&e.title.value);
        self.open(e.title.span.end);
        for s in &e.statements {
            match s {
                ExampleStatement::Kind(k) => {
                    self.begin(k.span.start);
                    self.w("kind ");
                    self.name(k);
                    self.end(k.span.end);
                }
                ExampleStatement::Figure { key, value } => {
                    self.begin(key.span.start);
                    self.name(key);
                    self.w(" ");
                    self.number(value);
                    self.end(value.span.end);
                }
                ExampleStatement::Indicator {
                    category,
                    target,
                    actual,
                    weight,
                    claimed,
                    span,
                } => {
                    self.begin(span.start);
                    self.w("indicator");
                    for n in category {
                        self.w(" ");
                        self.name(n);
                    }
                    self.w(" target ");
                    self.text(&target.value);
                    if let Some(actual) = actual {
                        self.w(" actual ");
                        self.text(&actual.value);
                    }
                    self.w(" weight ");
                    self.number(weight);
                    if let Some(c) = claimed {
                        self.w(" claimed ");
                        self.number(c);
                    }
                    self.end(span.end);
                }
                ExampleStatement::Part {
                    name,
                    actual,
                    funds,
                    span,
                } => {
                    self.begin(span.start);
                    self.w("part ");
                    self.name(name);
                    self.w(" actual ");
                    self.text(&actual.value);
                    if let Some(f) = funds {
                        self.w(" funds ");
                        self.number(f);
                    }
                    self.end(span.end);
                }
                ExampleStatement::Expect { key, value, span } => {
                    self.begin(span.start);
                    self.w("expect ");
                    self.name(key);
                    self.w(" ");
                    match value {
                        ExpectValue::Number(n) => self.number(n),
                        ExpectValue::Name(n) => self.name(n),
                    }
                    self.end(span.end);
                }
            }
        }
        self.close_block(&e.span);
    }
}
