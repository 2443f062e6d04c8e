//! Key paths into the scenario file and the located failures every part of validation
//! reports, with the small helpers their messages share.

/// A dotted key path into the scenario file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPath(pub Vec<String>);

impl KeyPath {
    /// The path from the top of the file.
    pub fn root(first: &str) -> Self {
        Self(vec![first.to_string()])
    }

    /// The path one level down.
    pub fn child(&self, seg: &str) -> Self {
        let mut v = self.0.clone();
        v.push(seg.to_string());
        Self(v)
    }

    /// An error at this path.
    pub fn invalid(&self, message: impl Into<String>) -> Invalid {
        Invalid {
            path: self.clone(),
            message: message.into(),
        }
    }
}

/// A validation failure: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Key path of the offending value.
    pub path: KeyPath,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// Names quoted with backticks and joined by commas, for "defined are ..." messages.
pub(super) fn join(names: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    names
        .into_iter()
        .map(|s| format!("`{}`", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A number for a message: as written for everyday magnitudes, in scientific notation for
/// the extremes, so that `1e308` is not printed as 309 digits.
pub fn shown(v: f64) -> String {
    if v != 0.0 && v.is_finite() && !(1e-4..1e15).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Checks that a name can go into CSV columns and key paths.
pub fn check_name(path: &KeyPath, name: &str) -> Result<(), Invalid> {
    let ok =
        !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(path.invalid(format!(
            "{name:?} is not a usable name: use 1-64 letters, digits, `_` or `-` (names go into CSV columns)"
        )))
    }
}
