//! The printed TRS tables: one per port, a row per segment in route order and the total,
//! and for each mode its mean, median, 95th percentile and share of the mean release time
//! (the layout of the WCO Time Release Study Guide's segment tables), then what else
//! happened to the mode's consignments.

use super::{Figures, ModeReport, PortReport, TOTAL, TrsReport};
use crate::report::table::{render_grouped, wrap};

/// Minutes as printed: one decimal.
fn minutes(v: f64) -> String {
    format!("{v:.1}")
}

/// A share as printed: a percentage with one decimal, "-" when the total is 0.
fn share(s: Option<f64>) -> String {
    s.map_or("-".into(), |s| format!("{:.1} %", 100.0 * s))
}

fn cells(f: Option<&Figures>) -> [String; 4] {
    match f {
        Some(f) => [minutes(f.mean), minutes(f.median), minutes(f.p95), share(f.share)],
        None => ["-".into(), "-".into(), "-".into(), "-".into()],
    }
}

/// The counts behind a mode's figures, in words.
fn context(m: &ModeReport) -> String {
    let mut s = format!(
        "{}: {} released; {} turned away, {} gave up waiting, {} diverted to another port, {} still inside at the end of the run",
        m.name, m.released, m.turned_away, m.abandoned, m.diverted, m.inside
    );
    if m.unmeasured > 0 {
        s.push_str(&format!(
            "; {} not measured (their arrival is before the trace's first row)",
            m.unmeasured
        ));
    }
    s.push('.');
    s
}

/// One port's table and context lines.
pub fn port_table(p: &PortReport, after: f64) -> String {
    let mut o = wrap(&format!("Port {}", p.name), "", "  ");
    let modes: Vec<&ModeReport> = p.modes.iter().filter(|m| m.released > 0).collect();
    if modes.is_empty() {
        o.push_str(&wrap(
            &format!("no consignment released at or after minute {after}"),
            "  ",
            "  ",
        ));
    } else {
        let mut head = vec!["segment".to_string()];
        for m in &modes {
            head.extend([
                format!("{} mean", m.name),
                "median".into(),
                "p95".into(),
                "share".into(),
            ]);
        }
        let mut rows = vec![head];
        for (kind, stage, name) in p.rows() {
            let mut r = vec![name];
            for m in &modes {
                let f = m.segments.iter().find(|s| s.kind == kind && s.stage == stage);
                r.extend(cells(f.map(|s| &s.figures)));
            }
            rows.push(r);
        }
        let mut total = vec![TOTAL.to_string()];
        for m in &modes {
            total.extend(cells(m.total.as_ref()));
        }
        rows.push(total);
        o.push_str(&render_grouped(&rows, 1, 4));
    }
    for m in &p.modes {
        o.push_str(&wrap(&context(m), "  ", "    "));
    }
    o
}

/// The whole report as printed: an introduction saying what is measured and how, then a
/// table per port.
pub fn table(r: &TrsReport) -> String {
    let intro = format!(
        "Time Release Study of {}: {} replication(s), consignments released (departed) at or after minute {}. \
         Times in minutes, from a consignment's arrival at the port (its last, for one diverted there) to its release. \
         Mean, median and 95th percentile are over all released consignments of the mode, counting 0 for a segment a \
         consignment skipped, so the segment means add up to the mean total release time and the shares to 100 % \
         (medians and percentiles do not add up). Percentiles are nearest-rank, as in summary.json.",
        r.trace.display(),
        r.replications,
        r.after
    );
    let mut o = wrap(&intro, "", "");
    for p in &r.ports {
        o.push('\n');
        o.push_str(&port_table(p, r.after));
    }
    o
}
