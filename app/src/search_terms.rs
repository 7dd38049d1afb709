//! The words of a search and the full-text queries built from them, for every tool that
//! searches (feed, chat, and what comes next). Pure functions, so they are fuzzed
//! (`fuzz/fuzz_targets/search_terms.rs`): whatever a person types, only words reach the
//! database's query syntax.

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
}
