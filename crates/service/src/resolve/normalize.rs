//! The comparison key two spellings of a name share, and the edit distance used to suggest
//! the closest known name when nothing matches.

/// The key a name is compared by: letters folded to lower case without accents, words kept
/// and joined without separators, so that case, accents, spaces and punctuation do not matter
/// ("Türkiye" = "turkiye", "Timor-Leste" = "timor leste", "U.S.A." = "USA",
/// "Rare-Earths" = "rare_earths"). "&" reads as "and", the word "the" is dropped
/// ("The Bahamas" = "Bahamas", "Republic of the Congo" = "Republic of Congo") and "st" reads
/// as "saint" ("St. Lucia" = "Saint Lucia").
pub(crate) fn key(text: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for ch in text.chars() {
        if is_combining_mark(ch) {
            continue;
        }
        if let Some(folded) = fold(ch) {
            word.push_str(folded);
        } else if ch.is_alphanumeric() {
            word.extend(ch.to_lowercase());
        } else {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            if ch == '&' {
                words.push("and".to_string());
            }
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let mut out = String::new();
    for w in &words {
        match w.as_str() {
            "the" => {}
            "st" => out.push_str("saint"),
            w => out.push_str(w),
        }
    }
    out
}

/// Combining diacritical marks, as found in decomposed (NFD) text.
fn is_combining_mark(ch: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&ch)
}

/// Latin letters with diacritics (Latin-1 Supplement, Latin Extended-A and the comma-below
/// letters of Romanian), as lower-case ASCII.
fn fold(ch: char) -> Option<&'static str> {
    let s = match ch {
        'À'..='Å' | 'à'..='å' | 'Ā'..='ą' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' | 'Ć'..='č' => "c",
        'Ð' | 'ð' | 'Ď'..='đ' => "d",
        'È'..='Ë' | 'è'..='ë' | 'Ē'..='ě' => "e",
        'Ĝ'..='ģ' => "g",
        'Ĥ'..='ħ' => "h",
        'Ì'..='Ï' | 'ì'..='ï' | 'Ĩ'..='ı' => "i",
        'Ĳ' | 'ĳ' => "ij",
        'Ĵ' | 'ĵ' => "j",
        'Ķ'..='ĸ' => "k",
        'Ĺ'..='ł' => "l",
        'Ñ' | 'ñ' | 'Ń'..='ŋ' => "n",
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'Ō'..='ő' => "o",
        'Œ' | 'œ' => "oe",
        'Ŕ'..='ř' => "r",
        'Ś'..='š' | 'ſ' | 'Ș' | 'ș' => "s",
        'ß' => "ss",
        'Ţ'..='ŧ' | 'Ț' | 'ț' => "t",
        'Þ' | 'þ' => "th",
        'Ù'..='Ü' | 'ù'..='ü' | 'Ũ'..='ų' => "u",
        'Ŵ' | 'ŵ' => "w",
        'Ý' | 'ý' | 'ÿ' | 'Ŷ'..='Ÿ' => "y",
        'Ź'..='ž' => "z",
        _ => return None,
    };
    Some(s)
}

/// Keys longer than this are not compared for suggestions: the distance is quadratic in the
/// length and nothing that long is a misspelt name.
pub(crate) const MAX_SUGGEST_LEN: usize = 64;

/// Optimal string alignment distance (Levenshtein with adjacent transpositions), in chars.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    // Three rows: two back (for transpositions), one back, current.
    let mut prev2 = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0usize; width];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// How close a known key is to the key given, when close enough to suggest: `(0, d)` for
/// an edit distance `d` within a third of the length (at most 3), `(1, extra)` when the given
/// key (four characters or more) is part of the known one. Lower is closer.
pub(crate) fn closeness(given: &str, known: &str) -> Option<(u8, usize)> {
    let n = given.chars().count();
    if n == 0 || n > MAX_SUGGEST_LEN || known.chars().count() > MAX_SUGGEST_LEN {
        return None;
    }
    let limit = (n / 3).clamp(1, 3);
    let d = edit_distance(given, known);
    if d <= limit {
        return Some((0, d));
    }
    if n >= 4 && known.contains(given) {
        return Some((1, known.len() - given.len()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_accents_spaces_and_punctuation() {
        assert_eq!(key("Türkiye"), "turkiye");
        assert_eq!(key("TURKIYE"), "turkiye");
        assert_eq!(key("Timor-Leste"), key("timor leste"));
        assert_eq!(key("U.S.A."), "usa");
        assert_eq!(key("Rare-Earths"), key("rare_earths"));
        assert_eq!(key("rare earths"), "rareearths");
        assert_eq!(key("Côte d’Ivoire"), key("Cote d'Ivoire"));
        assert_eq!(key("Curac\u{0327}ao"), key("Curaçao"));
        assert_eq!(key("Bosnia & Herzegovina"), key("Bosnia and Herzegovina"));
        assert_eq!(key("The Bahamas"), key("Bahamas"));
        assert_eq!(key("Republic of the Congo"), key("Republic of Congo"));
        assert_eq!(key("St. Lucia"), key("Saint Lucia"));
        assert_eq!(key("Åland Islands"), "alandislands");
        assert_eq!(key("Saint Barthélemy"), "saintbarthelemy");
        assert_eq!(key("  ,.- "), "");
        assert_eq!(key("Россия"), "россия");
    }

    #[test]
    fn edit_distance_counts_edits_and_transpositions() {
        assert_eq!(edit_distance("lithum", "lithium"), 1);
        assert_eq!(edit_distance("indai", "india"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn closeness_is_bounded_by_length() {
        assert_eq!(closeness("lithum", "lithium"), Some((0, 1)));
        assert_eq!(closeness("ab", "xy"), None);
        assert_eq!(closeness("korea", "southkorea"), Some((1, 5)));
        assert_eq!(closeness("atlantis", "antarctica"), None);
        assert_eq!(closeness(&"a".repeat(1000), "a"), None);
    }
}
