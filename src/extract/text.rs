//! Splitting an article into paragraphs, sentences and words, keeping byte offsets into the
//! text as written so evidence can quote it.
//!
//! Sentences end at `.` `!` `?` `؟` `;` `؛` and at line breaks; a full stop inside a number
//! (`3.5`), after a single capital (`U.S.`) or after a common abbreviation (`Gen.`, `Nov.`) does
//! not end one. Words are runs of letters and digits (harakat, tatweel and apostrophes stay in
//! the word); a change between digits and letters starts a new word, so `و27` is `و` + `27`.

use unicode_normalization::char::is_combining_mark;

use crate::gazetteer::normalize::{arabic_variants, is_arabic_letter, normalize_text, Script};

/// One word of a sentence.
#[derive(Debug, Clone)]
pub struct Tok {
    /// byte range in the article
    pub start: usize,
    pub end: usize,
    /// the word as written
    pub raw: String,
    /// normalised (lower case, no harakat or diacritics, Eastern digits as ASCII)
    pub norm: String,
    pub script: Script,
    /// Arabic readings with clitics and article taken off, the word itself first (Latin: the
    /// normalised word only)
    pub stems: Vec<String>,
    /// a hyphen joins this word to the next (`al-Bab`, `24-27`, `mid-January`)
    pub hyphen_after: bool,
    /// a comma or colon follows the word
    pub comma_after: bool,
}

impl Tok {
    pub fn is_number(&self) -> bool {
        !self.norm.is_empty() && self.norm.bytes().all(|b| b.is_ascii_digit())
    }

    pub fn number(&self) -> Option<u32> {
        if self.is_number() && self.norm.len() <= 6 {
            self.norm.parse().ok()
        } else {
            None
        }
    }

    /// True when any reading of the word is `stem`.
    pub fn is(&self, stem: &str) -> bool {
        self.stems.iter().any(|s| s == stem)
    }

    /// True when the word as written starts with a capital letter (Latin script).
    pub fn capitalised(&self) -> bool {
        self.raw.chars().next().is_some_and(|c| c.is_uppercase())
    }
}

/// One sentence.
#[derive(Debug, Clone)]
pub struct Sentence {
    /// byte range in the article
    pub start: usize,
    pub end: usize,
    /// paragraph number (paragraphs are separated by line breaks)
    pub para: usize,
    pub toks: Vec<Tok>,
    /// a line of its own without a sentence end: a title or heading, not a report
    pub heading: bool,
}

impl Sentence {
    pub fn text<'a>(&self, article: &'a str) -> &'a str {
        article.get(self.start..self.end).unwrap_or("").trim()
    }
}

/// Latin abbreviations after which a full stop does not end the sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "gen", "col", "lt", "maj", "capt", "sgt", "adm", "brig", "st", "no",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "vs",
    "etc", "approx", "govt", "dept",
];

fn word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c) || c == '\u{0640}' || c == '\u{200C}'
}

fn apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BF}' | '\u{02BE}')
}

fn sentence_end(text: &str, i: usize, c: char) -> bool {
    match c {
        '!' | '?' | '؟' | ';' | '؛' | '\n' | '\r' => true,
        '.' | '。' => {
            let before = &text[..i];
            let after = &text[i + c.len_utf8()..];
            let next = after.chars().next();
            if next.is_some_and(|n| n.is_ascii_digit())
                && before.ends_with(|p: char| p.is_ascii_digit())
            {
                return false;
            }
            // "U.S." and "a.m.": a letter right after the stop
            if next.is_some_and(|n| n.is_alphanumeric()) {
                return false;
            }
            let word: String = before
                .chars()
                .rev()
                .take_while(|p| p.is_alphabetic())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let single_capital = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
            if single_capital || ABBREVIATIONS.contains(&word.to_lowercase().as_str()) {
                // an abbreviation, unless a capitalised word follows after a space and the
                // abbreviation is a month (ends "… 24 Nov. The army …") — rare enough to ignore
                return false;
            }
            true
        }
        _ => false,
    }
}

/// Splits the article into sentences (with their words).
pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut para = 0usize;
    let mut start = 0usize;
    let mut blank_run = false;
    let mut line_punctuated = false;
    for (i, c) in text.char_indices() {
        if sentence_end(text, i, c) {
            let end = i + c.len_utf8();
            let line_break = matches!(c, '\n' | '\r');
            // the sentence keeps its full stop; a line break is not part of it
            let until = if line_break { i } else { end };
            let before = out.len();
            push_sentence(text, start, until, para, &mut out);
            if line_break && !line_punctuated && out.len() == before + 1 {
                mark_heading(&mut out);
            }
            line_punctuated = !line_break;
            start = end;
            if c == '\n' {
                if !blank_run {
                    para += 1;
                }
                blank_run = true;
            }
        } else if !c.is_whitespace() {
            blank_run = false;
        }
    }
    let before = out.len();
    push_sentence(text, start, text.len(), para, &mut out);
    if !line_punctuated && out.len() == before + 1 {
        mark_heading(&mut out);
    }
    out
}

/// A line of a few words without any sentence end is a title, a heading or a list item.
const HEADING_MAX_WORDS: usize = 16;

fn mark_heading(out: &mut [Sentence]) {
    if let Some(last) = out.last_mut() {
        last.heading = last.toks.len() <= HEADING_MAX_WORDS;
    }
}

/// A run of words without a sentence end longer than this is cut into sentences of this many
/// words: real sentences are far shorter, and it keeps the work per sentence bounded.
pub const MAX_SENTENCE_WORDS: usize = 120;

fn push_sentence(text: &str, start: usize, end: usize, para: usize, out: &mut Vec<Sentence>) {
    let toks = words(text, start, end);
    if toks.len() <= MAX_SENTENCE_WORDS {
        if !toks.is_empty() {
            out.push(Sentence {
                start,
                end,
                para,
                toks,
                heading: false,
            });
        }
        return;
    }
    let mut rest = toks.into_iter();
    loop {
        let chunk: Vec<Tok> = rest.by_ref().take(MAX_SENTENCE_WORDS).collect();
        let (Some(first), Some(last)) = (chunk.first(), chunk.last()) else {
            break;
        };
        out.push(Sentence {
            start: first.start,
            end: last.end,
            para,
            toks: chunk,
            heading: false,
        });
    }
}

/// The words of `text[start..end]`.
pub fn words(text: &str, start: usize, end: usize) -> Vec<Tok> {
    let slice = &text[start..end];
    let mut out: Vec<Tok> = Vec::new();
    let mut cur: Option<(usize, bool)> = None; // (start offset, digit run)
    let flush = |from: usize, to: usize, next: Option<char>, out: &mut Vec<Tok>| {
        let raw = &slice[from..to];
        if let Some(tok) = make_tok(raw, start + from, start + to) {
            out.push(tok);
        }
        if let (Some(last), Some(n)) = (out.last_mut(), next) {
            last.hyphen_after = matches!(n, '-' | '–' | '‐' | '‑');
            last.comma_after = matches!(n, ',' | '،' | ':');
        }
    };
    let mut iter = slice.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let inner_apostrophe =
            apostrophe(c) && cur.is_some() && iter.peek().is_some_and(|(_, n)| n.is_alphabetic());
        if word_char(c) || inner_apostrophe {
            let digit = c.is_ascii_digit() || ('\u{0660}'..='\u{0669}').contains(&c);
            match cur {
                Some((s, d)) if d != digit && !is_combining_mark(c) => {
                    flush(s, i, None, &mut out);
                    cur = Some((i, digit));
                }
                Some(_) => {}
                None => cur = Some((i, digit)),
            }
        } else if let Some((s, _)) = cur.take() {
            flush(s, i, Some(c), &mut out);
        }
    }
    if let Some((s, _)) = cur {
        flush(s, slice.len(), None, &mut out);
    }
    out
}

fn make_tok(raw: &str, start: usize, end: usize) -> Option<Tok> {
    let norm: String = normalize_text(raw)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    if norm.is_empty() {
        return None;
    }
    let script = if norm.chars().any(is_arabic_letter) {
        Script::Arabic
    } else {
        Script::Latin
    };
    let stems = match script {
        Script::Arabic => {
            let mut v: Vec<String> = vec![norm.clone()];
            for var in arabic_variants(&norm) {
                if !v.contains(&var.exact) {
                    v.push(var.exact);
                }
            }
            v
        }
        Script::Latin => vec![norm.clone()],
    };
    Some(Tok {
        start,
        end,
        raw: raw.to_string(),
        norm,
        script,
        stems,
        hyphen_after: false,
        comma_after: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_on_both_punctuations_not_in_numbers() {
        let text = "قتل 3 أشخاص. ثم ماذا؟ The U.S. Army said 3.5 tons; done\nنعم";
        let s = sentences(text);
        let texts: Vec<&str> = s.iter().map(|x| x.text(text)).collect();
        assert_eq!(
            texts,
            vec![
                "قتل 3 أشخاص.",
                "ثم ماذا؟",
                "The U.S. Army said 3.5 tons;",
                "done",
                "نعم"
            ]
        );
        assert_eq!(s[4].para, 1);
        assert!(s[4].heading && !s[3].heading && !s[0].heading);
        let t = "Title of the report\nA sentence. Another one\n\n- a list item";
        let h: Vec<bool> = sentences(t).iter().map(|x| x.heading).collect();
        assert_eq!(h, vec![true, false, false, true]);
        assert_eq!(s[0].para, 0);
    }

    #[test]
    fn words_split_digits_and_keep_offsets() {
        let text = "بين 24 و27 نوفمبر، al-Bab";
        let w = words(text, 0, text.len());
        let norms: Vec<&str> = w.iter().map(|t| t.norm.as_str()).collect();
        assert_eq!(norms, vec!["بين", "24", "و", "27", "نوفمبر", "al", "bab"]);
        assert!(w[4].comma_after);
        assert!(w[5].hyphen_after);
        assert_eq!(&text[w[6].start..w[6].end], "Bab");
        assert!(w[2].is("و"));
        let t = words("بريف", 0, "بريف".len());
        assert!(t[0].is("ريف"));
    }

    #[test]
    fn eastern_digits_are_numbers() {
        let w = words("٢٤ نوفمبر", 0, "٢٤ نوفمبر".len());
        assert_eq!(w[0].number(), Some(24));
    }
}
