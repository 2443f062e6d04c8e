//! The report of a hand-written trace (tests/data/trs_trace.csv, made by hand: two
//! replications; at port alpha cars through gate, an optional inspection and exit, one of
//! them blocked after the gate, one gave up, one diverted to port beta, one still inside;
//! self-driving trucks through gate, a driver stage and exit, two turned away), every
//! figure worked out by hand below.

use super::*;

const TRACE: &str = include_str!("../../../tests/data/trs_trace.csv");

fn ports(after: f64) -> Vec<PortReport> {
    let (reps, ports) = measure(TRACE.as_bytes(), after).unwrap();
    assert_eq!(reps, 2);
    ports
}

fn mode<'a>(ports: &'a [PortReport], port: &str, mode: &str) -> &'a ModeReport {
    let p = ports.iter().find(|p| p.name == port).unwrap();
    p.modes.iter().find(|m| m.name == mode).unwrap()
}

/// (name, visits, mean, median, p95, share) of each segment, then the total.
type Want<'a> = [(&'a str, u64, f64, f64, f64, f64)];

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

fn check(m: &ModeReport, want: &Want) {
    let (segs, total) = want.split_at(want.len() - 1);
    assert_eq!(m.segments.len(), segs.len(), "{:?}", m.segments);
    for (s, w) in m.segments.iter().zip(segs) {
        let f = &s.figures;
        assert_eq!((s.name.as_str(), s.visits), (w.0, w.1));
        let got = [f.mean, f.median, f.p95, f.share.unwrap()];
        let exp = [w.2, w.3, w.4, w.5];
        assert!(
            got.iter().zip(&exp).all(|(a, b)| close(*a, *b)),
            "{}: {got:?} vs {exp:?}",
            s.name
        );
    }
    let t = m.total.unwrap();
    let w = total[0];
    assert_eq!((m.released, w.0), (w.1, TOTAL));
    assert!(close(t.mean, w.2) && close(t.median, w.3) && close(t.p95, w.4), "{t:?}");
    assert_eq!(t.share, Some(1.0));
    // The segment means add up to the mean release time.
    let sum: f64 = m.segments.iter().map(|s| s.figures.mean).sum();
    assert!((sum - t.mean).abs() < 1e-9, "{sum} vs {}", t.mean);
}

#[test]
fn cars_at_alpha_by_hand() {
    let p = ports(0.0);
    // Released: 0-0 (22 min), 0-1 (20, blocked 8 after the gate, no inspection), 1-0 (16).
    let m = mode(&p, "alpha", "car");
    let third = |x: f64| x / 3.0;
    check(
        m,
        &[
            ("waiting for gate", 3, third(8.0), 3.0, 5.0, 8.0 / 58.0),
            ("gate", 3, third(20.0), 6.0, 10.0, 20.0 / 58.0),
            ("blocked after gate", 1, third(8.0), 0.0, 8.0, 8.0 / 58.0),
            ("waiting for inspection", 2, third(2.0), 0.0, 2.0, 2.0 / 58.0),
            ("inspection", 2, third(14.0), 6.0, 8.0, 14.0 / 58.0),
            ("waiting for exit", 3, 0.0, 0.0, 0.0, 0.0),
            ("exit", 3, 2.0, 2.0, 3.0, 6.0 / 58.0),
            (TOTAL, 3, third(58.0), 20.0, 22.0, 1.0),
        ],
    );
    assert_eq!((m.turned_away, m.abandoned, m.diverted, m.inside), (0, 1, 1, 1));
}

#[test]
fn trucks_wait_for_a_driver_and_have_no_driver_stage_clearance() {
    let p = ports(0.0);
    // Released: 0-2 (17 min, 7 waiting for a driver), 0-3 (10, a driver at once).
    let m = mode(&p, "alpha", "truck");
    check(
        m,
        &[
            ("waiting for gate", 2, 0.0, 0.0, 0.0, 0.0),
            ("gate", 2, 6.0, 6.0, 6.0, 6.0 / 13.5),
            ("waiting for a driver at drivers", 2, 3.5, 0.0, 7.0, 3.5 / 13.5),
            ("waiting for exit", 2, 0.0, 0.0, 0.0, 0.0),
            ("exit", 2, 4.0, 4.0, 4.0, 4.0 / 13.5),
            (TOTAL, 2, 13.5, 10.0, 17.0, 1.0),
        ],
    );
    assert_eq!(m.segments[2].kind, Kind::DriverWait);
    assert_eq!((m.turned_away, m.abandoned, m.diverted, m.inside), (2, 0, 0, 0));
}

#[test]
fn a_diverted_consignment_is_measured_from_its_arrival_at_the_second_port() {
    let p = ports(0.0);
    // 0-5 diverted from alpha at minute 45, arrived at beta at 60 and left at 66; 0-8: 8.
    let m = mode(&p, "beta", "car");
    check(
        m,
        &[
            ("waiting for gate", 2, 2.5, 1.0, 4.0, 2.5 / 7.0),
            ("gate", 2, 4.5, 4.0, 5.0, 4.5 / 7.0),
            (TOTAL, 2, 7.0, 6.0, 8.0, 1.0),
        ],
    );
    assert_eq!(p.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["alpha", "beta"]);
}

#[test]
fn after_leaves_out_earlier_releases_and_earlier_arrivals_that_ended_otherwise() {
    let p = ports(20.0);
    // Only 0-0 (22) and 0-1 (20) of the cars; 1-0 departed at 16.
    let m = mode(&p, "alpha", "car");
    assert_eq!(m.released, 2);
    let means: Vec<f64> = m.segments.iter().map(|s| s.figures.mean).collect();
    assert_eq!(means, [2.5, 7.0, 4.0, 1.0, 4.0, 0.0, 2.5]);
    assert_eq!(m.total.unwrap().mean, 21.0);
    // Trucks: 0-2 departed at 19, so only 0-3; 1-1 was turned away at 5, before 20.
    let t = mode(&p, "alpha", "truck");
    assert_eq!((t.released, t.total.unwrap().mean, t.turned_away), (1, 10.0, 1));
    assert!(measure(TRACE.as_bytes(), 70.0).is_ok());
    let none = measure(TRACE.as_bytes(), 70.5).unwrap_err();
    assert!(
        none.message
            .starts_with("no consignment was released (departed) at or after minute 70.5")
    );
}

#[test]
fn rows_of_a_port_merge_the_routes_of_its_modes() {
    let p = ports(0.0);
    let names: Vec<String> = p[0].rows().into_iter().map(|r| r.2).collect();
    assert_eq!(
        names,
        [
            "waiting for gate",
            "gate",
            "blocked after gate",
            "waiting for a driver at drivers",
            "waiting for inspection",
            "inspection",
            "waiting for exit",
            "exit"
        ]
    );
}

#[test]
fn a_five_percent_error_would_be_caught() {
    // The checks above compare to 1e-12: a mean 5 % off fails them.
    let p = ports(0.0);
    let m = mode(&p, "alpha", "car");
    assert!(!close(m.segments[1].figures.mean * 1.05, 20.0 / 3.0));
    assert!(close(m.segments[1].figures.mean, 20.0 / 3.0));
}
