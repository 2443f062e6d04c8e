//! trs.csv: the report in long (tidy) form, one row per port, mode and segment, the total
//! last for each mode.

use super::{Figures, Kind, TOTAL, TrsReport};
use crate::report::decimal::{push_micro, push_u64};
use std::io::Write;

/// Column names of trs.csv.
pub const HEADER: &str = "port,mode,segment,kind,stage,released,visits,mean_min,median_min,p95_min,share";

fn row(o: &mut String, names: [&str; 5], released: u64, visits: u64, f: &Figures) {
    for n in names {
        o.push_str(n);
        o.push(',');
    }
    push_u64(o, released);
    o.push(',');
    push_u64(o, visits);
    for v in [f.mean, f.median, f.p95] {
        o.push(',');
        push_micro(o, v);
    }
    o.push(',');
    if let Some(s) = f.share {
        push_micro(o, s);
    }
    o.push('\n');
}

/// Writes trs.csv for `r`: numbers rounded to six decimals as in the other CSV files, the
/// share as a fraction (empty when the mean release time is 0). Modes with no release
/// have no rows. Names are scenario names (checked when the trace is read) and segment
/// names add only spaces, so no field needs quoting.
pub fn write(w: &mut dyn Write, r: &TrsReport) -> std::io::Result<()> {
    let mut o = String::with_capacity(4096);
    o.push_str(HEADER);
    o.push('\n');
    for p in &r.ports {
        for m in &p.modes {
            let Some(total) = &m.total else { continue };
            for s in &m.segments {
                let names = [p.name.as_str(), &m.name, &s.name, s.kind.code(), &s.stage];
                row(&mut o, names, m.released, s.visits, &s.figures);
            }
            let names = [p.name.as_str(), &m.name, TOTAL, Kind::Total.code(), ""];
            row(&mut o, names, m.released, m.released, total);
        }
    }
    w.write_all(o.as_bytes())
}
