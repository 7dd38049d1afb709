//! Search input on any text: only letters and digits reach the full-text query syntax of
//! either database, every word is quoted for FTS5, and the limits hold.
#![no_main]

use agora_fuzz::search_terms::{boolean_match, fts5_match, words};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let words = words(query);
    assert!(words.len() <= 8);
    for word in &words {
        assert!(!word.is_empty());
        assert!(word.chars().all(char::is_alphanumeric), "{word:?}");
        // Lower-casing may lengthen a word (one letter can become two), never by much.
        assert!(word.chars().count() <= 120, "{word:?}");
    }
    let fts = fts5_match("portal", "p1", &words);
    assert_eq!(fts.matches('"').count(), 2 + 2 * words.len(), "{fts:?}");
    let boolean = boolean_match(&words);
    assert!(
        boolean
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '+' | '*' | ' ')),
        "{boolean:?}"
    );
});
