//! Sizes, keys, ids and geometries at and past their limits.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use bulwark_api::Error;
use bulwark_vault::{Config, Geometry, MAX_NAME, RollbackPolicy, Vault};
use support::*;

fn fresh(pages: u32, page: u32) -> SimFlash {
    let mut flash = SimFlash::new((pages * page) as usize);
    let v: TestVault<'_> = Vault::format(
        &mut flash,
        ccm(&KEY),
        SimCounter::default(),
        &config(pages, page, RollbackPolicy::None),
    )
    .unwrap();
    drop(v);
    flash
}

fn mount<'a>(flash: &'a mut SimFlash, cfg: &Config, key: &[u8]) -> Result<TestVault<'a>, Error> {
    Vault::mount(flash, ccm(key), SimCounter::default(), cfg)
}

#[test]
fn names_values_and_buffers() {
    let cfg = config(3, 1024, RollbackPolicy::None);
    let mut flash = fresh(3, 1024);
    let mut v = mount(&mut flash, &cfg, &KEY).unwrap();
    let long = [b'x'; MAX_NAME];
    assert_eq!(v.put(&long, b"ok"), Ok(()));
    assert_eq!(
        v.put(&[b'x'; MAX_NAME + 1], b"no"),
        Err(Error::InvalidInput)
    );
    assert_eq!(v.put(b"", b"no"), Err(Error::InvalidInput));
    assert_eq!(v.put(b"big", &[7; 256]), Ok(()));
    assert_eq!(v.put(b"too-big", &[7; 257]), Err(Error::InvalidInput));
    assert_eq!(v.put(b"empty", b""), Ok(()));
    let mut out = [0xaa; 256];
    assert_eq!(v.get(b"empty", &mut out), Ok(Some(0)));
    assert_eq!(v.get(&long, &mut out), Ok(Some(2)));
    assert_eq!(&out[..2], b"ok");
    let mut short = [0xaa; 255];
    assert_eq!(v.get(b"big", &mut short), Err(Error::InvalidInput));
    assert!(short.iter().all(|&b| b == 0), "short buffer not zeroed");
    assert_eq!(v.get(b"absent", &mut out), Ok(None));
    assert_eq!(v.delete(b"absent"), Ok(false));
    assert_eq!(v.delete(b"big"), Ok(true));
    assert_eq!(v.delete(b"big"), Ok(false));
    assert_eq!(v.get(b"big", &mut out), Ok(None));
    let mut names = Vec::new();
    v.for_each_name(|n| names.push(n.to_vec())).unwrap();
    names.sort();
    assert_eq!(names, vec![b"empty".to_vec(), long.to_vec()]);
}

#[test]
fn wrong_key_or_id_does_not_mount() {
    let cfg = config(3, 1024, RollbackPolicy::None);
    let mut flash = fresh(3, 1024);
    let mut other_key = KEY;
    other_key[0] ^= 1;
    assert_eq!(
        mount(&mut flash, &cfg, &other_key).err(),
        Some(Error::Verification)
    );
    assert_eq!(
        mount(&mut flash, &cfg, &[0x11; 32]).err(),
        Some(Error::Verification)
    );
    let mut other_id = cfg;
    other_id.id[15] ^= 0x80;
    assert_eq!(
        mount(&mut flash, &other_id, &KEY).err(),
        Some(Error::Verification)
    );
    // An erased region is not a vault.
    let mut blank = SimFlash::new(3 * 1024);
    assert_eq!(
        mount(&mut blank, &cfg, &KEY).err(),
        Some(Error::Verification)
    );
    assert!(mount(&mut flash, &cfg, &KEY).is_ok());
}

#[test]
fn geometries() {
    let mut flash = SimFlash::new(8 * 1024);
    let good = config(3, 1024, RollbackPolicy::None);
    let bad = |f: &dyn Fn(&mut Geometry)| {
        let mut c = good;
        f(&mut c.geometry);
        c
    };
    let cases = [
        bad(&|g| g.pages = 1),
        bad(&|g| g.pages = 33),
        bad(&|g| g.page_size = 768), // not a multiple of the erase size
        bad(&|g| g.page_size = 0),
        bad(&|g| g.write_size = 2), // below the flash's write size... raised to 4: fine
        bad(&|g| g.write_size = 12), // not a power of two
        bad(&|g| g.write_size = 128), // above the maximum
        bad(&|g| g.offset = 100),   // not erase-aligned
        bad(&|g| g.pages = 9),      // beyond the flash
        bad(&|g| g.page_size = 512), // too small for a 256-byte value (write size 64 below)
    ];
    let expect = [
        false, false, false, false, true, false, false, false, false, true,
    ];
    for (i, (c, ok)) in cases.iter().zip(expect).enumerate() {
        let r: Result<TestVault<'_>, Error> =
            Vault::format(&mut flash, ccm(&KEY), SimCounter::default(), c);
        assert_eq!(r.is_ok(), ok, "case {i}");
        if !ok {
            assert_eq!(r.err(), Some(Error::InvalidInput), "case {i}");
        }
    }
    let mut c = good;
    c.geometry.page_size = 512;
    c.geometry.write_size = 64;
    let r: Result<TestVault<'_>, Error> =
        Vault::format(&mut flash, ccm(&KEY), SimCounter::default(), &c);
    assert_eq!(r.err(), Some(Error::InvalidInput));
    let mut c = good;
    c.policy = RollbackPolicy::Window { commits: 0 };
    let r: Result<TestVault<'_>, Error> =
        Vault::format(&mut flash, ccm(&KEY), SimCounter::default(), &c);
    assert_eq!(r.err(), Some(Error::InvalidInput));
}

#[test]
fn a_full_store_says_so_and_stays_usable() {
    let cfg = config(3, 1024, RollbackPolicy::None);
    let mut flash = fresh(3, 1024);
    let mut v = mount(&mut flash, &cfg, &KEY).unwrap();
    let mut stored = 0;
    let err = loop {
        match v.put(format!("n{stored}").as_bytes(), &[stored as u8; 200]) {
            Ok(()) => stored += 1,
            Err(e) => break e,
        }
        assert!(stored < 100);
    };
    assert_eq!(err, Error::InvalidInput);
    assert!(stored >= 4, "only {stored} values fit");
    // Everything stored still reads back; deleting makes room again.
    let mut out = [0u8; 256];
    for i in 0..stored {
        assert_eq!(v.get(format!("n{i}").as_bytes(), &mut out), Ok(Some(200)));
    }
    drop(v);
    let mut v = mount(&mut flash, &cfg, &KEY).unwrap();
    assert_eq!(v.delete(b"n0"), Ok(true));
    assert_eq!(v.delete(b"n1"), Ok(true));
    assert_eq!(v.put(b"again", &[1; 200]), Ok(()));
    assert_eq!(v.get(b"again", &mut out), Ok(Some(200)));
    println!("full after {stored} values of 200 bytes in 3 pages of 1024");
}

#[test]
fn wear_levelling_rotates_every_page() {
    let cfg = config(5, 512, RollbackPolicy::None);
    let mut flash = SimFlash::new(5 * 512);
    let log = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    flash.log = Some(log.clone());
    let mut v: TestVault<'_> =
        Vault::format(&mut flash, ccm(&KEY), SimCounter::default(), &cfg).unwrap();
    let mut g = Gen(3);
    for i in 0..300 {
        v.put(format!("k{}", i % 4).as_bytes(), &g.bytes(40))
            .unwrap();
    }
    drop(v);
    let mut erases = [0usize; 5];
    for (op, _) in log.borrow().iter() {
        if let Op::Erase { from, .. } = op {
            erases[from / 512] += 1;
        }
    }
    let (min, max) = (erases.iter().min().unwrap(), erases.iter().max().unwrap());
    println!("erases per page: {erases:?}");
    assert!(*min >= 5 && max - min <= 2, "{erases:?}");
}
