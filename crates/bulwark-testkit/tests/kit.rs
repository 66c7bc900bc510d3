//! The test-support pieces themselves: hex, the vector reader, the generators.
#![allow(clippy::unwrap_used, clippy::panic)]

use bulwark_api::{Error, Rng};
use bulwark_testkit::{
    CyclingTestRng, DeterministicTestRng, FailingTestRng, StuckTestRng, hex,
    vectors::{Verdict, records},
};

#[test]
fn hex_round_trips_and_rejects_malformed() {
    assert_eq!(hex::decode("00ffA5"), [0x00, 0xff, 0xa5]);
    assert_eq!(hex::encode(&[0x00, 0xff, 0xa5]), "00ffa5");
    let mut buf = [0u8; 2];
    assert_eq!(
        hex::decode_into("abcd", &mut buf).map(|b| b.to_vec()),
        Some(vec![0xab, 0xcd])
    );
    assert!(
        hex::decode_into("abcdef", &mut buf).is_none(),
        "longer than the buffer"
    );
    assert!(hex::decode_into("abc", &mut buf).is_none(), "odd length");
    assert!(hex::decode_into("zz", &mut buf).is_none(), "not hex");
}

#[test]
fn vector_records_parse() {
    let file = "# comment\n\nkey=0011 n=7 result=invalid flags=A,B\nkey=\n";
    let r: Vec<_> = records(file).collect();
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].line, 3);
    assert_eq!(r[0].bytes("key"), [0x00, 0x11]);
    assert_eq!(r[0].number("n"), Some(7));
    assert_eq!(r[0].verdict(), Some(Verdict::Invalid));
    assert!(r[0].has_flag("B") && !r[0].has_flag("C"));
    assert_eq!(r[1].bytes("key"), Vec::<u8>::new());
    assert_eq!(r[1].verdict(), Some(Verdict::Valid));
    assert_eq!(r[1].field("n"), None);
}

#[test]
fn generators_are_deterministic() {
    let mut a = [0u8; 12];
    DeterministicTestRng::new(1).fill_bytes(&mut a).unwrap();
    let mut b = [0u8; 12];
    DeterministicTestRng::new(1).fill_bytes(&mut b).unwrap();
    assert_eq!(a, b);
    // SplitMix64 of seed 0: the first output is 0xe220a8397b1dcdaf.
    assert_eq!(
        DeterministicTestRng::new(0).next_u64(),
        0xe220_a839_7b1d_cdaf
    );
    let mut s = [0u8; 3];
    StuckTestRng(9).fill_bytes(&mut s).unwrap();
    assert_eq!(s, [9, 9, 9]);
    assert_eq!(
        FailingTestRng(Error::Hardware).fill_bytes(&mut s),
        Err(Error::Hardware)
    );
    let mut c = [0u8; 5];
    CyclingTestRng::new(&[1, 2]).fill_bytes(&mut c).unwrap();
    assert_eq!(c, [1, 2, 1, 2, 1]);
    CyclingTestRng::new(&[]).fill_bytes(&mut c).unwrap();
    assert_eq!(c, [0x5a; 5]);
}
