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

/// Each case (file name, text, expected words) fails as `fails` checks, with its message
/// containing the expected words and naming the file's location.
fn all_fail(cases: Vec<(&str, Vec<u8>, &str)>) {
    for (name, src, want) in cases {
        let e = fails(name, &src);
        assert!(e.contains(want), "{name}: expected {want:?} in {e}");
        assert!(e.contains(&format!("{name}.toml:")), "{name}: no location in {e}");
    }
}

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
    all_fail(cases);
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

/// GOOD with `vehicles` given to its mode and a rate in vehicles a year (100 a day).
fn with_vehicles(dist: &str) -> Vec<u8> {
    GOOD.replacen(
        "kind = \"generic\"",
        &format!("kind = \"generic\"\nvehicles = {dist}"),
        1,
    )
    .replacen("per_hour = 10", "vehicles_per_year = 36500", 1)
    .into_bytes()
}

#[test]
fn vehicles_per_consignment_must_be_whole_numbers_of_at_least_one() {
    // The audit: 0.5 gave 199.9 vehicles a day for 100 asked, 6.5 gave 107.3, [0, 2] 149.7.
    let cases = [
        (
            "veh-half",
            "{ dist = \"constant\", value = 0.5 }",
            "modes.car.vehicles.value: a consignment holds whole vehicles",
        ),
        ("veh-six-and-a-half", "{ dist = \"constant\", value = 6.5 }", "got 6.5"),
        (
            "veh-zero",
            "{ dist = \"empirical\", values = [0, 2] }",
            "modes.car.vehicles.values.0: a consignment holds whole vehicles",
        ),
        (
            "veh-too-many",
            "{ dist = \"empirical\", values = [2, 1001] }",
            "modes.car.vehicles.values.1:",
        ),
        (
            "veh-uniform",
            "{ dist = \"uniform\", min = 1, max = 3 }",
            "vehicles per consignment are whole numbers: use",
        ),
        (
            "veh-exponential",
            "{ dist = \"exponential\", mean = 7 }",
            "not `exponential`",
        ),
    ];
    for (name, dist, want) in cases {
        let e = fails(name, &with_vehicles(dist));
        assert!(e.contains(want), "{name}: expected {want:?} in {e}");
        assert!(e.contains(&format!("{name}.toml:")), "{name}: no location in {e}");
    }
}

/// Runs the binary with `args`; returns (exit code, stdout, stderr).
fn bordersim(args: &[&str]) -> (Option<i32>, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn write_case(name: &str, src: &[u8]) -> String {
    std::fs::create_dir_all(dir()).unwrap();
    let file = dir().join(format!("{name}.toml"));
    std::fs::write(&file, src).unwrap();
    file.to_str().unwrap().to_string()
}

#[test]
fn whole_vehicles_give_the_rate_asked_for() {
    // With whole numbers the conversion uses the mean of exactly what is drawn: 100 vehicles
    // a day whatever the table.
    for (name, dist) in [
        ("veh-ok-const", "{ dist = \"constant\", value = 7 }"),
        (
            "veh-ok-table",
            "{ dist = \"empirical\", values = [1, 2, 9], weights = [5, 1, 1] }",
        ),
        (
            "veh-ok-huge-weights",
            "{ dist = \"empirical\", values = [5, 500], weights = [1e308, 1e308] }",
        ),
    ] {
        let src = String::from_utf8(with_vehicles(dist))
            .unwrap()
            .replace("horizon_days = 10", "horizon_days = 3000")
            .replace("replications = 2", "replications = 4");
        let file = write_case(name, src.as_bytes());
        let out = dir().join(format!("{name}-out"));
        let _ = std::fs::remove_dir_all(&out);
        let (code, _, err) = bordersim(&["run", &file, "-q", "--no-charts", "--out", out.to_str().unwrap()]);
        assert_eq!(code, Some(0), "{name}: {err}");
        let j: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
        let v = &j["ports"]["p"]["totals"]["vehicles_per_day"];
        let (mean, ci) = (v["mean"].as_f64().unwrap(), v["ci95"].as_f64().unwrap());
        // Wide tables make the daily count noisy: allow the interval, and at most 5 %.
        assert!(
            (mean - 100.0).abs() <= ci.max(1.0) && (mean - 100.0).abs() < 5.0,
            "{name}: {mean} ± {ci}"
        );
    }
}

#[test]
fn empirical_weights_near_the_float_limit_keep_their_mean() {
    let file = write_case(
        "weights-overflow",
        &with_vehicles("{ dist = \"empirical\", values = [5, 500], weights = [1e308, 1e308] }"),
    );
    let (code, out, err) = bordersim(&["check", &file]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("252.50 vehicle(s) per consignment"), "{out}");
    // Weights that are not finite are still refused.
    let e = fails(
        "weights-inf",
        &with_vehicles("{ dist = \"empirical\", values = [5, 500], weights = [1, inf] }"),
    );
    assert!(
        e.contains("modes.car.vehicles.weights.1: must be a finite number"),
        "{e}"
    );
}

const WITH_VARIANT: &str = "\n[variants.faster]\nset = { \"ports.p.stages.lane.servers\" = 3 }\n";

#[test]
fn variants_cannot_change_simulation_settings() {
    // The audit: compare paired a 10-day variant with the 120-day baseline, and run
    // --variant quietly used the variant's seed and replications.
    for (name, key, value) in [
        ("var-horizon", "simulation.horizon_days", "10"),
        ("var-seed", "simulation.seed", "7"),
        ("var-reps", "simulation.replications", "2"),
        ("var-warmup", "simulation.warmup_days", "1"),
        ("var-start", "simulation.start", "\"2025-03-01\""),
        ("var-interval", "simulation.report_interval_min", "30"),
    ] {
        let src = format!("{GOOD}\n[variants.v]\nset = {{ \"{key}\" = {value} }}\n");
        let file = write_case(name, src.as_bytes());
        for cmd in [
            vec!["check", &file],
            vec!["run", &file, "--variant", "v"],
            vec!["compare", &file],
            vec!["run", &file],
        ] {
            let (code, out, err) = bordersim(&cmd);
            assert_eq!(code, Some(2), "{name} {cmd:?}: {err}");
            assert!(out.is_empty(), "{name} {cmd:?}: printed {out}");
            assert!(
                err.contains(&format!(
                    "variants.v.set.{key}: a variant cannot change [simulation] settings"
                )),
                "{name}: {err}"
            );
            assert!(err.contains(&format!("{name}.toml:")), "{name}: {err}");
        }
    }
}

#[test]
fn run_validates_every_variant_like_check_and_compare() {
    // A broken variant that `run` does not run is still an error in the file.
    let src = format!("{GOOD}{WITH_VARIANT}\n[variants.broken]\nset = {{ \"ports.p.stages.lane.servers\" = -1 }}\n");
    let file = write_case("broken-variant", src.as_bytes());
    for cmd in [
        vec!["run", &file, "-q"],
        vec!["run", &file, "-q", "--variant", "faster"],
        vec!["run", &file, "-q", "--days", "5"],
        vec!["compare", &file, "-q", "--variants", "faster"],
        vec!["check", &file],
    ] {
        let (code, _, err) = bordersim(&cmd);
        assert_eq!(code, Some(2), "{cmd:?}: {err}");
        assert!(
            err.contains("variants.broken.set.ports.p.stages.lane.servers"),
            "{cmd:?}: {err}"
        );
    }
    // And a command-line override does not hide an error in the file as written.
    let file = write_case(
        "broken-horizon",
        with("horizon_days = 10", "horizon_days = 0").as_slice(),
    );
    let (code, _, err) = bordersim(&["run", &file, "-q", "--days", "5"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("simulation.horizon_days"), "{err}");
}

#[test]
fn policy_factors_are_bounded() {
    for (name, policy, want) in [
        (
            "factor-huge",
            "{ type = \"scaled\", factor = 1e308 }",
            "policy.factor: must be a number from 1e-6 to 1000, got 1e308",
        ),
        (
            "factor-tiny",
            "{ type = \"scaled\", factor = 1e-300 }",
            "policy.factor: must be a number from 1e-6 to 1000",
        ),
        (
            "factor-green",
            "{ type = \"green_channel\", share = 0.5, factor = 5000 }",
            "policy.factor:",
        ),
        (
            "factor-queue",
            "{ type = \"queue_responsive\", per_waiting = 1, max_factor = 1e300 }",
            "policy.max_factor:",
        ),
    ] {
        let src = format!("policy = {policy}\n{GOOD}");
        let e = fails(name, src.as_bytes());
        assert!(e.contains(want), "{name}: expected {want:?} in {e}");
    }
}

#[test]
fn policies_nest_at_most_sixteen_deep() {
    let nest = |n: usize| {
        let mut p = "{ type = \"scaled\", factor = 1 }".to_string();
        for _ in 1..n {
            p = format!("{{ type = \"scaled\", factor = 1, of = {p} }}");
        }
        format!("policy = {p}\n{GOOD}")
    };
    let file = write_case("nest-16", nest(16).as_bytes());
    let (code, _, err) = bordersim(&["check", &file]);
    assert_eq!(code, Some(0), "{err}");
    let e = fails("nest-17", nest(17).as_bytes());
    assert!(e.contains("policies nest at most 16 levels deep"), "{e}");
    assert!(
        e.contains("policy.of.of.of.of.of.of.of.of.of.of.of.of.of.of.of.of:"),
        "{e}"
    );
    // Far deeper, TOML's own limit speaks first: still one located line, exit 2.
    let e = fails("nest-200", nest(200).as_bytes());
    assert!(e.contains("nest-200.toml:1:"), "{e}");
}

#[test]
fn dates_and_times_are_read_strictly() {
    // The audit: "+9:00", "+7:+0" and "2023-+1-+1" were read as 09:00, 07:00 and 2023-01-01.
    let window = |from: &str, to: &str| {
        with(
            "servers = 2",
            &format!("servers = 0\nschedule = [{{ from = \"{from}\", to = \"{to}\", servers = 3 }}]"),
        )
    };
    for (name, src, want) in [
        (
            "time-plus-from",
            window("+9:00", "17:00"),
            "schedule.0.from: `+9:00` is not a time",
        ),
        (
            "time-plus-to",
            window("09:00", "+7:+0"),
            "schedule.0.to: `+7:+0` is not a time",
        ),
        ("time-space", window(" 9:00", "17:00"), "schedule.0.from:"),
        ("time-seconds", window("09:00:00", "17:00"), "schedule.0.from:"),
        (
            "date-plus",
            with("replications = 2", "replications = 2\nstart = \"2023-+1-+1\""),
            "simulation.start: `2023-+1-+1` is not a date",
        ),
        (
            "date-time-plus",
            with("replications = 2", "replications = 2\nstart = \"2023-01-01T+9:00\""),
            "simulation.start: `2023-01-01T+9:00` is not a date",
        ),
        (
            "reform-plus",
            with(
                "replications = 2",
                "replications = 2\nstart = \"2023-01-01\"\n\n[policy]\ntype = \"reform\"\nat = \"2023-01-+5\"\nafter = { type = \"scaled\", factor = 0.5 }\n",
            ),
            "policy.at: `2023-01-+5` is not a date",
        ),
    ] {
        let e = fails(name, &src);
        assert!(e.contains(want), "{name}: expected {want:?} in {e}");
    }
}

#[test]
fn only_regular_files_of_bounded_size_are_read() {
    // /dev/zero never ends: it took 4.2 GB before a memory cap stopped it.
    let (code, _, err) = bordersim(&["check", "/dev/zero"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("/dev/zero: cannot read scenario: it is not a regular file"),
        "{err}"
    );
    // A FIFO with no writer would hang forever: refused at once.
    std::fs::create_dir_all(dir()).unwrap();
    let fifo = dir().join("fifo.toml");
    let _ = std::fs::remove_file(&fifo);
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["check", fifo.to_str().unwrap()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let status = status.expect("bordersim waited on a FIFO");
    assert_eq!(status.code(), Some(2));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("it is not a regular file"), "{err}");
    // A file over the 16 MiB limit.
    let big = dir().join("big.toml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(17 * 1024 * 1024).unwrap();
    let (code, _, err) = bordersim(&["check", big.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("more than the 16777216 allowed"), "{err}");
}

#[test]
fn names_and_descriptions_are_bounded_and_printable() {
    // The audit: a 10 MB name cost 51 s in the charts; escape codes in a name cleared the
    // terminal and printed a fake `error:` line.
    let long = format!("name = \"{}\"\n", "x".repeat(10_000_000));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "name-huge",
            with("replications = 2", &format!("replications = 2\n{long}")),
            "simulation.name: the text is 10000000 characters long; at most 120",
        ),
        (
            "name-escape",
            with(
                "replications = 2",
                "replications = 2\nname = \"a\\u001b[2J\\nerror: all fine\"",
            ),
            "simulation.name: the text contains the control character '\\u{1b}'",
        ),
        (
            "desc-newline",
            with(
                "kind = \"servers\"",
                "kind = \"servers\"\ndescription = \"two\\nlines\"",
            ),
            "ports.p.stages.lane.description: the text contains the control character '\\n'",
        ),
        (
            "variant-desc-bidi",
            format!("{GOOD}\n[variants.v]\ndescription = \"abc\\u202Edef\"\n").into_bytes(),
            "variants.v.description: the text contains the control character",
        ),
        (
            "key-escape",
            with("[ports.p.stages.lane]", "[ports.p.stages.\"la\\u001bne\"]"),
            "ports.p.stages: holds a key of 5 characters with control characters",
        ),
    ];
    for (name, src, want) in cases {
        let e = fails(name, &src);
        assert!(e.contains(want), "{name}: expected {want:?} in {e}");
        assert!(!e.contains('\u{1b}'), "{name}: an escape code reached the terminal");
        assert!(e.len() < 1000, "{name}: a {} byte message", e.len());
    }
}

#[test]
fn patience_errors() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "patience-negative",
            with(
                "servers = 2",
                "servers = 2\npatience = { dist = \"exponential\", mean = -5 }",
            ),
            "ports.p.stages.lane.patience.mean: must be greater than 0, got -5",
        ),
        (
            "patience-dist",
            with("servers = 2", "servers = 2\npatience = { dist = \"forever\" }"),
            "patience-dist.toml:",
        ),
        (
            "patience-number",
            with("servers = 2", "servers = 2\npatience = 30"),
            "patience-number.toml:",
        ),
        (
            "patience-huge",
            with(
                "servers = 2",
                "servers = 2\npatience = { dist = \"constant\", value = 1e12 }",
            ),
            "ports.p.stages.lane.patience: its mean",
        ),
    ];
    all_fail(cases);
}

#[test]
fn breakdown_errors() {
    let b = |inner: &str| with("servers = 2", &format!("servers = 2\nbreakdowns = {{ {inner} }}"));
    let exp = "{ dist = \"exponential\", mean = 60 }";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "breakdown-rule",
            b(&format!("between = {exp}, repair = {exp}, rule = \"replace\"")),
            "ports.p.stages.lane.breakdowns.rule: unknown rule `replace`: allowed are `resume`, `restart`",
        ),
        (
            "breakdown-between",
            b(&format!(
                "between = {{ dist = \"constant\", value = 0 }}, repair = {exp}"
            )),
            "ports.p.stages.lane.breakdowns.between: the working time between failures must have a mean above 0",
        ),
        (
            "breakdown-repair",
            b(&format!(
                "between = {exp}, repair = {{ dist = \"exponential\", mean = -1 }}"
            )),
            "ports.p.stages.lane.breakdowns.repair.mean: must be greater than 0, got -1",
        ),
        (
            "breakdown-missing",
            b(&format!("between = {exp}")),
            "breakdown-missing.toml:",
        ),
        (
            "breakdown-typo",
            b(&format!("between = {exp}, repair = {exp}, rules = \"resume\"")),
            "breakdown-typo.toml:",
        ),
    ];
    all_fail(cases);
}

#[test]
fn breakdowns_are_refused_on_a_dwell_stage() {
    let src = GOOD.replacen(
        "[ports.p.stages.lane]",
        "[ports.p.stages.yard]\nkind = \"dwell\"\nclearance = { dist = \"constant\", value = 5 }\nbreakdowns = { between = { dist = \"exponential\", mean = 60 }, repair = { dist = \"exponential\", mean = 5 } }\n\n[ports.p.stages.lane]",
        1,
    );
    let e = fails("breakdown-dwell", src.as_bytes());
    assert!(
        e.contains("ports.p.stages.yard.breakdowns: `breakdowns` is not allowed on a dwell stage"),
        "{e}"
    );
}

#[test]
fn a_restart_that_can_never_finish_stops_with_an_error() {
    // 5 minutes of work on lanes that fail after exactly 1 working minute: never done.
    let src = with(
        "servers = 2",
        "servers = 2\nbreakdowns = { between = { dist = \"constant\", value = 1 }, repair = { dist = \"constant\", value = 1 }, rule = \"restart\" }",
    );
    let e = fails("breakdown-endless", &src);
    assert!(
        e.contains("stage p.lane was interrupted by lane failures more than 100000 times under rule = \"restart\""),
        "{e}"
    );
}

#[test]
fn surge_and_batch_errors() {
    // GOOD runs 10 days from 2025-01-01 (the default start).
    let flow = |extra: &str| {
        with(
            "rate = { per_hour = 10 }",
            &format!("rate = {{ per_hour = 10 }}\n{extra}"),
        )
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "surge-outside",
            flow("surges = [{ from = \"2026-01-01\", to = \"2026-01-02\", factor = 2 }]"),
            "ports.p.flows.car.surges.0.from: 2026-01-01 is outside the simulated period",
        ),
        (
            "surge-order",
            flow("surges = [{ from = \"2025-01-05\", to = \"2025-01-03\", factor = 2 }]"),
            "ports.p.flows.car.surges.0.to: must be after `from` (2025-01-05)",
        ),
        (
            "surge-minute",
            flow("surges = [{ from = \"2025-01-02T10:30\", to = \"2025-01-03\", factor = 2 }]"),
            "ports.p.flows.car.surges.0.from: 2025-01-02T10:30: a surge starts and ends on the hour (HH:00)",
        ),
        (
            "surge-factor",
            flow("surges = [{ from = \"2025-01-02\", to = \"2025-01-03\", factor = -1 }]"),
            "ports.p.flows.car.surges.0.factor: must be a number from 0 to 100, got -1",
        ),
        (
            "surge-fixed",
            with(
                "rate = { per_hour = 10 }",
                "every_min = 5\nsurges = [{ from = \"2025-01-02\", to = \"2025-01-03\", factor = 2 }]",
            ),
            "ports.p.flows.car.surges: surges only apply to Poisson arrivals (`rate`)",
        ),
        (
            "batch-zero",
            flow("batches = [{ at = \"2025-01-02T06:00\", consignments = 0 }]"),
            "ports.p.flows.car.batches.0.consignments: must be from 1 to 100000, got 0",
        ),
        (
            "batch-outside",
            flow("batches = [{ at = \"2025-02-02T06:00\", consignments = 5 }]"),
            "ports.p.flows.car.batches.0.at: 2025-02-02T06:00 is outside the simulated period",
        ),
        (
            "batch-date",
            flow("batches = [{ at = \"2025-13-02\", consignments = 5 }]"),
            "ports.p.flows.car.batches.0.at:",
        ),
    ];
    all_fail(cases);
}

#[test]
fn service_cost_length_closure_change_and_diversion_errors() {
    // GOOD runs 10 days from 2025-01-01 (the default start).
    let top = |extra: &str| with("[modes.car]", &format!("{extra}\n\n[modes.car]"));
    let lane = |extra: &str| {
        with(
            "clearance = { dist = \"exponential\", mean = 5 }",
            &format!("clearance = {{ dist = \"exponential\", mean = 5 }}\n{extra}"),
        )
    };
    let port_b =
        "\n[ports.b.stages.gate]\nkind = \"servers\"\nservers = 1\nclearance = { dist = \"constant\", value = 1 }\n";
    let patience = "patience = { dist = \"exponential\", mean = 30 }";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "target-negative",
            top("[service]\ntargets_min = [60, -5]"),
            "service.targets_min.1: a target is more than 0 and at most 525600 minutes, got -5",
        ),
        (
            "target-order",
            top("[service]\ntargets_min = [240, 60]"),
            "service.targets_min.1: targets are listed in increasing order: 60 follows 240",
        ),
        (
            "target-many",
            top(&format!(
                "[service]\ntargets_min = [{}]",
                (1..=17).map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
            )),
            "service.targets_min: at most 16 targets, got 17",
        ),
        (
            "service-typo",
            top("[service]\nby_hours = true"),
            "unknown field `by_hours`",
        ),
        (
            "cost-negative",
            top("[costs]\nlane_hour = -1"),
            "costs.lane_hour: a unit cost is from 0 to 1e9, got -1",
        ),
        (
            "length-zero",
            with("kind = \"generic\"", "kind = \"generic\"\nlength_m = 0"),
            "modes.car.length_m: must be more than 0 and at most 100 metres, got 0",
        ),
        (
            "gap-alone",
            with("kind = \"generic\"", "kind = \"generic\"\ngap_m = 2"),
            "modes.car.gap_m: a gap needs the mode's `length_m` too",
        ),
        (
            "closure-outside",
            with(
                "[ports.p.stages.lane]",
                "[ports.p]\nclosures = [{ from = \"2026-01-01\" }]\n\n[ports.p.stages.lane]",
            ),
            "ports.p.closures.0.from: 2026-01-01 is outside the simulated period",
        ),
        (
            "closure-backwards",
            with(
                "[ports.p.stages.lane]",
                "[ports.p]\nclosures = [{ from = \"2025-01-03\", to = \"2025-01-02\" }]\n\n[ports.p.stages.lane]",
            ),
            "ports.p.closures.0.to: must be after `from` (2025-01-03)",
        ),
        (
            "change-room-zero",
            lane("changes = [{ from = \"2025-01-02\", capacity = 0 }]"),
            "ports.p.stages.lane.changes.0.capacity: must be at least 1 (close the port with `closures` instead)",
        ),
        (
            "change-policy-bad",
            lane("changes = [{ from = \"2025-01-02\", policy = { type = \"scaled\", factor = 0 } }]"),
            "ports.p.stages.lane.changes.0.policy.factor: must be a number from 1e-6 to 1000, got 0",
        ),
        (
            "change-policy-stage",
            lane(
                "changes = [{ from = \"2025-01-02\", policy = { type = \"scaled\", factor = 2, stages = [\"gate\"] } }]",
            ),
            "ports.p.stages.lane.changes.0.policy.stages.0: unknown stage `gate`",
        ),
        (
            "divert-no-patience",
            lane("divert = { to = \"p\", travel = { dist = \"constant\", value = 30 } }"),
            "ports.p.stages.lane.divert: a diversion sends on those whose patience runs out: give the stage a `patience` too",
        ),
        (
            "divert-unknown",
            lane(&format!(
                "{patience}\ndivert = {{ to = \"q\", travel = {{ dist = \"constant\", value = 30 }} }}"
            )),
            "ports.p.stages.lane.divert.to: unknown port `q`; ports are p",
        ),
        (
            "divert-self",
            lane(&format!(
                "{patience}\ndivert = {{ to = \"p\", travel = {{ dist = \"constant\", value = 30 }} }}"
            )),
            "ports.p.stages.lane.divert.to: a consignment diverts to another port, not back to this one",
        ),
        (
            "divert-no-flow",
            {
                let mut v = lane(&format!(
                    "{patience}\ndivert = {{ to = \"b\", travel = {{ dist = \"constant\", value = 30 }} }}"
                ));
                v.extend_from_slice(port_b.as_bytes());
                v.extend_from_slice(b"\n[modes.truck]\nkind = \"generic\"\n\n[ports.b.flows.truck]\nrate = { per_hour = 1 }\nroute = [\"gate\"]\n");
                v
            },
            "ports.p.stages.lane.divert.to: port `b` has no flow of mode `car`, which reaches this stage",
        ),
        (
            "divert-travel",
            {
                let mut v = lane(&format!(
                    "{patience}\ndivert = {{ to = \"b\", travel = {{ dist = \"constant\", value = -3 }} }}"
                ));
                v.extend_from_slice(port_b.as_bytes());
                v.extend_from_slice(b"\n[ports.b.flows.car]\nrate = { per_hour = 1 }\nroute = [\"gate\"]\n");
                v
            },
            "ports.p.stages.lane.divert.travel",
        ),
    ];
    all_fail(cases);
}

/// A scenario whose car flow replays gate log `{name}.csv` (written with `csv`) as `observed`
/// says, with `extra` lines in the flow.
fn gate_log_case(name: &str, csv: &str, observed: &str, extra: &str) -> Vec<u8> {
    std::fs::create_dir_all(dir()).unwrap();
    std::fs::write(dir().join(format!("{name}.csv")), csv).unwrap();
    with(
        "rate = { per_hour = 10 }",
        &format!("observed = {{ file = \"{name}.csv\"{observed} }}{extra}"),
    )
}

#[test]
fn bad_gate_logs_are_located_in_the_csv() {
    let cases = [
        (
            "log-no-time",
            "when,mode\n0,car\n",
            "1:1: the header has no `time` column (it has: `when`, `mode`); a gate log needs `time`, and may have `mode` and `vehicles`",
        ),
        (
            "log-bad-time",
            "time,mode\n0,car\n03/11/2025 08:00,car\n",
            "3:1: `03/11/2025 08:00` is not a time; a time is minutes from the scenario start (e.g. 90 or 90.5), or a date-time YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS (a space may replace the T)",
        ),
        (
            "log-order",
            "mode,time\ncar,10\ncar,20\ncar,15\n",
            "4:5: time `15` is earlier than `20` on line 3; a gate log must be in time order (sort it by time)",
        ),
        (
            "log-empty",
            "",
            "1:1: the file is empty; it needs a header row with a `time` column, then one row per arrival",
        ),
        (
            "log-header-only",
            "# exported 2025-11-30\ntime,mode\n",
            "3:1: the file has a header but no rows; a gate log needs at least one arrival",
        ),
        (
            "log-vehicles",
            "time,mode,vehicles\n0,car,1\n5,car,0\n",
            "3:7: vehicles `0` is not allowed; vehicles is a whole number from 1 to 1000",
        ),
        (
            "log-mode",
            "time,mode\n0,car\n5,lorry\n",
            "3:3: mode `lorry` is not a mode of the scenario; its modes are `car`",
        ),
        (
            "log-mixed",
            "time\n2025-01-01T00:10\n20\n",
            "3:1: this time is minutes but line 2 gives a date-time; a file must use one form throughout",
        ),
        (
            "log-negative",
            "time\n-5\n",
            "2:1: the time `-5` is negative; minutes count from the scenario start and must be 0 or more",
        ),
        (
            "log-short-row",
            "time,mode,vehicles\n0,car\n",
            "2:6: this row has 2 fields but the header has 3 (time, mode, vehicles); every row needs one field per column",
        ),
    ];
    for (name, csv, want) in cases {
        let e = fails(name, &gate_log_case(name, csv, "", ""));
        let at = format!("{name}.csv:{want}");
        assert!(e.contains(&at), "{name}: expected {at:?} in {e}");
    }
}

#[test]
fn bad_observed_keys_are_located_in_the_scenario() {
    let log = "time,mode\n0,car\n10,car\n";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "observed-replay",
            gate_log_case("observed-replay", log, ", replay = \"shuffle\"", ""),
            "ports.p.flows.car.observed.replay: unknown replay `shuffle`: allowed are `exact` (every replication replays the log as it is) and `days` (each simulated day replays one observed day drawn at random)",
        ),
        (
            "observed-match",
            gate_log_case("observed-match", log, ", replay = \"exact\", match = \"weekday\"", ""),
            "ports.p.flows.car.observed.match: only applies with replay = \"days\"",
        ),
        (
            "observed-match-word",
            gate_log_case("observed-match-word", log, ", replay = \"days\", match = \"month\"", ""),
            "ports.p.flows.car.observed.match: unknown match `month`",
        ),
        (
            "observed-weekdays",
            gate_log_case("observed-weekdays", log, ", replay = \"days\", match = \"weekday\"", ""),
            "ports.p.flows.car.observed.match: the log has no Monday among its 1 observed day: matching weekdays needs at least one observed day of every weekday",
        ),
        (
            "observed-and-rate",
            gate_log_case("observed-and-rate", log, "", "\nevery_min = 5"),
            "ports.p.flows.car: give exactly one arrival process",
        ),
        (
            "observed-profile",
            gate_log_case("observed-profile", log, "", "\nday_of_week = [1, 1, 1, 1, 1, 1, 1]"),
            "ports.p.flows.car: hour_of_day, day_of_week and month_of_year only apply to Poisson arrivals",
        ),
        (
            "observed-outside",
            gate_log_case("observed-outside", "time\n20000\n", "", ""),
            "ports.p.flows.car.observed.file: none of the 1 rows of gate log observed-outside.csv falls within the run (2025-01-01T00:00 to 2025-01-11T00:00); the log runs from minute 20000 to minute 20000",
        ),
        (
            "observed-key",
            gate_log_case("observed-key", log, ", replay = \"exact\", every = 2", ""),
            "unknown field `every`",
        ),
        (
            "observed-surge",
            gate_log_case(
                "observed-surge",
                log,
                "",
                "\nsurges = [{ from = \"2025-01-02\", to = \"2025-01-03\", factor = 2 }]",
            ),
            "ports.p.flows.car.surges: surges only apply to Poisson arrivals (`rate`)",
        ),
    ];
    all_fail(cases);
    // A missing file is an error at its key, naming the path it was looked for at.
    let src = with(
        "rate = { per_hour = 10 }",
        "observed = { file = \"data/nowhere.csv\", replay = \"exact\" }",
    );
    let e = fails("observed-missing", &src);
    assert!(
        e.contains("observed-missing.toml:")
            && e.contains("ports.p.flows.car.observed.file: cannot read the gate log ")
            && e.contains("data/nowhere.csv: no such file"),
        "{e}"
    );
    // Rows of another mode only: the flow would have no arrivals.
    let src = gate_log_case("observed-no-rows", "time,mode\n0,car\n", "", "");
    let mut src = String::from_utf8(src).unwrap();
    src = src.replace("[modes.car]", "[modes.truck]\nkind = \"generic\"\n\n[modes.car]");
    std::fs::write(dir().join("observed-no-rows.csv"), "time,mode\n0,truck\n").unwrap();
    let e = fails("observed-no-rows", src.as_bytes());
    assert!(
        e.contains("ports.p.flows.car.observed.file: observed-no-rows.csv has no rows of mode `car`; the modes it names are `truck`"),
        "{e}"
    );
}

#[test]
fn a_variants_gate_log_errors_name_its_override() {
    let log = "time,mode\n0,car\n10,car\n";
    let base = String::from_utf8(gate_log_case("variant-log", log, ", replay = \"exact\"", "")).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "variant-log-missing",
            format!("{base}\n[variants.v]\nset = {{ \"ports.p.flows.car.observed.file\" = \"gone.csv\" }}\n")
                .into_bytes(),
            "variants.v.set.ports.p.flows.car.observed.file: variant `v`: ports.p.flows.car.observed.file: cannot read the gate log ",
        ),
        (
            "variant-log-replay",
            format!("{base}\n[variants.v]\nset = {{ \"ports.p.flows.car.observed.replay\" = \"weekly\" }}\n")
                .into_bytes(),
            "variants.v.set.ports.p.flows.car.observed.replay: variant `v`: ports.p.flows.car.observed.replay: unknown replay `weekly`",
        ),
    ];
    all_fail(cases);
    // A bad row in a log only a variant names is located in that CSV.
    std::fs::write(dir().join("variant-only.csv"), "time\n5\n1\n").unwrap();
    let src = format!("{base}\n[variants.v]\nset = {{ \"ports.p.flows.car.observed.file\" = \"variant-only.csv\" }}\n");
    let e = fails("variant-log-row", src.as_bytes());
    assert!(
        e.contains("variant-only.csv:3:1: time `1` is earlier than `5` on line 2"),
        "{e}"
    );
}

/// `bordersim fit` on a bad gate log or with bad flags: one line naming the file or flag,
/// exit code 2, nothing on standard output and no --out file.
#[test]
fn fit_errors() {
    std::fs::create_dir_all(dir()).unwrap();
    let log = dir().join("fit-gate.csv");
    std::fs::write(
        &log,
        "time,mode\n2025-01-06T08:00,truck\n2025-01-06T09:30,car\n2025-01-07T10:00,truck\n",
    )
    .unwrap();
    let minutes = dir().join("fit-minutes.csv");
    std::fs::write(&minutes, "time\n10\n70\n").unwrap();
    let out = dir().join("fit-out.toml");
    let _ = std::fs::remove_file(&out);
    let (l, m, o) = (log.to_str().unwrap(), minutes.to_str().unwrap(), out.to_str().unwrap());
    let missing = dir().join("no-such-gate.csv");
    let d = dir();
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["fit", missing.to_str().unwrap()],
            format!("{}: cannot read data file", missing.display()),
        ),
        (
            vec!["fit", l, "--from", "2025-02-01", "--to", "2025-02-08", "--out", o],
            format!(
                "{l}: no arrival falls inside the window 2025-02-01T00:00 to 2025-02-08T00:00; the log runs from 2025-01-06T08:00 to 2025-01-07T10:00"
            ),
        ),
        (
            vec!["fit", l, "--mode", "bus", "--out", o],
            format!("--mode: `bus` is not a mode of {l}; its modes are car, truck"),
        ),
        (
            vec!["fit", l, "--mode", "car", "--from", "2025-01-07"],
            format!("{l}: no arrival of mode `car` falls inside the window"),
        ),
        (
            vec!["fit", m, "--mode", "car"],
            format!("--mode: {m} has no `mode` column"),
        ),
        (
            vec!["fit", l, "--start", "2025-01-01"],
            "--start: ".to_string() + l + " gives calendar date-times, which need no start",
        ),
        (
            vec!["fit", l, "--from", "2025-01-08", "--to", "2025-01-07"],
            "--to: the window must end after it starts".into(),
        ),
        (
            vec!["fit", l, "--from", "6/1/2025"],
            "--from: `6/1/2025` is not a date".into(),
        ),
        (
            vec!["fit", l, "--out", d.to_str().unwrap()],
            "is a directory; name a .toml file".into(),
        ),
        (vec!["fit", l, "--out", l], "is the gate log itself".into()),
    ];
    for (args, want) in cases {
        let (code, stdout, stderr) = bordersim(&args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(&want), "{args:?}: expected {want:?} in {stderr}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(!out.exists(), "{args:?}: --out written despite the error");
    }
    // A bad row is located in the gate log (the reader's error, through fit).
    let bad = dir().join("fit-bad.csv");
    std::fs::write(&bad, "time\n2025-01-06T08:00\n2025-01-05T08:00\n").unwrap();
    let (code, _, stderr) = bordersim(&["fit", bad.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains(&format!("{}:3:1: time", bad.display())), "{stderr}");
    // The log itself was not touched by `--out LOG`.
    assert!(std::fs::read_to_string(&log).unwrap().starts_with("time,mode\n"));
}

/// Runs `bordersim trs` on a trace holding `src` with `args`; returns stderr after
/// checking the exit code, the single line, and that no report was written.
fn trs_fails(name: &str, src: &str, args: &[&str]) -> String {
    std::fs::create_dir_all(dir()).unwrap();
    let file = dir().join(format!("{name}.csv"));
    std::fs::write(&file, src).unwrap();
    let out = dir().join(format!("{name}-out"));
    let _ = std::fs::remove_dir_all(&out);
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["trs", file.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{name}: {err}");
    assert!(!err.contains("panicked"), "{name}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{name}: not one line:\n{err}");
    assert!(err.starts_with(&format!("error: {}", file.display())), "{name}: {err}");
    assert!(
        !out.join("trs.csv").exists(),
        "{name}: trs.csv written despite the error"
    );
    err
}

#[test]
fn bad_traces_are_refused_with_their_line() {
    let trace = std::fs::read_to_string("tests/data/trs_trace.csv").unwrap();
    let line3 = "0-0,0,0,alpha,car,1,gate,entered,gate entered,,,0,2025-01-01T00:00:00.000";
    let c1_finished = "0-1,0,1,alpha,car,2,gate,finished,gate finished,1,,14,2025-01-01T00:14:00.000";
    let with = |from: &str, to: &str| {
        assert!(trace.contains(from), "{from}");
        trace.replacen(from, to, 1)
    };
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "trs-header",
            with("case_id,replication", "case,replication"),
            ".csv:1: unexpected header `case,replication,consignment,port,mode,v…`: expected case_id,replication,consignment,port,mode,vehicles,stage,event,activity,lane,driver,time_min,timestamp",
        ),
        (
            "trs-number",
            with(line3, &line3.replace(",0,2025", ",0:00,2025")),
            ".csv:3: field time_min: must be a finite number of minutes, 0 or more, got `0:00`",
        ),
        (
            "trs-event",
            with(line3, &line3.replace(",entered,", ",queued,")),
            ".csv:3: field event: unknown event `queued`; events are arrived, turned_away, entered, started, finished, blocked, unblocked, left, departed, abandoned, diverted",
        ),
        (
            "trs-time-order",
            with(c1_finished, &c1_finished.replace(",14,", ",9,")),
            ".csv:18: consignment 0-1: `finished` at minute 9 is before its previous event `started` at minute 10: a consignment's events must be in time order",
        ),
        (
            "trs-empty",
            String::new(),
            ".csv: empty: a trace starts with the header case_id,",
        ),
    ];
    for (name, src, want) in cases {
        let e = trs_fails(name, &src, &[]);
        assert!(e.contains(&format!("{name}{want}")), "{name}: expected {want:?} in {e}");
    }
    let e = trs_fails("trs-after", &trace, &["--after", "1e6"]);
    assert!(
        e.contains(
            "trs-after.csv: no consignment was released (departed) at or after minute 1000000: nothing to measure"
        ),
        "{e}"
    );
}

#[test]
fn trs_of_a_missing_trace_or_a_bad_after() {
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["trs", "no/such/trace.csv"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim_end(),
        "error: no/such/trace.csv: cannot read the trace: No such file or directory"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["trs", "tests/data/trs_trace.csv", "--after", "-5"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim_end(),
        "error: --after: must be a finite number of minutes, 0 or more, got -5"
    );
}

/// A good sweep file over [`GOOD`] (written beside it as good.toml).
const GOOD_SWEEP: &str = r#"[sweep]
scenario = "good.toml"

[design]
kind = "latin_hypercube"
points = 4
seed = 1

[[factors]]
name = "lanes"
key = "ports.p.stages.lane.servers"
range = { min = 1, max = 3 }
"#;

/// Runs `bordersim sweep` on a sweep file `src` beside good.toml: one located line, exit
/// code 2, nothing written.
fn sweep_fails(name: &str, src: &str) -> String {
    std::fs::create_dir_all(dir()).unwrap();
    std::fs::write(dir().join("good.toml"), GOOD).unwrap();
    let file = dir().join(format!("{name}.toml"));
    std::fs::write(&file, src).unwrap();
    let out = dir().join(format!("{name}-out"));
    let _ = std::fs::remove_dir_all(&out);
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["sweep", file.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{name}: {err}");
    assert!(!err.contains("panicked"), "{name}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{name}: not one line:\n{err}");
    assert!(!out.exists(), "{name}: output written despite the error");
    err
}

#[test]
fn bad_sweep_files() {
    let sw = |from: &str, to: &str| {
        assert!(GOOD_SWEEP.contains(from), "{from}");
        GOOD_SWEEP.replacen(from, to, 1)
    };
    let cases = [
        (
            "sweep-misspelt",
            sw("points = 4", "pionts = 4"),
            "sweep-misspelt.toml:6:1: unknown field `pionts`",
        ),
        (
            "sweep-kind",
            sw("\"latin_hypercube\"", "\"latin\""),
            "sweep-kind.toml:5:8: unknown variant `latin`",
        ),
        (
            "sweep-no-points",
            sw("points = 4\n", ""),
            "sweep-no-points.toml:4:2: design: kind = \"latin_hypercube\" needs `points`",
        ),
        (
            "sweep-one-point",
            sw("points = 4", "points = 1"),
            "sweep-one-point.toml:6:1: design.points: must be 2 to",
        ),
        (
            "sweep-no-seed",
            sw("seed = 1\n", ""),
            "design: kind = \"latin_hypercube\" needs `seed`",
        ),
        (
            "sweep-steps",
            sw("max = 3 }", "max = 3, steps = 3 }"),
            "sweep-steps.toml:12:29: factors.0.range.steps: a latin_hypercube samples the range continuously",
        ),
        (
            "sweep-range",
            sw("min = 1, max = 3", "min = 3, max = 1"),
            "sweep-range.toml:12:1: factors.0.range: min and max must be finite with min < max",
        ),
        (
            "sweep-simulation",
            sw("ports.p.stages.lane.servers", "simulation.horizon_days"),
            "sweep-simulation.toml:11:1: factors.0.key: a sweep cannot vary [simulation]",
        ),
        (
            "sweep-unknown-key",
            sw("stages.lane.servers", "stages.gate.servers"),
            "sweep-unknown-key.toml:11:1: factors.0.key: the scenario has no `ports.p.stages.gate`",
        ),
        (
            "sweep-both",
            sw("range = {", "values = [1]\nrange = {"),
            "sweep-both.toml:9:1: factors.0: give either `values` or `range`, not both",
        ),
        (
            "sweep-name",
            sw("name = \"lanes\"", "name = \"two lanes\""),
            "sweep-name.toml:10:1: factors.0.name: `two lanes`: a factor name is letters",
        ),
        (
            "sweep-scenario",
            sw("\"good.toml\"", "\"missing.toml\""),
            "sweep-scenario.toml:2:1: sweep.scenario:",
        ),
        (
            "sweep-metric",
            sw(
                "scenario = \"good.toml\"",
                "scenario = \"good.toml\"\nmetrics = [\"speed\"]",
            ),
            "sweep-metric.toml:3:12: sweep.metrics.0: `speed` is not a port-level metric",
        ),
        (
            "sweep-point",
            sw("min = 1, max = 3", "min = -2, max = -1"),
            "design point 0 (lanes = -",
        ),
        (
            "sweep-factors",
            GOOD_SWEEP.split("[[factors]]").next().unwrap().to_string(),
            "factors: a sweep needs at least one",
        ),
    ];
    let mut wrong = Vec::new();
    for (name, src, want) in cases {
        let e = sweep_fails(name, &src);
        if !e.contains(want) {
            wrong.push(format!("{name}: expected {want:?} in {e}"));
        }
        assert!(e.contains(&format!("{name}.toml")), "{name}: no file in {e}");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A good optimisation file over [`GOOD`] (written beside it as good.toml).
const GOOD_OPTIMISE: &str = r#"[optimise]
scenario = "good.toml"
first_replications = 3
max_replications = 10

[[variables]]
name = "lanes"
key = "ports.p.stages.lane.servers"
values = [1, 2, 3]
unit_cost = 1

[[constraints]]
metric = "wait_mean_min"
stage = "lane"
max = 5
"#;

/// Runs `bordersim optimise` on an optimisation file `src` beside good.toml: one located
/// line, exit code 2, nothing written.
fn optimise_fails(name: &str, src: &str, extra: &[&str]) -> String {
    std::fs::create_dir_all(dir()).unwrap();
    std::fs::write(dir().join("good.toml"), GOOD).unwrap();
    let file = dir().join(format!("{name}.toml"));
    std::fs::write(&file, src).unwrap();
    let out = dir().join(format!("{name}-out"));
    let _ = std::fs::remove_dir_all(&out);
    let o = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["optimise", file.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .args(extra)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{name}: {err}");
    assert!(!err.contains("panicked"), "{name}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{name}: not one line:\n{err}");
    assert!(!out.exists(), "{name}: output written despite the error");
    err
}

#[test]
fn bad_optimisation_files() {
    let op = |from: &str, to: &str| {
        assert!(GOOD_OPTIMISE.contains(from), "{from}");
        GOOD_OPTIMISE.replacen(from, to, 1)
    };
    let cases = [
        (
            "opt-misspelt",
            op("max_replications", "max_replicatons"),
            "opt-misspelt.toml:4:1: unknown field `max_replicatons`",
        ),
        (
            "opt-metric",
            op("\"wait_mean_min\"", "\"wait_avg_min\""),
            "opt-metric.toml:13:1: constraints.0.metric: `wait_avg_min` is not a metric of summary.json",
        ),
        (
            "opt-level",
            op("stage = \"lane\"\n", ""),
            "opt-level.toml:12:1: constraints.0: port `p` reports `wait_mean_min` only for: stage = \"lane\"",
        ),
        (
            "opt-stage",
            op("stage = \"lane\"", "stage = \"gate\""),
            "constraints.0: port `p` reports `wait_mean_min` only for: stage = \"lane\"",
        ),
        (
            "opt-port",
            op("stage = \"lane\"", "stage = \"lane\"\nport = \"q\""),
            "constraints.0: the scenario has no port `q`; its ports are p",
        ),
        (
            "opt-unknown-key",
            op("stages.lane.servers", "stages.gate.servers"),
            "opt-unknown-key.toml:8:1: variables.0.key: the scenario has no `ports.p.stages.gate`",
        ),
        (
            "opt-simulation",
            op("ports.p.stages.lane.servers", "simulation.seed"),
            "opt-simulation.toml:8:1: variables.0.key: an optimisation cannot vary [simulation]",
        ),
        (
            "opt-empty-values",
            op("values = [1, 2, 3]", "values = []"),
            "opt-empty-values.toml:9:1: variables.0.values: a non-empty list of finite numbers",
        ),
        (
            "opt-no-variables",
            op("[[variables]]", "[[nothing]]"),
            "unknown field `nothing`",
        ),
        (
            "opt-negative",
            op("max = 5", "max = -5"),
            "opt-negative.toml:15:1: constraints.0.max: `wait_mean_min` is never negative (minutes)",
        ),
        (
            "opt-fraction",
            op("wait_mean_min", "p_wait"),
            "constraints.0.max: `p_wait` is a fraction between 0 and 1, so a bound of 5 is out of its range",
        ),
        (
            "opt-both-bounds",
            op("max = 5", "max = 5\nmin = 1"),
            "opt-both-bounds.toml:12:1: constraints.0: give exactly one of `max`",
        ),
        (
            "opt-tolerance",
            op("max = 5", "max = 5\ntolerance = 0"),
            "constraints.0.tolerance: a positive number in the metric's unit (minutes)",
        ),
        (
            "opt-cost",
            op("unit_cost = 1", "unit_cost = 0"),
            "variables: every variable's unit_cost is 0",
        ),
        (
            "opt-no-cost",
            op("unit_cost = 1\n", ""),
            "opt-no-cost.toml:6:1: variables.0: a variable needs `unit_cost`",
        ),
        (
            "opt-first",
            op("first_replications = 3", "first_replications = 1"),
            "opt-first.toml:3:1: optimise.first_replications: at least 2",
        ),
        (
            "opt-budget",
            op("max_replications = 10", "max_replications = 2"),
            "opt-budget.toml:4:1: optimise.max_replications: at least first_replications (3), got 2",
        ),
        (
            "opt-candidate",
            op("values = [1, 2, 3]", "values = [1, -2]"),
            "candidate 1 (lanes = -2): the scenario refuses it",
        ),
        (
            "opt-no-constraints",
            GOOD_OPTIMISE.split("[[constraints]]").next().unwrap().to_string(),
            "constraints: an optimisation needs at least one [[constraints]] table",
        ),
    ];
    let mut wrong = Vec::new();
    for (name, src, want) in cases {
        let e = optimise_fails(name, &src, &[]);
        if !e.contains(want) {
            wrong.push(format!("{name}: expected {want:?} in {e}"));
        }
        assert!(e.contains(&format!("{name}.toml")), "{name}: no file in {e}");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let e = optimise_fails("opt-shard", GOOD_OPTIMISE, &["--shard", "1/2"]);
    assert!(e.contains("optimise takes no --shard"), "{e}");
    let e = optimise_fails("opt-reps", GOOD_OPTIMISE, &["--replications", "2"]);
    assert!(
        e.contains("--replications 2: the budget per candidate must be at least first_replications (3)"),
        "{e}"
    );
}
