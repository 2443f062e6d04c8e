//! What an optimisation found: the chosen candidate, or the nearest one when none is
//! feasible, with the effort spent.

use super::search::{Decision, Examined, Space};
use serde::{Deserialize, Serialize};

/// The result of an optimisation, as optimise.json holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Candidates examined, in the order they were (cost order).
    pub examined: Vec<Examined>,
    /// Position in `examined` of the cheapest feasible candidate.
    pub chosen: Option<usize>,
    /// When none is feasible: the position of the candidate closest to feasible (the smallest
    /// worst shortfall, in tolerances).
    pub nearest: Option<usize>,
    /// Position in the constraint list of the binding constraint: the one with the least
    /// slack at the chosen (or nearest) candidate.
    pub binding: usize,
    /// Cheaper candidates than the chosen one left undecided at the budget: they may be
    /// feasible.
    pub cheaper_undecided: usize,
    /// Replications run, all candidates together.
    pub replications: u64,
    /// Candidates in the space.
    pub candidates: usize,
}

/// Sums up the candidates `examined` of `space`.
pub fn summarise(space: &Space, examined: Vec<Examined>) -> Outcome {
    let chosen = examined.iter().position(|e| e.decision == Decision::Feasible);
    let gap = |e: &Examined| worst(space, e).map(|(_, g)| g);
    let nearest = match chosen {
        Some(_) => None,
        None => examined
            .iter()
            .enumerate()
            .filter(|(_, e)| gap(e).is_some())
            .min_by(|a, b| {
                gap(a.1)
                    .unwrap_or(f64::INFINITY)
                    .total_cmp(&gap(b.1).unwrap_or(f64::INFINITY))
            })
            .map(|(i, _)| i),
    };
    let binding = chosen
        .or(nearest)
        .and_then(|i| worst(space, &examined[i]))
        .map_or(0, |(j, _)| j);
    let cheaper_undecided = chosen.map_or(0, |i| {
        examined[..i]
            .iter()
            .filter(|e| e.decision == Decision::Undecided)
            .count()
    });
    Outcome {
        replications: examined.iter().map(|e| u64::from(e.replications)).sum(),
        candidates: space.costs.len(),
        examined,
        chosen,
        nearest,
        binding,
        cheaper_undecided,
    }
}

/// The constraint with the least slack at `e` and that slack's shortfall, in tolerances
/// (positive: beyond the bound).
fn worst(space: &Space, e: &Examined) -> Option<(usize, f64)> {
    space
        .def
        .constraints
        .iter()
        .zip(&e.estimates)
        .enumerate()
        .filter_map(|(j, (c, est))| {
            est.mean
                .map(|m| (j, c.bound.sign() * (m - c.bound.value()) / c.tolerance))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
}
