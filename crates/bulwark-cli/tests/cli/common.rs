//! Shared helpers of the CLI tests: running the binary, exact-output assertions, scratch
//! directories, hex, the test-vector file reader and the MCUboot test files.

pub(crate) use bulwark_testkit::hex::{decode as hex_decode, encode as hex};
pub(crate) use std::collections::HashMap;
pub(crate) use std::error::Error;
pub(crate) use std::fs;
pub(crate) use std::io::Write;
pub(crate) use std::path::PathBuf;
pub(crate) use std::process::{Command, Stdio};

/// RFC 5869 test case 1's arguments besides the IKM: `--salt`, `--info` and `--len`.
pub(crate) const HKDF_TEST_CASE_1: [&str; 6] = [
    "--salt",
    "000102030405060708090a0b0c",
    "--info",
    "f0f1f2f3f4f5f6f7f8f9",
    "--len",
    "42",
];

pub(crate) type TestResult = Result<(), Box<dyn Error>>;

/// What one run of the binary produced.
pub(crate) struct Run {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: String,
}

pub(crate) fn bulwark_with_stdin(args: &[&str], stdin: &[u8]) -> Result<Run, Box<dyn Error>> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin)?;
    }
    let out = child.wait_with_output()?;
    Ok(Run {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8(out.stderr)?,
    })
}

pub(crate) fn bulwark(args: &[&str]) -> Result<Run, Box<dyn Error>> {
    bulwark_with_stdin(args, b"")
}

/// Asserts success with exactly `expected` (plus a newline) on stdout and nothing on stderr.
pub(crate) fn assert_prints(args: &[&str], expected: &str) -> TestResult {
    let run = bulwark(args)?;
    assert_eq!(run.code, Some(0), "args {args:?}, stderr: {}", run.stderr);
    assert_eq!(
        String::from_utf8(run.stdout)?,
        format!("{expected}\n"),
        "args {args:?}"
    );
    assert_eq!(run.stderr, "", "args {args:?}");
    Ok(())
}

/// Asserts exit code `code`, empty stdout, and an `error: ` message on stderr containing
/// `needle`.
pub(crate) fn assert_fails(args: &[&str], code: i32, needle: &str) -> TestResult {
    let run = bulwark(args)?;
    assert_eq!(
        run.code,
        Some(code),
        "args {args:?}, stderr: {}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "args {args:?}: stdout not empty");
    assert!(
        run.stderr.starts_with("error: "),
        "args {args:?}: stderr {:?}",
        run.stderr
    );
    assert!(
        run.stderr.contains(needle),
        "args {args:?}: stderr {:?} lacks {needle:?}",
        run.stderr
    );
    Ok(())
}

/// A fresh, empty directory for one test.
pub(crate) fn scratch_dir(name: &str) -> Result<PathBuf, Box<dyn Error>> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bulwark-cli-{name}"));
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    fs::create_dir_all(&dir)?;
    Ok(dir)
}

pub(crate) fn path_str(path: &std::path::Path) -> Result<&str, Box<dyn Error>> {
    path.to_str().ok_or_else(|| "non-UTF-8 path".into())
}

// ---------------------------------------------------------------------------------------------
// Test-vector files (test-vectors/*.txt: one record per line, `key=value` fields, `#` comments).

/// The records of `test-vectors/NAME`, each as a field map.
pub(crate) fn vector_records(name: &str) -> Result<Vec<HashMap<String, String>>, Box<dyn Error>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors")
        .join(name);
    let text = fs::read_to_string(&path)?;
    let mut records = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut record = HashMap::new();
        for field in line.split_whitespace() {
            let (key, value) = field
                .split_once('=')
                .ok_or_else(|| format!("{name}: field without '=': {field}"))?;
            record.insert(key.to_owned(), value.to_owned());
        }
        records.push(record);
    }
    if records.is_empty() {
        return Err(format!("{name}: no records").into());
    }
    Ok(records)
}

pub(crate) fn field<'a>(
    record: &'a HashMap<String, String>,
    key: &str,
) -> Result<&'a str, Box<dyn Error>> {
    record
        .get(key)
        .map(String::as_str)
        .ok_or_else(|| format!("record lacks {key}: {record:?}").into())
}

/// Runs the binary and returns its stdout, asserting exit code 0 and an empty stderr.
pub(crate) fn stdout_of(args: &[&str]) -> Result<String, Box<dyn Error>> {
    let run = bulwark(args)?;
    assert_eq!(run.code, Some(0), "args {args:?}, stderr: {}", run.stderr);
    assert_eq!(run.stderr, "", "args {args:?}");
    Ok(String::from_utf8(run.stdout)?)
}

// ---------------------------------------------------------------------------------------------
// keygen, getpub, verify, image sign/verify

pub(crate) fn mcuboot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/mcuboot")
}

pub(crate) fn mcuboot(file: &str) -> Result<String, Box<dyn Error>> {
    Ok(path_str(&mcuboot_dir().join(file))?.to_owned())
}

/// The records of `test-vectors/mcuboot/manifest.txt`.
pub(crate) fn mcuboot_manifest() -> Result<Vec<HashMap<String, String>>, Box<dyn Error>> {
    vector_records("mcuboot/manifest.txt")
}

/// make_images.py's payload: byte i = i mod 256.
pub(crate) fn pattern_payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 256) as u8).collect()
}

// RFC 8032 section 7.1, TEST 1 (first record of test-vectors/ed25519_sign_input.txt).
pub(crate) const ED25519_TEST1_KEY: &str =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
pub(crate) const ED25519_TEST1_SIG: &str = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

/// Flips the lowest bit of the hex digit at `i`.
pub(crate) fn flip_hex(s: &str, i: usize) -> String {
    let mut b = s.as_bytes().to_vec();
    b[i] = match b[i] {
        b'0' => b'1',
        b'1' => b'0',
        c if c.is_ascii_digit() => c ^ 1,
        b'a' => b'b',
        b'b' => b'a',
        b'c' => b'd',
        b'd' => b'c',
        b'e' => b'f',
        _ => b'e',
    };
    String::from_utf8(b).unwrap_or_default()
}

/// A family run without its subcommand (like a bare `bulwark ccm`) prints its help on stderr
/// and exits 2, with nothing on stdout.
pub(crate) fn assert_bare_family_shows_help(family: &str) -> TestResult {
    let run = bulwark(&[family])?;
    assert_eq!(run.code, Some(2), "{family}: {}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("Usage: bulwark"), "{}", run.stderr);
    Ok(())
}
