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
    /// A bar for `replications` of each of `variants` models, counted in [`unit`].
    pub fn new(replications: u32, variants: u32, quiet: bool) -> Self {
        let total = u64::from(replications) * u64::from(variants.max(1));
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        let template = format!(
            "{{bar:40}} {{pos}}/{{len}} {}, {{elapsed}} elapsed, about {{eta}} left",
            unit(replications, variants)
        );
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style);
        }
        Self {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
            allowed: !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// A bar for `total` runs of a sweep (one replication of one design point each).
    pub fn runs(total: u64, quiet: bool) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        let template = "{bar:40} {pos}/{len} runs (point × replication), {elapsed} elapsed, about {eta} left";
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        Self {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
            allowed: !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// Records that `done` units (see [`unit`]) have finished.
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

/// What the bar counts: replications for one model; for several, runs (one replication of
/// one variant each), the unit the Ctrl-C message also counts in.
pub fn unit(replications: u32, variants: u32) -> String {
    if variants <= 1 {
        "replications".into()
    } else {
        format!("runs ({replications} replications × {variants} variants)")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bar_and_the_interrupt_message_count_the_same_unit() {
        assert_eq!(super::unit(10, 1), "replications");
        assert_eq!(super::unit(10, 4), "runs (10 replications × 4 variants)");
        let e = crate::error::Error::Interrupted {
            done: 3,
            requested: 10,
            variants: 4,
            saved: String::new(),
        };
        assert_eq!(
            e.to_string(),
            "interrupted after 12 of 40 runs (3 of 10 replications of each of 4 variants)"
        );
    }
}
