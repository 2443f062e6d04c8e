//! The page's frame: head with the inline style, a contents list, the sections, the data
//! blocks and the inline script. No external address anywhere.

use super::esc;
use std::fmt::Write;

/// The page's style sheet (screen and print), inline.
const CSS: &str = include_str!("report.css");
/// The page's script (sorting, toggles, readout, slider), inline; the page reads without it.
const JS: &str = include_str!("report.js");

/// One `<section>` with an `<h2>` heading.
#[derive(Debug, Clone)]
pub struct Section {
    /// Anchor id.
    pub id: &'static str,
    /// Heading.
    pub title: String,
    /// Inner HTML.
    pub body: String,
}

/// A chart with its heading and a caption saying how to read it.
pub fn figure(title: &str, chart: &str, legend: &str, caption: &str) -> String {
    format!(
        r#"<figure class="fig"><h3>{}</h3>{chart}{legend}<figcaption>{}</figcaption></figure>"#,
        esc(title),
        esc(caption)
    )
}

/// The whole document. `data` is `(id, json)` blocks for the script.
pub fn document(title: &str, intro: &str, sections: &[Section], data: &[(String, String)]) -> String {
    let mut s = String::with_capacity(1 << 20);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\"><title>{} \u{2013} bordersim report</title><style>{CSS}</style></head><body><header><p class=\"kicker\">bordersim report</p><h1>{}</h1>{intro}</header><nav aria-label=\"Contents\"><ol>",
        esc(title),
        esc(title)
    );
    for sec in sections {
        let _ = write!(s, r##"<li><a href="#{}">{}</a></li>"##, sec.id, esc(&sec.title));
    }
    s.push_str("</ol></nav><main>");
    for sec in sections {
        let _ = write!(
            s,
            r#"<section id="{}"><h2>{}</h2>{}</section>"#,
            sec.id,
            esc(&sec.title),
            sec.body
        );
    }
    s.push_str("</main>");
    for (id, json) in data {
        let _ = write!(s, r#"<script type="application/json" id="{}">{json}</script>"#, esc(id));
    }
    let _ = writeln!(s, "<script>{JS}</script></body></html>");
    s
}
