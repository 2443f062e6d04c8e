//! Ctrl-C: keep every finished replication, write what there is marked as partial, and save
//! a checkpoint that `--resume` continues from to the same final result.

use crate::error::Error;
use crate::experiment::{Fold, FoldState, Folds};
use crate::scenario::Scenario;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the first Ctrl-C; a second one ends the process at once.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler (once; a failure only means Ctrl-C kills as usual).
///
/// A second Ctrl-C quits at once, even in the middle of writing, but first removes the
/// temporary files being written. That never leaves a result set that looks complete: the
/// describing JSON (summary.json, comparison.json) is removed before new results are
/// written and written last, and a checkpoint is saved before the results it goes with.
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            eprintln!(
                "\ninterrupted again: quit without saving what was under way; results in --out are complete only where summary.json or comparison.json is present and not partial"
            );
            crate::report::atomic::quit_now(130);
        }
        eprintln!("\ninterrupted: finishing the replications under way, then saving (Ctrl-C again to quit now)");
    });
}

/// First bytes of every checkpoint.
const MAGIC: &[u8; 8] = b"BSIMCKPT";
/// Version of the layout below; a checkpoint of another version is refused, not guessed at.
const VERSION: u32 = 2;
/// Magic, version (u32), fingerprint (u64), payload length (u64), CRC-32 of the payload
/// (u32), all little-endian; the payload (the folds, in postcard) follows.
pub const HEADER_LEN: usize = 8 + 4 + 8 + 8 + 4;
/// File name of the checkpoint in the output directory.
pub const FILE: &str = "checkpoint.bin";

/// What a checkpoint belongs to: the scenario text, the command and every setting that
/// changes results. Resuming with anything else would mix two different experiments.
pub fn fingerprint(kind: &str, scenarios: &[Scenario], replications: u32, seed: u64, independent: bool) -> u64 {
    let mut text = format!("{kind}|{replications}|{seed}|{independent}");
    for sc in scenarios {
        let bytes = std::fs::read(&sc.path).unwrap_or_default();
        text.push_str(&format!("|{}|{}|{}|", sc.variant, sc.spec.horizon, sc.spec.warmup));
        text.push_str(&String::from_utf8_lossy(&bytes));
    }
    crate::random::stream::stream_key(&text)
}

/// The bytes of a checkpoint of `folds` for the experiment `fp`.
fn encode(fp: u64, folds: &[Fold]) -> Result<Vec<u8>, postcard::Error> {
    let payload = postcard::to_stdvec(folds)?;
    let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.extend_from_slice(&fp.to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    bytes.extend_from_slice(&payload);
    Ok(bytes)
}

/// Saves the folds, atomically.
pub fn save(dir: &Path, fp: u64, folds: &Folds) -> Result<(), Error> {
    let path = dir.join(FILE);
    let bytes = encode(fp, folds.as_slice()).map_err(|e| Error::Output {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    crate::report::atomic::ensure_dir(dir)?;
    crate::report::atomic::write_atomic(&path, &bytes)
}

/// Why a checkpoint cannot be resumed: damaged, or saved for something else.
enum Refusal {
    Foreign,
    OtherVersion(u32),
    OtherExperiment,
    Damaged(String),
}

/// Reads the folds from checkpoint bytes and checks them against `scenarios` (one fold
/// each) and the replications asked for: header, checksum, then structure. Each fold comes
/// back with its model's metric names, so it can produce results at once.
fn decode(bytes: &[u8], fp: u64, scenarios: &[Scenario], replications: u32) -> Result<Folds, Refusal> {
    let damaged = |m: &str| Refusal::Damaged(m.to_string());
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(Refusal::Foreign);
    }
    if bytes.len() < HEADER_LEN {
        return Err(damaged("it is cut short inside its header"));
    }
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or([0; 8]));
    let half = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or([0; 4]));
    let version = half(8);
    if version != VERSION {
        return Err(Refusal::OtherVersion(version));
    }
    if word(12) != fp {
        return Err(Refusal::OtherExperiment);
    }
    let (len, crc) = (word(20), half(28));
    let payload = &bytes[HEADER_LEN..];
    if (payload.len() as u64) < len {
        return Err(damaged(&format!(
            "it is cut short ({} of {len} payload bytes)",
            payload.len()
        )));
    }
    if payload.len() as u64 > len {
        return Err(damaged("it has bytes past its end"));
    }
    if crc32fast::hash(payload) != crc {
        return Err(damaged("its checksum does not match its contents"));
    }
    let states: Vec<FoldState> =
        postcard::from_bytes(payload).map_err(|e| damaged(&format!("its contents cannot be read ({e})")))?;
    if states.len() != scenarios.len() {
        return Err(damaged(&format!(
            "it holds results of {} models for {} to run",
            states.len(),
            scenarios.len()
        )));
    }
    let folds = states
        .into_iter()
        .zip(scenarios)
        .map(|(st, sc)| {
            let keys = crate::experiment::metric_keys(&sc.spec, sc.policy.clone());
            st.restore(&sc.spec, keys, replications)
                .map_err(|m| Refusal::Damaged(format!("{}: {m}", sc.variant)))
        })
        .collect::<Result<Vec<Fold>, _>>()?;
    Folds::new(folds).map_err(|_| damaged("its variants hold different numbers of replications"))
}

/// Loads the folds saved for `fp`, one per scenario, refusing (exit code 2) a checkpoint
/// that is damaged, foreign, or saved for other settings, before anything is written.
pub fn load(dir: &Path, fp: u64, scenarios: &[Scenario], replications: u32) -> Result<Folds, Error> {
    let path = dir.join(FILE);
    let none = |why: String| {
        Error::Usage(format!(
            "--resume: no checkpoint to resume in {} ({why})",
            dir.display()
        ))
    };
    match std::fs::metadata(&path) {
        Ok(m) if !m.is_file() => return Err(none(format!("{} is not a regular file", path.display()))),
        Ok(_) => {}
        Err(e) => return Err(none(e.to_string())),
    }
    let bytes = std::fs::read(&path).map_err(|e| none(e.to_string()))?;
    decode(&bytes, fp, scenarios, replications).map_err(|r| {
        Error::Usage(match r {
            Refusal::Foreign => format!("--resume: {} is not a bordersim checkpoint", path.display()),
            Refusal::OtherVersion(v) => format!(
                "--resume: {} was saved by another version of bordersim (checkpoint format {v}, this one reads {VERSION})",
                path.display()
            ),
            Refusal::OtherExperiment => format!(
                "--resume: {} was saved for another scenario file or other settings (seed, replications, days, variants)",
                path.display()
            ),
            Refusal::Damaged(m) => format!("--resume: {} is damaged: {m}", path.display()),
        })
    })
}

/// Removes the checkpoint after a run completed.
pub fn clear(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(FILE));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folds(sc: &Scenario, reps: u32) -> Vec<Fold> {
        let mut f = Fold::for_model(&sc.spec, sc.policy.clone());
        for rep in 0..reps {
            let out = crate::experiment::run_replication(&sc.spec, sc.policy.clone(), sc.seed, u64::from(rep)).unwrap();
            f.add(out).unwrap();
        }
        vec![f]
    }

    fn scenario() -> Scenario {
        let mut sc = crate::scenario::load(Path::new("scenarios/mmc.toml")).unwrap();
        sc.spec.horizon = 2.0 * 1440.0;
        sc.spec.warmup = 0.0;
        sc
    }

    fn refusal(r: Result<Folds, Refusal>) -> String {
        match r {
            Err(Refusal::Damaged(m)) => m,
            Err(_) => "refused for another reason".into(),
            Ok(_) => "accepted".into(),
        }
    }

    /// Re-encodes a changed payload with a correct checksum: only the structure check
    /// stands between it and the results.
    fn with_payload(fp: u64, payload: &[u8]) -> Vec<u8> {
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&VERSION.to_le_bytes());
        bytes.extend_from_slice(&fp.to_le_bytes());
        bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
        bytes.extend_from_slice(payload);
        bytes
    }

    #[test]
    fn a_checkpoint_round_trips_bit_for_bit() {
        let sc = scenario();
        let f = folds(&sc, 3);
        let bytes = encode(7, &f).unwrap();
        let back = decode(&bytes, 7, std::slice::from_ref(&sc), 10).ok().unwrap();
        assert_eq!(back.as_slice(), &f[..]);
        assert_eq!(
            postcard::to_stdvec(back.as_slice()).unwrap(),
            postcard::to_stdvec(&f).unwrap()
        );
        let empty = encode(7, &[Fold::for_model(&sc.spec, sc.policy.clone())]).unwrap();
        assert!(decode(&empty, 7, std::slice::from_ref(&sc), 10).is_ok());
    }

    /// A fold read back describes itself: it gives the summary of what it holds before any
    /// new replication is folded in (it used to have lost its metric names, so a resumed
    /// run interrupted again had no results to write).
    #[test]
    fn a_decoded_fold_gives_results_at_once() {
        let sc = scenario();
        let f = folds(&sc, 3);
        let back = decode(&encode(7, &f).unwrap(), 7, std::slice::from_ref(&sc), 10)
            .ok()
            .unwrap();
        let exp = back.as_slice()[0]
            .finish(&sc.spec, sc.seed)
            .expect("results from the checkpoint");
        let want = f[0].finish(&sc.spec, sc.seed).unwrap();
        assert_eq!(exp.replications, 3);
        assert_eq!(exp.metrics, want.metrics);
    }

    #[test]
    fn damaged_checkpoints_are_refused() {
        let sc = scenario();
        let scs = std::slice::from_ref(&sc);
        let f = folds(&sc, 3);
        let bytes = encode(7, &f).unwrap();
        // More replications than asked for.
        assert!(refusal(decode(&bytes, 7, scs, 2)).contains("3 replications but 2"));
        // A flipped byte, a cut, a byte too many.
        let mut flipped = bytes.clone();
        flipped[HEADER_LEN + 40] ^= 0x10;
        assert!(refusal(decode(&flipped, 7, scs, 10)).contains("checksum"));
        assert!(refusal(decode(&bytes[..bytes.len() - 5], 7, scs, 10)).contains("cut short"));
        assert!(refusal(decode(&bytes[..20], 7, scs, 10)).contains("cut short"));
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(refusal(decode(&longer, 7, scs, 10)).contains("past its end"));
        // A replication count edited with the checksum made to match.
        let mut text = postcard::to_stdvec(&f).unwrap();
        assert_eq!(text[1], 3, "the first fold's count, after the number of folds");
        text[1] = 9;
        let e = with_payload(7, &text);
        assert!(refusal(decode(&e, 7, scs, 10)).contains("values for 9 replications"));
        // A series end past the horizon, a value that is not finite.
        let mut text = postcard::to_stdvec(&f).unwrap();
        let horizon = sc.spec.horizon.to_le_bytes();
        let at = text.windows(8).rposition(|w| w == horizon).unwrap();
        text[at..at + 8].copy_from_slice(&1e12f64.to_le_bytes());
        assert!(refusal(decode(&with_payload(7, &text), 7, scs, 10)).contains("interval ends"));
        let mut text = postcard::to_stdvec(&f).unwrap();
        text[at..at + 8].copy_from_slice(&f64::NAN.to_le_bytes());
        assert!(refusal(decode(&with_payload(7, &text), 7, scs, 10)).contains("interval ends"));
        // Two folds where one model runs.
        let two = encode(7, &[f[0].clone(), f[0].clone()]).unwrap();
        assert!(refusal(decode(&two, 7, scs, 10)).contains("2 models"));
        // Other experiment, other format, not a checkpoint.
        assert!(matches!(decode(&bytes, 8, scs, 10), Err(Refusal::OtherExperiment)));
        let mut v = bytes.clone();
        v[8] = 9;
        assert!(matches!(decode(&v, 7, scs, 10), Err(Refusal::OtherVersion(9))));
        assert!(matches!(decode(b"hello", 7, scs, 10), Err(Refusal::Foreign)));
    }
}
