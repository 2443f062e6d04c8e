//! The gate-log reader: what it accepts and where it points for each kind of bad file.

use super::*;
use crate::date::CivilDate;

fn ok(text: &str) -> GateLog {
    parse(text, Path::new("log.csv")).unwrap()
}

/// The error's (line, column, message).
fn bad(text: &str) -> (usize, usize, String) {
    match parse(text, Path::new("log.csv")).unwrap_err() {
        Error::Data {
            line, column, message, ..
        } => (line, column, message),
        e => panic!("not a located data error: {e}"),
    }
}

#[test]
fn reads_minutes_with_mode_and_vehicles_ignoring_other_columns() {
    let log = ok("plate,time,mode,vehicles\nA1,0,truck,1\n\n# a remark\nB2, 12.5 ,\"car\",3\r\nC3,12.5,truck,1000\n\n");
    assert!(log.has_mode && log.has_vehicles && !log.civil);
    assert_eq!(log.rows.len(), 3);
    assert_eq!(log.minutes(&StartInstant::default()), vec![0.0, 12.5, 12.5]);
    assert_eq!(log.rows[1].mode.as_deref(), Some("car"));
    assert_eq!(
        (log.rows[1].line, log.rows[1].mode_column, log.rows[1].vehicles),
        (5, 11, Some(3))
    );
    assert_eq!(log.rows[2].vehicles, Some(1000));
    assert_eq!(log.modes(), vec!["car", "truck"]);
}

#[test]
fn reads_date_times_and_places_them_from_the_start() {
    let log = ok("\u{feff}Time\n2025-11-03T06:30\n2025-11-03 07:00:30\n2025-11-04T00:00\n");
    assert!(log.civil && !log.has_mode && !log.has_vehicles);
    assert_eq!(
        log.rows[0].time,
        GateTime::Civil {
            date: CivilDate {
                year: 2025,
                month: 11,
                day: 3
            },
            minute_of_day: 390.0
        }
    );
    let start = StartInstant::parse("2025-11-03T06:00").unwrap();
    assert_eq!(log.minutes(&start), vec![30.0, 60.5, 1080.0]);
}

#[test]
fn a_missing_time_column_names_the_columns_found() {
    let (l, c, m) = bad("when,mode\n0,truck\n");
    assert_eq!((l, c), (1, 1));
    assert!(m.contains("no `time` column") && m.contains("`when`, `mode`"), "{m}");
}

#[test]
fn an_unparsable_time_gives_the_allowed_forms_at_its_column() {
    let (l, c, m) = bad("mode,time\ntruck,0\ntruck,03/11/2025 08:00\n");
    assert_eq!((l, c), (3, 7));
    assert!(
        m.contains("`03/11/2025 08:00` is not a time") && m.contains("YYYY-MM-DDTHH:MM:SS"),
        "{m}"
    );
}

#[test]
fn mixed_forms_are_refused() {
    let (l, c, m) = bad("time\n2025-11-03T06:30\n400\n");
    assert_eq!((l, c), (3, 1));
    assert!(m.contains("minutes but line 2 gives a date-time"), "{m}");
}

#[test]
fn negative_minutes_are_refused() {
    let (l, _, m) = bad("time\n-5\n");
    assert_eq!(l, 2);
    assert!(m.contains("negative"), "{m}");
}

#[test]
fn bad_vehicles_are_refused() {
    for v in ["0", "1001", "2.5", "-1", "", "x", "99999999999"] {
        let (l, c, m) = bad(&format!("time,vehicles\n0,1\n1,{v}\n"));
        assert_eq!((l, c), (3, 3), "{v}");
        assert!(m.contains("whole number from 1 to 1000"), "{v}: {m}");
    }
}

#[test]
fn an_empty_file_or_a_header_alone_is_refused() {
    let (l, c, m) = bad("");
    assert_eq!((l, c), (1, 1));
    assert!(m.contains("empty"), "{m}");
    let (l, _, m) = bad("\n# nothing\n\n");
    assert_eq!(l, 1);
    assert!(m.contains("empty"), "{m}");
    let (l, c, m) = bad("time,mode\n\n");
    assert_eq!((l, c), (2, 1));
    assert!(m.contains("no rows"), "{m}");
}

#[test]
fn a_row_with_too_few_or_too_many_fields_is_refused() {
    let (l, c, m) = bad("time,mode,vehicles\n0,truck\n");
    assert_eq!((l, c), (2, 8));
    assert!(
        m.contains("2 fields but the header has 3 (time, mode, vehicles)"),
        "{m}"
    );
    let (l, c, _) = bad("time,mode\n0,truck,9\n");
    assert_eq!((l, c), (2, 9));
}

#[test]
fn times_out_of_order_name_the_earlier_line() {
    let (l, c, m) = bad("time\n10\n20\n15\n");
    assert_eq!((l, c), (4, 1));
    assert!(m.contains("`15` is earlier than `20` on line 3"), "{m}");
    let (l, _, m) = bad("time\n2025-11-03T06:30\n2025-11-02T23:00\n");
    assert_eq!(l, 3);
    assert!(m.contains("time order"), "{m}");
}

#[test]
fn an_empty_mode_and_a_broken_quote_are_located() {
    let (l, c, m) = bad("time,mode\n0, \n");
    assert_eq!((l, c), (2, 3));
    assert!(m.contains("mode is empty"), "{m}");
    let (l, c, m) = bad("time,mode\n0,\"truck\n");
    assert_eq!((l, c), (2, 3));
    assert!(m.contains("closing quote"), "{m}");
}

#[test]
fn a_duplicated_column_is_refused() {
    let (l, c, m) = bad("time,mode,Time\n0,a,1\n");
    assert_eq!((l, c), (1, 11));
    assert!(m.contains("`time` twice"), "{m}");
}

#[test]
fn unreadable_files_and_bad_bytes_are_reported() {
    let dir = std::env::temp_dir().join(format!("bordersim-gate-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let e = read(&dir.join("missing.csv")).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(
        e.to_string()
            .ends_with("missing.csv: cannot read data file: no such file"),
        "{e}"
    );
    let e = read(&dir).unwrap_err();
    assert!(e.to_string().contains("it is a directory"), "{e}");
    let f = dir.join("latin1.csv");
    std::fs::write(&f, b"time,mode\n0,caf\xe9\n").unwrap();
    let e = read(&f).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("latin1.csv:2:6: the file is not valid UTF-8 text; save it as UTF-8 (plain ASCII is fine)"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn too_many_rows_are_refused_at_the_first_extra_row() {
    let text = "time\n0\n# skipped\n1\n2\n";
    assert_eq!(parse_capped(text, Path::new("g.csv"), 3).unwrap().rows.len(), 3);
    let e = parse_capped(text, Path::new("g.csv"), 2).unwrap_err();
    assert_eq!(
        e.to_string(),
        "g.csv:5:1: more than 2 rows; the largest gate log read has 2: split the file or replay a shorter period"
    );
    assert_eq!((MAX_ROWS, MAX_BYTES), (5_000_000, 1 << 30));
}

#[test]
fn the_error_displays_file_line_and_column() {
    let e = parse("time\nx\n", Path::new("data/g.csv")).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(e.to_string().starts_with("data/g.csv:2:1: `x` is not a time"), "{e}");
}
