//! Variants: the baseline file with some keys replaced, each validated like the baseline.

use super::build::{Invalid, KeyPath};
use super::format::{ScenarioFile, VariantSection};
use super::{BASELINE, Overrides, Scenario};
use crate::error::Error;

/// A variant built in code rather than written as `[variants.NAME]` (a sweep point, an
/// optimiser's candidate): the baseline `base` with the `(dotted key, value)` overrides in
/// `set`, with the command-line `overrides` `base` was loaded with. It goes through the same
/// checks as a variant in the file and its errors name `variants.NAME.set.KEY` the same way,
/// without a line (the key is not in the file). `base` must be a baseline whose file is
/// unchanged since it was loaded; the variant shares its seed, so common random numbers
/// pair it with the baseline.
pub fn from_code(
    base: &Scenario,
    overrides: Overrides,
    name: &str,
    set: &[(&str, toml::Value)],
) -> Result<Scenario, Error> {
    if base.variant != BASELINE {
        return Err(Error::Usage(format!(
            "variant `{name}`: built on `{}`, not on a baseline",
            base.variant
        )));
    }
    let path = &base.path;
    let bytes = super::read_limited(path, super::MAX_FILE_BYTES).map_err(|reason| Error::Read {
        path: path.clone(),
        reason,
    })?;
    let src = String::from_utf8_lossy(&bytes);
    let mut file: ScenarioFile = toml::from_str(&src).map_err(|e| Error::Read {
        path: path.clone(),
        reason: format!("it changed since it was loaded: {}", e.message().trim()),
    })?;
    if file.variants.contains_key(name) {
        return Err(Error::Usage(format!(
            "variant `{name}`: {} already defines a variant of that name",
            path.display()
        )));
    }
    let section = VariantSection {
        description: None,
        policy: None,
        set: set.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect(),
    };
    file.variants.insert(name.to_string(), section);
    let logs = super::logs::load(&file, path).map_err(|p| match p {
        super::logs::Problem::Key(inv) => super::invalid(&src, path, inv),
        super::logs::Problem::Data(e) => e,
    })?;
    super::build_variant(&src, path, &file, &logs, name, overrides).map_err(|e| match e {
        Error::Invalid {
            path,
            key,
            message,
            location: _,
        } if key.starts_with(&format!("variants.{name}")) => Error::Invalid {
            path,
            location: String::new(),
            key,
            message,
        },
        other => other,
    })
}

/// The baseline file with variant `name`'s `set` overrides applied. Each override names an
/// existing table of the baseline by its dotted path; its last key may be new (an optional
/// setting such as `capacity`), and a misspelt key is then rejected by the schema.
pub fn apply_set(src: &str, name: &str, v: &VariantSection) -> Result<ScenarioFile, Invalid> {
    let set_path = KeyPath::root("variants").child(name).child("set");
    let mut table: toml::Table = toml::from_str(src).map_err(|e| set_path.invalid(e.message().to_string()))?;
    table.remove("variants");
    for (key, value) in &v.set {
        let kp = set_path.child(key);
        let segs: Vec<&str> = key.split('.').collect();
        if segs.iter().any(|s| s.is_empty()) {
            return Err(kp.invalid("not a key path: use dotted names like \"ports.horgos.stages.lanes.servers\""));
        }
        if segs[0] == "simulation" {
            return Err(kp.invalid(
                "a variant cannot change [simulation] settings: common random numbers pair variants \
                 only under the same start, horizon, warm-up, seed, replications and report interval; \
                 change them for every variant at once in [simulation] or with --days, --seed, --replications",
            ));
        }
        if matches!(segs[0], "variants" | "policy") {
            return Err(kp.invalid(format!(
                "`{}` cannot be overridden here: give the variant its own `policy`",
                segs[0]
            )));
        }
        let (last, parents) = segs.split_last().expect("non-empty key");
        let mut node = &mut table;
        for (i, seg) in parents.iter().enumerate() {
            node = match node.get_mut(*seg) {
                Some(toml::Value::Table(t)) => t,
                _ => {
                    return Err(kp.invalid(format!(
                        "the scenario has no table `{}` to override: a variant can only change what the baseline defines",
                        segs[..=i].join(".")
                    )));
                }
            };
        }
        if let (Some(old), new) = (node.get(*last), value)
            && old.type_str() != new.type_str()
            && !(old.is_integer() && new.is_float() || old.is_float() && new.is_integer())
        {
            return Err(kp.invalid(format!("replaces a {} with a {}", old.type_str(), new.type_str())));
        }
        node.insert((*last).to_string(), value.clone());
    }
    toml::Value::Table(table).try_into::<ScenarioFile>().map_err(|e| {
        let msg = format!(
            "variant `{name}` after its overrides: {}",
            e.message().trim().replace('\n', " ")
        );
        match v.set.keys().collect::<Vec<_>>().as_slice() {
            [only] => set_path.child(only).invalid(msg),
            _ => set_path.invalid(msg),
        }
    })
}

/// Re-addresses a validation failure inside variant `name`: to the override that set the
/// offending value when there is one, else to the variant itself, naming the baseline key.
pub fn blame(inv: Invalid, name: &str, v: &VariantSection) -> Invalid {
    let vp = KeyPath::root("variants").child(name);
    if inv.path.0.first().map(String::as_str) == Some("variants") {
        return inv;
    }
    let failing = inv.path.0.join(".");
    let msg = format!("variant `{name}`: {failing}: {}", inv.message);
    for key in v.set.keys() {
        if failing == *key || failing.starts_with(&format!("{key}.")) || key.starts_with(&format!("{failing}.")) {
            return vp.child("set").child(key).invalid(msg);
        }
    }
    vp.invalid(msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn baktu() -> super::super::ScenarioSet {
        super::super::load_set(Path::new("scenarios/baktu.toml"), Overrides::default()).unwrap()
    }

    fn schedule(from: &str) -> toml::Value {
        toml::Value::Array(vec![toml::Value::Table(
            toml::from_str(&format!(
                r#"days = "all"
from = "{from}"
to = "22:00"
servers = 2"#
            ))
            .unwrap(),
        )])
    }

    #[test]
    fn a_variant_built_in_code_is_the_one_written_in_toml() {
        let set = baktu();
        let key = "ports.baktu.stages.inspection.schedule";
        let v = from_code(
            &set.baseline,
            Overrides::default(),
            "longer",
            &[(key, schedule("08:00"))],
        )
        .unwrap();
        let written = set.get("longer_hours").unwrap();
        assert_eq!(format!("{:?}", v.spec), format!("{:?}", written.spec));
        assert_eq!(v.variant, "longer");
        assert_eq!(v.seed, written.seed);
        assert_eq!(v.overrides, written.overrides);
    }

    #[test]
    fn a_variant_built_in_code_is_checked_like_one_in_toml() {
        let set = baktu();
        let err = |name: &str, kv: &[(&str, toml::Value)]| {
            from_code(&set.baseline, Overrides::default(), name, kv)
                .unwrap_err()
                .to_string()
        };
        let e = err("v", &[("ports.baktu.stages.nowhere.servers", toml::Value::Integer(3))]);
        assert!(
            e.contains("scenarios/baktu.toml: variants.v.set.ports.baktu.stages.nowhere.servers: "),
            "{e}"
        );
        assert!(
            e.contains("the scenario has no table `ports.baktu.stages.nowhere`"),
            "{e}"
        );
        let e = err("v", &[("simulation.seed", toml::Value::Integer(3))]);
        assert!(e.contains("cannot change [simulation]"), "{e}");
        let e = err("v", &[("ports.baktu.stages.inspection.schedule", schedule("25:00"))]);
        assert!(e.contains("variant `v`"), "{e}");
        assert!(err("green_lane", &[]).contains("already defines"));
        assert!(err("baseline", &[]).contains("kept for the scenario as written"));
    }
}
