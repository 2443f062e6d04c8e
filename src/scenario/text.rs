//! Limits on the text in a scenario file. Names and descriptions are printed to terminals,
//! drawn into charts and written into CSV and JSON: an escape code in one could clear a
//! planner's screen or print a fake `error:` line, and a megabyte-long one costs minutes
//! in the charts. Every key and string is checked here, before the file is interpreted, so
//! no later message ever echoes such text.

use super::build::{Invalid, KeyPath};

/// Longest `simulation.name`, characters: it heads every table and chart.
pub const MAX_NAME_CHARS: usize = 120;
/// Longest `description`, characters.
pub const MAX_DESCRIPTION_CHARS: usize = 1000;
/// Longest other string (a stage name in a route, a date, a day list), characters.
pub const MAX_STRING_CHARS: usize = 200;
/// Longest key, characters (names are then held to 64 by their own rule).
pub const MAX_KEY_CHARS: usize = 200;

/// A character that moves the cursor, clears the screen or reorders text rather than
/// showing as itself: C0 and C1 controls (tab and newline included) and the Unicode
/// bidirectional overrides and isolates.
fn hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn check_text(path: &KeyPath, text: &str, max: usize, what: &str) -> Result<(), Invalid> {
    if let Some(c) = text.chars().find(|&c| hidden(c)) {
        return Err(path.invalid(format!(
            "{what} contains the control character {:?}: write it on one line, without escape codes or tabs",
            c
        )));
    }
    let n = text.chars().count();
    if n > max {
        return Err(path.invalid(format!("{what} is {n} characters long; at most {max} are allowed")));
    }
    Ok(())
}

fn limit_for(key: &str) -> usize {
    match key {
        "name" => MAX_NAME_CHARS,
        "description" => MAX_DESCRIPTION_CHARS,
        _ => MAX_STRING_CHARS,
    }
}

fn check_value(path: &KeyPath, key: &str, v: &toml::Value) -> Result<(), Invalid> {
    match v {
        toml::Value::String(s) => check_text(path, s, limit_for(key), "the text"),
        toml::Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| check_value(&path.child(&i.to_string()), key, item)),
        toml::Value::Table(t) => check_table(path, t),
        _ => Ok(()),
    }
}

fn check_table(path: &KeyPath, t: &toml::Table) -> Result<(), Invalid> {
    for (k, v) in t {
        if k.chars().any(hidden) || k.chars().count() > MAX_KEY_CHARS {
            // The key itself cannot go into the message: point at its table.
            return Err(path.invalid(format!(
                "holds a key of {} characters{}: keys are at most {MAX_KEY_CHARS} characters, without control characters",
                k.chars().count(),
                if k.chars().any(hidden) { " with control characters" } else { "" }
            )));
        }
        check_value(&path.child(k), k, v)?;
    }
    Ok(())
}

/// Checks every key and string of a parsed scenario document.
pub fn check_document(doc: &toml::Table) -> Result<(), Invalid> {
    for (k, v) in doc {
        if k.chars().any(hidden) || k.chars().count() > MAX_KEY_CHARS {
            return Err(KeyPath::default().invalid(format!(
                "the file holds a top-level key of {} characters: keys are at most {MAX_KEY_CHARS} characters, without control characters",
                k.chars().count()
            )));
        }
        check_value(&KeyPath::root(k), k, v)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(src: &str) -> Result<(), Invalid> {
        check_document(&toml::from_str(src).unwrap())
    }

    #[test]
    fn control_characters_and_long_texts_are_refused() {
        assert!(check("[simulation]\nname = \"Horgos 2025\"\n").is_ok());
        let e = check("[simulation]\nname = \"a\\u001b[2Jb\"\n").unwrap_err();
        assert_eq!(e.path.0, ["simulation", "name"]);
        assert!(e.message.contains("control character"), "{}", e.message);
        assert!(check("[simulation]\ndescription = \"one\\ntwo\"\n").is_err());
        assert!(check("[simulation]\ndescription = \"a\\u202Eb\"\n").is_err());
        let long = format!("[simulation]\nname = \"{}\"\n", "x".repeat(MAX_NAME_CHARS + 1));
        assert!(check(&long).unwrap_err().message.contains("121 characters"));
        let ok = format!(
            "[simulation]\ndescription = \"{}\"\n",
            "é".repeat(MAX_DESCRIPTION_CHARS)
        );
        assert!(check(&ok).is_ok());
    }

    #[test]
    fn keys_and_strings_in_arrays_are_checked() {
        let e = check("[ports.p.flows.car]\nroute = [\"a\", \"b\\tc\"]\n").unwrap_err();
        assert_eq!(e.path.0, ["ports", "p", "flows", "car", "route", "1"]);
        let e = check("[ports.\"a\\u0007b\"]\nx = 1\n").unwrap_err();
        assert_eq!(e.path.0, ["ports"]);
        assert!(!e.message.contains('\u{7}'));
    }
}
