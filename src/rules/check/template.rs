//! `form` templates (execution, sections, level-1 and level-2 indicators, weights) and
//! `example`s.

use super::*;

impl Checker<'_> {
    /// The `form` templates, one per kind of form; a ruleset without any is refused (once its
    /// other mistakes are mended: a template dropped for a mistake is not "missing" too).
    pub(super) fn templates(
        &mut self,
        templates: &[&ast::FormTemplate],
        header: &ast::RulesetHeader,
    ) -> Vec<Template> {
        let mut checked: Vec<Template> = Vec::new();
        for t in templates {
            if let Some(template) = self.template(t) {
                if checked.iter().any(|c| c.kind == template.kind) {
                    let kind = template.kind.to_string();
                    self.error(&t.kind.span, CheckError::DuplicateTemplate { kind });
                } else {
                    checked.push(template);
                }
            }
        }
        if checked.is_empty() && self.errors.is_empty() {
            self.error(&header.span, CheckError::NoTemplate);
        }
        checked
    }

    fn template(&mut self, t: &ast::FormTemplate) -> Option<Template> {
        let Some(kind) = FormKind::from_name(&t.kind.text) else {
            let kind = t.kind.text.clone();
            self.error(&t.kind.span, CheckError::UnknownFormKind { kind })
                .label = Some("expected 项目 or 部门整体".into());
            return None;
        };
        let mut execution = None;
        // An `execution` entry whose formula is broken was reported already: not "missing" too.
        let mut execution_written = false;
        let mut explain = None;
        let mut sections: Vec<SectionRule> = Vec::new();
        let mut indicators = None;
        for entry in &t.entries {
            match entry {
                TemplateEntry::Execution {
                    weight,
                    denominator,
                    body,
                    span,
                } => {
                    let Some(column) = BudgetColumn::from_name(&denominator.text) else {
                        let column = denominator.text.clone();
                        self.error(
                            &denominator.span,
                            CheckError::UnknownBudgetColumn { column },
                        )
                        .label = Some("expected 全年预算数 or 年初预算数".into());
                        continue;
                    };
                    execution_written = true;
                    let formula = self.rule_expr(body, Place::Execution, Type::Num);
                    if execution.is_some() {
                        let block = "execution";
                        self.error(span, CheckError::DuplicateBlock { block });
                    }
                    if let Some(formula) = formula {
                        let weight = self.weight(weight);
                        execution = Some(ExecutionRule {
                            weight,
                            denominator: column,
                            formula,
                            explain: None,
                        });
                    }
                }
                TemplateEntry::ExplainExecution { condition, .. } => {
                    explain = self.rule_expr(condition, Place::Execution, Type::Bool);
                }
                TemplateEntry::Section {
                    name,
                    weight,
                    items,
                    span,
                } => {
                    let section = self.section(name, weight.as_ref(), items, span);
                    if sections.iter().any(|s| s.name == name.text) {
                        let name_text = name.text.clone();
                        self.error(&name.span, CheckError::DuplicateItem { name: name_text });
                    }
                    sections.push(section);
                }
                TemplateEntry::Indicators {
                    total,
                    level1,
                    span,
                } => {
                    if indicators.is_some() {
                        let block = "indicators";
                        self.error(span, CheckError::DuplicateBlock { block });
                    }
                    let total_weight = total.as_ref().map(|n| self.weight(n));
                    indicators = Some((
                        total_weight,
                        self.level1_rules(level1, total.as_ref(), span),
                    ));
                }
            }
        }
        let Some(mut execution) = execution else {
            if !execution_written {
                let kind = kind.to_string();
                self.error(&t.span, CheckError::MissingExecution { kind });
            }
            return None;
        };
        execution.explain = explain;
        let (indicators_total, level1) = indicators.unwrap_or((None, Vec::new()));
        let template = Template {
            kind,
            execution,
            sections,
            indicators_total,
            level1,
        };
        self.check_template_total(&template, &t.kind.span);
        Some(template)
    }

    /// A section (资金管理情况 20 { … }): its items, and its weight against theirs.
    fn section(
        &mut self,
        name: &ast::Name,
        weight: Option<&ast::Number>,
        items: &[ast::SectionItem],
        span: &Span,
    ) -> SectionRule {
        let mut checked: Vec<(String, Decimal)> = Vec::new();
        for item in items {
            if checked.iter().any(|(n, _)| *n == item.name.text) {
                let name = item.name.text.clone();
                self.error(&item.name.span, CheckError::DuplicateItem { name });
            }
            let item_weight = self.weight(&item.weight);
            checked.push((item.name.text.clone(), item_weight));
        }
        let sum: Decimal = checked.iter().map(|(_, w)| *w).sum();
        let weight = match weight.map(|w| (w, self.weight(w))) {
            Some((w, _)) if w.value != sum => {
                let kind = CheckError::SectionWeightMismatch {
                    section: name.text.clone(),
                    weight: w.value,
                    sum,
                };
                self.error(span, kind);
                w.value
            }
            Some((_, value)) => value,
            None => sum,
        };
        SectionRule {
            name: name.text.clone(),
            weight,
            items: checked,
        }
    }

    /// When every weight is fixed by the rules, they must make 100.
    fn check_template_total(&mut self, template: &Template, span: &Span) {
        let fixed_indicators = match template.indicators_total {
            Some(total) => Some(total),
            None => template
                .level1
                .iter()
                .map(|l| l.weight)
                .sum::<Option<Decimal>>(),
        };
        if let Some(indicator_weight) = fixed_indicators {
            let total = template.execution.weight
                + template.sections.iter().map(|s| s.weight).sum::<Decimal>()
                + indicator_weight;
            if total != Decimal::ONE_HUNDRED {
                let kind = template.kind.to_string();
                self.error(span, CheckError::TemplateNot100 { kind, total });
            }
        }
    }

    pub(super) fn level1_rules(
        &mut self,
        list: &[ast::Level1],
        total: Option<&ast::Number>,
        span: &Span,
    ) -> Vec<Level1Rule> {
        let mut rules: Vec<Level1Rule> = Vec::new();
        for l1 in list {
            for n in &l1.names {
                if rules.iter().any(|r| r.matches(&n.text)) {
                    let name = n.text.clone();
                    self.error(&n.span, CheckError::DuplicateLevel1 { name });
                }
            }
            let mut level2: Vec<Level2Rule> = Vec::new();
            for l2 in &l1.level2 {
                for n in &l2.names {
                    if level2.iter().any(|r| r.names.contains(&n.text)) {
                        let name = n.text.clone();
                        self.error(&n.span, CheckError::DuplicateLevel2 { name });
                    }
                }
                level2.push(Level2Rule {
                    names: l2.names.iter().map(|n| n.text.clone()).collect(),
                    weight: l2.weight.as_ref().map(|w| self.weight(w)),
                });
            }
            if let Some(weight) = &l1.weight
                && level2.iter().all(|l| l.weight.is_some())
                && !level2.is_empty()
            {
                let sum: Decimal = level2.iter().filter_map(|l| l.weight).sum();
                if sum != weight.value {
                    let weight = weight.value;
                    self.error(&l1.span, CheckError::Level2SumMismatch { sum, weight });
                }
            }
            rules.push(Level1Rule {
                names: l1.names.iter().map(|n| n.text.clone()).collect(),
                weight: l1.weight.as_ref().map(|w| self.weight(w)),
                absent_to: None,
                level2,
            });
        }
        for (i, l1) in list.iter().enumerate() {
            let Some(target) = &l1.absent_to else {
                continue;
            };
            match rules.iter().position(|r| r.matches(&target.text)) {
                Some(j) if j == i => {
                    self.error(&target.span, CheckError::AbsentToSelf);
                }
                Some(j) => {
                    if l1.weight.is_none() {
                        self.error(&target.span, CheckError::AbsentWithoutWeight);
                    }
                    if let Some(r) = rules.get_mut(i) {
                        r.absent_to = Some(j);
                    }
                }
                None => {
                    let name = target.text.clone();
                    self.error(&target.span, CheckError::UnknownLevel1 { name });
                }
            }
        }
        if let Some(total) = total
            && rules.iter().all(|r| r.weight.is_some())
            && !rules.is_empty()
        {
            let sum: Decimal = rules.iter().filter_map(|r| r.weight).sum();
            if sum != total.value {
                let total = total.value;
                self.error(span, CheckError::Level1SumMismatch { sum, total });
            }
        }
        rules
    }

    pub(super) fn example(&mut self, e: &ast::Example) -> Option<Example> {
        let mut kind = FormKind::Project;
        let mut figures = Vec::new();
        let mut indicator = None;
        let mut parts = Vec::new();
        let mut expectations = Vec::new();
        for s in &e.statements {
            match s {
                ast::ExampleStatement::Kind(k) => match FormKind::from_name(&k.text) {
                    Some(found) => kind = found,
                    None => {
                        let kind = k.text.clone();
                        self.error(&k.span, CheckError::UnknownFormKind { kind });
                    }
                },
                ast::ExampleStatement::Figure { key, value } => {
                    figures.push((key.text.clone(), value.value))
                }
                ast::ExampleStatement::Indicator {
                    category,
                    target,
                    actual,
                    weight,
                    claimed,
                    span,
                } => {
                    if indicator.is_some() {
                        self.error(span, CheckError::SecondIndicator);
                    }
                    indicator = Some(ExampleIndicator {
                        category: category.iter().map(|n| n.text.clone()).collect(),
                        target: target.value.clone(),
                        actual: actual.as_ref().map(|a| a.value.clone()),
                        weight: weight.value,
                        claimed: claimed.as_ref().map(|c| c.value),
                    });
                }
                ast::ExampleStatement::Part {
                    name,
                    actual,
                    funds,
                    ..
                } => parts.push(ExamplePart {
                    name: name.text.clone(),
                    actual: actual.value.clone(),
                    funds: funds.as_ref().map(|f| f.value),
                }),
                ast::ExampleStatement::Expect { key, value, span } => {
                    const KEYS: &[&str] = &[
                        "execution",
                        "rate",
                        "score",
                        "deviation",
                        "explain",
                        "met",
                        "grade",
                        "tier",
                        "explain-execution",
                        "mismatch",
                        "actual",
                    ];
                    if !KEYS.contains(&key.text.as_str()) {
                        self.error(
                            &key.span,
                            CheckError::UnknownExpectation {
                                key: key.text.clone(),
                            },
                        )
                        .label = Some(format!("expected one of {}", KEYS.join(", ")));
                        continue;
                    }
                    let value = match value {
                        ast::ExpectValue::Number(n) => ExpectedValue::Number {
                            value: n.value,
                            text: if n.percent {
                                format!("{}%", n.digits)
                            } else {
                                n.digits.clone()
                            },
                        },
                        ast::ExpectValue::Name(n) => ExpectedValue::Word(n.text.clone()),
                    };
                    expectations.push(Expectation {
                        key: key.text.clone(),
                        value,
                        span: span.clone(),
                    });
                }
            }
        }
        if expectations.is_empty() {
            self.error(&e.title.span, CheckError::NoExpectation);
        }
        if indicator.is_none() && !parts.is_empty() {
            self.error(&e.title.span, CheckError::PartWithoutIndicator);
        }
        Some(Example {
            title: e.title.value.clone(),
            span: e.span.clone(),
            kind,
            figures,
            indicator,
            parts,
            expectations,
        })
    }
}
