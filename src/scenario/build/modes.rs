//! `[modes.NAME]`: what a consignment of each mode is and how many vehicles it holds.

use super::keys::{Invalid, KeyPath, check_name, shown};
use crate::model::{ModeKind, ModeSpec};
use crate::random::Dist;
use crate::scenario::dist::build_dist;
use crate::scenario::format::{DistSpec, ModeKindName, ModeSection};
use std::collections::BTreeMap;

/// The modes in name order, and each name's index.
#[derive(Debug, Clone, Default)]
pub(super) struct Modes {
    /// Mode specs, index = mode index.
    pub specs: Vec<ModeSpec>,
    /// Mode name to index.
    pub index: BTreeMap<String, usize>,
}

/// Checks every mode.
pub(super) fn build(modes: &BTreeMap<String, ModeSection>) -> Result<Modes, Invalid> {
    let mut out = Modes::default();
    for (name, m) in modes {
        let mp = KeyPath::root("modes").child(name);
        check_name(&mp, name)?;
        let kind = mode_kind(&m.kind, &mp)?;
        let vehicles = match (&m.vehicles, kind) {
            (None, ModeKind::CageTruck) => {
                return Err(mp
                    .child("vehicles")
                    .invalid("a cage_truck mode needs `vehicles`, e.g. { dist = \"empirical\", values = [6, 7, 8] }"));
            }
            (Some(_), ModeKind::SelfDriving) => {
                return Err(mp
                    .child("vehicles")
                    .invalid("a self_driving consignment is one vehicle: remove `vehicles`"));
            }
            (None, _) => Dist::Constant(1.0),
            (Some(d), _) => vehicle_count(d, &mp.child("vehicles"))?,
        };
        let metres = metres(m, &mp)?;
        out.index.insert(name.clone(), out.specs.len());
        out.specs.push(ModeSpec {
            name: name.clone(),
            kind,
            vehicles,
            metres,
        });
    }
    Ok(out)
}

fn mode_kind(kind: &ModeKindName, mp: &KeyPath) -> Result<ModeKind, Invalid> {
    Ok(match kind {
        ModeKindName::CageTruck => ModeKind::CageTruck,
        ModeKindName::SelfDriving => ModeKind::SelfDriving,
        ModeKindName::Generic => ModeKind::Generic,
        ModeKindName::Unknown(other) => {
            return Err(mp.child("kind").invalid(format!(
                "unknown mode kind `{other}`: allowed are `cage_truck`, `self_driving`, `generic`"
            )));
        }
    })
}

/// Longest consignment or gap in a line, metres: a road train is about 50.
const MAX_METRES: f64 = 100.0;

/// Metres one consignment of the mode takes in a line: `length_m` plus `gap_m`.
fn metres(m: &ModeSection, mp: &KeyPath) -> Result<f64, Invalid> {
    let check = |v: f64, key: &str, zero_ok: bool| {
        if v.is_finite() && v <= MAX_METRES && (v > 0.0 || (zero_ok && v == 0.0)) {
            Ok(v)
        } else {
            Err(mp.child(key).invalid(format!(
                "must be {} and at most {MAX_METRES} metres, got {}",
                if zero_ok { "0 or more" } else { "more than 0" },
                shown(v)
            )))
        }
    };
    match (m.length_m, m.gap_m) {
        (None, None) => Ok(0.0),
        (None, Some(_)) => Err(mp
            .child("gap_m")
            .invalid("a gap needs the mode's `length_m` too (the queue is counted in lengths plus gaps)")),
        (Some(l), g) => Ok(check(l, "length_m", false)? + check(g.unwrap_or(0.0), "gap_m", true)?),
    }
}

/// Most vehicles one consignment may hold: a long car train, not a typo.
const MAX_VEHICLES: f64 = 1000.0;

/// The vehicles-per-consignment distribution. A carrier holds whole cars, at least one, so
/// only `constant` and `empirical` tables of whole numbers from 1 to 1000 are allowed: every
/// draw is then exactly a count, and `vehicles_per_year` is divided by the mean of exactly
/// the distribution that is drawn (no rounding in between that would shift it).
fn vehicle_count(d: &DistSpec, path: &KeyPath) -> Result<Dist, Invalid> {
    let whole = |p: KeyPath, v: f64| {
        if v.fract() == 0.0 && (1.0..=MAX_VEHICLES).contains(&v) {
            Ok(())
        } else {
            Err(p.invalid(format!(
                "a consignment holds whole vehicles: must be a whole number from 1 to {MAX_VEHICLES}, got {}",
                shown(v)
            )))
        }
    };
    match d {
        DistSpec::Constant { value } => whole(path.child("value"), *value)?,
        DistSpec::Empirical { values, .. } => {
            for (i, v) in values.iter().enumerate() {
                whole(path.child("values").child(&i.to_string()), *v)?;
            }
        }
        other => {
            return Err(path.invalid(format!(
                "vehicles per consignment are whole numbers: use {{ dist = \"constant\", value = N }} or \
                 {{ dist = \"empirical\", values = [...] }} with whole numbers from 1 to {MAX_VEHICLES}, not `{}`",
                other.name()
            )));
        }
    }
    build_dist(d, path)
}
