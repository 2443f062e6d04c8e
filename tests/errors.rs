//! Bad scenario files: each gives one located line on standard error, exit code 2, no
//! panic, and no output file.

use std::path::{Path, PathBuf};
use std::process::Command;

const GOOD: &str = r#"[simulation]
horizon_days = 10
replications = 2

[modes.car]
kind = "generic"

[ports.p.stages.lane]
kind = "servers"
servers = 2
clearance = { dist = "exponential", mean = 5 }

[ports.p.flows.car]
rate = { per_hour = 10 }
route = ["lane"]
"#;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("errors")
}

/// Runs `bordersim run` on `src`; returns stderr after checking the exit code, the single
/// line, and that nothing was written.
fn fails(name: &str, src: &[u8]) -> String {
    std::fs::create_dir_all(dir()).unwrap();
    let file = dir().join(format!("{name}.toml"));
    std::fs::write(&file, src).unwrap();
    let out = dir().join(format!("{name}-out"));
    let _ = std::fs::remove_dir_all(&out);
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["run", file.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{name}: {err}");
    assert!(!err.contains("panicked"), "{name}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{name}: not one line:\n{err}");
    assert!(err.starts_with("error: "), "{name}: {err}");
    assert!(!out.exists(), "{name}: output written despite the error");
    err
}

fn with(from: &str, to: &str) -> Vec<u8> {
    assert!(GOOD.contains(from), "{from}");
    GOOD.replacen(from, to, 1).into_bytes()
}

#[test]
fn the_good_scenario_runs() {
    std::fs::create_dir_all(dir()).unwrap();
    let file = dir().join("good.toml");
    std::fs::write(&file, GOOD).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["run", file.to_str().unwrap(), "-q"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn misspelt_key() {
    let e = fails("misspelt", &with("servers = 2", "servres = 2"));
    assert!(
        e.contains("misspelt.toml:10:1: unknown field `servres`, expected one of"),
        "{e}"
    );
    assert!(e.contains("`servers`"), "{e}");
}

#[test]
fn negative_rate() {
    let e = fails("negative-rate", &with("per_hour = 10", "per_hour = -10"));
    assert!(e.contains("negative-rate.toml:14:"), "{e}");
    assert!(
        e.contains("ports.p.flows.car.rate.per_hour: must be a positive number, got -10"),
        "{e}"
    );
}

#[test]
fn route_names_an_unknown_stage() {
    let e = fails(
        "unknown-stage",
        &with("route = [\"lane\"]", "route = [\"lane\", \"xray\"]"),
    );
    assert!(
        e.contains(
            "unknown-stage.toml:15:18: ports.p.flows.car.route.1: unknown stage `xray`; this port's stages are `lane`"
        ),
        "{e}"
    );
}

#[test]
fn wrong_type() {
    let e = fails("wrong-type", &with("servers = 2", "servers = \"two\""));
    assert!(
        e.contains("wrong-type.toml:10:11: invalid type: string \"two\", expected u32"),
        "{e}"
    );
}

#[test]
fn empty_file() {
    let e = fails("empty", b"");
    assert!(e.contains("empty.toml:1:1: the scenario is empty"), "{e}");
}

#[test]
fn missing_file() {
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["run", "no/such/file.toml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        e.trim_end(),
        "error: no/such/file.toml: cannot read scenario: no such file"
    );
}

#[test]
fn more_catalogued_errors() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("syntax", with("[modes.car]", "[modes.car"), "syntax.toml:5:"),
        (
            "unknown-dist",
            with("\"exponential\"", "\"expo\""),
            "unknown variant `expo`, expected one of",
        ),
        (
            "zero-mean",
            with("mean = 5", "mean = 0"),
            "ports.p.stages.lane.clearance.mean: must be greater than 0",
        ),
        (
            "unknown-kind",
            with("kind = \"servers\"", "kind = \"booth\""),
            "unknown stage kind `booth`",
        ),
        (
            "unknown-mode",
            with("[ports.p.flows.car]", "[ports.p.flows.bus]"),
            "`bus` is not a defined mode",
        ),
        (
            "prob-above-1",
            with(
                "route = [\"lane\"]",
                "route = [{ stage = \"lane\", probability = 1.5 }]",
            ),
            "a probability must be between 0 and 1, got 1.5",
        ),
        (
            "empty-route",
            with("route = [\"lane\"]", "route = []"),
            "the route is empty",
        ),
        (
            "warmup",
            with("replications = 2", "replications = 2\nwarmup_days = 20"),
            "simulation.warmup_days: must be 0 or more and less than horizon_days",
        ),
        (
            "huge-horizon",
            with("horizon_days = 10", "horizon_days = 365000000"),
            "simulation.horizon_days: must be more than 0 and at most 36500 days",
        ),
        (
            "huge-rate",
            with("per_hour = 10", "per_hour = 1e12"),
            "more than the limit",
        ),
        (
            "no-ports",
            GOOD.as_bytes()[..GOOD.find("[ports").unwrap()].to_vec(),
            "define at least one port",
        ),
        (
            "bad-date",
            with("replications = 2", "replications = 2\nstart = \"2025-02-30\""),
            "`2025-02-30` is not a valid calendar date",
        ),
        (
            "bad-hours",
            with(
                "servers = 2",
                "schedule = [{ from = \"8am\", to = \"20:00\", servers = 3 }]",
            ),
            "is not a time: use \"HH:MM\"",
        ),
        (
            "not-utf8",
            b"[simulation]\nname = \"\xff\"\n".to_vec(),
            "not-utf8.toml:2:",
        ),
        (
            "dup-stage",
            with("route = [\"lane\"]", "route = [\"lane\", \"lane\"]"),
            "appears twice in the route",
        ),
        (
            "no-clearance",
            with("clearance = { dist = \"exponential\", mean = 5 }", ""),
            "clearance: missing",
        ),
        (
            "cage-without-vehicles",
            with("kind = \"generic\"", "kind = \"cage_truck\""),
            "a cage_truck mode needs `vehicles`",
        ),
        (
            "self-driving-no-driver",
            with("kind = \"generic\"", "kind = \"self_driving\""),
            "needs a `driver` stage",
        ),
        (
            "profile-length",
            with("per_hour = 10 }", "per_hour = 10 }\nhour_of_day = [1, 2]"),
            "needs exactly 24 factors",
        ),
        (
            "huge-mean",
            with("mean = 5", "mean = 1e300"),
            "ports.p.stages.lane.clearance: its mean (1.000e300) is above the 1e8 allowed",
        ),
        (
            "empty-times",
            with("rate = { per_hour = 10 }", "times_min = []"),
            "ports.p.flows.car.times_min: the list is empty",
        ),
        (
            "year",
            with("replications = 2", "replications = 2\nstart = \"9999-01-01\""),
            "the year must be between 1900 and 2200",
        ),
        (
            "bad-name",
            with("[ports.p.stages.lane]", "[ports.p.stages.\"la ne\"]"),
            "\"la ne\" is not a usable name",
        ),
        (
            "ten-million-lanes",
            with("servers = 2", "servers = 10000000"),
            "ports.p.stages.lane.servers: must be at most 100000, got 10000000",
        ),
        (
            "negative-servers",
            with("servers = 2", "servers = -3"),
            "invalid value: integer `-3`, expected u32",
        ),
        (
            "probability-type",
            with(
                "route = [\"lane\"]",
                "route = [{ stage = \"lane\", probability = \"high\" }]",
            ),
            "a stage name, { stage = \"NAME\", probability = P }",
        ),
        (
            "series-cells",
            with("replications = 2", "replications = 2\nreport_interval_min = 0.02"),
            "time-series cells, more than the 5e6 allowed",
        ),
    ];
    for (name, src, want) in cases {
        let e = fails(name, &src);
        assert!(e.contains(want), "{name}: expected {want:?} in {e}");
        assert!(e.contains(&format!("{name}.toml")), "{name}: no file name in {e}");
    }
}

/// GOOD with its flow fed by a shared demand instead.
fn shared(demand: &str, flow_extra: &str) -> Vec<u8> {
    GOOD.replacen(
        "[ports.p.flows.car]\nrate = { per_hour = 10 }",
        &format!("{demand}\n[ports.p.flows.car]\n{flow_extra}"),
        1,
    )
    .into_bytes()
}

#[test]
fn daily_cap_and_shared_demand_errors() {
    let demand = "[demand.cars]\nmode = \"car\"\nrate = { per_hour = 10 }\nsplit = { p = 1.0 }\n";
    assert!(GOOD.contains("[ports.p.flows.car]\nrate = { per_hour = 10 }"));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "cap-zero",
            with("servers = 2", "servers = 2\ndaily_cap = 0"),
            "ports.p.stages.lane.daily_cap: must be at least 1",
        ),
        (
            "cap-negative",
            with("servers = 2", "servers = 2\ndaily_cap = -5"),
            "cap-negative.toml:11:",
        ),
        (
            "split-sum",
            shared(&demand.replace("p = 1.0", "p = 0.6"), "demand = \"cars\""),
            "demand.cars.split: shares must add up to 1, they add up to 0.6",
        ),
        (
            "split-port",
            shared(&demand.replace("p = 1.0", "p = 0.5, q = 0.5"), "demand = \"cars\""),
            "demand.cars.split.q: `q` is not a defined port; defined are `p`",
        ),
        (
            "demand-unknown",
            shared(demand, "demand = \"trucks\""),
            "ports.p.flows.car.demand: `trucks` is not a defined demand; defined are `cars`",
        ),
        (
            "demand-and-rate",
            shared(demand, "demand = \"cars\"\nrate = { per_hour = 3 }"),
            "a flow fed by a shared demand has no arrivals of its own",
        ),
        (
            "demand-own-arrivals",
            shared(demand, "rate = { per_hour = 3 }"),
            "[ports.p.flows.car] has arrivals of its own: give it demand = \"cars\" instead",
        ),
        (
            "demand-choice",
            shared(&format!("{demand}choice = \"nearest\"\n"), "demand = \"cars\""),
            "unknown choice `nearest`: allowed are `shares`",
        ),
        (
            "demand-mode",
            shared(&demand.replace("mode = \"car\"", "mode = \"bus\""), "demand = \"cars\""),
            "demand.cars.mode: `bus` is not a defined mode",
        ),
    ];
    for (name, src, want) in cases {
        let e = fails(name, &src);
        assert!(e.contains(want), "{name}: expected {want:?} in {e}");
        assert!(e.contains(&format!("{name}.toml:")), "{name}: no location in {e}");
    }
}

#[test]
fn a_directory_is_not_a_scenario() {
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["run", "scenarios"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("it is a directory"));
}

#[test]
fn two_driver_stages_on_one_route() {
    let src = r#"[simulation]
horizon_days = 1

[modes.car]
kind = "self_driving"

[ports.p.stages.d1]
kind = "driver"

[ports.p.stages.d2]
kind = "driver"

[ports.p.drivers]
count = 2
to_transit_lot = { dist = "constant", value = 1 }
return_trip = { dist = "constant", value = 1 }

[ports.p.flows.car]
every_min = 5
route = ["d1", "d2"]
"#;
    let e = fails("two-drivers", src.as_bytes());
    assert!(
        e.contains("a route may take a driver only once, this one names 2 driver stages"),
        "{e}"
    );
}

#[test]
fn an_overloaded_scenario_stops_with_an_error_instead_of_eating_memory() {
    // 100 arrivals a minute into one 1-minute lane: the queue grows by about 99 a minute and
    // passes the 5 million limit on day 35.
    let src = GOOD
        .replace("per_hour = 10", "per_minute = 100")
        .replace("servers = 2", "servers = 1")
        .replace("mean = 5", "mean = 1")
        .replace("horizon_days = 10", "horizon_days = 60")
        .replace("replications = 2", "replications = 1");
    let e = fails("overload", src.as_bytes());
    assert!(
        e.contains("more than 5000000 consignments were inside the ports on day 3"),
        "{e}"
    );
    assert!(e.contains("arrivals outrun clearance capacity"), "{e}");
}

#[test]
fn usage_errors_are_one_line() {
    for args in [vec!["run"], vec!["run", "x.toml", "--days", "-1"], vec!["nonsense"]] {
        let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn an_unwritable_output_directory_is_reported_before_simulating() {
    std::fs::create_dir_all(dir()).unwrap();
    let file = dir().join("good-for-out.toml");
    std::fs::write(&file, GOOD).unwrap();
    let blocker = dir().join("a-file");
    std::fs::write(&blocker, b"x").unwrap();
    let out = blocker.join("sub");
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["run", file.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--out: cannot write to"), "{err}");
    assert!(o.stdout.is_empty(), "nothing simulated");
}
