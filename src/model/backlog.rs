//! The backlog after each dated event (a stage's dated change, a port closure, a surge, a
//! batch): its level just before the event, its peak and when it was reached, and when it
//! was back to its level before.
//!
//! The backlog is the port's consignments inside (waiting or being cleared), the level
//! Little's law reads. A tracker starts at the event and follows every change of that
//! level, keeping the highest level (the peak) and when it was first reached:
//! - a period (a closure, a surge, a change with an end, or one a later change of the same
//!   stage replaces) recovers at the first moment from its end on when the level is back
//!   at or below its level before, and the tracker stops there; waiting for the end keeps
//!   a closure's first minutes, when the consignments in service leave, from reading as a
//!   recovery;
//! - an instant (a batch) recovers at the first return to that level after it rose;
//! - an open-ended change is followed to the end of the run: its recovery is the first
//!   return to the level before after its highest peak, or none.

use super::key::{MetricKey, Scope};
use super::metrics::Metrics;
use super::names::intern;
use super::observer::Observer;
use super::sim::{Event, Simulation};
use crate::engine::{Calendar, Time};
use crate::policy::ClearancePolicy;

/// A dated event whose backlog is followed.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// What happened, for tables and charts ("nur_zholy.e_queue: daily_cap 650 from ...").
    pub label: String,
    /// Port whose backlog is followed.
    pub port: usize,
    /// When the event starts, minutes.
    pub from: Time,
    /// When it ends (`from` for an instant, infinity for "from then on").
    pub end: Time,
}

/// One event's backlog in one replication.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tracker {
    /// Following the level now.
    pub active: bool,
    /// The event has ended: a return to the level before is a recovery.
    pub armed: bool,
    /// Level just before the event.
    pub before: f64,
    /// Highest level since.
    pub peak: f64,
    /// When it was reached.
    pub peak_at: Time,
    /// When the level was back to `before` after the event's end.
    pub recovered: Option<Time>,
}

/// The names of mark `k`'s (0-based) metrics: level before, peak, minutes from the event
/// to the peak, minutes from the event to the recovery.
pub fn names(k: usize) -> [&'static str; 4] {
    let n = k + 1;
    [
        intern(format!("event_{n}_backlog_before")),
        intern(format!("event_{n}_backlog_peak")),
        intern(format!("event_{n}_peak_after_min")),
        intern(format!("event_{n}_recovery_min")),
    ]
}

/// The mark (0-based) a metric name made by [`names`] belongs to, if it is one.
pub fn mark_of(name: &str) -> Option<usize> {
    let rest = name.strip_prefix("event_")?;
    let (n, _) = rest.split_once('_')?;
    n.parse::<usize>().ok()?.checked_sub(1)
}

impl<P: ClearancePolicy, O: Observer> Simulation<'_, P, O> {
    /// Books the start (and end) of every mark.
    pub(super) fn schedule_marks(&mut self, cal: &mut Calendar<Event>) {
        for (i, m) in self.spec.marks.iter().enumerate() {
            cal.schedule(m.from, Event::Mark(i as u32, false));
            if m.end > m.from && m.end < self.spec.horizon {
                cal.schedule(m.end, Event::Mark(i as u32, true));
            }
        }
    }

    /// Mark `i` starts (`ended` false) or ends.
    #[inline(never)]
    pub(super) fn on_mark(&mut self, now: Time, i: usize, ended: bool) {
        let m = &self.spec.marks[i];
        let level = self.ports[m.port].in_system.value();
        let t = &mut self.trackers[i];
        if !ended {
            *t = Tracker {
                active: true,
                armed: m.end <= m.from || m.end.is_infinite(),
                before: level,
                peak: level,
                peak_at: now,
                recovered: None,
            };
            self.ports[m.port].tracked = true;
        } else if t.active {
            t.armed = true;
            if level <= t.before {
                t.recovered = Some(now);
                t.active = false;
            }
        }
    }

    /// The backlog of `port` changed: every active tracker there follows it.
    #[inline(never)]
    pub(super) fn on_level(&mut self, now: Time, port: usize) {
        let level = self.ports[port].in_system.value();
        let mut any = false;
        for (t, m) in self.trackers.iter_mut().zip(&self.spec.marks) {
            if !t.active || m.port != port {
                continue;
            }
            if level > t.peak {
                (t.peak, t.peak_at) = (level, now);
                // An open-ended event's recovery is the return after its highest peak.
                t.recovered = None;
            } else if t.armed && level <= t.before && t.peak > t.before && t.recovered.is_none() {
                t.recovered = Some(now);
                // A period or an instant stops at its first recovery; an open-ended event
                // is followed to the end of the run, since it never ends.
                t.active = m.end.is_infinite();
            }
            any |= t.active;
        }
        self.ports[port].tracked = any;
    }

    /// Mark metrics of `port`, in mark order.
    pub(super) fn backlog_metrics(&self, port: usize, out: &mut Metrics) {
        for (k, (m, t)) in self.spec.marks.iter().zip(&self.trackers).enumerate() {
            if m.port != port {
                continue;
            }
            let key = |name| MetricKey {
                port,
                scope: Scope::Port,
                name,
            };
            let [before, peak, peak_after, recovery] = names(k);
            // A mark past the horizon never started (it cannot: marks fall inside the run).
            out.push((key(before), Some(t.before)));
            out.push((key(peak), Some(t.peak)));
            out.push((key(peak_after), Some(t.peak_at - m.from)));
            out.push((key(recovery), t.recovered.map(|r| r - m.from)));
        }
    }
}
