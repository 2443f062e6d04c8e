//! Turning a `DistSpec` from the file into a validated `Dist`.

use super::build::{Invalid, KeyPath, shown};
use super::format::DistSpec;
use crate::random::Dist;
use std::fmt;

fn finite(path: &KeyPath, name: &str, v: f64) -> Result<f64, Invalid> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(path
            .child(name)
            .invalid(format!("must be a finite number, got {}", shown(v))))
    }
}

fn positive(path: &KeyPath, name: &str, v: f64) -> Result<f64, Invalid> {
    if finite(path, name, v)? > 0.0 {
        Ok(v)
    } else {
        Err(path
            .child(name)
            .invalid(format!("must be greater than 0, got {}", shown(v))))
    }
}

fn non_negative(path: &KeyPath, name: &str, v: f64) -> Result<f64, Invalid> {
    if finite(path, name, v)? >= 0.0 {
        Ok(v)
    } else {
        Err(path.child(name).invalid(format!("must be 0 or more, got {}", shown(v))))
    }
}

/// Largest mean a distribution may have, minutes (about 190 years): anything longer is a
/// typo, and bounding it keeps every event time finite.
pub const MAX_MEAN: f64 = 1e8;

/// Checks the parameters of `spec` (found at `path`) and builds the distribution.
pub fn build_dist(spec: &DistSpec, path: &KeyPath) -> Result<Dist, Invalid> {
    let d = build_unchecked(spec, path)?;
    let mean = d.mean();
    if !(mean.is_finite() && mean <= MAX_MEAN) {
        return Err(path.invalid(format!("its mean ({mean:.3e}) is above the {MAX_MEAN:.0e} allowed")));
    }
    Ok(d)
}

fn build_unchecked(spec: &DistSpec, path: &KeyPath) -> Result<Dist, Invalid> {
    Ok(match spec {
        DistSpec::Constant { value } => Dist::Constant(non_negative(path, "value", *value)?),
        DistSpec::Exponential { mean } => Dist::Exponential(positive(path, "mean", *mean)?),
        DistSpec::Uniform { min, max } => {
            let (a, b) = (non_negative(path, "min", *min)?, finite(path, "max", *max)?);
            if b < a {
                return Err(path
                    .child("max")
                    .invalid(format!("must be at least min ({a}), got {b}")));
            }
            Dist::Uniform(a, b)
        }
        DistSpec::Triangular { min, mode, max } => {
            let a = non_negative(path, "min", *min)?;
            let (c, b) = (finite(path, "mode", *mode)?, finite(path, "max", *max)?);
            if !(a <= c && c <= b && a < b) {
                return Err(path.invalid(format!("needs min <= mode <= max and min < max, got {a}, {c}, {b}")));
            }
            Dist::Triangular(a, c, b)
        }
        DistSpec::Normal { mean, sd } => Dist::Normal(positive(path, "mean", *mean)?, non_negative(path, "sd", *sd)?),
        DistSpec::Lognormal { mean, cv } => {
            if *cv > 100.0 {
                return Err(path.child("cv").invalid(format!("must be at most 100, got {cv}")));
            }
            Dist::lognormal(positive(path, "mean", *mean)?, non_negative(path, "cv", *cv)?)
        }
        DistSpec::Gamma { shape, scale } => {
            Dist::gamma(positive(path, "shape", *shape)?, positive(path, "scale", *scale)?)
        }
        DistSpec::Weibull { shape, scale } => {
            Dist::weibull(positive(path, "shape", *shape)?, positive(path, "scale", *scale)?)
        }
        DistSpec::Erlang { k, mean } => {
            if !(1..=1000).contains(k) {
                return Err(path.child("k").invalid(format!("must be between 1 and 1000, got {k}")));
            }
            Dist::Erlang(*k, positive(path, "mean", *mean)?)
        }
        DistSpec::Empirical { values, weights } => {
            if values.is_empty() || values.len() > 100_000 {
                return Err(path.child("values").invalid("must list between 1 and 100000 values"));
            }
            for (i, v) in values.iter().enumerate() {
                non_negative(&path.child("values"), &i.to_string(), *v)?;
            }
            let w = match weights {
                None => vec![1.0; values.len()],
                Some(w) => {
                    if w.len() != values.len() {
                        return Err(path.child("weights").invalid(format!(
                            "must have one weight per value ({} values, {} weights)",
                            values.len(),
                            w.len()
                        )));
                    }
                    for (i, x) in w.iter().enumerate() {
                        non_negative(&path.child("weights"), &i.to_string(), *x)?;
                    }
                    if w.iter().sum::<f64>() <= 0.0 {
                        return Err(path.child("weights").invalid("must not all be zero"));
                    }
                    w.clone()
                }
            };
            Dist::empirical(values.clone(), &w)
        }
    })
}

impl fmt::Display for DistSpec {
    /// A short, readable description for `bordersim check`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DistSpec::Constant { value } => write!(f, "constant {value}"),
            DistSpec::Exponential { mean } => write!(f, "exponential, mean {mean}"),
            DistSpec::Uniform { min, max } => write!(f, "uniform {min}-{max}"),
            DistSpec::Triangular { min, mode, max } => write!(f, "triangular {min}/{mode}/{max}"),
            DistSpec::Normal { mean, sd } => write!(f, "normal mean {mean} sd {sd}, truncated at 0"),
            DistSpec::Lognormal { mean, cv } => write!(f, "lognormal mean {mean} cv {cv}"),
            DistSpec::Gamma { shape, scale } => write!(f, "gamma shape {shape} scale {scale}"),
            DistSpec::Weibull { shape, scale } => write!(f, "Weibull shape {shape} scale {scale}"),
            DistSpec::Erlang { k, mean } => write!(f, "Erlang-{k}, mean {mean}"),
            DistSpec::Empirical { values, .. } => write!(f, "empirical table of {} values", values.len()),
        }
    }
}

impl DistSpec {
    /// The `dist = "..."` name as written in a scenario file, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            DistSpec::Constant { .. } => "constant",
            DistSpec::Exponential { .. } => "exponential",
            DistSpec::Uniform { .. } => "uniform",
            DistSpec::Triangular { .. } => "triangular",
            DistSpec::Normal { .. } => "normal",
            DistSpec::Lognormal { .. } => "lognormal",
            DistSpec::Gamma { .. } => "gamma",
            DistSpec::Weibull { .. } => "weibull",
            DistSpec::Erlang { .. } => "erlang",
            DistSpec::Empirical { .. } => "empirical",
        }
    }
}
