//! Sweep outputs: the printed tables, sweep.csv (long form), sensitivity.csv, sweep.json
//! (which also carries everything the charts show, so `chart DIR` redraws them), and the
//! charts.

use super::charts::draw::Chart;
use super::charts::sweep::{Heat, TornadoBar, XyPanel};
use super::exporter::{CHARTS, REPORT, SENSITIVITY_CSV, SWEEP_CSV, SWEEP_JSON};
use super::table::{render, wrap};
use crate::error::Error;
use crate::experiment::sweep::plan::FactorInfo;
use crate::experiment::sweep::sensitivity::Effect;
use crate::experiment::sweep::{Named, SweepResult};
use serde::{Deserialize, Serialize};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// One headline metric over the points, as sweep.json holds it for the charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadlineJson {
    /// Port name.
    pub port: String,
    /// Metric name.
    pub metric: String,
    /// Each point's mean (`None`: not observed).
    pub mean: Vec<Option<f64>>,
    /// Each point's 95 % half-width (`None` for one replication).
    pub ci95: Vec<Option<f64>>,
}

/// The ranking of the factors for one metric, as sweep.json holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankingJson {
    /// Port name.
    pub port: String,
    /// Metric name.
    pub metric: String,
    /// R² of the standardised linear regression.
    pub r2: f64,
    /// Each factor's effect, in factor order.
    pub effects: Vec<Effect>,
}

/// sweep.json: what was swept and how, the points, the headline metrics per point and the
/// sensitivity ranking; `files` names the set it describes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepJson {
    /// Always `sweep`.
    pub kind: String,
    /// The sweep file.
    pub sweep: String,
    /// The base scenario.
    pub scenario: String,
    /// The scenario's name.
    pub name: String,
    /// The sweep's description.
    pub description: Option<String>,
    /// `factorial`, `latin_hypercube` or `file`.
    pub design: String,
    /// The Latin hypercube's seed.
    pub design_seed: Option<u64>,
    /// Replications per point.
    pub replications: u32,
    /// The seed every point shares.
    pub seed: u64,
    /// Horizon, days.
    pub horizon_days: f64,
    /// Warm-up, days.
    pub warmup_days: f64,
    /// The factors.
    pub factors: Vec<FactorInfo>,
    /// Each point's factor values.
    pub points: Vec<Vec<f64>>,
    /// The headline metrics per point.
    pub headline: Vec<HeadlineJson>,
    /// The sensitivity ranking (Latin hypercube only).
    pub sensitivity: Vec<RankingJson>,
    /// The files of the set, relative.
    pub files: Vec<String>,
}

/// The describing JSON of `r` (its `files` still empty).
pub fn json(r: &SweepResult) -> SweepJson {
    let p = &r.plan;
    let named = |m: usize| &p.metrics[m];
    SweepJson {
        kind: "sweep".into(),
        sweep: p.sweep_file.clone(),
        scenario: p.scenario_file.clone(),
        name: p.name.clone(),
        description: p.description.clone(),
        design: p.design.clone(),
        design_seed: p.design_seed,
        replications: p.replications,
        seed: p.seed,
        horizon_days: p.horizon_min / 1440.0,
        warmup_days: p.warmup_min / 1440.0,
        factors: p.factors.clone(),
        points: p.points.clone(),
        headline: p
            .headline
            .iter()
            .map(|&m| HeadlineJson {
                port: named(m).port.clone(),
                metric: named(m).metric.clone(),
                mean: r.estimates.iter().map(|e| e[m].map(|e| e.mean)).collect(),
                ci95: r.estimates.iter().map(|e| e[m].and_then(|e| e.ci95)).collect(),
            })
            .collect(),
        sensitivity: r
            .sensitivity
            .iter()
            .map(|s| RankingJson {
                port: named(s.metric).port.clone(),
                metric: named(s.metric).metric.clone(),
                r2: s.r2,
                effects: s.effects.clone(),
            })
            .collect(),
        files: Vec::new(),
    }
}

/// A value at full precision (the shortest text that reads back as the same f64).
fn num(o: &mut String, v: Option<f64>) {
    if let Some(v) = v.filter(|v| v.is_finite()) {
        let _ = write!(o, "{}", if v == 0.0 { 0.0 } else { v });
    }
}

/// sweep.csv: one row per point and metric: `point`, one column per factor, `port`,
/// `stage`, `mode`, `metric`, `mean`, `ci95`, `se`, `n` (replications that observed it).
pub fn csv(r: &SweepResult) -> String {
    let p = &r.plan;
    let mut o = String::from("point");
    for f in &p.factors {
        o.push(',');
        o.push_str(&f.name);
    }
    o.push_str(",port,stage,mode,metric,mean,ci95,se,n\n");
    for (i, (pt, est)) in p.points.iter().zip(&r.estimates).enumerate() {
        let mut head = i.to_string();
        for v in pt {
            head.push(',');
            num(&mut head, Some(*v));
        }
        for (
            Named {
                port,
                stage,
                mode,
                metric,
            },
            e,
        ) in p.metrics.iter().zip(est)
        {
            let _ = write!(o, "{head},{port},{stage},{mode},{metric},");
            num(&mut o, e.map(|e| e.mean));
            o.push(',');
            num(&mut o, e.and_then(|e| e.ci95));
            o.push(',');
            num(&mut o, e.and_then(|e| e.se));
            let _ = writeln!(o, ",{}", e.map_or(0, |e| e.n));
        }
    }
    o
}

/// sensitivity.csv: one row per ranked metric and factor: `port`, `metric`, `factor`,
/// `src`, `src_lo`, `src_hi` (95 % bootstrap interval), `prcc`, `rank` (1 = largest
/// |src|), `r2`, `points`.
pub fn sensitivity_csv(j: &SweepJson) -> String {
    let mut o = String::from("port,metric,factor,src,src_lo,src_hi,prcc,rank,r2,points\n");
    for s in &j.sensitivity {
        for e in &s.effects {
            let _ = write!(o, "{},{},{},", s.port, s.metric, j.factors[e.factor].name);
            for v in [Some(e.src), Some(e.src_lo), Some(e.src_hi), e.prcc] {
                num(&mut o, v);
                o.push(',');
            }
            let _ = write!(o, "{},", e.rank);
            num(&mut o, Some(s.r2));
            let _ = writeln!(o, ",{}", j.points.len());
        }
    }
    o
}

fn fixed(v: f64) -> String {
    super::number::fixed(v, super::number::decimals_for(v).min(3), false)
}

/// A metric's value with the decimals the run and compare tables give it.
fn metric_value(metric: &str, v: f64) -> String {
    super::number::fixed(v, crate::model::registry::digits(metric), false)
}

/// The printed summary: the sweep in a line, each point's headline metrics (the first 30
/// points), and the sensitivity table.
pub fn table(j: &SweepJson) -> String {
    let mut o = String::new();
    let intro = format!(
        "Sweep of {} ({} design, {} points × {} replications, seed {}, common random numbers across points).",
        j.name,
        j.design,
        j.points.len(),
        j.replications,
        j.seed
    );
    o.push_str(&wrap(&intro, "", ""));
    let mut rows = vec![{
        let mut h = vec!["point".to_string()];
        h.extend(j.factors.iter().map(|f| f.name.clone()));
        h.extend(j.headline.iter().map(|h| format!("{} {}", h.port, h.metric)));
        h
    }];
    const SHOWN: usize = 30;
    for (i, pt) in j.points.iter().enumerate().take(SHOWN) {
        let mut line = vec![i.to_string()];
        line.extend(pt.iter().map(|v| fixed(*v)));
        for h in &j.headline {
            let f = |v| metric_value(&h.metric, v);
            line.push(match (h.mean[i], h.ci95[i]) {
                (Some(m), Some(c)) => format!("{} ± {}", f(m), f(c)),
                (Some(m), None) => f(m),
                _ => "-".into(),
            });
        }
        rows.push(line);
    }
    o.push('\n');
    o.push_str(&render(&rows));
    if j.points.len() > SHOWN {
        let _ = writeln!(o, "... {} more points in sweep.csv", j.points.len() - SHOWN);
    }
    o.push_str(&sensitivity_table(j));
    o
}

/// The ranking per metric: factor, SRC with its 95 % bootstrap interval, PRCC, rank.
pub fn sensitivity_table(j: &SweepJson) -> String {
    let mut o = String::new();
    for s in &j.sensitivity {
        o.push('\n');
        o.push_str(&wrap(
            &format!(
                "Sensitivity of {} {} (standardised regression coefficients, 95% bootstrap interval over the {} points; R² = {:.2}):",
                s.port,
                s.metric,
                j.points.len(),
                s.r2
            ),
            "",
            "  ",
        ));
        let mut rows = vec![vec![
            "rank".into(),
            "factor".into(),
            "SRC".into(),
            "95% interval".into(),
            "PRCC".into(),
        ]];
        let mut by_rank = s.effects.clone();
        by_rank.sort_by_key(|e| e.rank);
        for e in by_rank {
            rows.push(vec![
                e.rank.to_string(),
                j.factors[e.factor].name.clone(),
                format!("{:+.3}", e.src),
                format!("[{:+.3}, {:+.3}]", e.src_lo, e.src_hi),
                e.prcc.map_or("-".into(), |p| format!("{p:+.3}")),
            ]);
        }
        o.push_str(&render(&rows));
    }
    o
}

/// A chart file name part from a port or metric name (letters, digits, `_`, `-`).
fn part(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
        .collect()
}

/// Cell edges over a factor: between its distinct values when there are at most 8 (a
/// factorial's levels), else about √n equal bins (3 to 10) for n values.
fn edges(v: &[f64]) -> Vec<f64> {
    let mut d: Vec<f64> = v.to_vec();
    d.sort_by(f64::total_cmp);
    d.dedup();
    let (lo, hi) = (d[0], *d.last().unwrap_or(&d[0]));
    if d.len() == 1 {
        return vec![lo - 0.5, lo + 0.5];
    }
    if d.len() <= 8 {
        let mut e = vec![d[0] - (d[1] - d[0]) / 2.0];
        e.extend(d.windows(2).map(|w| (w[0] + w[1]) / 2.0));
        e.push(hi + (hi - d[d.len() - 2]) / 2.0);
        return e;
    }
    let bins = ((v.len() as f64).sqrt().round() as u32).clamp(3, 10);
    (0..=bins)
        .map(|i| lo + (hi - lo) * f64::from(i) / f64::from(bins))
        .collect()
}

fn heat(j: &SweepJson, h: &HeadlineJson) -> Heat {
    let xs: Vec<f64> = j.points.iter().map(|p| p[0]).collect();
    let ys: Vec<f64> = j.points.iter().map(|p| p[1]).collect();
    let (xe, ye) = (edges(&xs), edges(&ys));
    let find = |e: &[f64], v: f64| (0..e.len() - 1).find(|&i| v < e[i + 1]).unwrap_or(e.len() - 2);
    let mut sums = vec![vec![(0.0, 0u32); xe.len() - 1]; ye.len() - 1];
    for ((x, y), m) in xs.iter().zip(&ys).zip(&h.mean) {
        if let Some(m) = m {
            let c = &mut sums[find(&ye, *y)][find(&xe, *x)];
            c.0 += m;
            c.1 += 1;
        }
    }
    Heat {
        x_label: j.factors[0].name.clone(),
        y_label: j.factors[1].name.clone(),
        value_label: h.metric.clone(),
        cells: sums
            .into_iter()
            .map(|r| r.into_iter().map(|(s, n)| (n > 0).then(|| s / f64::from(n))).collect())
            .collect(),
        x_edges: xe,
        y_edges: ye,
    }
}

/// The charts of a sweep, with their file names: per headline metric, `sweep_PORT_METRIC`
/// (against each factor), `heatmap_PORT_METRIC` (two factors or more) and, for a Latin
/// hypercube, `tornado_PORT_METRIC`.
pub fn charts(j: &SweepJson) -> Vec<(String, Chart)> {
    let mut out = Vec::new();
    for h in &j.headline {
        let tag = format!("{}_{}", part(&h.port), part(&h.metric));
        let panels = j
            .factors
            .iter()
            .enumerate()
            .map(|(f, info)| XyPanel {
                x_label: info.name.clone(),
                y_label: h.metric.clone(),
                points: j
                    .points
                    .iter()
                    .zip(h.mean.iter().zip(&h.ci95))
                    .filter_map(|(p, (m, c))| Some((p[f], (*m)?, c.unwrap_or(0.0))))
                    .collect(),
                connect: j.factors.len() == 1,
            })
            .filter(|p| !p.points.is_empty())
            .collect::<Vec<_>>();
        if panels.is_empty() {
            continue;
        }
        let title = format!(
            "{} at {}: point means with 95% intervals, {} replications each",
            h.metric, h.port, j.replications
        );
        out.push((format!("sweep_{tag}"), Chart::Xy { title, panels }));
        if j.factors.len() >= 2 {
            let title = format!(
                "{} at {} over {} and {}",
                h.metric, h.port, j.factors[0].name, j.factors[1].name
            );
            out.push((
                format!("heatmap_{tag}"),
                Chart::Heat {
                    title,
                    heat: heat(j, h),
                },
            ));
        }
    }
    for s in &j.sensitivity {
        let mut effects = s.effects.clone();
        effects.sort_by_key(|e| e.rank);
        let bars = effects
            .iter()
            .map(|e| TornadoBar {
                label: j.factors[e.factor].name.clone(),
                value: e.src,
                lo: e.src_lo,
                hi: e.src_hi,
            })
            .collect();
        let title = format!("What moves {} at {} (R² = {:.2})", s.metric, s.port, s.r2);
        out.push((
            format!("tornado_{}_{}", part(&s.port), part(&s.metric)),
            Chart::Tornado {
                title,
                x_label: "standardised regression coefficient, 95% bootstrap interval".into(),
                bars,
            },
        ));
    }
    out
}

/// Draws the charts of the sweep.json in `dir` into `dir/charts`; returns their paths.
pub fn draw_charts(dir: &Path, j: &SweepJson) -> Result<Vec<PathBuf>, Error> {
    let out = dir.join(CHARTS);
    super::atomic::ensure_dir(&out)?;
    let mut written = Vec::new();
    for (name, chart) in charts(j) {
        written.extend(super::charts::save(&out, &name, &chart)?);
    }
    Ok(written)
}

/// Reads the sweep.json in `dir` back (for `chart DIR`).
pub fn read_json(dir: &Path) -> Result<SweepJson, Error> {
    let p = dir.join(SWEEP_JSON);
    let bad = |message: String| Error::Results {
        path: p.clone(),
        location: String::new(),
        message,
    };
    let bytes = crate::scenario::read_limited(&p, super::charts::MAX_JSON_BYTES)
        .map_err(|m| bad(format!("cannot read: {m}")))?;
    let j: SweepJson =
        serde_json::from_slice(&bytes).map_err(|e| bad(format!("not a sweep.json bordersim wrote: {e}")))?;
    let k = j.factors.len();
    let n = j.points.len();
    let fits = j.points.iter().all(|p| p.len() == k)
        && j.headline.iter().all(|h| h.mean.len() == n && h.ci95.len() == n)
        && j.sensitivity.iter().all(|s| s.effects.iter().all(|e| e.factor < k));
    if !fits || n == 0 || k == 0 {
        return Err(bad("its points, factors and metrics do not fit together".into()));
    }
    Ok(j)
}

/// Writes a complete sweep's set into `dir`: the old sweep.json goes first, then sweep.csv
/// and sensitivity.csv (Latin hypercube), then the charts (with `charts`), and sweep.json
/// last, naming the files. Returns the paths written.
pub fn write(dir: &Path, r: &SweepResult, charts: bool) -> Result<Vec<PathBuf>, Error> {
    super::atomic::ensure_dir(dir)?;
    super::outdir::retire_describing(dir, SWEEP_JSON)?;
    let mut j = json(r);
    let mut written = Vec::new();
    let p = dir.join(SWEEP_CSV);
    super::atomic::write_atomic(&p, csv(r).as_bytes())?;
    written.push(p);
    j.files.push(SWEEP_CSV.into());
    if !j.sensitivity.is_empty() {
        let p = dir.join(SENSITIVITY_CSV);
        super::atomic::write_atomic(&p, sensitivity_csv(&j).as_bytes())?;
        written.push(p);
        j.files.push(SENSITIVITY_CSV.into());
    }
    if charts {
        for c in draw_charts(dir, &j)? {
            if let Some(n) = c.file_name() {
                j.files.push(format!("{CHARTS}/{}", n.to_string_lossy()));
            }
            written.push(c);
        }
        // The page is made from `j` as sweep.json will hold it (report.html listed), so
        // `chart DIR`, which reads sweep.json back, writes the same bytes.
        j.files.push(REPORT.into());
        let p = dir.join(REPORT);
        super::atomic::write_atomic(&p, super::html::sweep_page::page(&j).as_bytes())?;
        written.push(p);
    }
    let p = dir.join(SWEEP_JSON);
    let mut text = serde_json::to_string_pretty(&j).map_err(|e| Error::Output {
        path: p.clone(),
        reason: e.to_string(),
    })?;
    text.push('\n');
    super::atomic::write_atomic(&p, text.as_bytes())?;
    written.insert(0, p);
    Ok(written)
}
