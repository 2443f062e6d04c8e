//! A progress bar for runs and comparisons that take more than a second.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Counts finished replications on standard error. Starts hidden and appears only once the
/// work has run for a second, and never when standard error is not a terminal or with
/// `--quiet`, so scripted runs and short runs print nothing extra.
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
    allowed: bool,
}

impl Progress {
    /// A bar for `total` replications.
    pub fn new(total: u64, quiet: bool) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40} {pos}/{len} replications, {elapsed} elapsed, about {eta} left")
        {
            bar.set_style(style);
        }
        Self {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
            allowed: !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// Records that `done` replications have finished.
    pub fn set(&self, done: u64) {
        self.bar.set_position(done);
        if self.allowed && self.started.elapsed() > Duration::from_secs(1) && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
