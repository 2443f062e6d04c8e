//! `surges = [...]` on a flow or a shared demand (dated arrival multipliers on top of the
//! profiles) and `batches = [...]` on a flow (one-off groups arriving together).

use super::changes::minute;
use super::keys::{Invalid, KeyPath, shown};
use super::simulation::Settings;
use crate::date::StartInstant;
use crate::model::backlog::Mark;
use crate::model::{ArrivalSpec, Batch, ModelSpec, Surge};
use crate::scenario::format::{BatchSection, ScenarioFile, SurgeSection};

/// Largest surge factor: thinning draws candidates at the peak rate all year, so a larger
/// one would slow every replication for a few days' rush.
pub const MAX_FACTOR: f64 = 100.0;

/// Most consignments in one batch.
pub const MAX_BATCH: u32 = 100_000;

/// Adds every flow's and demand's surges and every flow's batches to `spec`.
pub(super) fn build(file: &ScenarioFile, settings: &Settings, spec: &mut ModelSpec) -> Result<(), Invalid> {
    for (pname, port) in &file.ports {
        for (mname, f) in &port.flows {
            let path = KeyPath::root("ports").child(pname).child("flows").child(mname);
            let Some(fi) = spec
                .flows
                .iter()
                .position(|fl| spec.ports[fl.port].name == *pname && spec.modes[fl.mode].name == *mname)
            else {
                continue;
            };
            let surges = surges(&f.surges, &path, settings)?;
            let port = spec.flows[fi].port;
            let name = format!("{pname}.{mname}");
            mark_surges(spec, &surges, &f.surges, &[port], &name);
            attach(&mut spec.flows[fi].arrivals, surges, &path)?;
            for (i, b) in f.batches.iter().enumerate() {
                let b2 = batch(b, fi, &path.child("batches").child(&i.to_string()), settings)?;
                spec.marks.push(Mark {
                    label: format!("{name}: batch of {} at {}", b.consignments, b.at),
                    port,
                    from: b2.at,
                    end: b2.at,
                });
                spec.batches.push(b2);
            }
        }
    }
    for (dname, d) in &file.demand {
        let path = KeyPath::root("demand").child(dname);
        let Some(di) = spec.demands.iter().position(|x| x.name == *dname) else {
            continue;
        };
        let surges = surges(&d.surges, &path, settings)?;
        // A demand's surge raises the backlog of every port it sends to.
        let mut ports: Vec<usize> = spec
            .flows
            .iter()
            .filter(|f| matches!(f.arrivals, ArrivalSpec::Shared(x) if x == di))
            .map(|f| f.port)
            .collect();
        ports.sort_unstable();
        ports.dedup();
        mark_surges(spec, &surges, &d.surges, &ports, &format!("demand {dname}"));
        attach(&mut spec.demands[di].arrivals, surges, &path)?;
    }
    // Stable: batches at the same minute arrive in file order.
    spec.batches.sort_by(|a, b| a.at.total_cmp(&b.at));
    Ok(())
}

/// One mark per surge and port.
fn mark_surges(spec: &mut ModelSpec, surges: &[Surge], written: &[SurgeSection], ports: &[usize], name: &str) {
    for (s, w) in surges.iter().zip(written) {
        for &port in ports {
            spec.marks.push(Mark {
                label: format!("{name}: surge x{} from {} to {}", w.factor, w.from, w.to),
                port,
                from: s.from,
                end: s.to,
            });
        }
    }
}

/// Puts `surges` on a Poisson process; other processes take none.
fn attach(arrivals: &mut ArrivalSpec, surges: Vec<Surge>, path: &KeyPath) -> Result<(), Invalid> {
    if surges.is_empty() {
        return Ok(());
    }
    match arrivals {
        ArrivalSpec::Poisson(p) => {
            p.surges = surges;
            Ok(())
        }
        ArrivalSpec::Shared(_) => Err(path
            .child("surges")
            .invalid("a flow fed by a shared demand takes its surges from the demand: put them under [demand.NAME]")),
        _ => Err(path
            .child("surges")
            .invalid("surges only apply to Poisson arrivals (`rate`)")),
    }
}

fn surges(list: &[SurgeSection], path: &KeyPath, settings: &Settings) -> Result<Vec<Surge>, Invalid> {
    list.iter()
        .enumerate()
        .map(|(i, s)| surge(s, &path.child("surges").child(&i.to_string()), settings))
        .collect()
}

/// Minutes to an instant that must fall on a calendar hour.
fn on_the_hour(text: &str, path: &KeyPath, settings: &Settings, inside: bool) -> Result<f64, Invalid> {
    let t = if inside {
        minute(text, path, settings)?
    } else {
        settings
            .start
            .minutes_until(&StartInstant::parse(text).map_err(|e| path.invalid(e))?)
    };
    if !settings.start.minute_of_week(t).is_multiple_of(60) {
        return Err(path.invalid(format!("{text}: a surge starts and ends on the hour (HH:00)")));
    }
    Ok(t)
}

fn surge(s: &SurgeSection, path: &KeyPath, settings: &Settings) -> Result<Surge, Invalid> {
    let from = on_the_hour(&s.from, &path.child("from"), settings, true)?;
    let to = on_the_hour(&s.to, &path.child("to"), settings, false)?;
    if to <= from {
        return Err(path.child("to").invalid(format!("must be after `from` ({})", s.from)));
    }
    if !(s.factor.is_finite() && (0.0..=MAX_FACTOR).contains(&s.factor)) {
        return Err(path.child("factor").invalid(format!(
            "must be a number from 0 to {MAX_FACTOR}, got {}",
            shown(s.factor)
        )));
    }
    Ok(Surge {
        from,
        to,
        factor: s.factor,
    })
}

fn batch(b: &BatchSection, flow: usize, path: &KeyPath, settings: &Settings) -> Result<Batch, Invalid> {
    let at = minute(&b.at, &path.child("at"), settings)?;
    if !(1..=MAX_BATCH).contains(&b.consignments) {
        return Err(path
            .child("consignments")
            .invalid(format!("must be from 1 to {MAX_BATCH}, got {}", b.consignments)));
    }
    Ok(Batch {
        flow,
        at,
        consignments: b.consignments,
    })
}
