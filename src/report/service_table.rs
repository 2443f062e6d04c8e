//! The service-level part of `run`'s summary: shares within the targets, the backlog after
//! each dated event, queue length and costs, and waits by hour of arrival, each printed
//! only where the scenario measures it.

use super::table::{render, wrap};
use crate::experiment::Experiment;
use crate::model::{MetricKey, ModelSpec, Scope, backlog, service};

fn cell(exp: &Experiment, port: usize, scope: Scope, name: &'static str, digits: usize) -> String {
    super::number::estimate(&exp.get(&MetricKey { port, scope, name }).copied(), digits)
}

/// A target in words: "4 h" for whole hours, "90 min" otherwise.
fn target(t: f64) -> String {
    if t >= 60.0 && t % 60.0 == 0.0 {
        format!("{} h", t / 60.0)
    } else {
        format!("{t} min")
    }
}

/// The service tables of port `p`, or "" when it measures none of them.
pub fn port_tables(spec: &ModelSpec, exp: &Experiment, p: usize) -> String {
    let mut o = String::new();
    o.push_str(&within(spec, exp, p));
    o.push_str(&road_and_cost(exp, p));
    o.push_str(&events(spec, exp, p));
    o.push_str(&by_hour(spec, exp, p));
    o
}

fn within(spec: &ModelSpec, exp: &Experiment, p: usize) -> String {
    let targets = &spec.service.targets;
    if targets.is_empty() {
        return String::new();
    }
    let mut head = vec!["share cleared within".to_string()];
    for &t in targets {
        head.push(target(t));
        head.push(format!("{} (vehicles)", target(t)));
    }
    let mut rows = vec![head];
    let mut row = |label: String, scope: Scope| {
        let mut r = vec![label];
        for &t in targets {
            r.push(cell(exp, p, scope, service::within_name(t, false), 3));
            r.push(cell(exp, p, scope, service::within_name(t, true), 3));
        }
        rows.push(r);
    };
    for f in spec.flows.iter().filter(|f| f.port == p) {
        row(spec.modes[f.mode].name.clone(), Scope::Flow(f.mode));
    }
    row("all modes".into(), Scope::Port);
    format!("\n{}", render(&rows))
}

fn road_and_cost(exp: &Experiment, p: usize) -> String {
    let cols = [
        ("queue_km_mean", "queue (km)", 2),
        ("queue_km_max", "longest queue (km)", 2),
        ("lane_hours", "lane-hours", 0),
        ("driver_hours", "driver-hours", 0),
        ("vehicle_hours_waiting", "vehicle-hours waiting", 0),
        ("cost_per_day", "cost per day", 0),
    ];
    let shown: Vec<_> = cols
        .iter()
        .filter(|(m, _, _)| {
            exp.get(&MetricKey {
                port: p,
                scope: Scope::Port,
                name: m,
            })
            .is_some()
        })
        .collect();
    if shown.is_empty() {
        return String::new();
    }
    let rows = vec![
        std::iter::once("port".to_string())
            .chain(shown.iter().map(|c| c.1.to_string()))
            .collect::<Vec<_>>(),
        std::iter::once("all modes".to_string())
            .chain(shown.iter().map(|(m, _, d)| cell(exp, p, Scope::Port, m, *d)))
            .collect(),
    ];
    format!("\n{}", render(&rows))
}

fn events(spec: &ModelSpec, exp: &Experiment, p: usize) -> String {
    let mut rows = vec![
        [
            "dated event",
            "backlog before",
            "peak",
            "peak after (h)",
            "back to before after (h)",
            "recovered",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let mut labels = String::new();
    for (k, m) in spec.marks.iter().enumerate().filter(|(_, m)| m.port == p) {
        let [before, peak, after, recovery] = backlog::names(k);
        let key = |name| MetricKey {
            port: p,
            scope: Scope::Port,
            name,
        };
        let hours = |name| {
            exp.get(&key(name)).map_or("-".into(), |e| {
                let mut h = *e;
                h.mean /= 60.0;
                h.ci95 = h.ci95.map(|c| c / 60.0);
                super::number::estimate(&Some(h), 1)
            })
        };
        let recovered = exp.get(&key(recovery)).map_or(0, |e| e.n);
        rows.push(vec![
            format!("{}", k + 1),
            cell(exp, p, Scope::Port, before, 0),
            cell(exp, p, Scope::Port, peak, 0),
            hours(after),
            hours(recovery),
            format!("{recovered} of {}", exp.replications),
        ]);
        labels.push_str(&wrap(&format!("{}: {}", k + 1, m.label), "  ", "     "));
    }
    if rows.len() == 1 {
        return String::new();
    }
    format!(
        "\n{}{}{}",
        wrap(
            "Backlog (consignments in the port) after each dated event; recovery averages the replications that recovered:",
            "  ",
            "  "
        ),
        render(&rows),
        labels
    )
}

fn by_hour(spec: &ModelSpec, exp: &Experiment, p: usize) -> String {
    if !spec.service.by_hour {
        return String::new();
    }
    let flows: Vec<_> = spec.flows.iter().filter(|f| f.port == p).collect();
    let mut head = vec!["arrived at".to_string()];
    for f in &flows {
        let m = &spec.modes[f.mode].name;
        head.push(format!("{m} wait"));
        head.push(format!("{m} time in system"));
    }
    let mut rows = vec![head];
    for h in 0..24 {
        let (w, t) = service::hour_names(h);
        let mut r = vec![format!("{h:02}:00-{:02}:00", h + 1)];
        for f in &flows {
            r.push(cell(exp, p, Scope::Flow(f.mode), w, 1));
            r.push(cell(exp, p, Scope::Flow(f.mode), t, 1));
        }
        rows.push(r);
    }
    format!("\n{}", render(&rows))
}
