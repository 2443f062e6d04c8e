//! The fully sequential feasibility check of Batur and Kim (2010), "Finding feasible systems
//! in the presence of constraints on multiple performance measures", ACM TOMACS 20(3), with
//! c = 1 (the triangular continuation region of Andradóttir and Kim 2010, "Fully sequential
//! procedures for comparing constrained systems via simulation", Naval Research Logistics 57).
//!
//! For one constraint E[Y] <= q with tolerance eps: after n0 replications, S² is the sample
//! variance; at every r >= n0 the running sum D_r = sum (Y_j - q) is compared with
//! R(r) = max(0, h² S² / (2 eps) - eps r / 2). D_r <= -R(r) declares the constraint met,
//! D_r >= R(r) violated; in between, one more replication. R reaches 0 at r = h² S² / eps², so
//! the check ends by then. With eta = ((2 beta)^(-2/(n0-1)) - 1) / 2 and h² = 2 eta (n0 - 1), a
//! constraint whose true mean is at least eps inside the bound is declared met, and one at
//! least eps outside declared violated, each with probability at least 1 - beta, for normal
//! replication values. Within eps of the bound either answer is acceptable.
//!
//! The triangle's width grows with S² / eps whatever the distance from the bound, so a
//! candidate far beyond it with noisy replications could use the whole budget. bordersim
//! therefore looks once at the first stage with a one-sided t test at level beta / 2 (the
//! mean of n0 values more than t(1 - beta/2, n0 - 1) S / sqrt(n0) beyond the bound, or inside
//! it), and runs the sequential check at beta / 2 when that look does not decide. By the union
//! bound each constraint's check errs with probability at most beta.
//!
//! The error is spent over every candidate and constraint by Bonferroni (beta = alpha /
//! (candidates x constraints)), which needs no independence between candidates, so it holds
//! under common random numbers too.

/// The first-stage screen's critical value: the one-sided t quantile at `beta`.
pub fn screen_t(n0: u32, beta: f64) -> f64 {
    crate::stats::student::t_quantile(1.0 - beta, f64::from(n0 - 1))
}

/// The procedure's constant h² for first-stage size `n0` and per-check error `beta`.
pub fn h2(n0: u32, beta: f64) -> f64 {
    let k = f64::from(n0 - 1);
    let eta = 0.5 * ((2.0 * beta).powf(-2.0 / k) - 1.0);
    2.0 * eta * k
}

/// Where one constraint's check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The constraint holds (within its tolerance).
    Met,
    /// The constraint fails (beyond its tolerance).
    Violated,
    /// Not yet decided.
    Open,
}

/// The sequential check of one constraint on one candidate, fed one replication at a time.
#[derive(Debug, Clone)]
pub struct Check {
    /// The bound, as an upper bound on `sign * Y`.
    q: f64,
    /// +1 for `max`, -1 for `min`.
    sign: f64,
    eps: f64,
    n0: u32,
    h2: f64,
    /// The first-stage screen's t value.
    t: f64,
    /// sum of (sign * Y - q).
    d: f64,
    /// The first n0 values (for S²).
    first: Vec<f64>,
    /// S² once n0 values are in.
    s2: Option<f64>,
    n: u32,
    verdict: Verdict,
    /// Replications at the decision.
    decided_at: Option<u32>,
}

impl Check {
    /// A check of `sign * Y <= sign * bound` with tolerance `eps`, the sequential part with
    /// constant `h2` and the first-stage screen with t value `t`.
    pub fn new(bound: super::Bound, eps: f64, n0: u32, h2: f64, t: f64) -> Self {
        let sign = bound.sign();
        Self {
            q: sign * bound.value(),
            sign,
            eps,
            n0,
            h2,
            t,
            d: 0.0,
            first: Vec::with_capacity(n0 as usize),
            s2: None,
            n: 0,
            verdict: Verdict::Open,
            decided_at: None,
        }
    }

    /// Adds replication `n + 1`'s value; decides when the running sum leaves the region.
    pub fn add(&mut self, y: f64) {
        if self.verdict != Verdict::Open {
            return;
        }
        let x = self.sign * y;
        self.n += 1;
        self.d += x - self.q;
        if self.n <= self.n0 {
            self.first.push(x);
        }
        if self.n == self.n0 {
            let m = self.first.iter().sum::<f64>() / f64::from(self.n0);
            let ss: f64 = self.first.iter().map(|v| (v - m) * (v - m)).sum();
            let s2 = ss / f64::from(self.n0 - 1);
            self.s2 = Some(s2);
            let half = self.t * (s2 / f64::from(self.n0)).sqrt();
            if m + half < self.q {
                self.verdict = Verdict::Met;
            } else if m - half > self.q {
                self.verdict = Verdict::Violated;
            }
            if self.verdict != Verdict::Open {
                self.decided_at = Some(self.n);
                return;
            }
        }
        let Some(s2) = self.s2 else { return };
        let r = (self.h2 * s2 / (2.0 * self.eps) - self.eps * f64::from(self.n) / 2.0).max(0.0);
        if self.d <= -r {
            self.verdict = Verdict::Met;
        } else if self.d >= r {
            self.verdict = Verdict::Violated;
        }
        if self.verdict != Verdict::Open {
            self.decided_at = Some(self.n);
        }
    }

    /// The verdict so far.
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }

    /// Replications after which the check must have decided: h² S² / eps², at least n0.
    pub fn horizon(&self) -> Option<u32> {
        self.s2.map(|s2| {
            let n = (self.h2 * s2 / (self.eps * self.eps)).ceil();
            if n.is_finite() && n < f64::from(u32::MAX) {
                (n as u32).max(self.n0)
            } else {
                u32::MAX
            }
        })
    }

    /// Replications it had when it decided.
    pub fn decided_at(&self) -> Option<u32> {
        self.decided_at
    }
}

#[cfg(test)]
mod tests {
    use super::super::Bound;
    use super::*;
    use rand_distr::{Distribution, Normal};

    #[test]
    fn h2_matches_the_closed_form_and_grows_as_beta_shrinks() {
        // n0 = 2: eta = ((2 beta)^-2 - 1) / 2, h2 = 2 eta.
        let b = 0.025;
        assert!((h2(2, b) - ((2.0 * b).powi(-2) - 1.0)).abs() < 1e-9);
        assert!(h2(5, 0.001) > h2(5, 0.01));
        assert!(h2(10, 0.01) < h2(5, 0.01));
    }

    /// Monte Carlo of the guarantee: at eps inside the bound, declared met at least 1 - beta
    /// of the time; at eps outside, declared violated; and the check always ends by its
    /// horizon.
    #[test]
    fn the_check_keeps_its_error_rate_at_the_edge_of_the_indifference_zone() {
        let (beta, n0, eps, q) = (0.05, 5, 0.5, 10.0);
        let (hh, tt) = (h2(n0, beta / 2.0), screen_t(n0, beta / 2.0));
        let mut rng = crate::random::stream::stream(1, 0, "test/feasibility");
        for (mean, want) in [(q - eps, Verdict::Met), (q + eps, Verdict::Violated)] {
            let normal = Normal::new(mean, 2.0).unwrap();
            let trials = 4000;
            let mut right = 0;
            for _ in 0..trials {
                let mut c = Check::new(Bound::AtMost(q), eps, n0, hh, tt);
                let mut n = 0;
                while c.verdict() == Verdict::Open {
                    c.add(normal.sample(&mut rng));
                    n += 1;
                    assert!(n <= c.horizon().unwrap_or(u32::MAX).max(n0));
                }
                right += u32::from(c.verdict() == want);
            }
            let share = f64::from(right) / f64::from(trials);
            assert!(share >= 1.0 - beta - 0.01, "mean {mean}: right {share}");
        }
    }

    /// Far beyond the bound with noisy values, the screen decides at the first stage where
    /// the triangle alone would need many more replications.
    #[test]
    fn a_candidate_far_beyond_the_bound_is_screened_out_at_the_first_stage() {
        let (beta, n0, eps, q) = (0.001, 5, 10.0, 900.0);
        let mut c = Check::new(Bound::AtMost(q), eps, n0, h2(n0, beta / 2.0), screen_t(n0, beta / 2.0));
        for y in [6000.0, 6500.0, 5800.0, 6900.0, 6200.0] {
            c.add(y);
        }
        assert_eq!((c.verdict(), c.decided_at()), (Verdict::Violated, Some(5)));
        assert!(c.horizon().unwrap() > 30, "{:?}", c.horizon());
    }

    /// At the bound itself with noise, the screen does not decide: the sequential part goes on.
    #[test]
    fn a_candidate_at_the_bound_is_left_to_the_sequential_part() {
        let (beta, n0, eps, q) = (0.001, 5, 10.0, 900.0);
        let mut c = Check::new(Bound::AtMost(q), eps, n0, h2(n0, beta / 2.0), screen_t(n0, beta / 2.0));
        for y in [880.0, 920.0, 890.0, 915.0, 900.0] {
            c.add(y);
        }
        assert_eq!(c.verdict(), Verdict::Open);
    }

    #[test]
    fn a_lower_bound_is_checked_with_the_sign_flipped() {
        let mut c = Check::new(Bound::AtLeast(0.9), 0.01, 2, h2(2, 0.025), screen_t(2, 0.025));
        c.add(0.99);
        c.add(0.99);
        assert_eq!(c.verdict(), Verdict::Met);
        assert_eq!(c.decided_at(), Some(2));
        let mut c = Check::new(Bound::AtLeast(0.9), 0.01, 2, h2(2, 0.025), screen_t(2, 0.025));
        c.add(0.5);
        c.add(0.5);
        assert_eq!(c.verdict(), Verdict::Violated);
    }

    #[test]
    fn a_constant_metric_is_decided_after_the_first_stage() {
        let mut c = Check::new(Bound::AtMost(3.0), 0.1, 3, h2(3, 0.005), screen_t(3, 0.005));
        for _ in 0..2 {
            c.add(2.0);
            assert_eq!(c.verdict(), Verdict::Open);
        }
        c.add(2.0);
        assert_eq!((c.verdict(), c.horizon()), (Verdict::Met, Some(3)));
    }
}
