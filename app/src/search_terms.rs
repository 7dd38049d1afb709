//! The words of a search and the full-text queries built from them, for every tool that
//! searches (feed, chat, and what comes next). Pure functions, so they are fuzzed
//! (`fuzz/fuzz_targets/search_terms.rs`): whatever a person types, only words reach the
//! database's query syntax. Also the limits every picker's search keeps (people, groups).

/// The words of a search, lower-cased, at most 8, each at most 40 characters, letters and
/// digits only.
pub fn words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| w.chars().take(40).collect::<String>().to_lowercase())
        // Lower-casing may make other characters (`İ` becomes `i̇`): keep letters and digits.
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// An SQLite FTS5 query: every word, quoted, as a prefix, within the column `scope` equal to
/// `token` (the portal).
pub fn fts5_match(scope: &str, token: &str, words: &[String]) -> String {
    let terms = words
        .iter()
        .map(|w| format!("\"{}\"*", w.replace('"', "")))
        .collect::<Vec<_>>()
        .join(" ");
    format!("{scope}:\"{}\" {terms}", token.replace('"', ""))
}

/// A MySQL/MariaDB boolean-mode query: every word required, as a prefix.
pub fn boolean_match(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            let w: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
            format!("+{w}*")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The longest search a picker of people or groups sends, in characters; longer ones are
/// refused before any work (the pickers' inputs stop there too).
pub const MAX_PICKER_QUERY: usize = 100;
/// At most this many choices answer one picker search.
pub const PICKER_RESULTS: i64 = 12;
/// At most this many ids per look-up of the names of what a picker already holds.
pub const MAX_PICKER_IDS: usize = 100;

/// A picker's search, trimmed, or refused when too long.
pub fn picker_query(query: &str) -> Result<&str, crate::error::AppError> {
    let query = query.trim();
    if query.chars().count() > MAX_PICKER_QUERY {
        return Err(crate::error::AppError::invalid(format!(
            "The search is too long (at most {MAX_PICKER_QUERY} characters)."
        )));
    }
    Ok(query)
}

/// The ids a picker asks names for, sorted and without repeats, or refused when too many.
pub fn picker_ids<T: Ord + Copy>(ids: &[T]) -> Result<Vec<T>, crate::error::AppError> {
    if ids.len() > MAX_PICKER_IDS {
        return Err(crate::error::AppError::invalid(format!(
            "Ask for at most {MAX_PICKER_IDS} at a time."
        )));
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_drop_syntax() {
        assert_eq!(
            words("  Q3 \"budget\" OR -sales*!"),
            vec!["q3", "budget", "or", "sales"]
        );
        assert!(words("*** ---").is_empty());
        assert!(
            words("İ")
                .iter()
                .all(|w| w.chars().all(char::is_alphanumeric))
        );
    }

    #[test]
    fn queries_quote_every_word() {
        let w = words("budget q3");
        assert_eq!(
            fts5_match("portal", "p7", &w),
            "portal:\"p7\" \"budget\"* \"q3\"*"
        );
        assert_eq!(boolean_match(&w), "+budget* +q3*");
    }

    #[test]
    fn picker_limits_hold_before_any_work() {
        assert_eq!(picker_query("  bo ").ok(), Some("bo"));
        assert!(picker_query(&"é".repeat(MAX_PICKER_QUERY)).is_ok());
        assert!(picker_query(&"é".repeat(MAX_PICKER_QUERY + 1)).is_err());
        assert_eq!(picker_ids(&[3, 1, 3]).ok(), Some(vec![1, 3]));
        assert!(picker_ids(&vec![1; MAX_PICKER_IDS + 1]).is_err());
    }
}
