//! The text an event log repeats on every row, built once per model: port and mode of each
//! flow, each stage's name and kind, and each activity's label.

use super::line::Text;
use crate::model::{ModelSpec, StageKind};

/// What happened, as the log's `event` column names it. In the order of [`ACTIVITIES`],
/// so that `activity as usize` indexes the per-activity text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Activity {
    /// Arrived at a port.
    Arrived,
    /// Refused at a full entrance.
    TurnedAway,
    /// Joined a stage.
    Entered,
    /// Its clearance (dwell, or a driver pick-up) began.
    Started,
    /// Its clearance ended.
    Finished,
    /// Finished, but held: the next stage was full.
    Blocked,
    /// Moves on after being held.
    Unblocked,
    /// Left a stage.
    Left,
    /// Left the port, released.
    Departed,
    /// Gave up in a line.
    Abandoned,
    /// Left a line for another port.
    Diverted,
}

/// Every activity, in declaration order.
pub const ACTIVITIES: [Activity; 11] = [
    Activity::Arrived,
    Activity::TurnedAway,
    Activity::Entered,
    Activity::Started,
    Activity::Finished,
    Activity::Blocked,
    Activity::Unblocked,
    Activity::Left,
    Activity::Departed,
    Activity::Abandoned,
    Activity::Diverted,
];

impl Activity {
    /// The `event` column's word.
    pub fn word(self) -> &'static str {
        match self {
            Activity::Arrived => "arrived",
            Activity::TurnedAway => "turned_away",
            Activity::Entered => "entered",
            Activity::Started => "started",
            Activity::Finished => "finished",
            Activity::Blocked => "blocked",
            Activity::Unblocked => "unblocked",
            Activity::Left => "left",
            Activity::Departed => "departed",
            Activity::Abandoned => "abandoned",
            Activity::Diverted => "diverted",
        }
    }
}

/// A CSV field: quoted when it holds a comma, a quote or a line break.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A stage as the log sees it.
#[derive(Debug, Clone)]
pub struct StageNames {
    /// `stage,event,activity,` for each activity, in [`ACTIVITIES`] order.
    pub events: Vec<Text>,
    /// The driver pool of a driver stage.
    pub pool: Option<usize>,
}

/// The repeated text of one model's log.
#[derive(Debug, Clone)]
pub struct Names {
    /// `port,mode,` of each flow.
    pub flows: Vec<Text>,
    /// Each stage.
    pub stages: Vec<StageNames>,
    /// `,event,activity,` for the port-level activities (stage column empty), in
    /// [`ACTIVITIES`] order.
    pub port_events: Vec<Text>,
    /// Driver pools.
    pub pools: usize,
}

impl Names {
    /// The most bytes, padding included, that the names add to one row.
    pub fn widest(&self) -> usize {
        let widest = |t: &[Text]| t.iter().map(Text::padded).max().unwrap_or(0);
        let stage = self.stages.iter().map(|s| widest(&s.events)).max().unwrap_or(0);
        widest(&self.flows) + stage.max(widest(&self.port_events))
    }
}

impl Names {
    /// Builds the text for `spec`.
    pub fn new(spec: &ModelSpec) -> Self {
        let flows = spec
            .flows
            .iter()
            .map(|f| {
                let text = format!(
                    "{},{},",
                    field(&spec.ports[f.port].name),
                    field(&spec.modes[f.mode].name)
                );
                Text::new(text.as_bytes())
            })
            .collect();
        let stages = spec
            .stages
            .iter()
            .map(|s| StageNames {
                events: ACTIVITIES
                    .iter()
                    .map(|a| {
                        let activity = field(&format!("{} {}", s.name, a.word()));
                        Text::new(format!("{},{},{activity},", field(&s.name), a.word()).as_bytes())
                    })
                    .collect(),
                pool: match s.kind {
                    StageKind::Driver { pool } => Some(pool),
                    _ => None,
                },
            })
            .collect();
        let port_events = ACTIVITIES
            .iter()
            .map(|a| Text::new(format!(",{},{},", a.word(), a.word()).as_bytes()))
            .collect();
        Self {
            flows,
            stages,
            port_events,
            pools: spec.pools.len(),
        }
    }
}
