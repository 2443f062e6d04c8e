//! What a reader must know before trusting the numbers, found in the saved results: a
//! partial set, too few replications for the interval, a warm-up too short for the queue to
//! settle, a stage near saturation or with a queue still growing at the end.

use super::load::RunData;
use serde_json::Value;

/// Utilization at or above which a stage is reported near saturation.
pub const SATURATION: f64 = 0.9;

/// Fewest replications for which a 95 % Student-t interval is worth quoting.
pub const MIN_REPLICATIONS: u64 = 5;

/// Widest relative half-width of mean time in system before the interval is called wide.
pub const WIDE: f64 = 0.05;

fn f(v: &Value, path: &str) -> Option<f64> {
    path.split('.').try_fold(v, |v, k| v.get(k)).and_then(Value::as_f64)
}

/// Warnings about replications and completeness, shared by runs and comparisons.
pub fn common(partial: bool, done: u64, requested: u64) -> Vec<String> {
    let mut w = Vec::new();
    if partial {
        w.push(format!(
            "Partial result: only {done} of the {requested} replications asked for finished (the run was interrupted). Every interval below rests on {done}; continue the run with --resume."
        ));
    }
    if done < MIN_REPLICATIONS {
        w.push(format!(
            "Only {done} replication(s): the 95 % intervals rest on very few samples{}; run {MIN_REPLICATIONS} or more (--replications) before quoting them.",
            if done < 2 { " (with one there is no interval at all)" } else { "" }
        ));
    }
    w
}

/// Every warning of a run, in order of importance.
pub fn run(d: &RunData) -> Vec<String> {
    let doc = &d.doc;
    let sc = &doc["scenario"];
    let done = sc["replications"].as_u64().unwrap_or(0);
    let requested = sc["replications_requested"].as_u64().unwrap_or(done);
    let mut w = common(sc["partial"].as_bool().unwrap_or(false), done, requested);
    for (port, (stages, _)) in &d.info.ports {
        if let (Some(m), Some(c)) = (
            f(doc, &format!("ports.{port}.totals.time_in_system_mean_min.mean")),
            f(doc, &format!("ports.{port}.totals.time_in_system_mean_min.ci95")),
        ) && m > 0.0
            && c / m > WIDE
            && done >= MIN_REPLICATIONS
        {
            w.push(format!(
                "{port}: mean time in system is {m:.1} ± {c:.1} min, an interval wider than ±{:.0} % of the mean: more replications would narrow it.",
                WIDE * 100.0
            ));
        }
        // Warm-up: a queue that starts empty and is still filling makes early intervals
        // lower than the rest.
        if let Some(s) = d.ts.get(port, "", "", "in_system") {
            let n = s.shape.len;
            let k = super::load::head_rows(n);
            if let (true, Some((first, all))) = (n >= 40, s.head) {
                let first = first / k as f64;
                let all = all / n as f64;
                if all > 0.0 && first < 0.5 * all {
                    w.push(format!(
                        "{port}: in the first {} % of the measured period the port held on average {first:.0} consignments, under half its mean of {all:.0}: it started empty and was still filling, so the warm-up ({} days) looks too short; lengthen warmup_days.",
                        100 / 20,
                        num_days(sc["warmup_days"].as_f64())
                    ));
                }
            }
        }
        for st in d.order.get(port).into_iter().flatten().filter(|s| stages.contains(*s)) {
            let at = |m: &str| format!("ports.{port}.stages.{st}.{m}.mean");
            if let Some(u) = f(doc, &at("utilization"))
                && u >= SATURATION
            {
                w.push(format!(
                    "{port} / {st}: utilization {:.0} %, near saturation: small rises in demand or losses of capacity make its queue grow fast.",
                    u * 100.0
                ));
            }
            // Still growing: at the end the queue is near the largest it reached (a peak
            // that drained leaves it well below).
            if let (Some(end), Some(mean), Some(max)) = (
                f(doc, &at("queue_at_end")),
                f(doc, &at("queue_mean")),
                f(doc, &at("queue_max")),
            ) && end > 10.0
                && end > 3.0 * mean.max(1.0)
                && end >= 0.5 * max
            {
                w.push(format!(
                    "{port} / {st}: {end:.0} waiting at the end against {mean:.1} on average: the queue was still growing, so the means depend on the horizon."
                ));
            }
        }
    }
    w
}

fn num_days(v: Option<f64>) -> String {
    v.map(super::num).unwrap_or_else(|| "?".into())
}

/// The warnings list, or a line saying there is none.
pub fn html(w: &[String]) -> String {
    if w.is_empty() {
        return r#"<p class="ok">No warnings: the replications finished, the intervals are narrow, no stage is near saturation and the queues settled.</p>"#.into();
    }
    let items: String = w
        .iter()
        .map(|t| format!(r#"<li><strong>Warning:</strong> {}</li>"#, super::esc(t)))
        .collect();
    format!(r#"<ul class="warnings">{items}</ul>"#)
}
