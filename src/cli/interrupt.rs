//! Ctrl-C: keep every finished replication, write what there is marked as partial, and save
//! a checkpoint that `--resume` continues from to the same final result.

use crate::error::Error;
use crate::experiment::Fold;
use crate::scenario::Scenario;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the first Ctrl-C; a second one ends the process at once.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler (once; a failure only means Ctrl-C kills as usual).
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\ninterrupted: finishing the replications under way, then saving (Ctrl-C again to quit now)");
    });
}

const MAGIC: u64 = 0x6273_696d_636b_7031; // "bsimckp1"
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

/// Saves the folds, atomically.
pub fn save(dir: &Path, fp: u64, folds: &[Fold]) -> Result<(), Error> {
    let mut words = vec![MAGIC, fp, folds.len() as u64];
    folds.iter().for_each(|f| f.encode(&mut words));
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    crate::report::atomic::ensure_dir(dir)?;
    crate::report::atomic::write_atomic(&dir.join(FILE), &bytes)
}

/// Loads the folds saved for `fp`.
pub fn load(dir: &Path, fp: u64, n: usize) -> Result<Vec<Fold>, Error> {
    let path = dir.join(FILE);
    let bytes = std::fs::read(&path)
        .map_err(|e| Error::Usage(format!("--resume: no checkpoint to resume in {} ({e})", dir.display())))?;
    let mut words = bytes
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")));
    let bad = || Error::Usage(format!("--resume: {} is not a bordersim checkpoint", path.display()));
    if words.next() != Some(MAGIC) {
        return Err(bad());
    }
    if words.next() != Some(fp) || words.next() != Some(n as u64) {
        return Err(Error::Usage(format!(
            "--resume: {} was saved for another scenario file or other settings (seed, replications, days, variants)",
            path.display()
        )));
    }
    (0..n).map(|_| Fold::decode(&mut words).ok_or_else(bad)).collect()
}

/// Removes the checkpoint after a run completed.
pub fn clear(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(FILE));
}
