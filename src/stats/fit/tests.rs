//! Fits of hand-made arrival times whose answers are known exactly.

use super::*;

/// 2024-01-01 is a Monday.
fn monday() -> StartInstant {
    StartInstant::parse("2024-01-01").unwrap()
}

/// `per_hour(h, d)` arrivals evenly spread in each hour of `days` days from Monday.
fn times(days: usize, per_hour: impl Fn(usize, usize) -> usize) -> Vec<f64> {
    let mut t = Vec::new();
    for day in 0..days {
        for h in 0..24 {
            let k = per_hour(h, day % 7);
            for i in 0..k {
                t.push((day * 24 + h) as f64 * 60.0 + 60.0 * (i as f64 + 0.5) / k as f64);
            }
        }
    }
    t
}

fn values(p: &Profile) -> Vec<f64> {
    p.factors().unwrap().iter().map(|f| f.value).collect()
}

#[test]
fn exact_products_are_recovered_exactly() {
    // Hours 08-17 three times as busy, weekends half: counts a[h] × b[d] per hour.
    let a = |h: usize| if (8..18).contains(&h) { 3 } else { 1 };
    let b = |d: usize| if d < 5 { 2 } else { 1 };
    let t = times(14, |h, d| a(h) * b(d));
    let start = monday();
    let f = fit(&t, &start, Window::around(&t, &start).unwrap()).unwrap();
    assert_eq!(
        f.window,
        Window {
            from: 0.0,
            to: 14.0 * 1440.0
        }
    );
    let hour_mean = 44.0 / 24.0;
    let day_mean = 12.0 / 7.0;
    for (h, v) in values(&f.hour).iter().enumerate() {
        assert!((v - a(h) as f64 / hour_mean).abs() < 1e-9, "hour {h}: {v}");
    }
    for (d, v) in values(&f.weekday).iter().enumerate() {
        assert!((v - b(d) as f64 / day_mean).abs() < 1e-9, "day {d}: {v}");
    }
    assert!((f.rate_per_day.value - 44.0 * day_mean).abs() < 1e-9);
    assert_eq!(f.arrivals, t.len());
    // One month only: no month profile. Counts equal to their means: far too regular.
    assert!(matches!(&f.month, Profile::Omitted(r) if r.contains("holds 1 month")));
    assert_eq!(f.dispersion.verdict, Verdict::UnderDispersed);
    assert!(f.dispersion.hourly.unwrap().statistic < 1e-12);
    assert_eq!(f.widening, 1.0);
}

#[test]
fn a_rate_alone_has_the_poisson_interval() {
    // Three days: hours fitted, no weekday or month profile; var(log rate) = 1 / N.
    let t = times(3, |_, _| 30);
    let start = monday();
    let f = fit(&t, &start, Window::around(&t, &start).unwrap()).unwrap();
    assert!(matches!(&f.weekday, Profile::Omitted(r) if r.contains("at least 7 days")));
    assert!(f.hour.factors().is_some());
    let n = t.len() as f64;
    assert!((f.rate_per_day.value - 720.0).abs() < 1e-9);
    assert!(
        (f.rate_per_day.se_log - 1.0 / n.sqrt()).abs() < 1e-9,
        "{:?}",
        f.rate_per_day
    );
    let hi = 720.0 * (Z95 / n.sqrt()).exp();
    assert!((f.rate_per_day.hi - hi).abs() < 1e-9);
    // A 5 % higher truth is outside; the estimate itself inside.
    assert!(!f.rate_per_day.covers(756.0, Z95));
    assert!(f.rate_per_day.covers(720.0, Z95));
}

#[test]
fn a_hour_factor_has_the_variance_of_its_log_share() {
    // Flat 10 arrivals an hour for 2 days (N = 480): log f_h = log(n_h / N × 24); with
    // multinomial hour shares, var = 1/n_h - 1/N.
    let t = times(2, |_, _| 10);
    let start = monday();
    let f = fit(&t, &start, Window::around(&t, &start).unwrap()).unwrap();
    let h = f.hour.factors().unwrap()[5];
    assert!((h.value - 1.0).abs() < 1e-12);
    assert!(
        (h.se_log * h.se_log - (1.0 / 20.0 - 1.0 / 480.0)).abs() < 1e-12,
        "{}",
        h.se_log
    );
}

#[test]
fn closed_hours_get_a_zero_factor_with_an_upper_bound() {
    // Nothing from 00:00 to 06:00, 6 an hour otherwise, for a week.
    let t = times(7, |h, _| if h < 6 { 0 } else { 6 });
    let start = monday();
    let f = fit(&t, &start, Window::around(&t, &start).unwrap()).unwrap();
    let hours = f.hour.factors().unwrap();
    assert_eq!(hours[3].value, 0.0);
    // Were it 1 (mean rate 4.5 an hour), 7 hours of it would expect 31.5 arrivals.
    assert!((hours[3].hi - ZERO_COUNT_UPPER / 31.5).abs() < 1e-9, "{:?}", hours[3]);
    assert!((hours[10].value - 24.0 / 18.0).abs() < 1e-9);
    assert!(hours[10].se_log.is_finite());
}

#[test]
fn months_outside_the_window_are_one_and_unobserved() {
    // 2024-01-15 to 2024-03-04: 17 days of January (1 a hour), 29 of February (2 a
    // hour), and 3 days of March, too few to estimate March: its arrivals are left out.
    let start = StartInstant::parse("2024-01-15").unwrap();
    let t = times(49, |_, _| 1)
        .into_iter()
        .flat_map(|x| {
            let feb = x >= 17.0 * 1440.0;
            let march = x >= 46.0 * 1440.0;
            std::iter::repeat_n(x, if feb && !march { 2 } else { 1 })
        })
        .collect::<Vec<_>>();
    let f = fit(&t, &start, Window::around(&t, &start).unwrap()).unwrap();
    let m = f.month.factors().expect("two months of 14 days or more");
    // Weighted by days (31, 28): 31 j + 28 × 2 j = 59 → j = 59 / 87.
    assert!((m[0].value - 59.0 / 87.0).abs() < 1e-9, "{:?}", m[0]);
    assert!((m[1].value - 2.0 * 59.0 / 87.0).abs() < 1e-9);
    assert!(!m[2].observed && m[2].value == 1.0);
    assert!(!m[5].observed && m[5].value == 1.0);
    assert_eq!(f.dropped, (3 * 24, vec![2]));
    assert_eq!(f.arrivals, t.len() - 72);
    // Rate: the day-weighted mean over the observed months, 24 × 87 / 59 a day.
    assert!((f.rate_per_day.value - 24.0 * 87.0 / 59.0).abs() < 1e-9);
}

#[test]
fn errors_and_shares() {
    let start = monday();
    assert_eq!(
        fit(&[], &start, Window { from: 0.0, to: 0.0 }),
        Err(FitError::EmptyWindow)
    );
    assert_eq!(
        fit(&[5000.0], &start, Window { from: 0.0, to: 1440.0 }),
        Err(FitError::NoArrivals)
    );
    let (p, lo, hi) = share_interval(50, 100);
    assert_eq!(p, 0.5);
    assert!((lo - 0.4038).abs() < 1e-4 && (hi - 0.5962).abs() < 1e-4, "{lo} {hi}");
}
