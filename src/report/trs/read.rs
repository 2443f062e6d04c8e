//! trs.csv read back and checked, for its charts: `bordersim trs` and `bordersim chart DIR`
//! both draw them from the saved file, so they draw the same bytes.

use super::csv::HEADER;
use super::{Figures, Kind, ModeReport, PortReport, Segment};
use crate::report::check::{Problem, ROUNDING, at, expect_header, for_each_line, name, number, shown};
use std::io::BufRead;

const KINDS: [Kind; 5] = [Kind::Wait, Kind::DriverWait, Kind::Service, Kind::Blocked, Kind::Total];

fn whole(line: usize, field: &str, s: &str) -> Result<u64, Problem> {
    s.parse::<u64>().ok().filter(|&v| v >= 1).ok_or_else(|| {
        at(
            line,
            format!("field {field}: must be a whole number of at least 1, got {}", shown(s)),
        )
    })
}

/// One checked row: port, mode, and the segment (the total as a segment of kind Total).
fn row(n: usize, f: &[&str]) -> Result<(String, String, Segment, u64), Problem> {
    if f.len() != 11 {
        return Err(at(n, format!("expected 11 fields, found {}", f.len())));
    }
    name(n, "port", f[0], false)?;
    name(n, "mode", f[1], false)?;
    let kind = KINDS.into_iter().find(|k| k.code() == f[3]).ok_or_else(|| {
        let codes: Vec<&str> = KINDS.iter().map(|k| k.code()).collect();
        at(
            n,
            format!("field kind: {} is not one of {}", shown(f[3]), codes.join(", ")),
        )
    })?;
    name(n, "stage", f[4], kind == Kind::Total)?;
    if (kind == Kind::Total) != f[4].is_empty() || f[2] != kind.segment_name(f[4]) {
        return Err(at(
            n,
            format!(
                "field segment: {} is not the name of a {} segment of stage {}",
                shown(f[2]),
                f[3],
                shown(f[4])
            ),
        ));
    }
    let released = whole(n, "released", f[5])?;
    let visits = whole(n, "visits", f[6])?;
    if visits > released {
        return Err(at(
            n,
            format!("field visits: {visits} is more than the {released} released"),
        ));
    }
    let share = if f[10].is_empty() {
        None
    } else {
        let s = number(n, "share", f[10], 0.0)?;
        if s > 1.0 + ROUNDING {
            return Err(at(n, format!("field share: must be at most 1, got {}", shown(f[10]))));
        }
        Some(s)
    };
    let figures = Figures {
        mean: number(n, "mean_min", f[7], 0.0)?,
        median: number(n, "median_min", f[8], 0.0)?,
        p95: number(n, "p95_min", f[9], 0.0)?,
        share,
    };
    let seg = Segment {
        name: f[2].to_string(),
        kind,
        stage: f[4].to_string(),
        visits,
        figures,
    };
    Ok((f[0].to_string(), f[1].to_string(), seg, released))
}

fn mode(name: &str, released: u64) -> ModeReport {
    ModeReport {
        name: name.to_string(),
        released,
        segments: Vec::new(),
        total: None,
        turned_away: 0,
        abandoned: 0,
        diverted: 0,
        inside: 0,
        unmeasured: 0,
    }
}

/// Parses and checks trs.csv: each mode's rows together, its segments once each and its
/// total last, the same count released on each. The context counts are not in the file
/// (they are 0 in what this returns); the charts do not show them.
pub fn parse(r: impl BufRead) -> Result<Vec<PortReport>, Problem> {
    let mut ports: Vec<PortReport> = Vec::new();
    let mut open = false;
    let lines = for_each_line(r, |n, line| {
        if n == 1 {
            return expect_header(line, HEADER);
        }
        let f: Vec<&str> = line.split(',').collect();
        let (port, m, seg, released) = row(n, &f)?;
        let at_port = ports.iter().position(|p| p.name == port);
        let current = at_port.and_then(|i| ports[i].modes.last().map(|x| (i, x)));
        let same = current.is_some_and(|(_, x)| x.name == m && open);
        if !same {
            if open {
                return Err(at(n, "the previous mode's rows end without their total row".into()));
            }
            let i = at_port.unwrap_or_else(|| {
                ports.push(PortReport {
                    name: port.clone(),
                    modes: Vec::new(),
                });
                ports.len() - 1
            });
            if ports[i].modes.iter().any(|x| x.name == m) {
                return Err(at(
                    n,
                    format!("field mode: the rows of mode {} at port {port} are split", shown(&m)),
                ));
            }
            ports[i].modes.push(mode(&m, released));
            open = true;
        }
        let p = ports.iter_mut().find(|p| p.name == port).expect("added above");
        let x = p.modes.last_mut().expect("added above");
        if x.released != released {
            return Err(at(
                n,
                format!(
                    "field released: {released}, but {} on this mode's first row",
                    x.released
                ),
            ));
        }
        if seg.kind == Kind::Total {
            x.total = Some(seg.figures);
            open = false;
        } else if x.segments.iter().any(|s| s.kind == seg.kind && s.stage == seg.stage) {
            return Err(at(n, format!("field segment: {} appears twice", shown(&seg.name))));
        } else {
            x.segments.push(seg);
        }
        Ok(())
    })?;
    if lines == 0 {
        return Err(at(1, "the file is empty: expected a header line".into()));
    }
    if open {
        return Err(at(lines, "the last mode's rows end without their total row".into()));
    }
    Ok(ports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trs_csv_reads_back_as_written() {
        let text = super::super::tests::written_csv();
        let ports = parse(text.as_bytes()).unwrap();
        assert_eq!(ports.len(), 2);
        let car = &ports[0].modes[0];
        assert_eq!((car.name.as_str(), car.released, car.segments.len()), ("car", 3, 7));
        assert_eq!(car.segments[2].figures.p95, 8.0);
        assert_eq!(ports[0].rows(), super::super::tests::report().ports[0].rows());
        let bad = |from: &str, to: &str| parse(text.replacen(from, to, 1).as_bytes()).unwrap_err();
        assert_eq!(bad(",blocked,gate,3,1,", ",blocked,gate,3,4,").line, Some(4));
        assert!(
            bad("waiting for inspection,wait", "waiting for exit,wait")
                .message
                .contains("field segment")
        );
        assert!(
            bad("0.444444", "1.5")
                .message
                .contains("field share: must be at most 1")
        );
        assert!(
            bad("alpha,car,Total release time,total,,3,3,19.333333,20,22,1\n", "")
                .message
                .contains("without their total row")
        );
        assert!(bad(",2,2,4,4,4,", ",2,2,4,x,4,").message.contains("field median_min"));
    }
}
