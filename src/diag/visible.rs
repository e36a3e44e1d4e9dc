//! Text made safe to print: control characters a submission could use to move the cursor,
//! recolour the terminal or hide what follows are shown as visible escapes.

/// Text safe to print to a terminal: every control character (escape sequences, carriage
/// returns, bells, bidirectional overrides' neighbours in C0/C1) shown as a visible `\u{1b}`
/// escape, so that a file name or a cell from a submission cannot move the cursor, recolour the
/// screen or hide what follows.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_hidden_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden_control(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`visible`] for text of several lines: line breaks (`\n`, and `\r\n`) and tabs are kept,
/// every other control character (a lone `\r` included: it would let a line overwrite itself) is
/// shown as a visible escape. What every human-facing output goes through before it is printed.
pub fn visible_text(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = is_hidden_control_in_text;
    // Every output string passes here; nearly all are clean, and are cleared byte by byte.
    if !may_hold_hidden_in_text(text) {
        return std::borrow::Cow::Borrowed(text);
    }
    let lone_cr = text
        .match_indices('\r')
        .any(|(i, _)| !text.get(i + 1..).is_some_and(|rest| rest.starts_with('\n')));
    if !lone_cr && !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let keep = match c {
            '\r' => chars.peek() == Some(&'\n'),
            c => !hidden(c),
        };
        if keep {
            out.push(c);
        } else {
            out.push_str(&c.escape_unicode().to_string());
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether `text` holds a character [`visible_text`] escapes, or `\r`: the one-byte ones are
/// looked for 64 bytes at a time (a form's whole JSON passes here), the two- and three-byte ones
/// at each C2 and E2 (`≥`, `—` and `“` begin with E2, and are common).
pub(crate) fn may_hold_hidden_in_text(text: &str) -> bool {
    let bytes = text.as_bytes();
    let one_byte = |b: u8| ((b < 0x20) & (b != b'\n') & (b != b'\t')) | (b == 0x7F);
    if bytes
        .chunks(64)
        .any(|chunk| chunk.iter().fold(false, |seen, &b| seen | one_byte(b)))
    {
        return true;
    }
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    memchr::memchr2_iter(0xC2, 0xE2, bytes).any(|i| match at(i) {
        // U+0080–U+009F.
        0xC2 => matches!(at(i + 1), 0x80..=0x9F),
        // U+202A–U+202E and U+2066–U+2069.
        _ => matches!(
            (at(i + 1), at(i + 2)),
            (0x80, 0xAA..=0xAE) | (0x81, 0xA6..=0xA9)
        ),
    })
}

/// [`is_hidden_control`] but for the line breaks and tabs that text of several lines holds.
pub fn is_hidden_control_in_text(c: char) -> bool {
    is_hidden_control(c) && !matches!(c, '\n' | '\t' | '\r')
}

/// Whether a character would act on a terminal (or hide what follows) rather than show.
pub fn is_hidden_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_visible_text_escapes_begins_with_a_byte_its_fast_path_looks_for() {
        let mut buffer = [0u8; 4];
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let one = c.encode_utf8(&mut buffer);
            let hidden = is_hidden_control_in_text(c) || c == '\r';
            assert_eq!(
                may_hold_hidden_in_text(one),
                hidden,
                "U+{:04X}",
                u32::from(c)
            );
            assert_eq!(may_hold_hidden_in_text(&format!("≥{one}—")), hidden);
        }
        assert_eq!(visible_text("产出\r\n\t≥95%"), "产出\r\n\t≥95%");
        assert_eq!(visible_text("a\rb"), "a\\u{d}b");
        assert_eq!(visible_text("a\u{202e}b"), "a\\u{202e}b");
    }
}
