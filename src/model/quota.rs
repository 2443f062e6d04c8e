//! The daily quota of a stage: at most N clearances start per calendar day (a neighbour's
//! e-queue slots), counted from the scenario clock's midnight.

/// A stage's quota during a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Clearance starts allowed per day now (`u32::MAX` for no quota).
    pub cap: u32,
    /// Clearance starts since the last midnight.
    pub started_today: u32,
    /// Calendar days of the measured window on which the quota was used up (a day whose
    /// quota ran out before the warm-up ended counts too).
    pub capped_days: u64,
}

impl Default for Quota {
    fn default() -> Self {
        Self {
            cap: u32::MAX,
            started_today: 0,
            capped_days: 0,
        }
    }
}

impl Quota {
    /// True when one more clearance may start today.
    #[inline]
    pub fn allows(&self) -> bool {
        self.started_today < self.cap
    }

    /// Counts a clearance start; the start that uses the quota up marks the day capped.
    #[inline]
    pub fn count_start(&mut self, measuring: bool) {
        if self.cap != u32::MAX {
            self.started_today += 1;
            if self.started_today == self.cap && measuring {
                // Once per day: the quota is used up now. A day used up before the warm-up
                // ended is counted at the warm-up's end instead.
                self.capped_days += 1;
            }
        }
    }

    /// The warm-up ends: only today can already be capped.
    pub fn restart(&mut self) {
        self.capped_days = u64::from(self.cap != u32::MAX && self.started_today >= self.cap);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_that_uses_the_quota_up_caps_the_day_once() {
        let mut q = Quota {
            cap: 2,
            ..Quota::default()
        };
        q.count_start(true);
        assert!(q.allows());
        q.count_start(true);
        assert!(!q.allows());
        assert_eq!(q.capped_days, 1);
        q.started_today = 0;
        q.count_start(false);
        q.count_start(false);
        assert_eq!(q.capped_days, 1, "not measuring yet");
        q.restart();
        assert_eq!(q.capped_days, 1, "today was capped before the warm-up ended");
        let mut none = Quota::default();
        none.count_start(true);
        assert_eq!((none.started_today, none.capped_days), (0, 0));
    }
}
