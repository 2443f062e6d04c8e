//! Service levels, the backlog after a dated event, queue length and costs, against cases
//! worked by hand (validation (b) of the disruptions issue: a deterministic closure's
//! backlog peak and recovery), and the share within a target against the exact M/M/1
//! sojourn-time distribution. Each check is shown to fail under a 5 % error.

mod common;

use bordersim::model::{Scope, backlog, service};
use common::*;

/// One lane of `service` minutes, a truck every 10 minutes from midnight, port closed
/// 10:00-12:00 on the first day; two days.
fn closure(service: f64) -> String {
    format!(
        r#"[simulation]
start = "2025-01-06"
horizon_days = 2
seed = 1
replications = 3

[service]
targets_min = [10, 60, 240]
by_hour = true

[costs]
lane_hour = 100
vehicle_hour_waiting = 10

[modes.truck]
kind = "generic"
length_m = 18
gap_m = 2

[ports.p]
closures = [{{ from = "2025-01-06T10:00", to = "2025-01-06T12:00" }}]

[ports.p.stages.lane]
kind = "servers"
servers = 1
clearance = {{ dist = "constant", value = {service} }}

[ports.p.flows.truck]
every_min = 10
route = ["lane"]
"#
    )
}

fn one(exp: &bordersim::experiment::Experiment, scope: Scope, name: &'static str) -> f64 {
    let v = values(exp, scope, name);
    assert!(
        v.windows(2).all(|w| w[0] == w[1]),
        "{name} differs between replications: {v:?}"
    );
    v[0]
}

#[test]
fn a_deterministic_closure_peaks_and_recovers_as_worked_by_hand() {
    // Closed from minute 600 to 720. Before it the port is empty (the truck of 590 left at
    // 595). The 12 trucks of 600..710 wait; at 720 the lane reopens and the truck of 720
    // joins: 13 inside, the peak, 120 minutes after the closure began. From then the lane
    // clears one every 5 minutes while one arrives every 10: arrivals before t are
    // (t - 600) / 10, departures by t are (t - 720) / 5, equal at t = 840, so the port is
    // back to empty 240 minutes after the closure began.
    let exp = run(&parse(&closure(5.0)));
    let [before, peak, after, recovery] = backlog::names(0);
    assert_eq!(one(&exp, Scope::Port, before), 0.0);
    assert_eq!(one(&exp, Scope::Port, peak), 13.0);
    assert_eq!(one(&exp, Scope::Port, after), 120.0);
    assert_eq!(one(&exp, Scope::Port, recovery), 240.0);
    // 5 % slower clearance (5.25 min) drains at a different rate: caught.
    let slow = run(&parse(&closure(5.25)));
    let r = one(&slow, Scope::Port, recovery);
    assert!((r - 240.0).abs() > 0.05 * 240.0, "a 5 % slower lane recovers at {r}");
}

#[test]
fn shares_within_targets_hours_of_arrival_length_and_costs_are_as_worked_by_hand() {
    let exp = run(&parse(&closure(5.0)));
    let flow = Scope::Flow(0);
    // 288 trucks in two days. The truck of 600 + 10j (j = 0..23) starts at 720 + 5j and
    // stays 125 - 5j minutes; every other truck stays 5. More than 10 minutes: j = 0..22
    // (23 trucks); more than 60: j = 0..12 (13); none more than 240.
    for (t, over) in [(10.0, 23.0), (60.0, 13.0), (240.0, 0.0)] {
        let want = (288.0 - over) / 288.0;
        for vehicles in [false, true] {
            let got = one(&exp, flow, service::within_name(t, vehicles));
            assert!((got - want).abs() < 1e-12, "within {t}: {got} against {want}");
        }
        assert_eq!(
            one(&exp, Scope::Port, service::within_name(t, false)),
            one(&exp, flow, service::within_name(t, false))
        );
    }
    // By hour of arrival: the trucks of 10:00-11:00 (j = 0..5) waited 120 - 5j, a mean of
    // 107.5 on day 1 and 0 on day 2, so 53.75 over both; their time in system is 5 more.
    let (w10, t10) = service::hour_names(10);
    assert_eq!(one(&exp, flow, w10), 53.75);
    assert_eq!(one(&exp, flow, t10), 58.75);
    let (w9, t9) = service::hour_names(9);
    assert_eq!((one(&exp, flow, w9), one(&exp, flow, t9)), (0.0, 5.0));
    // Queue on the road: at most 12 trucks of 18 m plus a 2 m gap wait: 0.24 km. Their
    // waits add up to sum(120 - 5j, j = 0..23) = 1500 minutes: 25 vehicle-hours. Lanes are
    // open 48 - 2 hours. Cost: 46 x 100 + 25 x 10 = 4850 in two days.
    assert!((one(&exp, Scope::Port, "queue_km_max") - 0.24).abs() < 1e-12);
    let km_mean = one(&exp, Scope::Port, "queue_km_mean");
    // The line holds k trucks for 5 (k <= 12 rising by 10-minute steps, then draining):
    // its area is that of the waits, 1500 truck-minutes, times 20 m, over 2880 minutes.
    assert!((km_mean - 1500.0 * 20.0 / 2880.0 / 1000.0).abs() < 1e-12, "{km_mean}");
    assert_eq!(one(&exp, Scope::Port, "lane_hours"), 46.0);
    assert_eq!(one(&exp, Scope::Port, "vehicle_hours_waiting"), 25.0);
    assert_eq!(one(&exp, Scope::Port, "cost_total"), 4850.0);
    assert_eq!(one(&exp, Scope::Port, "cost_per_day"), 2425.0);
}

#[test]
fn the_share_within_a_target_matches_the_m_m_1_sojourn_distribution() {
    // M/M/1 FIFO at load 0.8, mean service 1 minute: the time in system is exponential
    // with rate mu - lambda = 0.2, so P(T <= t) = 1 - exp(-0.2 t).
    let src = r#"[simulation]
horizon_days = 60
warmup_days = 5
seed = 11
replications = 20

[service]
targets_min = [2, 5, 15]

[modes.car]
kind = "generic"

[ports.p.stages.lane]
kind = "servers"
servers = 1
clearance = { dist = "exponential", mean = 1 }

[ports.p.flows.car]
rate = { per_minute = 0.8 }
route = ["lane"]
"#;
    let exp = run(&parse(src));
    for t in [2.0, 5.0, 15.0] {
        let exact = 1.0 - (-0.2f64 * t).exp();
        let v = values(&exp, Scope::Port, service::within_name(t, false));
        let z = z_score(&v, exact);
        assert!(z < 4.0, "within {t}: {:?} against {exact} (z = {z})", mean_se(&v));
        let off = z_score(&v, exact * 1.05);
        assert!(off > 4.0, "within {t}: a 5 % error would pass (z = {off})");
    }
}
