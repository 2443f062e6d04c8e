//! From the folded trace to the report's figures: segments in route order, exact
//! nearest-rank percentiles, means over every released consignment and shares of the mean
//! release time.

use super::fold::{Acc, Folded};
use super::{Figures, Kind, ModeReport, PortReport, Segment};
use std::collections::{BTreeSet, HashMap};

/// The `q`-quantile, nearest-rank (the smallest value with at least a share `q` of the
/// values at or below it, as summary.json's histograms rank), of `zeros` zeros and the
/// sorted non-negative `values`.
pub fn quantile(values: &[f64], zeros: u64, q: f64) -> f64 {
    let n = zeros + values.len() as u64;
    if n == 0 {
        return f64::NAN;
    }
    let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
    if rank <= zeros {
        0.0
    } else {
        values[(rank - zeros - 1) as usize]
    }
}

/// Mean, median and 95th percentile over `released` consignments, of which those not in
/// `values` count 0; the share is of `total_mean`.
pub fn figures(values: &mut [f64], released: u64, total_mean: f64) -> Figures {
    values.sort_by(f64::total_cmp);
    let zeros = released.saturating_sub(values.len() as u64);
    let mean = values.iter().sum::<f64>() / released as f64;
    Figures {
        mean,
        median: quantile(values, zeros, 0.5),
        p95: quantile(values, zeros, 0.95),
        share: (total_mean > 0.0).then(|| mean / total_mean),
    }
}

/// The stages in route order: each stage after every stage seen right before it on some
/// consignment's way, ties (and contradictions, which routes do not make) broken by the
/// order in which releases first showed them.
pub fn route_order(stages: &[u32], edges: &BTreeSet<(u32, u32)>, rank: impl Fn(u32) -> usize) -> Vec<u32> {
    let mut left: Vec<u32> = stages.to_vec();
    left.sort_by_key(|&s| rank(s));
    let mut out = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let free = left
            .iter()
            .position(|&s| !edges.iter().any(|&(a, b)| b == s && a != s && left.contains(&a)))
            .unwrap_or(0);
        out.push(left.remove(free));
    }
    out
}

/// The segments of one stage for one mode, in their order: the wait (for a driver at a
/// driver stage), the clearance (not at a driver stage, where it takes no time) and the
/// time blocked after it where any consignment was.
fn stage_segments(acc: &mut Acc, stage: u32, name: &str, total_mean: f64) -> Vec<Segment> {
    let released = acc.totals.len() as u64;
    let Some(s) = acc.stages.iter_mut().find(|s| s.stage == stage) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |kind: Kind, values: &mut Vec<f64>| {
        out.push(Segment {
            name: kind.segment_name(name),
            kind,
            stage: name.to_string(),
            visits: values.len() as u64,
            figures: figures(values, released, total_mean),
        });
    };
    if s.driver {
        push(Kind::DriverWait, &mut s.wait);
    } else {
        push(Kind::Wait, &mut s.wait);
        push(Kind::Service, &mut s.service);
    }
    if !s.blocked.is_empty() {
        push(Kind::Blocked, &mut s.blocked);
    }
    out
}

/// One mode's report at a port whose stages are in `order`.
fn mode_report(name: &str, mut acc: Acc, order: &[u32], names: &super::fold::Names) -> ModeReport {
    let released = acc.totals.len() as u64;
    let total_mean = acc.totals.iter().sum::<f64>() / released.max(1) as f64;
    let mut segments = Vec::new();
    if released > 0 {
        for &st in order {
            segments.extend(stage_segments(&mut acc, st, names.get(st), total_mean));
        }
    }
    let total = (released > 0).then(|| figures(&mut acc.totals, released, total_mean));
    ModeReport {
        name: name.to_string(),
        released,
        segments,
        total,
        turned_away: acc.turned_away,
        abandoned: acc.abandoned,
        diverted: acc.diverted,
        inside: acc.inside,
        unmeasured: acc.unmeasured,
    }
}

/// The report's ports and modes (by name), with their segments.
pub fn ports(folded: Folded) -> Vec<PortReport> {
    let Folded {
        names,
        accs,
        first_seen,
        ..
    } = folded;
    let mut by_port: HashMap<u32, Vec<(u32, Acc)>> = HashMap::new();
    for ((p, m), a) in accs {
        by_port.entry(p).or_default().push((m, a));
    }
    let mut ports: Vec<PortReport> = by_port
        .into_iter()
        .map(|(p, modes)| {
            let mut stages: Vec<u32> = modes
                .iter()
                .flat_map(|(_, a)| a.stages.iter().map(|s| s.stage))
                .collect();
            stages.sort_unstable();
            stages.dedup();
            let edges: BTreeSet<(u32, u32)> = modes.iter().flat_map(|(_, a)| a.edges.iter().copied()).collect();
            let order = route_order(&stages, &edges, |s| {
                first_seen.get(&(p, s)).copied().unwrap_or(usize::MAX)
            });
            let mut modes: Vec<ModeReport> = modes
                .into_iter()
                .map(|(m, a)| mode_report(names.get(m), a, &order, &names))
                .collect();
            modes.sort_by(|a, b| a.name.cmp(&b.name));
            PortReport {
                name: names.get(p).to_string(),
                modes,
            }
        })
        .collect();
    ports.sort_by(|a, b| a.name.cmp(&b.name));
    ports
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_counts_the_zeros_first() {
        // 0, 0, 1, 2, 3, 4, 5, 6, 7, 8: the median is the 5th value, p95 the 10th.
        let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
        assert_eq!(quantile(&v, 2, 0.5), 3.0);
        assert_eq!(quantile(&v, 2, 0.95), 8.0);
        // 8 zeros of 16: the 8th value is the last zero; 7 of 15: the 8th is the first 1.
        assert_eq!(quantile(&v, 8, 0.5), 0.0);
        assert_eq!(quantile(&v, 7, 0.5), 1.0);
        assert_eq!(quantile(&[7.0], 0, 0.5), 7.0);
        assert!(quantile(&[], 0, 0.5).is_nan());
    }

    #[test]
    fn stages_follow_their_routes_whatever_order_they_were_seen_in() {
        // a -> c seen first, then a -> b -> c: b goes between them.
        let edges: BTreeSet<(u32, u32)> = [(0, 2), (0, 1), (1, 2)].into_iter().collect();
        let rank = |s: u32| [0, 2, 1][s as usize];
        assert_eq!(route_order(&[0, 1, 2], &edges, rank), vec![0, 1, 2]);
        // Unrelated stages keep the order they were first seen in.
        assert_eq!(route_order(&[0, 1, 2], &BTreeSet::new(), rank), vec![0, 2, 1]);
        // A contradiction (not made by routes) still gives every stage once.
        let cycle: BTreeSet<(u32, u32)> = [(0, 1), (1, 0)].into_iter().collect();
        assert_eq!(route_order(&[0, 1], &cycle, |s| s as usize).len(), 2);
    }
}
