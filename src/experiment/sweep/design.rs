//! Designs: which factor values each point of a sweep takes. A full factorial, a seeded
//! Latin hypercube (its own named random stream, so no simulation result moves), or a table
//! the user brings (from SALib or pyDOE, say).

use crate::error::Error;
use rand::Rng;
use std::path::{Path, PathBuf};

/// How the design points are chosen.
#[derive(Debug, Clone, PartialEq)]
pub enum Design {
    /// Every combination of every factor's levels, the last factor varying fastest.
    Factorial,
    /// `points` points, each factor's range cut into `points` equal strata with exactly one
    /// point in each, from the stream [`LHS_STREAM`] of `seed`.
    LatinHypercube {
        /// Number of points.
        points: u32,
        /// Seed of the design's own stream.
        seed: u64,
    },
    /// Rows of a CSV file, one column per factor name.
    File {
        /// The CSV file, resolved against the sweep file's folder.
        path: PathBuf,
    },
}

/// Name of the Latin hypercube's stream (replication 0 of the design seed): the design is
/// drawn apart from every simulation stream, so adding a sweep moves no existing result.
pub const LHS_STREAM: &str = "sweep/latin_hypercube";

/// The values a factor may take.
#[derive(Debug, Clone, PartialEq)]
pub enum Levels {
    /// These values (a factorial uses each; a Latin hypercube picks among them by stratum).
    Values(Vec<f64>),
    /// From `min` to `max`: `steps` levels evenly spaced for a factorial, continuous for a
    /// Latin hypercube.
    Range {
        /// Lowest value.
        min: f64,
        /// Highest value.
        max: f64,
        /// Levels of a factorial, min and max included.
        steps: Option<u32>,
    },
    /// Whatever the design file says.
    Free,
}

impl Levels {
    /// The factorial levels, in order.
    pub fn list(&self) -> Vec<f64> {
        match self {
            Levels::Values(v) => v.clone(),
            Levels::Range {
                min,
                max,
                steps: Some(n),
            } => (0..*n)
                .map(|i| min + (max - min) * f64::from(i) / f64::from(n - 1))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// How many factorial levels, where that is defined.
    pub fn count(&self) -> Option<usize> {
        match self {
            Levels::Values(v) => Some(v.len()),
            Levels::Range { steps: Some(n), .. } => Some(*n as usize),
            _ => None,
        }
    }

    /// The value at `u` in [0, 1): a point of the range, or the value whose stratum holds it.
    pub fn at(&self, u: f64) -> f64 {
        match self {
            Levels::Values(v) => v[((u * v.len() as f64) as usize).min(v.len() - 1)],
            Levels::Range { min, max, .. } => min + u * (max - min),
            Levels::Free => u,
        }
    }
}

/// How a factor's value becomes a scenario value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    /// `scale × value + offset` (a number key).
    Linear,
    /// An hourly (or any) profile list: each entry `m + value × (entry − m)`, with `m` the
    /// mean of the list as the scenario writes it. 0 is flat, 1 the profile as written, and
    /// the mean (the daily volume) never changes.
    ProfileStrength,
}

/// One scenario key a factor sets.
#[derive(Debug, Clone, PartialEq)]
pub struct Setter {
    /// Dotted key into the scenario, as a variant's `set` takes it.
    pub key: String,
    /// Multiplier (linear only).
    pub scale: f64,
    /// Added after scaling (linear only).
    pub offset: f64,
    /// How the value is applied.
    pub transform: Transform,
}

/// One factor of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// Column name in the outputs (default: the key).
    pub name: String,
    /// The keys it sets.
    pub setters: Vec<Setter>,
    /// Its levels or range.
    pub levels: Levels,
}

/// Every combination of the factors' levels, the last factor varying fastest.
pub fn factorial(factors: &[Factor]) -> Vec<Vec<f64>> {
    let lists: Vec<Vec<f64>> = factors.iter().map(|f| f.levels.list()).collect();
    let mut points = vec![Vec::new()];
    for list in &lists {
        points = points
            .into_iter()
            .flat_map(|p| {
                list.iter().map(move |v| {
                    let mut q = p.clone();
                    q.push(*v);
                    q
                })
            })
            .collect();
    }
    points
}

/// A Latin hypercube of `n` points in `[0, 1)^k`: for each factor in turn, a random
/// permutation of the strata (Fisher-Yates) then one uniform jitter per point within its
/// stratum, all from the stream [`LHS_STREAM`] of `seed`.
pub fn unit_hypercube(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = crate::random::stream::stream(seed, 0, LHS_STREAM);
    let mut points = vec![vec![0.0; k]; n];
    for j in 0..k {
        let mut perm: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            perm.swap(i, rng.random_range(0..=i));
        }
        for (i, p) in points.iter_mut().enumerate() {
            let jitter: f64 = rng.random();
            p[j] = (perm[i] as f64 + jitter) / n as f64;
        }
    }
    points
}

/// The Latin hypercube of `n` points over the factors' ranges or value lists.
pub fn latin_hypercube(factors: &[Factor], n: usize, seed: u64) -> Vec<Vec<f64>> {
    unit_hypercube(n, factors.len(), seed)
        .into_iter()
        .map(|u| u.iter().zip(factors).map(|(u, f)| f.levels.at(*u)).collect())
        .collect()
}

/// Largest design file read: 64 MiB, far beyond [`super::file::MAX_POINTS`] rows.
const MAX_DESIGN_BYTES: u64 = 64 << 20;

/// The rows of a design CSV: a header naming every factor exactly once (in any order; no
/// other column), then one row of numbers per point. Errors give the file, line and column.
pub fn read_csv(path: &Path, factors: &[Factor]) -> Result<Vec<Vec<f64>>, Error> {
    let bytes = crate::scenario::read_limited(path, MAX_DESIGN_BYTES).map_err(|reason| Error::DataRead {
        path: path.to_path_buf(),
        reason,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    parse_csv(&text, path, factors)
}

fn parse_csv(text: &str, path: &Path, factors: &[Factor]) -> Result<Vec<Vec<f64>>, Error> {
    let bad = |line: usize, column: usize, message: String| Error::Data {
        path: path.to_path_buf(),
        line,
        column,
        message,
    };
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let names: Vec<String> = factors.iter().map(|f| f.name.clone()).collect();
    let Some((h, header)) = lines.next() else {
        return Err(bad(
            1,
            1,
            format!(
                "the design file is empty: it needs a header with the factors {}",
                names.join(",")
            ),
        ));
    };
    let cols: Vec<&str> = header.split(',').map(|c| c.trim().trim_matches('"')).collect();
    let mut order = Vec::new();
    let mut at = 1;
    for c in &cols {
        match names.iter().position(|n| n == c) {
            Some(i) if !order.contains(&i) => order.push(i),
            Some(_) => return Err(bad(h + 1, at, format!("column `{c}` appears twice"))),
            None => {
                return Err(bad(
                    h + 1,
                    at,
                    format!(
                        "column `{c}` is not a factor of the sweep (its factors: {})",
                        names.join(", ")
                    ),
                ));
            }
        }
        at += c.chars().count() + 1;
    }
    if let Some(missing) = names.iter().enumerate().find(|(i, _)| !order.contains(i)) {
        return Err(bad(h + 1, 1, format!("no column for factor `{}`", missing.1)));
    }
    let mut rows = Vec::new();
    for (n, line) in lines {
        let mut row = vec![0.0; names.len()];
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != cols.len() {
            return Err(bad(
                n + 1,
                1,
                format!("{} fields where the header has {}", fields.len(), cols.len()),
            ));
        }
        let mut col = 1;
        for (f, &i) in fields.iter().zip(&order) {
            let v: f64 = f.trim().parse().ok().filter(|v: &f64| v.is_finite()).ok_or_else(|| {
                bad(
                    n + 1,
                    col,
                    format!("`{}` for `{}` is not a finite number", f.trim(), names[i]),
                )
            })?;
            row[i] = v;
            col += f.chars().count() + 1;
        }
        rows.push(row);
        if rows.len() > super::file::MAX_POINTS {
            return Err(bad(
                n + 1,
                1,
                format!("more than {} design points", super::file::MAX_POINTS),
            ));
        }
    }
    if rows.is_empty() {
        return Err(bad(h + 1, 1, "the design file has a header but no points".into()));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factor(name: &str, levels: Levels) -> Factor {
        Factor {
            name: name.into(),
            setters: Vec::new(),
            levels,
        }
    }

    #[test]
    fn a_factorial_enumerates_every_combination_last_fastest() {
        let f = [
            factor("a", Levels::Values(vec![1.0, 2.0])),
            factor(
                "b",
                Levels::Range {
                    min: 0.0,
                    max: 1.0,
                    steps: Some(3),
                },
            ),
        ];
        assert_eq!(
            factorial(&f),
            vec![
                vec![1.0, 0.0],
                vec![1.0, 0.5],
                vec![1.0, 1.0],
                vec![2.0, 0.0],
                vec![2.0, 0.5],
                vec![2.0, 1.0]
            ]
        );
    }

    /// The defining property: in every factor, each of the n strata holds exactly one point.
    #[test]
    fn a_latin_hypercube_puts_one_point_in_each_stratum_of_each_factor() {
        for (n, k, seed) in [(7, 3, 1), (50, 5, 42), (2, 1, 0)] {
            let pts = unit_hypercube(n, k, seed);
            assert_eq!(pts.len(), n);
            for j in 0..k {
                let mut strata: Vec<usize> = pts.iter().map(|p| (p[j] * n as f64) as usize).collect();
                strata.sort_unstable();
                assert_eq!(strata, (0..n).collect::<Vec<_>>(), "n {n} factor {j}");
                assert!(pts.iter().all(|p| (0.0..1.0).contains(&p[j])));
            }
            assert_eq!(unit_hypercube(n, k, seed), pts, "seeded: the same design again");
        }
        assert_ne!(unit_hypercube(10, 2, 1), unit_hypercube(10, 2, 2));
        let f = [factor(
            "a",
            Levels::Range {
                min: 10.0,
                max: 20.0,
                steps: None,
            },
        )];
        let pts = latin_hypercube(&f, 5, 3);
        let mut strata: Vec<usize> = pts.iter().map(|p| ((p[0] - 10.0) / 2.0) as usize).collect();
        strata.sort_unstable();
        assert_eq!(strata, vec![0, 1, 2, 3, 4]);
        // A value list is stratified by its entries.
        assert_eq!(Levels::Values(vec![1.0, 2.0, 3.0]).at(0.5), 2.0);
        assert_eq!(Levels::Values(vec![1.0, 2.0, 3.0]).at(0.99), 3.0);
    }

    #[test]
    fn a_design_file_is_read_by_column_name_and_refused_with_its_line() {
        let f = [factor("a", Levels::Free), factor("b", Levels::Free)];
        let p = Path::new("d.csv");
        assert_eq!(
            parse_csv("b,a\n1,2\n3,4.5\n", p, &f).unwrap(),
            vec![vec![2.0, 1.0], vec![4.5, 3.0]]
        );
        let e = |t: &str| parse_csv(t, p, &f).unwrap_err().to_string();
        assert_eq!(e("a,b\n1,x\n"), "d.csv:2:3: `x` for `b` is not a finite number");
        assert!(
            e("a,c\n").starts_with("d.csv:1:3: column `c` is not a factor"),
            "{}",
            e("a,c\n")
        );
        assert!(e("a\n1\n").contains("no column for factor `b`"));
        assert!(e("a,b\n1\n").contains("d.csv:2:1: 1 fields where the header has 2"));
        assert!(e("a,b\n").contains("no points"));
    }
}
