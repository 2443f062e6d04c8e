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
    /// Layout problems in print media.
    print: Vec<String>,
    /// Screenshot (PNG) at 1280 px.
    png: Vec<u8>,
    /// The page printed to PDF (A4).
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

/// In print media: consecutive blocks of the page must not overlap, and no chart may be
/// wider than the page or taller than an A4 page's printable height.
const PRINT: &str = r#"(function(){
  var out = [];
  var blocks = document.querySelectorAll('main > section > *, header > *');
  var prev = null;
  var width = document.documentElement.clientWidth;
  blocks.forEach(function(b){
    var r = b.getBoundingClientRect();
    if (r.height === 0) return;
    if (prev && r.top < prev.r.bottom - 0.5 && r.left < prev.r.right && prev.r.left < r.right)
      out.push('overlap: ' + (prev.b.id || prev.b.tagName) + ' / ' + (b.id || b.tagName));
    prev = {b: b, r: r};
  });
  document.querySelectorAll('svg.chart').forEach(function(s){
    var r = s.getBoundingClientRect();
    if (r.right > width + 0.5 || r.left < -0.5) out.push('cut off: ' + (s.id || 'chart') + ' spans ' + r.left + '..' + r.right + ' of ' + width);
    if (r.height > 1000) out.push('too tall for a page: ' + (s.id || 'chart') + ' ' + r.height + ' px');
  });
  return JSON.stringify(out);
})()"#;

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
    tab.call_method(Emulation::SetEmulatedMedia {
        media: Some("print".into()),
        features: None,
    })
    .unwrap();
    let print: Vec<String> = serde_json::from_value(eval_json(&tab, PRINT)).unwrap();
    let pdf = tab
        .print_to_pdf(Some(PrintToPdfOptions {
            prefer_css_page_size: Some(true),
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

/// The screenshot is 1280 px wide and not blank; the PDF is a PDF with pages.
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
    if !s.pdf.starts_with(b"%PDF") || s.pdf.windows(9).filter(|w| w == b"/Type /Pa").count() == 0 {
        out.push("print to PDF gave no pages".into());
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
    let problems = all_problems(&seen, &doc, 6, 40);
    assert!(problems.is_empty(), "{problems:#?}");
    std::fs::write(out.join("screenshot.png"), &seen.png).unwrap();
    if let Some(p) = std::env::var_os("BORDERSIM_SCREENSHOT") {
        std::fs::write(p, &seen.png).unwrap();
    }
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
