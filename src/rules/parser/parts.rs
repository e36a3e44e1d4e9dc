//! `parts { absolute sum  relative funds-weighted }` inside `quantitative { … }`: how the parts of
//! an indicator row combine into its actual. Which methods exist is the checker's to say.

use super::*;

/// What a `parts` block holds.
pub(super) const EXPECTED: &str = "`absolute sum`, `relative funds-weighted` or `relative mean`";

/// `absolute WORD` or `relative WORD`.
pub(super) fn entry<'a>(input: Tokens<'a>) -> PResult<'a, PartsEntry> {
    if !is_keyword(&input, "absolute") && !is_keyword(&input, "relative") {
        return fail(SyntaxError::at(&input));
    }
    let (rest, kind) = name(input)?;
    let (rest, method) = commit(name(rest))?;
    let span = kind.span.start..method.span.end;
    Ok((rest, PartsEntry { kind, method, span }))
}

/// `part 甲镇 actual "120户" [funds 30]` in an example.
pub(super) fn example_part<'a>(all: Tokens<'a>) -> PResult<'a, ExampleStatement> {
    let (input, start) = keyword(all, "part")?;
    let (input, name) = commit(name(input))?;
    let (input, _) = commit(keyword(input, "actual"))?;
    let (input, actual) = commit(text(input))?;
    let (input, funds) = if is_keyword(&input, "funds") {
        let (i, n) = commit(number(advance(input)))?;
        (i, Some(n))
    } else {
        (input, None)
    };
    let span = start.start..end_of(&all, &input);
    Ok((
        input,
        ExampleStatement::Part {
            name,
            actual,
            funds,
            span,
        },
    ))
}
