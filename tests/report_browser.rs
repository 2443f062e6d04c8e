//! report.html in a real browser: headless Chromium (Debian's `chromium`) opens the page
//! from a file, and the checks below look for console errors, any network request, headline
//! numbers that differ from summary.json, charts that did not draw, headings out of order,
//! a chart without a name, and, in print layout, blocks that overlap or charts cut off; it
//! also takes a 1280 px screenshot and prints the page to PDF. Each check is shown able to
//! fail by feeding the same functions a deliberately broken page.
//!
//! Driven with the `headless_chrome` crate (a dev-dependency; DevTools protocol bindings
//! built offline). Skipped only when no Chromium is found *and* `CI` is unset: on CI a
//! missing browser fails the test.

use headless_chrome::protocol::cdp::{Emulation, Page};
use headless_chrome::types::PrintToPdfOptions;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

/// The Chromium binary: `BORDERSIM_CHROMIUM`, else the first of the usual names on PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("BORDERSIM_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// The browser, or `None` (test skipped) when there is none and `CI` is unset.
fn browser(tag: &str) -> Option<Browser> {
    let Some(path) = chromium() else {
        let ci = std::env::var("CI").unwrap_or_default();
        assert!(
            ci.is_empty() || ci == "false" || ci == "0",
            "CI={ci}: chromium is required for the report tests (apt-get install chromium)"
        );
        eprintln!("skipped: no chromium on PATH (install the Debian package chromium)");
        return None;
    };
    let profile = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("chromium-profile-{tag}"));
    let _ = std::fs::remove_dir_all(&profile);
    let args: Vec<&OsStr> = [
        "--disable-gpu",
        "--no-default-browser-check",
        "--disable-component-update",
        "--disable-domain-reliability",
        "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,InterestFeedContentSuggestions",
        "--no-pings",
        "--hide-scrollbars",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let opts = LaunchOptions::default_builder()
        .path(Some(path))
        .headless(true)
        .sandbox(false)
        .user_data_dir(Some(profile))
        .window_size(Some((1280, 900)))
        .args(args)
        .build()
        .unwrap();
    Some(Browser::new(opts).expect("chromium starts"))
}

/// What the browser saw of a page.
#[derive(Debug, Default)]
struct Seen {
    /// Console errors, uncaught exceptions and error log entries.
    errors: Vec<String>,
    /// Every request other than the page itself.
    requests: Vec<String>,
    /// The DOM facts collected by [`FACTS`].
    facts: Value,
    /// Layout problems in print media at A4 width ([`PRINT`]).
    print: Vec<String>,
    /// Screenshot (PNG) at 1280 px.
    png: Vec<u8>,
    /// Screenshot (PNG) of the whole page in print media at A4's printable width.
    a4_png: Vec<u8>,
    /// The page printed to PDF on A4 paper with the page's `@page` margins.
    pdf: Vec<u8>,
}

/// Collected in the page: every chart (drawn or not, named or not), the headline cells,
/// the heading levels and table header scopes.
const FACTS: &str = r#"(function(){
  var charts = Array.prototype.map.call(document.querySelectorAll('svg.chart'), function(s){
    var marks = s.querySelectorAll('.series path, .series rect, g.stage rect');
    var drawn = 0;
    marks.forEach(function(m){ var b = m.getBBox(); if ((b.width > 0 || b.height > 0) && (m.tagName !== 'path' || m.getTotalLength() > 0)) drawn++; });
    var r = s.getBoundingClientRect();
    var l = s.getAttribute('aria-labelledby'), t = l && document.getElementById(l);
    return {id: s.id || (s.closest('figure') || {}).id || '', drawn: drawn, w: r.width, h: r.height,
            name: (t && t.textContent.trim()) || s.getAttribute('aria-label') || ''};
  });
  var cells = Array.prototype.map.call(document.querySelectorAll('td[data-key]'), function(c){
    return {key: c.dataset.key, value: c.dataset.value === undefined ? null : parseFloat(c.dataset.value), text: c.textContent};
  });
  var heads = Array.prototype.map.call(document.querySelectorAll('h1,h2,h3,h4,h5,h6'), function(h){ return +h.tagName[1]; });
  var unscoped = document.querySelectorAll('th:not([scope])').length;
  return JSON.stringify({charts: charts, cells: cells, heads: heads, unscoped: unscoped});
})()"#;

/// In print media at the width of an A4 page's printable area (`W`, `H`: its width and
/// height in CSS px): consecutive blocks must not overlap; no chart, table or anything else
/// may be wider than the page (the print CSS lets table cells wrap and turns the screen's
/// horizontal scrolling off, so on paper a table must fit, not scroll); and every figure must
/// be kept whole across page breaks (`break-inside: avoid`) and fit in one page's height.
const PRINT: &str = r#"(function(W, H){
  var out = [];
  var blocks = document.querySelectorAll('body > *, main > *, main > section > *, header > *, .fig > *');
  // Each block against the one before it in the same parent.
  var last = new Map();
  blocks.forEach(function(b){
    var r = b.getBoundingClientRect();
    if (r.height === 0) return;
    var prev = last.get(b.parentNode);
    if (prev && r.top < prev.r.bottom - 0.5 && r.left < prev.r.right && prev.r.left < r.right)
      out.push('overlap: ' + (prev.b.id || prev.b.tagName) + ' / ' + (b.id || b.tagName));
    last.set(b.parentNode, {b: b, r: r});
  });
  if (document.documentElement.clientWidth > W + 0.5)
    out.push('not at A4 width: the layout is ' + document.documentElement.clientWidth + ' px wide, A4 is ' + W);
  var name = function(e){ return e.id || (e.closest('[id]') || {}).id || e.tagName; };
  document.querySelectorAll('svg.chart, table').forEach(function(s){
    var r = s.getBoundingClientRect();
    if (r.right > W + 0.5 || r.left < -0.5) out.push('cut off: ' + s.tagName + ' ' + name(s) + ' spans ' + r.left.toFixed(0) + '..' + r.right.toFixed(0) + ' of ' + W + ' px');
  });
  document.querySelectorAll('svg.chart').forEach(function(s){
    var r = s.getBoundingClientRect();
    if (r.height > H) out.push('too tall for a page: ' + name(s) + ' ' + r.height.toFixed(0) + ' of ' + H + ' px');
  });
  if (document.documentElement.scrollWidth > W + 0.5)
    out.push('cut off: the page is ' + document.documentElement.scrollWidth + ' px wide, A4 is ' + W);
  document.querySelectorAll('figure.fig').forEach(function(f){
    var st = getComputedStyle(f), r = f.getBoundingClientRect();
    if (st.breakInside !== 'avoid' && st.pageBreakInside !== 'avoid') out.push('may split across pages: figure ' + name(f) + ' (break-inside: ' + st.breakInside + ')');
    if (r.height > H) out.push('too tall for a page: figure ' + name(f) + ' ' + r.height.toFixed(0) + ' of ' + H + ' px');
    if (!f.querySelector('svg.chart')) out.push('figure ' + name(f) + ' has no chart');
  });
  return JSON.stringify(out);
})"#;

/// 96 CSS px per inch, 25.4 mm per inch.
const PX_PER_MM: f64 = 96.0 / 25.4;
/// A4 paper, mm.
const A4_MM: (f64, f64) = (210.0, 297.0);

/// The `@page` margins (top, right, bottom, left, mm) of the page's print CSS: `margin`
/// with one to four lengths in mm or cm.
fn page_margins_mm(html: &str) -> [f64; 4] {
    let at = html.find("@page{").expect("the print CSS has an @page rule");
    let rule = &html[at..at + html[at..].find('}').unwrap()];
    let m = rule.find("margin:").expect("@page sets margin") + "margin:".len();
    let v: Vec<f64> = rule[m..]
        .split(';')
        .next()
        .unwrap()
        .split_whitespace()
        .map(|l| {
            if let Some(n) = l.strip_suffix("mm") {
                n.parse().unwrap()
            } else if let Some(n) = l.strip_suffix("cm") {
                n.parse::<f64>().unwrap() * 10.0
            } else {
                panic!("@page margin {l}: only mm and cm are read")
            }
        })
        .collect();
    match v[..] {
        [a] => [a; 4],
        [a, b] => [a, b, a, b],
        [a, b, c] => [a, b, c, b],
        [a, b, c, d] => [a, b, c, d],
        _ => panic!("@page margin: {v:?}"),
    }
}

/// The printable area of an A4 page under `margins`, CSS px (width rounded down, height).
fn a4_area_px(margins: [f64; 4]) -> (u32, f64) {
    let w = (A4_MM.0 - margins[1] - margins[3]) * PX_PER_MM;
    let h = (A4_MM.1 - margins[0] - margins[2]) * PX_PER_MM;
    (w.floor() as u32, h)
}

fn eval_json(tab: &Tab, js: &str) -> Value {
    let v = tab.evaluate(js, false).expect("evaluate");
    let s = v
        .value
        .and_then(|v| v.as_str().map(String::from))
        .expect("a JSON string");
    serde_json::from_str(&s).unwrap()
}

/// Opens `page` (a file) and collects what a reader's browser would do with it.
fn open(browser: &Browser, page: &Path) -> Seen {
    use headless_chrome::protocol::cdp::types::Event;
    let tab = browser.new_tab().unwrap();
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let errors = Arc::new(Mutex::new(Vec::new()));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let (e2, r2, u2) = (errors.clone(), requests.clone(), url.clone());
    tab.add_event_listener(Arc::new(move |ev: &Event| match ev {
        Event::RuntimeConsoleAPICalled(c) => {
            let kind = format!("{:?}", c.params.Type);
            if kind.contains("Error") || kind.contains("Assert") {
                let text: Vec<String> = c
                    .params
                    .args
                    .iter()
                    .map(|a| a.value.as_ref().map(|v| v.to_string()).unwrap_or_default())
                    .collect();
                e2.lock().unwrap().push(format!("console.{kind}: {}", text.join(" ")));
            }
        }
        Event::RuntimeExceptionThrown(x) => e2
            .lock()
            .unwrap()
            .push(format!("exception: {}", x.params.exception_details.text)),
        Event::LogEntryAdded(l) if format!("{:?}", l.params.entry.level).contains("Error") => {
            e2.lock().unwrap().push(format!("log: {}", l.params.entry.text));
        }
        Event::NetworkRequestWillBeSent(r) if r.params.request.url != u2 => {
            r2.lock().unwrap().push(r.params.request.url.clone());
        }
        _ => {}
    }))
    .unwrap();
    tab.enable_runtime().unwrap();
    tab.enable_log().unwrap();
    tab.call_method(headless_chrome::protocol::cdp::Network::Enable {
        max_total_buffer_size: None,
        max_resource_buffer_size: None,
        max_post_data_size: None,
        report_direct_socket_traffic: None,
        enable_durable_messages: None,
    })
    .unwrap();
    tab.navigate_to(&url).unwrap().wait_until_navigated().unwrap();
    // Let late loads (images, timers) happen before looking.
    let _ = tab.evaluate("new Promise(function(r){ setTimeout(r, 300); })", true);
    let facts = eval_json(&tab, FACTS);
    let png = tab
        .capture_screenshot(Page::CaptureScreenshotFormatOption::Png, None, None, true)
        .unwrap();
    // Print media at the width of an A4 page's printable area, as the printer lays it out.
    let html = std::fs::read_to_string(page).unwrap();
    let margins = page_margins_mm(&html);
    let (w, h) = a4_area_px(margins);
    tab.call_method(Emulation::SetEmulatedMedia {
        media: Some("print".into()),
        features: None,
    })
    .unwrap();
    let metrics = |height: u32| Emulation::SetDeviceMetricsOverride {
        width: w,
        height,
        device_scale_factor: 1.0,
        mobile: false,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    };
    tab.call_method(metrics(h as u32)).unwrap();
    let print: Vec<String> = serde_json::from_value(eval_json(&tab, &format!("{PRINT}({w}, {h})"))).unwrap();
    // The whole page at A4 width, to look at.
    let tall = tab
        .evaluate("document.documentElement.scrollHeight", false)
        .unwrap()
        .value
        .and_then(|v| v.as_u64())
        .unwrap_or(h as u64) as u32;
    tab.call_method(metrics(tall.clamp(h as u32, 16_000))).unwrap();
    let a4_png = tab
        .capture_screenshot(Page::CaptureScreenshotFormatOption::Png, None, None, true)
        .unwrap();
    tab.call_method(Emulation::ClearDeviceMetricsOverride(None)).unwrap();
    let inch = |mm: f64| mm / 25.4;
    let pdf = tab
        .print_to_pdf(Some(PrintToPdfOptions {
            paper_width: Some(8.27),
            paper_height: Some(11.69),
            margin_top: Some(inch(margins[0])),
            margin_right: Some(inch(margins[1])),
            margin_bottom: Some(inch(margins[2])),
            margin_left: Some(inch(margins[3])),
            prefer_css_page_size: Some(false),
            print_background: Some(true),
            ..Default::default()
        }))
        .unwrap();
    let _ = tab.close(true);
    Seen {
        errors: errors.lock().unwrap().clone(),
        requests: requests.lock().unwrap().clone(),
        facts,
        print,
        png,
        a4_png,
        pdf,
    }
}

/// Console errors and exceptions.
fn console_problems(s: &Seen) -> Vec<String> {
    s.errors.clone()
}

/// Any request at all besides the page.
fn network_problems(s: &Seen) -> Vec<String> {
    s.requests.iter().map(|u| format!("request to {u}")).collect()
}

/// Charts that did not draw, have no size or no accessible name; fewer than `least`.
fn chart_problems(s: &Seen, least: usize) -> Vec<String> {
    let charts = s.facts["charts"].as_array().cloned().unwrap_or_default();
    let mut out = Vec::new();
    if charts.len() < least {
        out.push(format!("{} charts, expected at least {least}", charts.len()));
    }
    for c in &charts {
        let id = c["id"].as_str().unwrap_or("?");
        if c["drawn"].as_u64().unwrap_or(0) == 0 {
            out.push(format!("chart {id} drew nothing"));
        }
        if c["w"].as_f64().unwrap_or(0.0) < 100.0 || c["h"].as_f64().unwrap_or(0.0) < 50.0 {
            out.push(format!("chart {id} has no size"));
        }
        if c["name"].as_str().unwrap_or("").is_empty() {
            out.push(format!("chart {id} has no title or aria-label"));
        }
    }
    out
}

/// Headline cells whose value differs from the describing JSON's at their key (`.mean`
/// of an estimate), or that point nowhere; at least `least` cells.
fn number_problems(s: &Seen, doc: &Value, least: usize) -> Vec<String> {
    let cells = s.facts["cells"].as_array().cloned().unwrap_or_default();
    let mut out = Vec::new();
    if cells.len() < least {
        out.push(format!(
            "{} numbers in the tables, expected at least {least}",
            cells.len()
        ));
    }
    for c in &cells {
        let key = c["key"].as_str().unwrap_or("");
        let node = key
            .split('.')
            .try_fold(doc, |v, k| match k.parse::<usize>() {
                Ok(i) if v.is_array() => v.get(i),
                _ => v.get(k),
            })
            .map(|n| if n.is_object() { &n["mean"] } else { n });
        let want = node.and_then(Value::as_f64);
        let got = c["value"].as_f64();
        if want != got {
            out.push(format!("{key}: page {got:?}, JSON {want:?} ({})", c["text"]));
        }
    }
    out
}

/// Headings not starting at one h1 or skipping a level; header cells without scope.
fn structure_problems(s: &Seen) -> Vec<String> {
    let heads: Vec<u64> = s.facts["heads"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_u64)
        .collect();
    let mut out = Vec::new();
    if heads.first() != Some(&1) || heads.iter().filter(|h| **h == 1).count() != 1 {
        out.push(format!("headings must start with a single h1: {heads:?}"));
    }
    for w in heads.windows(2) {
        if w[1] > w[0] + 1 {
            out.push(format!("heading h{} follows h{}", w[1], w[0]));
        }
    }
    if s.facts["unscoped"].as_u64() != Some(0) {
        out.push(format!("{} table headers without scope", s.facts["unscoped"]));
    }
    out
}

/// Pages of a PDF: its `/Type /Page` objects (Chromium writes them uncompressed).
fn pdf_pages(pdf: &[u8]) -> usize {
    let tag = b"/Type /Page";
    pdf.windows(tag.len() + 1)
        .filter(|w| &w[..tag.len()] == tag && !w[tag.len()].is_ascii_alphanumeric())
        .count()
}

/// Width and height (points) of the PDF's first `/MediaBox`.
fn pdf_media_box(pdf: &[u8]) -> Option<(f64, f64)> {
    let tag = b"/MediaBox [";
    let at = pdf.windows(tag.len()).position(|w| w == tag)? + tag.len();
    let end = at + pdf[at..].iter().position(|b| *b == b']')?;
    let v: Vec<f64> = std::str::from_utf8(&pdf[at..end])
        .ok()?
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    (v.len() == 4).then(|| (v[2] - v[0], v[3] - v[1]))
}

/// Pages a printed report may plausibly take (more than one, fewer than `PAGES.1`).
const PAGES: (usize, usize) = (2, 40);

/// The print layout at A4 ([`PRINT`]); the screenshot is 1280 px wide and not blank; the
/// PDF is on A4 paper (595 × 842 pt), of a plausible page count and not near-empty.
fn render_problems(s: &Seen) -> Vec<String> {
    let mut out = s.print.clone();
    match image::load_from_memory(&s.png) {
        Ok(img) => {
            let img = img.to_rgb8();
            if img.width() != 1280 {
                out.push(format!("screenshot {} px wide", img.width()));
            }
            let first = img.get_pixel(0, 0);
            if img.pixels().all(|p| p == first) {
                out.push("screenshot is blank".into());
            }
        }
        Err(e) => out.push(format!("screenshot: {e}")),
    }
    match image::load_from_memory(&s.a4_png) {
        Ok(img) if img.width() < 600 || img.width() > 800 => out.push(format!(
            "print screenshot {} px wide, not A4's printable width",
            img.width()
        )),
        Ok(_) => {}
        Err(e) => out.push(format!("print screenshot: {e}")),
    }
    if !s.pdf.starts_with(b"%PDF") {
        out.push("print to PDF gave no PDF".into());
    }
    let pages = pdf_pages(&s.pdf);
    if !(PAGES.0..PAGES.1).contains(&pages) {
        out.push(format!(
            "PDF has {pages} pages, expected {} to {}",
            PAGES.0,
            PAGES.1 - 1
        ));
    }
    match pdf_media_box(&s.pdf) {
        Some((w, h)) if (w - 595.3).abs() < 3.0 && (h - 841.9).abs() < 3.0 => {}
        b => out.push(format!("PDF page is not A4: {b:?} pt")),
    }
    if s.pdf.len() < 20_000 * pages.max(1) {
        out.push(format!(
            "PDF is {} bytes for {pages} pages: next to nothing drawn",
            s.pdf.len()
        ));
    }
    out
}

fn bordersim(args: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

fn fresh(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn run_dir(name: &str) -> PathBuf {
    let out = fresh(name);
    bordersim(&[
        "run",
        "scenarios/horgos-2025.toml",
        "-q",
        "--days",
        "30",
        "-r",
        "5",
        "--out",
        out.to_str().unwrap(),
    ]);
    out
}

fn all_problems(s: &Seen, doc: &Value, charts: usize, cells: usize) -> Vec<String> {
    [
        console_problems(s),
        network_problems(s),
        chart_problems(s, charts),
        number_problems(s, doc, cells),
        structure_problems(s),
        render_problems(s),
    ]
    .concat()
}

#[test]
fn the_run_report_passes_every_check_in_chromium() {
    let Some(b) = browser("run") else { return };
    let out = run_dir("browser-run");
    let doc: Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let seen = open(&b, &out.join("report.html"));
    std::fs::write(out.join("screenshot.png"), &seen.png).unwrap();
    std::fs::write(out.join("print-a4.png"), &seen.a4_png).unwrap();
    std::fs::write(out.join("report.pdf"), &seen.pdf).unwrap();
    eprintln!(
        "report.pdf: {} pages, {} bytes; print-a4.png beside it",
        pdf_pages(&seen.pdf),
        seen.pdf.len()
    );
    if let Some(p) = std::env::var_os("BORDERSIM_SCREENSHOT") {
        std::fs::write(p, &seen.png).unwrap();
    }
    let problems = all_problems(&seen, &doc, 6, 40);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_comparison_report_passes_every_check_in_chromium() {
    let Some(b) = browser("compare") else { return };
    let out = fresh("browser-compare");
    bordersim(&[
        "compare",
        "scenarios/horgos-reform.toml",
        "--variants",
        "one_hour,daytime",
        "-q",
        "--days",
        "20",
        "-r",
        "5",
        "--out",
        out.to_str().unwrap(),
    ]);
    let doc: Value = serde_json::from_slice(&std::fs::read(out.join("comparison.json")).unwrap()).unwrap();
    let seen = open(&b, &out.join("report.html"));
    let problems = all_problems(&seen, &doc, 4, 20);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The real page with `edit` applied, saved beside it (so its links still resolve).
fn broken(out: &Path, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let edited = edit(html.clone());
    assert_ne!(edited, html, "{name}: the edit changed nothing");
    let p = out.join(name);
    std::fs::write(&p, edited).unwrap();
    p
}

#[test]
fn each_check_catches_a_broken_page() {
    let Some(b) = browser("broken") else { return };
    let out = run_dir("browser-broken");
    let doc: Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    // The page as written passes, so each failure below is the edit's.
    let good = open(&b, &out.join("report.html"));
    assert!(all_problems(&good, &doc, 6, 40).is_empty());

    let no_csp = |h: String| {
        let start = h.find("<meta http-equiv=\"Content-Security-Policy\"").unwrap();
        let end = start + h[start..].find('>').unwrap() + 1;
        format!("{}{}", &h[..start], &h[end..])
    };
    // A script error.
    let p = broken(&out, "broken-console.html", |h| {
        h.replace("<main>", "<main><script>console.error('boom')</script>")
    });
    let e = console_problems(&open(&b, &p));
    assert!(e.iter().any(|e| e.contains("boom")), "{e:?}");
    let p = broken(&out, "broken-exception.html", |h| {
        h.replace("<main>", "<main><script>undefined_function()</script>")
    });
    assert!(!console_problems(&open(&b, &p)).is_empty());
    // A request to the network, without the page's Content-Security-Policy: seen as a request.
    let p = broken(&out, "broken-network.html", |h| {
        no_csp(h).replace("<main>", r#"<main><img alt="" src="http://127.0.0.1:9/x.png">"#)
    });
    let n = network_problems(&open(&b, &p));
    assert!(n.iter().any(|u| u.contains("127.0.0.1:9")), "{n:?}");
    // ... and with it: blocked, but still caught (as a request or a console error).
    let p = broken(&out, "broken-network-csp.html", |h| {
        h.replace("<main>", r#"<main><img alt="" src="http://127.0.0.1:9/y.png">"#)
    });
    let s = open(&b, &p);
    assert!(
        !network_problems(&s).is_empty() || !console_problems(&s).is_empty(),
        "{s:?}"
    );
    // A chart that drew nothing (its lines emptied), and one without a name.
    let p = broken(&out, "broken-chart.html", |h| {
        let at = h.find(r#"<g class="series" data-i="0"><path d=""#).unwrap()
            + r#"<g class="series" data-i="0"><path d=""#.len();
        let end = at + h[at..].find('"').unwrap();
        let cut = h[..end].rfind(r#"<svg class="chart""#).unwrap();
        let close = cut + h[cut..].find("</svg>").unwrap();
        let svg = regex_free_strip_paths(&h[cut..close]);
        format!("{}{}{}", &h[..cut], svg, &h[close..])
    });
    let c = chart_problems(&open(&b, &p), 6);
    assert!(c.iter().any(|c| c.contains("drew nothing")), "{c:?}");
    let p = broken(&out, "broken-chart-name.html", |h| {
        h.replacen(r#"aria-labelledby="queue-horgos-title""#, "", 1)
    });
    let c = chart_problems(&open(&b, &p), 6);
    assert!(c.iter().any(|c| c.contains("no title")), "{c:?}");
    // A headline number that is not summary.json's.
    let p = broken(&out, "broken-number.html", |h| {
        let key = r#"data-key="ports.horgos.totals.time_in_system_mean_min""#;
        let at = h.find(key).unwrap();
        let v = h[..at].rfind("data-value=\"").unwrap();
        format!("{}data-value=\"1.5\" {}", &h[..v], &h[at..])
    });
    let n = number_problems(&open(&b, &p), &doc, 40);
    assert!(n.iter().any(|n| n.contains("time_in_system_mean_min")), "{n:?}");
    // Headings out of order and a header without scope.
    let p = broken(&out, "broken-structure.html", |h| {
        h.replacen("<h3>", "<h5>", 1)
            .replacen("</h3>", "</h5>", 1)
            .replacen(r#"<th scope="col">"#, "<th>", 1)
    });
    let st = structure_problems(&open(&b, &p));
    assert!(st.len() >= 2, "{st:?}");
    // In print, a block pulled over the one before it, and a chart wider than the page.
    let p = broken(&out, "broken-print.html", |h| {
        h.replace("</style>", "@media print{#charts figure.fig{margin-top:-300px}#stages svg,#charts svg.chart{width:3000px;max-width:none}}</style>")
    });
    let r = render_problems(&open(&b, &p));
    assert!(r.iter().any(|r| r.starts_with("overlap")), "{r:?}");
    assert!(r.iter().any(|r| r.starts_with("cut off")), "{r:?}");
    // At A4 width: a chart 1200 px wide in print (it would fit the 1280 px window), a table
    // that cannot wrap to the page, a figure allowed to split, a chart taller than a page.
    let p = broken(&out, "broken-a4.html", |h| {
        h.replace("</style>", "@media print{#charts svg.chart{width:1200px;max-width:none}#stages table{min-width:900px}#port figure.fig{break-inside:auto;page-break-inside:auto}#charts figure.fig svg.chart{height:1100px;max-height:none}}</style>")
    });
    let r = render_problems(&open(&b, &p));
    let has = |what: &str, id: &str| r.iter().any(|r| r.starts_with(what) && r.contains(id));
    assert!(has("cut off: svg", "queue-horgos"), "{r:#?}");
    assert!(has("cut off: TABLE", "stages-horgos"), "{r:#?}");
    assert!(has("may split across pages", "port-horgos"), "{r:#?}");
    assert!(has("too tall for a page", "queue-horgos"), "{r:#?}");
}

/// `svg` with every series path's data emptied.
fn regex_free_strip_paths(svg: &str) -> String {
    let mut out = String::new();
    let mut rest = svg;
    let tag = r#"<path d=""#;
    while let Some(i) = rest.find(tag) {
        out.push_str(&rest[..i + tag.len()]);
        rest = &rest[i + tag.len()..];
        let j = rest.find('"').unwrap();
        rest = &rest[j..];
    }
    out.push_str(rest);
    out
}

/// A sortable table's state: each header's `aria-sort`, and per row its cells' `data-value`
/// (null for a text cell) and its first cell's text.
const SORT_STATE: &str = r#"(function(id){
  var t = document.getElementById(id);
  var rows = Array.prototype.slice.call(t.tBodies[0].rows);
  return JSON.stringify({
    aria: Array.prototype.map.call(t.querySelectorAll('thead th'), function(h){ return h.getAttribute('aria-sort'); }),
    values: rows.map(function(r){ return Array.prototype.map.call(r.cells, function(c){ return c.dataset.value === undefined ? null : parseFloat(c.dataset.value); }); }),
    names: rows.map(function(r){ return r.cells[0].textContent; })
  });
})"#;

/// A line chart's series as drawn: per series whether it is displayed and its drawn width,
/// and its legend button's `aria-pressed`.
const SERIES_STATE: &str = r#"(function(id){
  var svg = document.getElementById(id);
  return JSON.stringify(Array.prototype.map.call(svg.querySelectorAll('g.series'), function(g){
    var b = document.querySelector('ul.legend[data-chart="' + id + '"] button[data-i="' + g.dataset.i + '"]');
    return {shown: getComputedStyle(g).display !== 'none' && g.getBoundingClientRect().width > 0,
            pressed: b ? b.getAttribute('aria-pressed') : null};
  }));
})"#;

/// The chart's box in the viewport (after scrolling it into view).
const BOX: &str = r#"(function(id){
  var e = document.getElementById(id); e.scrollIntoView({block: 'center'});
  var r = e.getBoundingClientRect();
  return JSON.stringify({left: r.left, top: r.top, width: r.width, height: r.height});
})"#;

/// After the pointer moved to `cx` over chart `id`: the readout (shown, text), the cursor
/// line, and what the test expects from the chart's embedded numbers: the data point nearest
/// the pointer (its time, and each line's label and value).
const HOVER_STATE: &str = r#"(function(id, cx){
  var svg = document.getElementById(id), plot = svg.closest('.plot');
  var out = plot.querySelector('.readout'), cur = svg.querySelector('.cursor');
  var d = JSON.parse(document.getElementById(id + '-data').textContent);
  var r = svg.getBoundingClientRect(), vb = svg.viewBox.baseVal;
  var px = (cx - r.left) * vb.width / r.width;
  var p0 = +svg.dataset.px0, p1 = +svg.dataset.px1, x0 = +svg.dataset.x0, x1 = +svg.dataset.x1;
  var xv = x0 + (px - p0) / (p1 - p0) * (x1 - x0), k = 0;
  d.x.forEach(function(x, i){ if (Math.abs(x - xv) < Math.abs(d.x[k] - xv)) k = i; });
  var t = new Date(Date.parse(d.start.slice(0, 16) + ':00Z') + d.x[k] * 60000).toISOString().slice(0, 16).replace('T', ' ');
  var cr = cur.getBoundingClientRect();
  return JSON.stringify({shown: getComputedStyle(out).display !== 'none', text: out.textContent,
    cursor: cur.getAttribute('visibility') === 'visible' ? cr.left : null, pointer: cx,
    step: r.width / (d.x.length - 1), when: d.axis === 'date' ? t : null,
    lines: d.lines.map(function(l){ return {label: l.label, y: l.y[k]}; })});
})"#;

/// The schematic's shown time, its slider's position and range, and per stage the texts of
/// its queue, busy, open and inside numbers (null where the box has none), and drivers away.
const SCHEMATIC_STATE: &str = r#"(function(id){
  var f = document.getElementById(id), range = f.querySelector('input[type=range]');
  var txt = function(g, c){ var e = g.querySelector(c); return e ? e.textContent : null; };
  return JSON.stringify({t: f.querySelector('output.t').textContent, k: +range.value, max: +range.max,
    stages: Array.prototype.map.call(f.querySelectorAll('g.stage[data-s]'), function(g){
      return {name: txt(g, '.name'), queue: txt(g, '.queue'), busy: txt(g, '.busy'), open: txt(g, '.open'), inside: txt(g, '.inside')};
    }),
    away: txt(f, '.away')});
})"#;

/// What a reader's clicks, pointer and slider did to the page.
#[derive(Debug, Default)]
struct Used {
    /// The table sorted, the column clicked, and its state before, after one click and
    /// after a second ([`SORT_STATE`]).
    sort: (String, usize, Value, Value, Value),
    /// The chart toggled, the series, and [`SERIES_STATE`] before, after one click on its
    /// legend button and after a second.
    toggle: (String, usize, Value, Value, Value),
    /// [`HOVER_STATE`] after the pointer moved over a chart.
    hover: Value,
    /// [`SCHEMATIC_STATE`] as opened and after the slider was set to step `k` (and
    /// 'input' dispatched).
    slider: (Value, usize, Value),
    /// Console errors and exceptions meanwhile.
    errors: Vec<String>,
}

/// The first numeric column whose values are not already in ascending order (so that a
/// sort must move rows), or `None`.
fn unsorted_column(state: &Value) -> Option<usize> {
    let rows = state["values"].as_array()?;
    let cols = rows.first()?.as_array()?.len();
    (1..cols).find(|c| {
        let v: Vec<f64> = rows.iter().filter_map(|r| r[*c].as_f64()).collect();
        v.len() > 2 && v.windows(2).any(|w| w[1] < w[0])
    })
}

/// Opens `page` and uses it as a reader would, on `port`'s tables and charts: clicks a
/// column title of the per-stage table twice (real mouse events through the DevTools input
/// domain), clicks a legend button of the queue chart twice, moves the pointer over the
/// occupancy chart, and sets the schematic's slider a third of the way along (half way if
/// it opened there) and dispatches 'input' as dragging it would.
fn use_page(browser: &Browser, page: &Path, port: &str) -> Used {
    use headless_chrome::browser::tab::point::Point;
    use headless_chrome::protocol::cdp::types::Event;
    let tab = browser.new_tab().unwrap();
    let errors = Arc::new(Mutex::new(Vec::new()));
    let e2 = errors.clone();
    tab.add_event_listener(Arc::new(move |ev: &Event| {
        if let Event::RuntimeExceptionThrown(x) = ev {
            e2.lock()
                .unwrap()
                .push(format!("exception: {}", x.params.exception_details.text));
        }
    }))
    .unwrap();
    tab.enable_runtime().unwrap();
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    tab.navigate_to(&url).unwrap().wait_until_navigated().unwrap();
    let call = |f: &str, args: &str| eval_json(&tab, &format!("{f}({args})"));
    let mut used = Used::default();

    let table = format!("stages-{port}");
    let before = call(SORT_STATE, &format!("'{table}'"));
    let col = unsorted_column(&before).unwrap_or(1);
    let th = tab
        .find_element(&format!("#{table} thead th:nth-child({})", col + 1))
        .unwrap();
    th.click().unwrap();
    let asc = call(SORT_STATE, &format!("'{table}'"));
    th.click().unwrap();
    let desc = call(SORT_STATE, &format!("'{table}'"));
    used.sort = (table, col, before, asc, desc);

    let chart = format!("queue-{port}");
    let before = call(SERIES_STATE, &format!("'{chart}'"));
    let button = tab
        .find_element(&format!("ul.legend[data-chart='{chart}'] button[data-i='0']"))
        .unwrap();
    button.click().unwrap();
    let off = call(SERIES_STATE, &format!("'{chart}'"));
    button.click().unwrap();
    let on = call(SERIES_STATE, &format!("'{chart}'"));
    used.toggle = (chart, 0, before, off, on);

    let chart = format!("occ-{port}");
    let b = call(BOX, &format!("'{chart}'"));
    let f = |k: &str| b[k].as_f64().unwrap();
    let (x, y) = (f("left") + 0.6 * f("width"), f("top") + 0.5 * f("height"));
    tab.move_mouse_to_point(Point { x, y }).unwrap();
    used.hover = call(HOVER_STATE, &format!("'{chart}', {x}"));

    let fig = format!("port-{port}");
    let opened = call(SCHEMATIC_STATE, &format!("'{fig}'"));
    let max = opened["max"].as_u64().unwrap_or(0) as usize;
    let step = if opened["k"].as_u64() == Some(max as u64 / 3) {
        max / 2
    } else {
        max / 3
    };
    tab.evaluate(
        &format!("(function(){{ var r = document.querySelector('#{fig} input[type=range]'); r.value = {step}; r.dispatchEvent(new Event('input', {{bubbles: true}})); }})()"),
        false,
    )
    .unwrap();
    let moved = call(SCHEMATIC_STATE, &format!("'{fig}'"));
    used.slider = (opened, step, moved);
    used.errors = errors.lock().unwrap().clone();
    let _ = tab.close(true);
    used
}

/// After one click on a column title the rows are in ascending order of that column's
/// values (rows without a value last) and the title says `aria-sort="ascending"`; after a
/// second, descending; the same rows throughout; and the first order was not already sorted.
fn sort_problems(u: &Used) -> Vec<String> {
    let (table, col, before, asc, desc) = &u.sort;
    let mut out = Vec::new();
    let column = |s: &Value| -> Vec<Option<f64>> {
        s["values"]
            .as_array()
            .map(|r| r.iter().map(|r| r[*col].as_f64()).collect())
            .unwrap_or_default()
    };
    let names = |s: &Value| {
        let mut n: Vec<String> = s["names"]
            .as_array()
            .map(|n| n.iter().map(|n| n.as_str().unwrap_or("").to_string()).collect())
            .unwrap_or_default();
        n.sort();
        n
    };
    if unsorted_column(before) != Some(*col) {
        out.push(format!(
            "{table}: column {col} was already in order, a sort shows nothing"
        ));
    }
    for (s, want, up) in [(asc, "ascending", true), (desc, "descending", false)] {
        if s["aria"][*col].as_str() != Some(want) {
            out.push(format!(
                "{table}: column {col} title says {} after sorting {want}",
                s["aria"][*col]
            ));
        }
        if names(s) != names(before) {
            out.push(format!("{table}: sorting {want} changed the rows"));
        }
        let v = column(s);
        let known: Vec<f64> = v.iter().flatten().copied().collect();
        let missing = v.len() - known.len();
        let ordered = known.windows(2).all(|w| if up { w[0] <= w[1] } else { w[0] >= w[1] });
        let place = if up {
            v.iter().skip(known.len()).all(Option::is_none)
        } else {
            v.iter().take(missing).all(Option::is_none)
        };
        if !ordered || !place {
            out.push(format!(
                "{table}: column {col} not {want} after clicking its title: {v:?}"
            ));
        }
    }
    out
}

/// A legend button's first click hides its line (and only it) and says
/// `aria-pressed="false"`; the second shows it again.
fn toggle_problems(u: &Used) -> Vec<String> {
    let (chart, i, before, off, on) = &u.toggle;
    let mut out = Vec::new();
    let shown = |s: &Value| -> Vec<bool> {
        s.as_array()
            .map(|a| a.iter().map(|g| g["shown"].as_bool().unwrap_or(false)).collect())
            .unwrap_or_default()
    };
    let all = shown(before);
    if all.len() < 2 || !all.iter().all(|s| *s) {
        out.push(format!("{chart}: expected two or more lines, all shown, got {all:?}"));
    }
    let mut want = all.clone();
    if let Some(w) = want.get_mut(*i) {
        *w = false;
    }
    if shown(off) != want || off[*i]["pressed"].as_str() != Some("false") {
        out.push(format!(
            "{chart}: after clicking legend button {i}, lines shown {:?} (button pressed {}), expected {want:?}",
            shown(off),
            off[*i]["pressed"]
        ));
    }
    if shown(on) != all || on[*i]["pressed"].as_str() != Some("true") {
        out.push(format!(
            "{chart}: after a second click, lines shown {:?} (button pressed {}), expected all",
            shown(on),
            on[*i]["pressed"]
        ));
    }
    out
}

/// `shown` is `want` as the page prints it: embedded to 4 significant digits, then shown
/// with 0, 2 or 3 decimals by size ("–" for none), so within both roundings.
fn same_number(shown: &str, want: Option<f64>) -> bool {
    match (shown.trim().parse::<f64>(), want) {
        (Ok(s), Some(w)) => {
            let tol = if w.abs() >= 100.0 {
                0.5
            } else if w.abs() >= 1.0 {
                0.005
            } else {
                0.0005
            };
            let embedded = if w == 0.0 {
                0.0
            } else {
                0.5 * 10f64.powf(w.abs().log10().floor() - 3.0)
            };
            (s - w).abs() <= tol + embedded + 1e-9
        }
        (Err(_), None) => shown.trim() == "\u{2013}",
        _ => false,
    }
}

/// With the pointer over a chart the readout is shown, names the nearest data point's time
/// and gives each line's value there; the cursor line is at that point.
fn hover_problems(u: &Used) -> Vec<String> {
    let h = &u.hover;
    let mut out = Vec::new();
    if h["shown"].as_bool() != Some(true) {
        out.push("readout not shown with the pointer over the chart".into());
        return out;
    }
    let text = h["text"].as_str().unwrap_or("");
    if let Some(when) = h["when"].as_str()
        && !text.lines().next().unwrap_or("").contains(when)
    {
        out.push(format!(
            "readout {text:?} does not name the time under the pointer, {when}"
        ));
    }
    for l in h["lines"].as_array().cloned().unwrap_or_default() {
        let label = l["label"].as_str().unwrap_or("");
        let got = text.lines().find_map(|t| t.strip_prefix(&format!("{label}: ")));
        match got {
            Some(g) if same_number(g, l["y"].as_f64()) => {}
            _ => out.push(format!("readout {text:?}: {label} should be {}", l["y"])),
        }
    }
    match (h["cursor"].as_f64(), h["pointer"].as_f64(), h["step"].as_f64()) {
        (Some(c), Some(p), Some(s)) if (c - p).abs() <= s / 2.0 + 2.0 => {}
        _ => out.push(format!(
            "cursor line at {} for the pointer at {}",
            h["cursor"], h["pointer"]
        )),
    }
    out
}

/// timeseries.csv's rows of `port` as (stage, metric) → the interval end and mean of each
/// report interval, in order.
type Rows = std::collections::HashMap<(String, String), Vec<(String, Option<f64>)>>;

fn timeseries(dir: &Path, port: &str) -> Rows {
    let text = std::fs::read_to_string(dir.join("timeseries.csv")).unwrap();
    let mut rows = Rows::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[3] == port && f[5].is_empty() {
            rows.entry((f[4].to_string(), f[6].to_string()))
                .or_default()
                .push((f[2].replace('T', " "), f[7].parse().ok()));
        }
    }
    rows
}

/// After the slider moved to step `k`, the schematic shows that step: its time is the end of
/// timeseries.csv's `k`-th interval and each stage's queue, busy, open and inside numbers
/// (and the drivers away) are that interval's means; and they differ from those it opened
/// with. Reads only a schematic whose steps are the CSV's intervals (not averaged).
fn slider_problems(u: &Used, csv: &Rows) -> Vec<String> {
    let (opened, k, moved) = &u.slider;
    let mut out = Vec::new();
    let first = moved["stages"][0]["name"].as_str().unwrap_or("");
    let steps = csv.get(&(first.to_string(), "queue".to_string())).map_or(0, Vec::len);
    if moved["max"].as_u64().map(|m| m as usize + 1) != Some(steps) {
        out.push(format!(
            "slider has {} steps, timeseries.csv {steps} intervals: the test reads unaveraged steps only",
            moved["max"]
        ));
        return out;
    }
    if moved["k"].as_u64() != Some(*k as u64) {
        out.push(format!("slider at {}, set to {k}", moved["k"]));
    }
    let at = |stage: &str, metric: &str| {
        csv.get(&(stage.to_string(), metric.to_string()))
            .and_then(|r| r.get(*k))
    };
    if let Some((end, _)) = at(first, "queue")
        && moved["t"].as_str() != Some(end.as_str())
    {
        out.push(format!(
            "schematic shows time {} for step {k}, timeseries.csv {end}",
            moved["t"]
        ));
    }
    let mut numbers = 0;
    for s in moved["stages"].as_array().cloned().unwrap_or_default() {
        let name = s["name"].as_str().unwrap_or("");
        for (field, metric) in [
            ("queue", "queue"),
            ("busy", "busy"),
            ("open", "servers_open"),
            ("inside", "in_stage"),
        ] {
            let Some(shown) = s[field].as_str() else { continue };
            numbers += 1;
            let want = at(name, metric).and_then(|r| r.1);
            if !same_number(shown, want) {
                out.push(format!(
                    "{name} {field}: schematic {shown:?} at step {k}, timeseries.csv {want:?}"
                ));
            }
        }
    }
    if let Some(shown) = moved["away"].as_str() {
        let want = at("", "drivers_busy").and_then(|r| r.1);
        if !same_number(shown, want) {
            out.push(format!(
                "drivers away: schematic {shown:?} at step {k}, timeseries.csv {want:?}"
            ));
        }
    }
    if numbers == 0 {
        out.push("schematic shows no numbers".into());
    }
    if opened["stages"] == moved["stages"] || opened["t"] == moved["t"] {
        out.push(format!(
            "moving the slider from step {} to {k} changed nothing shown",
            opened["k"]
        ));
    }
    out
}

/// With scripts off: whether the script ran, each table's rows and rows drawn, the charts
/// ([`FACTS`]), text hidden from view, and the schematic's numbers.
const NOSCRIPT: &str = r#"(function(){
  var tables = Array.prototype.map.call(document.querySelectorAll('main table'), function(t){
    var rows = t.tBodies[0] ? t.tBodies[0].rows : [];
    var drawn = Array.prototype.filter.call(rows, function(r){ return r.getBoundingClientRect().height > 0; }).length;
    return {id: t.id, rows: rows.length, drawn: drawn, h: t.getBoundingClientRect().height};
  });
  var hidden = [];
  document.querySelectorAll('header *, main *').forEach(function(e){
    if (/^(script|style|title|desc|defs|marker)$/i.test(e.tagName) || e.closest('.readout, defs')) return;
    var st = getComputedStyle(e), p = e.parentElement && getComputedStyle(e.parentElement);
    var gone = st.display === 'none' || st.visibility === 'hidden';
    var parentGone = p && (p.display === 'none' || p.visibility === 'hidden');
    if (gone && !parentGone && e.textContent.trim()) hidden.push((e.id || (e.closest('[id]') || {}).id) + ' ' + e.tagName + ': ' + e.textContent.trim().slice(0, 40));
  });
  var schematic = Array.prototype.map.call(document.querySelectorAll('figure.schematic .queue, figure.schematic .busy, figure.schematic .away'), function(e){ return e.textContent; });
  return JSON.stringify({ran: document.querySelectorAll('th[aria-sort]').length, tables: tables, hidden: hidden,
    schematic: schematic, facts: JSON.parse(FACTS)});
})()"#;

/// Opens `page` with script execution disabled (Emulation.setScriptExecutionDisabled) and
/// collects [`NOSCRIPT`].
fn open_without_scripts(browser: &Browser, page: &Path) -> Value {
    let tab = browser.new_tab().unwrap();
    tab.call_method(Emulation::SetScriptExecutionDisabled { value: true })
        .unwrap();
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    tab.navigate_to(&url).unwrap().wait_until_navigated().unwrap();
    let v = eval_json(
        &tab,
        &NOSCRIPT.replace("JSON.parse(FACTS)", &format!("JSON.parse({FACTS})")),
    );
    let _ = tab.close(true);
    v
}

/// With scripts off the page still shows everything: at least `tables` tables with every
/// row drawn, the charts drawn ([`chart_problems`]), no text hidden (but the hover
/// readout), the schematic's numbers; and the script did not run.
fn noscript_problems(v: &Value, tables: usize, charts: usize) -> Vec<String> {
    let mut out = Vec::new();
    if v["ran"].as_u64() != Some(0) {
        out.push("the page's script ran: scripts were not off".into());
    }
    let t = v["tables"].as_array().cloned().unwrap_or_default();
    if t.len() < tables {
        out.push(format!(
            "{} tables without scripts, expected at least {tables}",
            t.len()
        ));
    }
    for t in &t {
        if t["rows"].as_u64() == Some(0) || t["drawn"] != t["rows"] || t["h"].as_f64().unwrap_or(0.0) <= 0.0 {
            out.push(format!(
                "table {} not shown without scripts: {} of {} rows drawn",
                t["id"], t["drawn"], t["rows"]
            ));
        }
    }
    let seen = Seen {
        facts: v["facts"].clone(),
        ..Seen::default()
    };
    out.extend(
        chart_problems(&seen, charts)
            .into_iter()
            .map(|p| format!("without scripts: {p}")),
    );
    for h in v["hidden"].as_array().cloned().unwrap_or_default() {
        out.push(format!("hidden without scripts: {}", h.as_str().unwrap_or("")));
    }
    let s = v["schematic"].as_array().cloned().unwrap_or_default();
    if s.is_empty()
        || s.iter()
            .any(|n| n.as_str().is_none_or(|n| n.trim().parse::<f64>().is_err()))
    {
        out.push(format!("schematic numbers without scripts: {s:?}"));
    }
    out
}

fn all_used_problems(u: &Used, csv: &Rows) -> Vec<String> {
    [
        u.errors.clone(),
        sort_problems(u),
        toggle_problems(u),
        hover_problems(u),
        slider_problems(u, csv),
    ]
    .concat()
}

#[test]
fn the_interactions_work_and_the_page_reads_without_scripts() {
    let Some(b) = browser("use") else { return };
    let out = run_dir("browser-use");
    let csv = timeseries(&out, "horgos");
    let page = out.join("report.html");
    let u = use_page(&b, &page, "horgos");
    let problems = all_used_problems(&u, &csv);
    assert!(problems.is_empty(), "{problems:#?}\n{u:#?}");
    let v = open_without_scripts(&b, &page);
    let problems = noscript_problems(&v, 2, 6);
    assert!(problems.is_empty(), "{problems:#?}");

    // Each check catches a page where that interaction is broken.
    let without = |name: &str, code: &str| {
        broken(&out, name, |h| {
            assert!(h.contains(code), "report.js no longer has {code}");
            h.replace(code, "")
        })
    };
    let p = without("broken-sort.html", r#"th.addEventListener("click", sort);"#);
    let e = sort_problems(&use_page(&b, &p, "horgos"));
    assert!(e.iter().any(|e| e.contains("not ascending")), "{e:?}");
    let p = without("broken-toggle.html", r#"if (g) g.classList.toggle("off", !on);"#);
    let e = toggle_problems(&use_page(&b, &p, "horgos"));
    assert!(e.iter().any(|e| e.contains("after clicking legend button")), "{e:?}");
    let p = without("broken-hover.html", r#"out.style.display = "block";"#);
    let e = hover_problems(&use_page(&b, &p, "horgos"));
    assert!(e.iter().any(|e| e.contains("readout not shown")), "{e:?}");
    let p = broken(&out, "broken-hover-value.html", |h| {
        h.replace("fmt(l.y[k])", "fmt(l.y[k] * 1.1 + 1)")
    });
    let e = hover_problems(&use_page(&b, &p, "horgos"));
    assert!(e.iter().any(|e| e.contains("should be")), "{e:?}");
    let p = without(
        "broken-slider.html",
        r#"range.addEventListener("input", function () { show(+range.value); });"#,
    );
    let e = slider_problems(&use_page(&b, &p, "horgos"), &csv);
    assert!(e.iter().any(|e| e.contains("changed nothing")), "{e:?}");
    let p = broken(&out, "broken-slider-step.html", |h| {
        h.replace("show(+range.value)", "show(+range.value + 1)")
    });
    let e = slider_problems(&use_page(&b, &p, "horgos"), &csv);
    assert!(e.iter().any(|e| e.contains("timeseries.csv")), "{e:?}");
    // Tables that only a script shows.
    let p = broken(&out, "broken-noscript.html", |h| {
        h.replace("</style>", "main table{display:none}</style>").replace(
            "<main>",
            "<main><script>document.addEventListener('DOMContentLoaded',function(){document.querySelectorAll('main table').forEach(function(t){t.style.display='table'})})</script>",
        )
    });
    let used = use_page(&b, &p, "horgos");
    assert!(sort_problems(&used).is_empty(), "with scripts on the tables show");
    let e = noscript_problems(&open_without_scripts(&b, &p), 2, 6);
    assert!(
        e.iter().any(|e| e.starts_with("table") && e.contains("not shown")),
        "{e:?}"
    );
}
