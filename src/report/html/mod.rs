//! report.html: one self-contained page per result set (styles, SVG charts, data and a
//! small script inline; no request to any address), made from the saved files so that
//! `bordersim chart DIR` rewrites exactly the page `run` and `compare` wrote.
//!
//! `load` reads the files back, `svg` draws charts, `tables` the tables, `schematic` the
//! port at a chosen hour, `warnings` what a reader must know before trusting the numbers,
//! `page` puts a run's or a comparison's page together; `report.css` and `report.js` are the
//! inline assets.

pub mod compare_page;
pub mod load;
pub mod page;
pub mod run_page;
pub mod schematic;
pub mod svg;
pub mod sweep_page;
pub mod tables;
pub mod warnings;

use super::exporter;
use crate::error::Error;
use std::path::{Path, PathBuf};

/// Most points per line embedded in the page: a year of hourly rows becomes daily means,
/// which keeps a 1-year report well under 2 MB.
pub const MAX_POINTS: usize = 400;

/// Most time steps of the port schematic's slider.
pub const MAX_STEPS: usize = 1500;

/// `s` escaped for HTML text and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// A number as short as it can be shown to 4 significant digits (no trailing zeros, no
/// "-0"): for axis labels and the embedded series.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "null".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    let mag = v.abs().log10().floor() as i32;
    let dec = (3 - mag).clamp(0, 6) as usize;
    let mut s = format!("{v:.dec$}");
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    if s == "-0" { "0".into() } else { s }
}

/// [`num`] with a sign ("+3", "−2.5").
pub fn signed(v: f64) -> String {
    let s = num(v);
    if let Some(rest) = s.strip_prefix('-') {
        format!("\u{2212}{rest}")
    } else if s == "0" {
        s
    } else {
        format!("+{s}")
    }
}

/// Writes `dir/report.html` for the run, comparison or sweep saved there (a comparison
/// when several are found, then a run). `partial` overrides the describing JSON's flag while a set is being written
/// (the JSON on disk says partial until it is rewritten last). Returns the path, or `None`
/// when `dir` holds neither set.
pub fn write_report(dir: &Path, partial: Option<bool>) -> Result<Option<PathBuf>, Error> {
    let html = if dir.join(exporter::COMPARISON_JSON).is_file() {
        let mut d = load::compare(dir)?;
        if let Some(p) = partial {
            d.doc["partial"] = serde_json::Value::Bool(p);
        }
        compare_page::page(&d, &load::files_beside(dir))
    } else if dir.join(exporter::SUMMARY).is_file() {
        let mut d = load::run(dir)?;
        if let Some(p) = partial {
            d.doc["scenario"]["partial"] = serde_json::Value::Bool(p);
        }
        run_page::page(&d, &load::files_beside(dir))
    } else if dir.join(exporter::SWEEP_JSON).is_file() {
        sweep_page::page(&super::sweep::read_json(dir)?)
    } else {
        return Ok(None);
    };
    let path = dir.join(exporter::REPORT);
    super::atomic::write_atomic(&path, html.as_bytes())?;
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_escaping_is_complete() {
        assert_eq!(num(1234.5678), "1235");
        assert_eq!(num(0.012345), "0.01235");
        assert_eq!(num(-0.00001), "-0.00001");
        assert_eq!(num(2.0), "2");
        assert_eq!(signed(-2.5), "\u{2212}2.5");
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
