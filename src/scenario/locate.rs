//! Finding a key path in the TOML source, so validation errors can give a line and column.

use toml::de::{DeTable, DeValue};

/// 1-based line and column of byte `offset` in `src`.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
        + 1;
    (line, col)
}

/// Where the deepest existing part of `path` (dotted keys; numeric parts index arrays)
/// starts in `src`, as 1-based (line, column). `None` if the source cannot be parsed.
pub fn locate(src: &str, path: &[String]) -> Option<(usize, usize)> {
    let doc = DeTable::parse(src).ok()?;
    let mut best: Option<usize> = None;
    let mut table = Some(doc.get_ref());
    let mut value: Option<&DeValue<'_>> = None;
    for seg in path {
        if let Some(t) = table {
            let (k, v) = t.iter().find(|(k, _)| k.get_ref().as_ref() == seg.as_str())?;
            best = Some(k.span().start);
            value = Some(v.get_ref());
            table = v.get_ref().as_table();
            continue;
        }
        let arr = value.and_then(|v| v.as_array())?;
        let i: usize = seg.parse().ok()?;
        let item = arr.get(i)?;
        best = Some(item.span().start);
        value = Some(item.get_ref());
        table = item.get_ref().as_table();
    }
    best.map(|o| line_col(src, o))
}

/// Like [`locate`], but falls back to the longest prefix of `path` that exists, so an error
/// about a missing key points at the table that should hold it.
pub fn locate_nearest(src: &str, path: &[String]) -> Option<(usize, usize)> {
    (1..=path.len()).rev().find_map(|n| locate(src, &path[..n]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_keys_and_array_items() {
        let src = "[simulation]\nhorizon_days = 5\n\n[ports.a.stages.s]\nkind = \"servers\"\n\n[ports.a.flows.m]\nroute = [\"s\", \"t\"]\n";
        let p = |s: &str| s.split('.').map(String::from).collect::<Vec<_>>();
        assert_eq!(locate(src, &p("simulation.horizon_days")), Some((2, 1)));
        assert_eq!(locate(src, &p("ports.a.stages.s.kind")), Some((5, 1)));
        assert_eq!(locate(src, &p("ports.a.flows.m.route.1")), Some((8, 15)));
        assert_eq!(locate(src, &p("ports.a.stages.s.servers")), None);
        assert_eq!(
            locate_nearest(src, &p("ports.a.stages.s.servers")),
            locate(src, &p("ports.a.stages.s"))
        );
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
