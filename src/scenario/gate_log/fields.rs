//! Splitting one CSV line into fields, with simple double-quote support: enough for gate
//! logs exported from spreadsheets and databases, without a CSV dependency.

/// One field of a line: its text (quotes removed) and the 1-based character column where
/// it starts, so an error can point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The text, unquoted (`""` inside quotes read as one `"`), not trimmed.
    pub text: String,
    /// 1-based character column of the field's first character.
    pub column: usize,
}

/// Splits `line` at commas outside double quotes. A field that starts with `"` (after
/// spaces) runs to the matching quote; `""` inside it is a literal quote. Quoted fields
/// cannot span lines. Errors give the column and what is wrong.
pub fn split(line: &str) -> Result<Vec<Field>, (usize, String)> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    let mut column = 1;
    loop {
        let start = column;
        let mut text = String::new();
        while chars.peek() == Some(&' ') {
            chars.next();
            column += 1;
            text.push(' ');
        }
        if chars.peek() == Some(&'"') {
            text.clear();
            chars.next();
            column += 1;
            quoted(&mut chars, &mut column, &mut text, start)?;
            while chars.peek() == Some(&' ') {
                chars.next();
                column += 1;
            }
            match chars.peek() {
                None | Some(',') => {}
                Some(_) => {
                    return Err((
                        column,
                        "text after a closing quote; a quoted field ends at its quote".into(),
                    ));
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                if c == '"' {
                    return Err((column, "a quote inside an unquoted field; quote the whole field".into()));
                }
                text.push(c);
                chars.next();
                column += 1;
            }
        }
        out.push(Field { text, column: start });
        match chars.next() {
            Some(',') => column += 1,
            _ => return Ok(out),
        }
    }
}

/// Reads a quoted field's text after its opening quote, up to and past the closing quote.
fn quoted(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    column: &mut usize,
    text: &mut String,
    start: usize,
) -> Result<(), (usize, String)> {
    loop {
        match chars.next() {
            None => {
                return Err((
                    start,
                    "a quoted field has no closing quote (fields cannot span lines)".into(),
                ));
            }
            Some('"') => {
                *column += 1;
                if chars.peek() == Some(&'"') {
                    chars.next();
                    *column += 1;
                    text.push('"');
                } else {
                    return Ok(());
                }
            }
            Some(c) => {
                *column += 1;
                text.push(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<(String, usize)> {
        split(line).unwrap().into_iter().map(|f| (f.text, f.column)).collect()
    }

    #[test]
    fn splits_plain_and_quoted_fields_with_their_columns() {
        assert_eq!(
            texts("a,bc,,d"),
            vec![("a".into(), 1), ("bc".into(), 3), ("".into(), 6), ("d".into(), 7)]
        );
        assert_eq!(
            texts("\"x,y\",\"say \"\"hi\"\"\""),
            vec![("x,y".into(), 1), ("say \"hi\"".into(), 7)]
        );
        assert_eq!(texts(" \"q\" ,z"), vec![("q".into(), 1), ("z".into(), 7)]);
        assert_eq!(texts(""), vec![("".into(), 1)]);
    }

    #[test]
    fn refuses_broken_quotes_at_their_column() {
        assert_eq!(split("a,\"open").unwrap_err().0, 3);
        assert_eq!(split("\"a\"b,c").unwrap_err().0, 4);
        assert_eq!(split("ab\"c").unwrap_err().0, 3);
    }
}
