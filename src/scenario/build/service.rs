//! `[service]` (time-in-system targets, waits by hour of arrival) and `[costs]` (unit
//! costs of lanes, drivers and vehicle-hours).

use super::keys::{Invalid, KeyPath, shown};
use crate::model::service::{Costs, MAX_TARGETS, ServiceSpec};
use crate::scenario::format::{CostsSection, ServiceSection};

/// Longest target, minutes (a year): anything longer is a typo.
const MAX_TARGET_MIN: f64 = 525_600.0;

/// Largest unit cost: a typo, not a price.
const MAX_COST: f64 = 1e9;

/// Checks both sections.
pub(super) fn build(service: Option<&ServiceSection>, costs: Option<&CostsSection>) -> Result<ServiceSpec, Invalid> {
    let mut out = ServiceSpec::default();
    if let Some(s) = service {
        let path = KeyPath::root("service").child("targets_min");
        if s.targets_min.len() > MAX_TARGETS {
            return Err(path.invalid(format!("at most {MAX_TARGETS} targets, got {}", s.targets_min.len())));
        }
        for (i, &t) in s.targets_min.iter().enumerate() {
            let tp = path.child(&i.to_string());
            if !(t.is_finite() && t > 0.0 && t <= MAX_TARGET_MIN) {
                return Err(tp.invalid(format!(
                    "a target is more than 0 and at most {MAX_TARGET_MIN} minutes, got {}",
                    shown(t)
                )));
            }
            if i > 0 && t <= s.targets_min[i - 1] {
                return Err(tp.invalid(format!(
                    "targets are listed in increasing order: {} follows {}",
                    shown(t),
                    shown(s.targets_min[i - 1])
                )));
            }
        }
        out.targets = s.targets_min.clone();
        out.by_hour = s.by_hour;
    }
    if let Some(c) = costs {
        let path = KeyPath::root("costs");
        let unit = |v: f64, key: &str| {
            if v.is_finite() && (0.0..=MAX_COST).contains(&v) {
                Ok(v)
            } else {
                Err(path
                    .child(key)
                    .invalid(format!("a unit cost is from 0 to {MAX_COST:e}, got {}", shown(v))))
            }
        };
        out.costs = Some(Costs {
            lane_hour: unit(c.lane_hour, "lane_hour")?,
            driver_hour: unit(c.driver_hour, "driver_hour")?,
            vehicle_hour_waiting: unit(c.vehicle_hour_waiting, "vehicle_hour_waiting")?,
            vehicle_hour_in_port: unit(c.vehicle_hour_in_port, "vehicle_hour_in_port")?,
        });
    }
    Ok(out)
}
