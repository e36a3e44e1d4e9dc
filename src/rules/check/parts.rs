//! `quantitative { parts { absolute sum  relative funds-weighted } }`: how the parts of a row
//! combine into its actual. An entry left out keeps the default (the template's rule).

use super::*;
use crate::rules::parts::{AbsoluteParts, PartsRule, RelativeParts};

impl Checker<'_> {
    /// Read a `parts` block: only at the top of `quantitative`, once, each kind once, each method
    /// one the language knows.
    pub(super) fn parts_entry(
        &mut self,
        entries: &[ast::PartsEntry],
        span: &Span,
        quantitative: bool,
    ) {
        if !quantitative {
            let (entry, block) = ("parts", "quantitative");
            self.error(span, CheckError::MisplacedEntry { entry, block });
        }
        if self.parts.is_some() {
            let entry = "parts";
            self.error(span, CheckError::DuplicateEntry { entry });
        }
        let mut rule = PartsRule::default();
        let (mut absolute, mut relative) = (false, false);
        for e in entries {
            let method = e.method.text.as_str();
            let (seen, expected, known) = match e.kind.text.as_str() {
                "absolute" => {
                    let known = AbsoluteParts::from_keyword(method).map(|m| rule.absolute = m);
                    (&mut absolute, AbsoluteParts::KEYWORDS, known.is_some())
                }
                _ => {
                    let known = RelativeParts::from_keyword(method).map(|m| rule.relative = m);
                    (&mut relative, RelativeParts::KEYWORDS, known.is_some())
                }
            };
            let twice = std::mem::replace(seen, true);
            if twice {
                let entry = if e.kind.text == "absolute" {
                    "absolute"
                } else {
                    "relative"
                };
                self.error(&e.span, CheckError::DuplicateEntry { entry });
            }
            if !known {
                let (kind, method) = (e.kind.text.clone(), e.method.text.clone());
                self.error(
                    &e.method.span,
                    CheckError::UnknownPartsMethod {
                        kind,
                        method,
                        expected,
                    },
                );
            }
        }
        self.parts = Some(rule);
    }
}
