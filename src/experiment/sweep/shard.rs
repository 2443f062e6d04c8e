//! Shard files: one machine's share of a sweep (its pairs' values and the whole plan) in
//! postcard behind a checked header, and merging a full set of them back into the values
//! one machine would have had. The same format saves an interrupted sweep's checkpoint.

use super::plan::Plan;
use super::run::{Shard, Values};
use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What a shard file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardFile {
    /// The sweep it is a part of (every shard carries it whole).
    pub plan: Plan,
    /// Which part.
    pub shard: Shard,
    /// Its pairs' values, by pair index in increasing order.
    pub values: Vec<(u64, Vec<Option<f64>>)>,
}

/// First bytes of a shard file.
const MAGIC: &[u8; 8] = b"BSIMSHRD";
/// Version of the layout; another is refused, not guessed at.
const VERSION: u32 = 1;
/// Magic, version (u32), plan hash (u64), payload length (u64), CRC-32 of the payload
/// (u32), little-endian; the payload (a [`ShardFile`] in postcard) follows.
const HEADER_LEN: usize = 8 + 4 + 8 + 8 + 4;

/// The bytes of a shard file.
pub fn encode(file: &ShardFile) -> Result<Vec<u8>, Error> {
    let payload = postcard::to_stdvec(file).map_err(|e| Error::Internal(format!("encoding a shard: {e}")))?;
    let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.extend_from_slice(&file.plan.hash.to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    bytes.extend_from_slice(&payload);
    Ok(bytes)
}

/// Reads a shard file's bytes, refusing (exit code 2, naming `path`) one that is not a
/// shard, of another format version, cut short or damaged.
pub fn decode(bytes: &[u8], path: &Path) -> Result<ShardFile, Error> {
    let bad = |m: String| Error::Usage(format!("{}: {m}", path.display()));
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(bad("not a bordersim sweep shard".into()));
    }
    if bytes.len() < HEADER_LEN {
        return Err(bad("damaged: cut short inside its header".into()));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().unwrap_or([0; 4]));
    if version != VERSION {
        return Err(bad(format!(
            "written by another version of bordersim (shard format {version}, this one reads {VERSION})"
        )));
    }
    let len = u64::from_le_bytes(bytes[20..28].try_into().unwrap_or([0; 8]));
    let crc = u32::from_le_bytes(bytes[28..32].try_into().unwrap_or([0; 4]));
    let payload = &bytes[HEADER_LEN..];
    if payload.len() as u64 != len {
        return Err(bad(format!(
            "damaged: {} payload bytes where its header says {len}",
            payload.len()
        )));
    }
    if crc32fast::hash(payload) != crc {
        return Err(bad("damaged: its checksum does not match its contents".into()));
    }
    let file: ShardFile = postcard::from_bytes(payload).map_err(|e| bad(format!("damaged: cannot be read ({e})")))?;
    let width = file.plan.metrics.len();
    let in_order = file.values.windows(2).all(|w| w[0].0 < w[1].0);
    let fits = file.values.iter().all(|(p, v)| {
        *p < file.plan.pairs() && file.shard.owns(*p) && v.len() == width && v.iter().flatten().all(|x| x.is_finite())
    });
    if !in_order || !fits || file.shard.k == 0 || file.shard.k > file.shard.n {
        return Err(bad("damaged: its pairs do not fit its sweep".into()));
    }
    Ok(file)
}

/// Reads the shard file at `path`.
pub fn read(path: &Path) -> Result<ShardFile, Error> {
    let m = std::fs::metadata(path).map_err(|e| Error::Usage(format!("{}: cannot read: {e}", path.display())))?;
    if !m.is_file() {
        return Err(Error::Usage(format!("{}: not a regular file", path.display())));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::Usage(format!("{}: cannot read: {e}", path.display())))?;
    decode(&bytes, path)
}

/// Saves `values` of `shard` as a shard file at `path`, atomically.
pub fn save(path: &Path, plan: &Plan, shard: Shard, values: &Values) -> Result<(), Error> {
    let file = ShardFile {
        plan: plan.clone(),
        shard,
        values: values.iter().map(|(p, v)| (*p, v.clone())).collect(),
    };
    crate::report::atomic::write_atomic(path, &encode(&file)?)
}

/// What differs between two plans, in words, for refusing a foreign shard.
fn difference(a: &Plan, b: &Plan) -> String {
    let mut d = Vec::new();
    if a.sweep_file != b.sweep_file {
        d.push(format!("sweep file {} vs {}", b.sweep_file, a.sweep_file));
    }
    if a.seed != b.seed {
        d.push(format!("seed {} vs {}", b.seed, a.seed));
    }
    if a.replications != b.replications {
        d.push(format!("replications {} vs {}", b.replications, a.replications));
    }
    if a.horizon_min != b.horizon_min {
        d.push(format!(
            "horizon {} vs {} days",
            b.horizon_min / 1440.0,
            a.horizon_min / 1440.0
        ));
    }
    if a.points != b.points {
        d.push("other design points".into());
    }
    if d.is_empty() {
        d.push("the sweep file, scenario or design file changed in between".into());
    }
    d.join(", ")
}

/// Combines a full set of shards (in any order) into the plan and the values of every
/// pair. Refuses, naming the files: a shard of another sweep (another file, seed,
/// replications or days: their plan hashes differ), shards counted out of different totals,
/// the same shard twice, a missing shard, and an incomplete one.
pub fn merge(files: Vec<(PathBuf, ShardFile)>) -> Result<(Plan, Values), Error> {
    let Some((first_path, first)) = files.first() else {
        return Err(Error::Usage("merge: no shard files given".into()));
    };
    let (plan, n) = (first.plan.clone(), first.shard.n);
    let mut seen: Vec<Option<&PathBuf>> = vec![None; n as usize];
    for (path, f) in &files {
        if f.plan.hash != plan.hash || f.plan != plan {
            return Err(Error::Usage(format!(
                "merge: {} is a shard of another sweep than {} ({}): merge only the shards of one sweep run",
                path.display(),
                first_path.display(),
                difference(&plan, &f.plan)
            )));
        }
        if f.shard.n != n {
            return Err(Error::Usage(format!(
                "merge: {} is shard {}/{} but {} is one of {n}: the shards were cut differently",
                path.display(),
                f.shard.k,
                f.shard.n,
                first_path.display()
            )));
        }
        let slot = &mut seen[(f.shard.k - 1) as usize];
        if let Some(other) = slot {
            return Err(Error::Usage(format!(
                "merge: shard {}/{n} is given twice ({} and {})",
                f.shard.k,
                other.display(),
                path.display()
            )));
        }
        *slot = Some(path);
        let want = f.shard.share(plan.pairs());
        if f.values.len() as u64 != want {
            return Err(Error::Usage(format!(
                "merge: {} holds {} of the {want} runs of shard {}/{n}: it was interrupted; finish it with `sweep --shard {}/{n} --resume`",
                path.display(),
                f.values.len(),
                f.shard.k,
                f.shard.k
            )));
        }
    }
    let missing: Vec<String> = (1..=n)
        .filter(|k| seen[(*k - 1) as usize].is_none())
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "merge: shard{} {} missing: give all {n} shards of the sweep",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ") + if missing.len() == 1 { " is" } else { " are" }
        )));
    }
    let values = files.into_iter().flat_map(|(_, f)| f.values).collect();
    Ok((plan, values))
}
