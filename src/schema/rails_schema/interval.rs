//! Interval constants as PostgreSQL prints them. ActiveRecord's connections set
//! `intervalstyle = iso_8601`, so `schema.rb` spells an interval in a default or a check
//! `'PT7H'::interval`; PostgreSQL stores it and prints it (in its default style, the one the
//! live catalog is read in) as `'07:00:00'::interval`.

/// Every `'P…'::interval` constant of `sql` in PostgreSQL's default output style.
pub fn postgres_style(sql: &str) -> String {
    if !sql.contains("::interval") {
        return sql.to_string();
    }
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(i) = rest.find("'P") {
        let after = &rest[i + 1..];
        if let Some(end) = after.find('\'') {
            if after[end + 1..].starts_with("::interval") {
                if let Some(pg) = iso_to_postgres(&after[..end]) {
                    out.push_str(&rest[..i]);
                    out.push('\'');
                    out.push_str(&pg);
                    out.push('\'');
                    rest = &after[end + 1..];
                    continue;
                }
            }
        }
        out.push_str(&rest[..i + 2]);
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

fn unit(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `P1Y2M3DT4H5M6.5S` → `1 year 2 mons 3 days 04:05:06.5`; None for what it does not know
/// (fractional years, months or days), which then stays as written.
fn iso_to_postgres(iso: &str) -> Option<String> {
    let body = iso.strip_prefix('P')?;
    let (date, time) = body.split_once('T').unwrap_or((body, ""));
    let (mut months, mut days, mut micros) = (0i64, 0i64, 0i128);
    let mut number = String::new();
    for c in date.chars() {
        if c.is_ascii_digit() || c == '-' {
            number.push(c);
            continue;
        }
        let n: i64 = std::mem::take(&mut number).parse().ok()?;
        match c {
            'Y' => months += n * 12,
            'M' => months += n,
            'W' => days += n * 7,
            'D' => days += n,
            _ => return None,
        }
    }
    for c in time.chars() {
        if c.is_ascii_digit() || c == '-' || c == '.' {
            number.push(c);
            continue;
        }
        let n: f64 = std::mem::take(&mut number).parse().ok()?;
        let per = match c {
            'H' => 3_600_000_000f64,
            'M' => 60_000_000f64,
            'S' => 1_000_000f64,
            _ => return None,
        };
        micros += (n * per).round() as i128;
    }
    if !number.is_empty() {
        return None;
    }
    let mut parts = vec![];
    let (years, mons) = (months / 12, months % 12);
    if years != 0 {
        parts.push(unit(years, "year", "years"));
    }
    if mons != 0 {
        parts.push(unit(mons, "mon", "mons"));
    }
    if days != 0 {
        parts.push(unit(days, "day", "days"));
    }
    if micros != 0 || parts.is_empty() {
        let sign = if micros < 0 { "-" } else { "" };
        let m = micros.abs();
        let (h, rem) = (m / 3_600_000_000, m % 3_600_000_000);
        let (min, rem) = (rem / 60_000_000, rem % 60_000_000);
        let (s, frac) = (rem / 1_000_000, rem % 1_000_000);
        let mut t = format!("{sign}{h:02}:{min:02}:{s:02}");
        if frac != 0 {
            t.push_str(format!(".{frac:06}").trim_end_matches('0'));
        }
        parts.push(t);
    }
    Some(parts.join(" "))
}

#[cfg(test)]
mod test {
    use super::*;

    /// The right-hand sides are what PostgreSQL 15 prints for each (`SELECT 'PT7H'::interval`).
    #[test]
    fn iso_8601_intervals_as_postgresql_prints_them() {
        for (iso, pg) in [
            ("PT7H", "07:00:00"),
            ("P30D", "30 days"),
            ("P1Y2M3DT4H5M6.5S", "1 year 2 mons 3 days 04:05:06.5"),
            ("P1D", "1 day"),
            ("P14M", "1 year 2 mons"),
            ("PT0S", "00:00:00"),
            ("P2W", "14 days"),
            ("PT-7H", "-07:00:00"),
            ("P-1D", "-1 days"),
            ("PT90M", "01:30:00"),
            ("PT1.000001S", "00:00:01.000001"),
        ] {
            assert_eq!(iso_to_postgres(iso).as_deref(), Some(pg), "{iso}");
        }
        assert_eq!(
            postgres_style("(now() + 'PT7H'::interval) AND x = 'Paris'"),
            "(now() + '07:00:00'::interval) AND x = 'Paris'"
        );
        assert_eq!(postgres_style("'P0.5D'::interval"), "'P0.5D'::interval");
    }
}
