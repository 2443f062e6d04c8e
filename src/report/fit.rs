//! What `bordersim fit` prints: the estimates with their intervals as a table, and the
//! TOML to paste into a scenario, one flow table per mode with the intervals as comments.

use crate::date::StartInstant;
use crate::stats::fit::{Factor, Fit, Pearson, Profile, Window, share_interval};
use std::fmt::Write;

/// Weekday names, Monday first, as a day-of-week profile lists them.
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Month names, January first.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The fit of one mode's arrivals (or of the whole log without a mode column).
#[derive(Debug, Clone)]
pub struct FlowFit {
    /// The mode, when the log has a mode column.
    pub mode: Option<String>,
    /// The estimates.
    pub fit: Fit,
    /// This flow's arrivals and all the log's arrivals in the window, for its share.
    pub share: Option<(usize, usize)>,
    /// Consignments by vehicles per consignment (value, count), when the log has a
    /// vehicles column.
    pub vehicles: Vec<(u32, usize)>,
}

/// Everything one `bordersim fit` reports.
#[derive(Debug, Clone)]
pub struct FitReport {
    /// The gate log, as named on the command line.
    pub source: String,
    /// The instant the window's minutes count from.
    pub start: StartInstant,
    /// The observation window.
    pub window: Window,
    /// One fit per mode.
    pub flows: Vec<FlowFit>,
    /// Rows of the log outside the window, not used.
    pub outside: usize,
    /// Notes to print before the table (a minute-form log read from a default start).
    pub notes: Vec<String>,
}

impl FitReport {
    fn window_words(&self) -> String {
        format!(
            "{} to {} ({} days)",
            self.start.format(self.window.from),
            self.start.format(self.window.to),
            trimmed(self.window.days(), 2)
        )
    }
}

/// Widest line printed, as every table of bordersim.
const WIDTH: usize = 100;

/// Appends `text` word-wrapped to [`WIDTH`] columns, the first line after `first`, the
/// others after `rest` (both counted in the width).
fn wrapped(s: &mut String, first: &str, rest: &str, text: &str) {
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split(' ') {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            s.push_str(line.trim_end());
            s.push('\n');
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    s.push_str(line.trim_end());
    s.push('\n');
}

/// `x` with at most `d` decimals, trailing zeros dropped: 56 rather than 56.00.
fn trimmed(x: f64, d: usize) -> String {
    let s = super::number::fixed(x, d, false);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A rate with five significant digits (but no more than needed), for `per_day`.
fn rate_text(x: f64) -> String {
    let d = (4 - x.abs().log10().floor() as i64).clamp(0, 9) as usize;
    super::number::fixed(x, d, false)
}

/// A factor as written in the TOML and the table.
fn factor_text(x: f64) -> String {
    super::number::fixed(x, 4, false)
}

fn interval(f: &Factor) -> String {
    if !f.observed {
        return "not observed (1, the average)".into();
    }
    if f.lo.is_nan() {
        return "n/a".into();
    }
    format!("{}-{}", factor_text(f.lo), factor_text(f.hi))
}

/// The table: per mode, the rate and every factor with its interval, and the dispersion.
pub fn table(r: &FitReport) -> String {
    let mut s = String::new();
    for n in &r.notes {
        wrapped(&mut s, "note: ", "  ", n);
    }
    let total = r
        .flows
        .first()
        .and_then(|f| f.share)
        .map_or_else(|| r.flows.first().map_or(0, |f| f.fit.arrivals), |(_, n)| n);
    let mut head = format!(
        "Fitted from {}: window {}, {total} arrivals",
        r.source,
        r.window_words()
    );
    if r.outside > 0 {
        head.push_str(&format!(" ({} rows outside the window not used)", r.outside));
    }
    wrapped(&mut s, "", "  ", &head);
    let _ = writeln!(s, "Estimates with 95 % confidence intervals:");
    for f in &r.flows {
        flow_table(&mut s, f);
    }
    s
}

fn flow_table(s: &mut String, f: &FlowFit) {
    let fit = &f.fit;
    let _ = writeln!(s);
    match (&f.mode, f.share) {
        (Some(m), Some((k, n))) => {
            let (p, lo, hi) = share_interval(k, n);
            let _ = writeln!(
                s,
                "Mode {m}: {k} arrivals, {:.1} % of all ({:.1}-{:.1} %)",
                100.0 * p,
                100.0 * lo,
                100.0 * hi
            );
        }
        _ => {
            let _ = writeln!(s, "All arrivals: {}", fit.arrivals);
        }
    }
    let r = &fit.rate_per_day;
    let _ = writeln!(
        s,
        "  rate            {} per day ({}-{})",
        rate_text(r.value),
        rate_text(r.lo),
        rate_text(r.hi)
    );
    if let Some(d) = dropped_words(fit) {
        wrapped(s, "  note: ", "    ", &d);
    }
    let hours: Vec<String> = (0..24).map(|h| format!("{h:02}-{:02}", h + 1)).collect();
    profile_table(s, "hour of day", &fit.hour, &hours);
    let days: Vec<String> = WEEKDAYS.iter().map(|d| d.to_string()).collect();
    profile_table(s, "day of week", &fit.weekday, &days);
    let months: Vec<String> = MONTHS.iter().map(|d| d.to_string()).collect();
    profile_table(s, "month of year", &fit.month, &months);
    let _ = writeln!(s, "  goodness of fit (dispersion of counts against Poisson):");
    for (what, p) in [("hourly", fit.dispersion.hourly), ("daily", fit.dispersion.daily)] {
        let _ = writeln!(s, "    {what:<7} {}", pearson_words(p));
    }
    wrapped(s, "    ", "    ", fit.dispersion.words());
    if f.vehicles.len() > 1 || f.vehicles.first().is_some_and(|v| v.0 != 1) {
        wrapped(s, "  vehicles per consignment: ", "    ", &vehicle_words(&f.vehicles));
    }
}

/// The arrivals a month profile's fit left out, in words.
fn dropped_words(f: &Fit) -> Option<String> {
    let (n, months) = &f.dropped;
    if months.is_empty() {
        return None;
    }
    let names: Vec<&str> = months.iter().map(|m| MONTHS[*m]).collect();
    Some(format!(
        "{n} arrivals in {} left out: fewer than {} days of it in the window, too few for a month factor",
        names.join(", "),
        crate::stats::fit::MONTH_MIN_DAYS
    ))
}

fn pearson_words(p: Option<Pearson>) -> String {
    match p {
        None => "too few cells to test".into(),
        Some(p) => format!(
            "index {:.3} (Pearson {:.1} on {} df; P(more) = {}, P(less) = {})",
            p.index,
            p.statistic,
            p.df,
            p_text(p.p_over),
            p_text(p.p_under)
        ),
    }
}

fn p_text(p: f64) -> String {
    if p < 1e-4 { "<0.0001".into() } else { format!("{p:.4}") }
}

fn vehicle_words(v: &[(u32, usize)]) -> String {
    let n: usize = v.iter().map(|x| x.1).sum();
    let mean = v.iter().map(|&(k, c)| f64::from(k) * c as f64).sum::<f64>() / n as f64;
    let list: Vec<String> = v.iter().map(|(k, c)| format!("{k}: {c}")).collect();
    format!("mean {mean:.3}; {}", list.join(", "))
}

fn profile_table(s: &mut String, what: &str, p: &Profile, labels: &[String]) {
    match p {
        Profile::Omitted(reason) => {
            wrapped(s, &format!("  {what}: omitted: "), "    ", reason);
        }
        Profile::Fitted(f) => {
            let _ = writeln!(s, "  {what:<15} factor  95 % CI");
            for (l, x) in labels.iter().zip(f) {
                let _ = writeln!(s, "    {l:<13} {}  {}", factor_text(x.value), interval(x));
            }
        }
    }
}

/// The TOML to paste: one `[ports.PORT.flows.MODE]` table per flow with its rate and
/// fitted profiles, the intervals and the dispersion as comments, and the vehicles per
/// consignment as a suggested `vehicles` line for the mode. A valid TOML document: a flow
/// table needs only its `route` added to be part of a scenario.
pub fn toml(r: &FitReport) -> String {
    let mut s = String::new();
    let head = format!("bordersim fit {}: window {}", r.source, r.window_words());
    wrapped(&mut s, "# ", "# ", &head);
    let _ = writeln!(
        s,
        "# Maximum-likelihood Poisson fit; [lo, hi] are 95 % confidence intervals."
    );
    let _ = writeln!(
        s,
        "# Paste each table into the scenario: rename PORT to the port, add the flow's route."
    );
    for f in &r.flows {
        flow_toml(&mut s, f);
    }
    s
}

/// The body of one flow table (no header): `rate` and the fitted profiles with comments.
pub fn flow_body(f: &Fit) -> String {
    let mut s = String::new();
    let r = &f.rate_per_day;
    let _ = writeln!(s, "# rate [{}, {}] per day", rate_text(r.lo), rate_text(r.hi));
    let _ = writeln!(s, "rate = {{ per_day = {} }}", rate_text(r.value));
    if let Some(d) = dropped_words(f) {
        wrapped(&mut s, "# ", "# ", &d);
    }
    let hours: Vec<String> = (0..24).map(|h| format!("{h:02}")).collect();
    profile_toml(&mut s, "hour_of_day", &f.hour, &hours);
    let days: Vec<String> = WEEKDAYS.iter().map(|d| d.to_string()).collect();
    profile_toml(&mut s, "day_of_week", &f.weekday, &days);
    let months: Vec<String> = MONTHS.iter().map(|d| d.to_string()).collect();
    profile_toml(&mut s, "month_of_year", &f.month, &months);
    if f.month.factors().is_some_and(|m| m.iter().any(|x| !x.observed)) {
        let _ = writeln!(
            s,
            "# months outside the window are set to 1, the average of the months observed"
        );
    }
    let d = &f.dispersion;
    let index = |p: Option<Pearson>| p.map_or("-".into(), |p| format!("{:.3}", p.index));
    let text = format!(
        "dispersion index: hourly {}, daily {}: {}",
        index(d.hourly),
        index(d.daily),
        d.words()
    );
    wrapped(&mut s, "# ", "# ", &text);
    s
}

fn flow_toml(s: &mut String, f: &FlowFit) {
    let mode = f.mode.as_deref().unwrap_or("MODE");
    let _ = writeln!(s);
    let _ = writeln!(s, "[ports.PORT.flows.{}]", key(mode));
    match f.share {
        Some((k, n)) => {
            let (p, lo, hi) = share_interval(k, n);
            let _ = writeln!(
                s,
                "# {k} of the log's {n} arrivals: {:.2} % [{:.2}, {:.2}]",
                100.0 * p,
                100.0 * lo,
                100.0 * hi
            );
        }
        None => {
            let _ = writeln!(s, "# {} arrivals", f.fit.arrivals);
        }
    }
    s.push_str(&flow_body(&f.fit));
    if !f.vehicles.is_empty() {
        let values: Vec<String> = f.vehicles.iter().map(|v| v.0.to_string()).collect();
        let weights: Vec<String> = f.vehicles.iter().map(|v| v.1.to_string()).collect();
        let _ = writeln!(s, "# vehicles per consignment in the log, for [modes.{}]:", key(mode));
        let _ = writeln!(
            s,
            "# vehicles = {{ dist = \"empirical\", values = [{}], weights = [{}] }}",
            values.join(", "),
            weights.join(", ")
        );
    }
}

/// A mode name as a TOML key: bare when it can be, quoted otherwise.
fn key(name: &str) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// A profile as a TOML array with its intervals in comment lines above it, within the width.
fn profile_toml(s: &mut String, name: &str, p: &Profile, labels: &[String]) {
    let f = match p {
        Profile::Omitted(reason) => {
            wrapped(s, &format!("# {name} omitted: "), "# ", reason);
            return;
        }
        Profile::Fitted(f) => f,
    };
    let cis: Vec<String> = labels
        .iter()
        .zip(f)
        .map(|(l, x)| match (x.observed, x.lo.is_nan()) {
            (false, _) => format!("{l} -"),
            (true, true) => format!("{l} n/a"),
            _ => format!("{l} [{}, {}]", factor_text(x.lo), factor_text(x.hi)),
        })
        .collect();
    // Four hours or three named days or months to a line, within the width.
    let per_line = if labels[0].len() > 2 { 3 } else { 4 };
    for (i, chunk) in cis.chunks(per_line).enumerate() {
        let lead = if i == 0 { name } else { "" };
        let _ = writeln!(s, "# {lead:<13} {}", chunk.join("  "));
    }
    let values: Vec<String> = f.iter().map(|x| factor_text(x.value)).collect();
    if values.len() <= 8 {
        let _ = writeln!(s, "{name} = [{}]", values.join(", "));
        return;
    }
    let _ = writeln!(s, "{name} = [");
    for chunk in values.chunks(8) {
        let _ = writeln!(s, "  {},", chunk.join(", "));
    }
    let _ = writeln!(s, "]");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_within_the_width() {
        let mut s = String::new();
        let text = "word ".repeat(60);
        wrapped(&mut s, "# note: ", "#   ", text.trim());
        assert!(s.lines().all(|l| l.chars().count() <= WIDTH), "{s}");
        assert!(s.starts_with("# note: word word"));
        assert!(s.lines().skip(1).all(|l| l.starts_with("#   word")));
        assert_eq!(s.matches("word").count(), 60);
    }

    #[test]
    fn numbers_as_written() {
        assert_eq!(rate_text(218.2345), "218.23");
        assert_eq!(rate_text(0.5), "0.50000");
        assert_eq!(rate_text(12_345.6), "12346");
        assert_eq!(trimmed(56.0, 2), "56");
        assert_eq!(trimmed(10.5, 2), "10.5");
        assert_eq!(key("cage_truck"), "cage_truck");
        assert_eq!(key("car carrier"), "\"car carrier\"");
    }
}
