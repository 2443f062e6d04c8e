//! Metric names made from a scenario's settings (a target of 240 minutes, the third dated
//! event), kept as `&'static str` like the registry's fixed names so a [`super::MetricKey`]
//! stays `Copy` and every table, fold and checkpoint handles them unchanged.
//!
//! Each distinct name is allocated once per process and kept: a scenario has at most a few
//! hundred of them, bounded by its limits on targets and dated events.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// The one `&'static str` for `name`.
pub fn intern(name: String) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut set = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(&s) = set.get(name.as_str()) {
        return s;
    }
    let s: &'static str = Box::leak(name.into_boxed_str());
    set.insert(s);
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_name_is_allocated_once() {
        let a = super::intern("within_60_min".to_string());
        let b = super::intern(format!("within_{}_min", 60));
        assert!(std::ptr::eq(a, b));
    }
}
