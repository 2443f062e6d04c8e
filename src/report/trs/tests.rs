//! The report of a hand-written trace (tests/data/trs_trace.csv, made by hand: two
//! replications; at port alpha cars through gate, an optional inspection and exit, one of
//! them blocked after the gate, one gave up, one diverted to port beta, one still inside;
//! self-driving trucks through gate, a driver stage and exit, two turned away), every
//! figure worked out by hand below.

use super::*;

const TRACE: &str = include_str!("../../../tests/data/trs_trace.csv");

/// The report of the hand-written trace, from minute 0.
pub(super) fn report() -> TrsReport {
    TrsReport {
        trace: "t.csv".into(),
        after: 0.0,
        replications: 2,
        ports: ports(0.0),
    }
}

/// Its trs.csv.
pub(super) fn written_csv() -> String {
    let mut v = Vec::new();
    csv::write(&mut v, &report()).unwrap();
    String::from_utf8(v).unwrap()
}

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

/// The trace with `from` (a whole line, which must be there once) replaced by `to`
/// (several lines, or none).
fn edited(from: &str, to: &str) -> String {
    let line = format!("{from}\n");
    assert_eq!(TRACE.matches(&line).count(), 1, "{from}");
    TRACE.replacen(
        &line,
        &if to.is_empty() {
            String::new()
        } else {
            format!("{to}\n")
        },
        1,
    )
}

fn problem(text: &str) -> (usize, String) {
    let p = measure(text.as_bytes(), 0.0).unwrap_err();
    (p.line.unwrap_or(0), p.message)
}

const C1_FINISHED: &str = "0-1,0,1,alpha,car,2,gate,finished,gate finished,1,,14,2025-01-01T00:14:00.000";

#[test]
fn events_out_of_time_order_are_refused_with_their_line() {
    let t = edited(C1_FINISHED, &C1_FINISHED.replace(",14,", ",9,"));
    assert_eq!(
        problem(&t),
        (
            18,
            "consignment 0-1: `finished` at minute 9 is before its previous event `started` at minute 10: a consignment's events must be in time order".into()
        )
    );
}

#[test]
fn events_out_of_the_formats_order_are_refused() {
    // A missing `started`.
    let t = edited(
        "0-1,0,1,alpha,car,2,gate,started,gate started,1,,10,2025-01-01T00:10:00.000",
        "",
    );
    let (line, msg) = problem(&t);
    assert_eq!(line, 17);
    assert!(
        msg.starts_with("consignment 0-1: `finished` at stage `gate` at minute 14 cannot follow `entered` at minute 5: after `entered` comes `started`, `abandoned` or `diverted` at the same stage"),
        "{msg}"
    );
    // Time between leaving a stage and entering the next.
    let t = edited(
        "0-0,0,0,alpha,car,1,inspection,entered,inspection entered,,,10,2025-01-01T00:10:00.000",
        "0-0,0,0,alpha,car,1,inspection,entered,inspection entered,,,11,2025-01-01T00:11:00.000",
    );
    assert!(
        problem(&t)
            .1
            .contains("`entered` at stage `inspection` at minute 11 cannot follow `left` at minute 10")
    );
    // Started at a stage other than the one entered.
    let t = edited(
        "0-1,0,1,alpha,car,2,gate,started,gate started,1,,10,2025-01-01T00:10:00.000",
        "0-1,0,1,alpha,car,2,exit,started,exit started,1,,10,2025-01-01T00:10:00.000",
    );
    assert!(
        problem(&t)
            .1
            .contains("`started` at stage `exit` at minute 10 cannot follow `entered`")
    );
    // A second arrival while inside.
    let t = edited(
        C1_FINISHED,
        &format!("{C1_FINISHED}\n0-1,0,1,alpha,car,2,,arrived,arrived,,,14,x"),
    );
    assert!(
        problem(&t)
            .1
            .contains("`arrived` at minute 14 cannot follow `finished`")
    );
    // Another port without a diversion.
    let t = edited(C1_FINISHED, &C1_FINISHED.replace("alpha", "beta"));
    assert!(
        problem(&t)
            .1
            .contains("consignment 0-1: port `beta` and mode `car` differ")
    );
}

#[test]
fn replications_must_not_go_back() {
    let t = format!("{TRACE}0-99,0,99,alpha,car,1,,arrived,arrived,,,0,x\n");
    assert_eq!(
        problem(&t),
        (
            95,
            "field replication: 0 after 1: rows must be ordered by replication".into()
        )
    );
}

#[test]
fn a_wrong_header_names_the_expected_columns() {
    let t = TRACE.replacen("case_id,", "case,", 1);
    let (line, msg) = problem(&t);
    assert_eq!(line, 1);
    assert!(msg.ends_with(&format!("expected {}", parse::HEADER)), "{msg}");
    assert!(
        problem("")
            .1
            .starts_with("empty: a trace starts with the header case_id,")
    );
}

#[test]
fn a_consignment_seen_without_its_arrival_is_counted_but_not_measured() {
    // As in a trace that starts after 0-0 arrived (a time window).
    let t = edited("0-0,0,0,alpha,car,1,,arrived,arrived,,,0,2025-01-01T00:00:00.000", "");
    let (_, p) = measure(t.as_bytes(), 0.0).unwrap();
    let m = mode(&p, "alpha", "car");
    assert_eq!((m.released, m.unmeasured), (2, 1));
    // 0-1 (20) and 1-0 (16) are left.
    assert_eq!(m.total.unwrap().mean, 18.0);
    assert!(
        table::table(&TrsReport {
            trace: "t.csv".into(),
            after: 0.0,
            replications: 2,
            ports: p.clone()
        })
        .contains("1 not measured (their arrival is before the trace's first row)")
    );
}

#[test]
fn a_route_of_skipped_stages_releases_at_once() {
    let t = format!(
        "{TRACE}1-2,1,2,beta,car,1,,arrived,arrived,,,7.25,x\n1-2,1,2,beta,car,1,,departed,departed,,,7.25,x\n"
    );
    let (_, p) = measure(t.as_bytes(), 0.0).unwrap();
    let m = mode(&p, "beta", "car");
    // 6, 8 and 0: the gate segments count it as 0.
    assert_eq!(
        (m.released, m.total.unwrap().mean, m.total.unwrap().median),
        (3, 14.0 / 3.0, 6.0)
    );
    assert_eq!(m.segments[1].visits, 2);
    assert!((m.segments[1].figures.mean - 9.0 / 3.0).abs() < 1e-12);
}

#[test]
fn the_printed_table_and_chart_hold_the_figures() {
    let report = TrsReport {
        trace: "t.csv".into(),
        after: 0.0,
        replications: 2,
        ports: ports(0.0),
    };
    let text = table::table(&report);
    assert!(
        text.contains("  waiting for a driver at drivers         3.5     0.0   7.0   25.9 %"),
        "{text}"
    );
    assert!(
        text.contains("  Total release time                   19.3    20.0  22.0  100.0 %"),
        "{text}"
    );
    assert!(
        text.contains(
            "  car: 3 released; 0 turned away, 1 gave up waiting, 1 diverted to another port, 1 still inside"
        )
    );
    assert!(text.lines().all(|l| l.chars().count() <= crate::report::table::WIDTH));
    let charts = chart::charts(&report.ports);
    assert_eq!(
        charts.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(),
        ["trs_alpha", "trs_beta"]
    );
    let crate::report::charts::draw::Chart::Stacked { legend, bars, .. } = &charts[0].1 else {
        panic!("not stacked bars");
    };
    assert_eq!(legend.len(), 8);
    assert_eq!(bars[1].label, "truck (2 released)");
    // Truck: gate (row 1), its driver wait (row 3) and exit (row 7), zeros included.
    assert_eq!(bars[1].pieces, [(0, 0.0), (1, 6.0), (3, 3.5), (6, 0.0), (7, 4.0)]);
}
