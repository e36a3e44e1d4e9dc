//! The blocks that set figures rather than rules: `grades`, `rounding` and `review`.

use super::*;

impl Checker<'_> {
    pub(super) fn grades(&mut self, grades: Option<&ast::Grades>) -> Vec<GradeBand> {
        let Some(grades) = grades else {
            return [
                ("优", Some(90)),
                ("良", Some(80)),
                ("中", Some(60)),
                ("差", None),
            ]
            .into_iter()
            .map(|(name, min)| GradeBand {
                name: name.into(),
                min: min.map(Decimal::from),
            })
            .collect();
        };
        if grades.none {
            // 可以不评级: a total, and no grade.
            return Vec::new();
        }
        let mut bands: Vec<GradeBand> = Vec::new();
        let count = grades.bands.len();
        for (i, band) in grades.bands.iter().enumerate() {
            let last = i + 1 == count;
            if bands.iter().any(|b| b.name == band.name.text) {
                let name = band.name.text.clone();
                self.error(&band.name.span, CheckError::DuplicateGrade { name });
            }
            match (&band.min, last) {
                (None, false) => {
                    self.error(&band.span, CheckError::GradeWithoutBound);
                }
                (Some(min), _) => {
                    if let Some(previous) = bands.last().and_then(|b| b.min)
                        && min.value >= previous
                    {
                        let min_value = min.value;
                        self.error(
                            &min.span,
                            CheckError::GradesOutOfOrder {
                                min: min_value,
                                previous,
                            },
                        );
                    }
                }
                (None, true) => {}
            }
            bands.push(GradeBand {
                name: band.name.text.clone(),
                min: band.min.as_ref().map(|m| m.value),
            });
        }
        if bands.is_empty() {
            self.error(&grades.span, CheckError::NoGrades);
        } else if bands.last().is_some_and(|b| b.min.is_some()) {
            self.error(&grades.span, CheckError::LastGradeBounded);
        }
        bands
    }

    pub(super) fn rounding(&mut self, block: Option<&ast::RoundingBlock>) -> RoundingRules {
        let half_up = |decimals| Rounding::new(decimals, RoundingMode::HalfUp);
        let mut rules = RoundingRules {
            rate: half_up(4),
            deviation: half_up(4),
            score: half_up(2),
            execution: half_up(2),
            total: half_up(2),
        };
        let Some(block) = block else { return rules };
        let default_mode = match &block.mode {
            Some(m) => self.rounding_mode(m).unwrap_or(RoundingMode::HalfUp),
            None => RoundingMode::HalfUp,
        };
        let mut seen: Vec<&str> = Vec::new();
        for entry in &block.entries {
            let mode = match &entry.mode {
                Some(m) => self.rounding_mode(m).unwrap_or(default_mode),
                None => default_mode,
            };
            let Some(decimals) = self.quantum_decimals(&entry.quantum) else {
                continue;
            };
            let rounding = Rounding::new(decimals, mode);
            let key = entry.target.text.as_str();
            if seen.contains(&key) {
                self.error(
                    &entry.target.span,
                    CheckError::DuplicateRounding {
                        target: key.to_string(),
                    },
                );
            }
            seen.push(key);
            match key {
                "rate" => rules.rate = rounding,
                "deviation" => rules.deviation = rounding,
                "score" => rules.score = rounding,
                "execution" => rules.execution = rounding,
                "total" => rules.total = rounding,
                other => {
                    self.error(
                        &entry.target.span,
                        CheckError::UnknownRoundingTarget {
                            target: other.to_string(),
                        },
                    )
                    .label = Some("expected rate, deviation, score, execution or total".into());
                }
            }
        }
        rules
    }

    fn rounding_mode(&mut self, name: &ast::Name) -> Option<RoundingMode> {
        let mode = RoundingMode::from_keyword(&name.text);
        if mode.is_none() {
            self.error(
                &name.span,
                CheckError::UnknownRoundingMode {
                    mode: name.text.clone(),
                },
            )
            .label = Some("expected half-up (四舍五入), half-even, down or up".into());
        }
        mode
    }

    /// `0.01` → 2 decimals; `0.01%` → 4 (rates are fractions); the quantum must be a power of ten.
    fn quantum_decimals(&mut self, quantum: &ast::Number) -> Option<u32> {
        let q = quantum.value.normalize();
        if q.mantissa() != 1 || q > Decimal::ONE {
            self.error(&quantum.span, CheckError::BadRoundingStep);
            return None;
        }
        Some(q.scale())
    }

    /// The `review` block: keys and ranges come from the review catalogue's settings table.
    pub(super) fn review(&mut self, block: Option<&ast::ReviewBlock>) -> ReviewSettings {
        let mut settings = ReviewSettings::default();
        let Some(block) = block else { return settings };
        for s in &block.settings {
            let v = s.value.value;
            match crate::review::setting_named(&s.key.text) {
                Some(setting) => match setting.out_of_range(v) {
                    Some(message) => {
                        self.error(
                            &s.value.span,
                            CheckError::ReviewSettingOutOfRange { message },
                        );
                    }
                    None => setting.set(&mut settings, v),
                },
                None => {
                    let keys: Vec<&str> = crate::review::SETTINGS.iter().map(|x| x.key).collect();
                    self.error(
                        &s.key.span,
                        CheckError::UnknownReviewSetting {
                            key: s.key.text.clone(),
                        },
                    )
                    .label = Some(format!("expected {}", keys.join(", ")));
                }
            }
        }
        settings
    }
}
