//! The vector file format and its parser.
//!
//! Every file in `test-vectors/` holds one record per line: space-separated `name=value`
//! fields, byte strings in lowercase hex (empty for zero bytes), `#` starting a comment line.
//! See `test-vectors/PROVENANCE.md` for the sources.
//!
//! The same parser serves the compiled-in vectors of `bulwark-conformance` and the files
//! that host tests read at run time.

/// One record (one line) of a vector file.
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    /// The record's line number in its file (1-based), for failure reports.
    pub line: usize,
    text: &'a str,
}

/// The expected verdict of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Must be accepted and produce the given outputs.
    Valid,
    /// Must be rejected.
    Invalid,
    /// Wycheproof "acceptable": the suite's documented policy decides per set.
    Acceptable,
}

impl<'a> Record<'a> {
    /// The raw text of field `name`, if present.
    pub fn field(&self, name: &str) -> Option<&'a str> {
        self.text.split(' ').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k == name).then_some(v)
        })
    }

    /// The raw text of field `name`.
    ///
    /// # Panics
    ///
    /// If the field is missing (a bug in the test data), naming the line.
    #[track_caller]
    #[allow(clippy::panic)] // test support: a missing field is a bug in the test data
    pub fn text(&self, name: &str) -> &'a str {
        match self.field(name) {
            Some(v) => v,
            None => panic!("line {}: no field {name}", self.line),
        }
    }

    /// The byte length field `name` decodes to, if present and well-formed hex.
    pub fn hex_len(&self, name: &str) -> Option<usize> {
        let v = self.field(name)?;
        (v.len() % 2 == 0).then_some(v.len() / 2)
    }

    /// Decodes hex field `name` into the front of `buf`; `None` if it is missing, malformed
    /// or longer than `buf`.
    pub fn hex<'b>(&self, name: &str, buf: &'b mut [u8]) -> Option<&'b mut [u8]> {
        crate::hex::decode_into(self.field(name)?, buf)
    }

    /// Decodes hex field `name`.
    ///
    /// # Panics
    ///
    /// If the field is missing or malformed (a bug in the test data), naming the line.
    #[cfg(feature = "std")]
    #[track_caller]
    #[allow(clippy::panic)] // test support: malformed test data is a bug in the test
    pub fn bytes(&self, name: &str) -> std::vec::Vec<u8> {
        crate::hex::decode(self.text(name))
    }

    /// Decodes a decimal field.
    pub fn number(&self, name: &str) -> Option<u64> {
        self.field(name)?.parse().ok()
    }

    /// The record's `result=` field (`valid` when absent: plain known-answer files).
    pub fn verdict(&self) -> Option<Verdict> {
        match self.field("result") {
            None | Some("valid") => Some(Verdict::Valid),
            Some("invalid") => Some(Verdict::Invalid),
            Some("acceptable") => Some(Verdict::Acceptable),
            Some(_) => None,
        }
    }

    /// Whether the comma-separated `flags=` field contains `flag`.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.field("flags")
            .is_some_and(|f| f.split(',').any(|x| x == flag))
    }
}

/// The records of a vector file, skipping comments and blank lines.
pub fn records(data: &str) -> impl Iterator<Item = Record<'_>> {
    data.lines().enumerate().filter_map(|(i, text)| {
        let text = text.trim();
        (!text.is_empty() && !text.starts_with('#')).then_some(Record { line: i + 1, text })
    })
}
