//! Reports for people: each form in its official layout (HTML for printing, Markdown, an Excel
//! workbook in [`xlsx`]), and the disclosure narrative of a department's forms (决算公开 Part 3
//! §十三(二)).
//!
//! Every report is drawn from the [`layout::FormView`] of a score sheet, the same view the
//! workbook writer writes, so that all outputs show the same figures.

pub mod disclosure;
#[cfg(feature = "html")]
pub mod html;
pub mod layout;
pub mod markdown;
pub mod template;
#[cfg(feature = "xlsx")]
pub mod xlsx;
