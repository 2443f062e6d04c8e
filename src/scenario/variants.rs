//! Variants: the baseline file with some keys replaced, each validated like the baseline.

use super::build::{Invalid, KeyPath};
use super::format::{ScenarioFile, VariantSection};

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
