//! `check` describes a policy's stages by the stage each name means: `b.yard` is port b's
//! yard even when port a, listed first, has a stage of the same name (issue 18).

use std::process::Command;

#[test]
fn check_names_the_kind_of_the_stage_at_the_port_written() {
    let dir = std::env::temp_dir().join(format!("bordersim-check-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("two.toml");
    let stage = |kind: &str| {
        if kind == "servers" {
            "kind = \"servers\"\nservers = 2\nclearance = { dist = \"constant\", value = 5 }\n"
        } else {
            "kind = \"dwell\"\nclearance = { dist = \"constant\", value = 5 }\n"
        }
    };
    let src = format!(
        "policy = {{ type = \"scaled\", factor = 0.5, stages = [\"b.yard\"] }}\n\n[simulation]\nstart = \"2025-01-06\"\nhorizon_days = 2\nseed = 1\nreplications = 1\n\n[modes.car]\nkind = \"generic\"\n\n[ports.a.stages.yard]\n{}\n[ports.a.flows.car]\nevery_min = 60\nroute = [\"yard\"]\n\n[ports.b.stages.yard]\n{}\n[ports.b.flows.car]\nevery_min = 60\nroute = [\"yard\"]\n",
        stage("servers"),
        stage("dwell")
    );
    std::fs::write(&file, src).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .arg("check")
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        text.contains("b.yard (a dwell"),
        "port b's yard is a dwell, not port a's lanes:\n{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
