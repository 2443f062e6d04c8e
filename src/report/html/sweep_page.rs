//! A sweep's page: what was swept and how, the design points with their headline metrics,
//! each headline metric against each factor, the sensitivity ranking and the warnings,
//! all from sweep.json (the describing JSON, which carries everything the charts show).
//!
//! Nothing here depends on how the sweep ran (threads, shards, the output path), so a
//! merged set's page is byte-for-byte the page of the same sweep run on one machine.

use super::page::{Section, document, figure};
use super::run_page::links;
use super::svg::{PointChart, point_chart};
use super::tables::{Cell, table};
use super::{esc, num, warnings};
use crate::report::exporter::{REPORT, SENSITIVITY_CSV, SWEEP_JSON};
use crate::report::number::{decimals_for, fixed};
use crate::report::sweep::{HeadlineJson, RankingJson, SweepJson};

/// R² of the standardised regression under which the SRCs are said not to explain the
/// metric (the effects are not linear and additive over the ranges swept).
pub const LOW_R2: f64 = 0.5;

fn metric_digits(metric: &str) -> usize {
    crate::model::registry::digits(metric)
}

fn factor_text(v: f64) -> String {
    fixed(v, decimals_for(v).min(3), false)
}

fn design_words(d: &str) -> &str {
    match d {
        "factorial" => "full factorial",
        "latin_hypercube" => "Latin hypercube",
        "file" => "design file",
        other => other,
    }
}

/// A metric's label: `PORT METRIC`.
fn label(h: &HeadlineJson) -> String {
    format!("{} {}", h.port, h.metric)
}

/// The sentence naming the factor with the largest |SRC| for one ranked metric.
pub fn top_sentence(j: &SweepJson, s: &RankingJson) -> String {
    let Some(top) = s.effects.iter().min_by_key(|e| e.rank) else {
        return String::new();
    };
    let name = &j.factors[top.factor].name;
    let dir = if top.src >= 0.0 { "raises" } else { "lowers" };
    let fit = if s.r2 < LOW_R2 {
        " The linear fit explains little of the variation, so read the ranking with care (see the warnings)."
    } else {
        ""
    };
    format!(
        "{} at {}: {name} matters most (SRC {}, 95 % interval [{}, {}]); raising it {dir} the metric. R² = {:.2}.{fit}",
        s.metric,
        s.port,
        super::signed(top.src),
        super::signed(top.src_lo),
        super::signed(top.src_hi),
        s.r2
    )
}

/// Every warning of a sweep.
pub fn sweep_warnings(j: &SweepJson) -> Vec<String> {
    let reps = u64::from(j.replications);
    let mut w = warnings::common(false, reps, reps);
    for s in &j.sensitivity {
        if s.r2 < LOW_R2 {
            w.push(format!(
                "{} at {}: the standardised regression explains R² = {:.2} of the variation over the points (under {LOW_R2}): the effects are not linear (or not additive) over the ranges swept, so the SRCs understate them; the rank-based PRCC and the charts against each factor say more.",
                s.metric, s.port, s.r2
            ));
        }
    }
    let k = j.factors.len();
    if !j.sensitivity.is_empty() && j.points.len() < 10 * k {
        w.push(format!(
            "The ranking rests on {} points for {k} factor(s); with fewer than {} (ten per factor) the coefficients and their intervals are rough.",
            j.points.len(),
            10 * k
        ));
    }
    for h in &j.headline {
        let missing = h.mean.iter().filter(|m| m.is_none()).count();
        if missing > 0 {
            w.push(format!(
                "{}: not observed at {missing} of the {} points (shown as –).",
                label(h),
                j.points.len()
            ));
        }
    }
    w
}

fn what_was_run(j: &SweepJson) -> String {
    let mut s = String::from(r#"<dl class="facts">"#);
    let mut item = |k: &str, v: String| s.push_str(&format!("<dt>{}</dt><dd>{v}</dd>", esc(k)));
    item("Sweep file", format!("<code>{}</code>", esc(&j.sweep)));
    item(
        "Base scenario",
        format!("<code>{}</code> ({})", esc(&j.scenario), esc(&j.name)),
    );
    item(
        "Design",
        format!(
            "{}, {} points{}",
            esc(design_words(&j.design)),
            j.points.len(),
            j.design_seed.map(|d| format!(" (design seed {d})")).unwrap_or_default()
        ),
    );
    item(
        "Replications",
        format!(
            "{} per point, seed {}, common random numbers across points",
            j.replications, j.seed
        ),
    );
    item(
        "Horizon",
        format!(
            "{} days after a warm-up of {} days",
            num(j.horizon_days),
            num(j.warmup_days)
        ),
    );
    s.push_str("</dl>");
    let rows: Vec<Vec<Cell>> = j
        .factors
        .iter()
        .enumerate()
        .map(|(f, info)| {
            let vals: Vec<f64> = j.points.iter().map(|p| p[f]).collect();
            let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let mut d = vals.clone();
            d.sort_by(f64::total_cmp);
            d.dedup();
            let n = d.len() as f64;
            vec![
                Cell::text(info.name.clone()),
                Cell::text(info.keys.join(", ")),
                Cell {
                    text: factor_text(lo),
                    value: Some(lo),
                    key: None,
                },
                Cell {
                    text: factor_text(hi),
                    value: Some(hi),
                    key: None,
                },
                Cell {
                    text: num(n),
                    value: Some(n),
                    key: None,
                },
            ]
        })
        .collect();
    s.push_str(&table(
        "factors",
        "The factors: the scenario keys each sets and the range its values span over the points.",
        &["factor", "scenario keys", "lowest", "highest", "distinct values"],
        &rows,
    ));
    s
}

fn points_table(j: &SweepJson) -> String {
    let mut head: Vec<String> = vec!["point".into()];
    head.extend(j.factors.iter().map(|f| f.name.clone()));
    head.extend(j.headline.iter().map(label));
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let rows: Vec<Vec<Cell>> = j
        .points
        .iter()
        .enumerate()
        .map(|(i, pt)| {
            let mut r = vec![Cell::text(i.to_string())];
            r.extend(pt.iter().enumerate().map(|(f, v)| Cell {
                text: factor_text(*v),
                value: Some(*v),
                key: Some(format!("points.{i}.{f}")),
            }));
            r.extend(j.headline.iter().enumerate().map(|(k, h)| {
                let d = metric_digits(&h.metric);
                let key = Some(format!("headline.{k}.mean.{i}"));
                match (h.mean[i], h.ci95[i]) {
                    (Some(m), Some(c)) => Cell {
                        text: format!("{} ±\u{a0}{}", fixed(m, d, false), fixed(c, d, false)),
                        value: Some(m),
                        key,
                    },
                    (Some(m), None) => Cell {
                        text: fixed(m, d, false),
                        value: Some(m),
                        key,
                    },
                    _ => Cell {
                        text: "\u{2013}".into(),
                        value: None,
                        key: None,
                    },
                }
            }));
            r
        })
        .collect();
    format!(
        "<p>Each design point's factor values and its headline metrics: the mean over the {} replications ± the half-width of its 95 % confidence interval. Click a column title to sort; every metric of every point is in <code>sweep.csv</code>.</p>{}",
        j.replications,
        table(
            "points",
            "Design points and headline metrics (mean ± 95 % half-width).",
            &head,
            &rows
        )
    )
}

fn charts(j: &SweepJson) -> String {
    let mut out = String::new();
    for (k, h) in j.headline.iter().enumerate() {
        for (f, info) in j.factors.iter().enumerate() {
            let points: Vec<(f64, f64, f64)> = j
                .points
                .iter()
                .zip(h.mean.iter().zip(&h.ci95))
                .filter_map(|(p, (m, c))| Some((p[f], (*m)?, c.unwrap_or(0.0))))
                .collect();
            if points.is_empty() {
                continue;
            }
            let title = format!("{} at {} against {}", h.metric, h.port, info.name);
            let c = PointChart {
                id: format!("sweep-{k}-{f}"),
                title: title.clone(),
                x_label: info.name.clone(),
                y_label: h.metric.clone(),
                points,
                connect: j.factors.len() == 1,
            };
            let others = if j.factors.len() > 1 {
                " The other factors vary between the points too, so the spread at one value of this factor is theirs as well as chance's."
            } else {
                " Nothing else varies between the points, so the line joins them."
            };
            let caption = format!(
                "Each square is one design point: across, its value of {}; up, the mean {} at {} over its {} replications; the whisker is the 95 % confidence interval (none with one replication). Points whose whiskers do not overlap differ beyond chance.{others}",
                info.name, h.metric, h.port, j.replications
            );
            out.push_str(&figure(
                &title,
                &format!(r#"<div class="plot">{}</div>"#, point_chart(&c)),
                "",
                &caption,
            ));
        }
    }
    out
}

fn sensitivity(j: &SweepJson) -> String {
    let mut out = format!(
        "<p>How much each factor moves each headline metric over the {} points: the standardised regression coefficient (SRC: the metric's change, in its standard deviations, per standard deviation of the factor with the others held) with its 95 % bootstrap interval, the partial rank correlation coefficient (PRCC, which needs only a monotone effect), and the rank by |SRC|. R² is the share of the metric's variation the linear fit explains; from <code>{SENSITIVITY_CSV}</code>.</p><ul class=\"top\">",
        j.points.len()
    );
    for s in &j.sensitivity {
        out.push_str(&format!("<li>{}</li>", esc(&top_sentence(j, s))));
    }
    out.push_str("</ul>");
    for (k, s) in j.sensitivity.iter().enumerate() {
        let mut order: Vec<(usize, &crate::experiment::sweep::sensitivity::Effect)> =
            s.effects.iter().enumerate().collect();
        order.sort_by_key(|(_, e)| e.rank);
        let rows: Vec<Vec<Cell>> = order
            .into_iter()
            .map(|(e_i, e)| {
                let at = |m: &str| Some(format!("sensitivity.{k}.effects.{e_i}.{m}"));
                vec![
                    Cell::text(j.factors[e.factor].name.clone()),
                    Cell {
                        text: e.rank.to_string(),
                        value: Some(e.rank as f64),
                        key: at("rank"),
                    },
                    Cell {
                        text: format!("{:+.3}", e.src),
                        value: Some(e.src),
                        key: at("src"),
                    },
                    Cell {
                        text: format!("{:+.3}", e.src_lo),
                        value: Some(e.src_lo),
                        key: at("src_lo"),
                    },
                    Cell {
                        text: format!("{:+.3}", e.src_hi),
                        value: Some(e.src_hi),
                        key: at("src_hi"),
                    },
                    match e.prcc {
                        Some(p) => Cell {
                            text: format!("{p:+.3}"),
                            value: Some(p),
                            key: at("prcc"),
                        },
                        None => Cell::text("\u{2013}"),
                    },
                    Cell {
                        text: format!("{:.3}", s.r2),
                        value: Some(s.r2),
                        key: Some(format!("sensitivity.{k}.r2")),
                    },
                ]
            })
            .collect();
        out.push_str(&format!("<h3>{} at {}</h3>", esc(&s.metric), esc(&s.port)));
        out.push_str(&table(
            &format!("sensitivity-{k}"),
            &format!(
                "What moves {} at {}: factors by rank (R² = {:.2}).",
                s.metric, s.port, s.r2
            ),
            &["factor", "rank", "SRC", "SRC 2.5 %", "SRC 97.5 %", "PRCC", "R²"],
            &rows,
        ));
    }
    out
}

/// The page of the sweep `j` (as sweep.json holds it); links its files.
pub fn page(j: &SweepJson) -> String {
    let mut intro = format!(
        r#"<p>A sweep of <code>{}</code> ({}) by bordersim: {} design points ({} design) over {} factor(s), {} replications each on common random numbers.</p>"#,
        esc(&j.scenario),
        esc(&j.name),
        j.points.len(),
        esc(design_words(&j.design)),
        j.factors.len(),
        j.replications
    );
    if let Some(d) = &j.description {
        intro.push_str(&format!("<p>{}</p>", esc(d)));
    }
    let mut sections = vec![
        Section {
            id: "warnings",
            title: "Warnings".into(),
            body: {
                let w = sweep_warnings(j);
                if w.is_empty() {
                    r#"<p class="ok">No warnings: enough replications per point, and where the factors are ranked the linear fit explains most of the variation.</p>"#.into()
                } else {
                    warnings::html(&w)
                }
            },
        },
        Section {
            id: "run",
            title: "What was run".into(),
            body: what_was_run(j),
        },
        Section {
            id: "points",
            title: "Design points".into(),
            body: points_table(j),
        },
        Section {
            id: "charts",
            title: "Metrics against each factor".into(),
            body: charts(j),
        },
    ];
    if !j.sensitivity.is_empty() && j.files.iter().any(|f| f == SENSITIVITY_CSV) {
        sections.push(Section {
            id: "sensitivity",
            title: "Sensitivity".into(),
            body: sensitivity(j),
        });
    }
    let mut files = vec![SWEEP_JSON.to_string()];
    files.extend(j.files.iter().filter(|f| *f != REPORT).cloned());
    sections.push(Section {
        id: "files",
        title: "Data files".into(),
        body: links(&files),
    });
    document(&format!("Sweep: {}", j.name), &intro, &sections, &[])
}
