//! Straus's double-scalar multiplication `a G + b Q` for ECDSA verification (public inputs,
//! variable time), arranged for a small stack: the table of `Q` is built in place in the
//! caller's array, the sparse NAFs (`crate::naf`) and the loop run in a frame of their own
//! after it, and the point arithmetic updates coordinates in place (`point`'s
//! `double_in_place` and `add_mixed_in_place`).

use super::field::{Fe, P};
use super::point::{Affine, G, Jacobian, add_mixed_in_place, double_in_place};
use super::scalar::Scalar;
use crate::naf::SparseNaf;

/// The odd multiples `P, 3P, .., 15P` of a valid public point, affine, written to `out`
/// (variable time).
///
/// With `2P = (X2 : Y2 : Z2)`, the map `(x, y) -> (Z2^2 x, Z2^3 y)` takes the curve to an
/// isomorphic one (other `a` and `b`, which the addition formulas do not use) on which `2P` is
/// the affine `(X2, Y2)` and `P` the affine `P' = (Z2^2 x, Z2^3 y)`. There the multiples
/// `(2i + 1) P'` take mixed additions (8M + 3S instead of 12M + 4S), and their `Z'` are
/// running products of the additions' `H`: `Z'_i = Z'_(i-1) H_i`, `Z'_0 = 1`. Back on the
/// curve `(2i + 1) P = (X'_i : Y'_i : Z'_i Z2)`, so one inversion of `Z'_7 Z2` followed by one
/// multiplication by `H_i` per step down gives every inverse (Montgomery's trick, with the
/// `H_i` as the only saved products). No addition is exceptional: `(2i - 1) P = +-2P` would
/// need `n` to divide `2i - 3` or `2i + 1`.
#[inline(never)]
fn odd_multiples(p: &Affine, out: &mut [Affine; 8]) {
    // out[0] holds 2P' = (X2, Y2) until the end, when it becomes P; each entry after it is
    // first the accumulator (X' and Y', with Z' in `z`), then keeps its value.
    let (first, rest) = out.split_at_mut(1);
    let two_p = &mut first[0];
    *two_p = *p;
    let mut z2 = Fe::ONE;
    double_in_place(&mut two_p.x, &mut two_p.y, &mut z2);
    // P' = (Z2^2 x, Z2^3 y), with Z' = 1, in rest[0].
    let mut z = z2.square();
    rest[0].x = p.x.mul(&z);
    z = z.mul(&z2);
    rest[0].y = p.y.mul(&z);
    z = Fe::ONE;
    // hs[i - 1] = H of rest[i] (i = 1..6; rest[0]'s is not needed, entry 0 being P itself).
    let mut hs = [Fe::ZERO; 6];
    for i in 0..rest.len() {
        if i > 0 {
            rest[i] = rest[i - 1];
        }
        let h = &mut hs[i.saturating_sub(1)];
        let e = &mut rest[i];
        // Never true (no addition here is exceptional, as above).
        let _same = add_mixed_in_place(&mut e.x, &mut e.y, &mut z, &first[0], false, Some(h));
    }
    // inv = 1 / (Z'_7 Z2), not zero for a valid point (as above), in z; 2P' is no longer
    // needed, so out[0] holds inv's square and cube.
    z = z.mul(&z2);
    z = Fe(super::scalar::invert_vartime(&z.0, &P).unwrap_or_default());
    let powers = &mut first[0];
    for i in (0..rest.len()).rev() {
        powers.x = z.square();
        powers.y = powers.x.mul(&z);
        let e = &mut rest[i];
        e.x = e.x.mul(&powers.x);
        e.y = e.y.mul(&powers.y);
        if i > 0 {
            z = z.mul(&hs[i - 1]);
        }
    }
    first[0] = *p;
}

/// Adds `d P` for a non-zero odd wNAF digit `d`, from the table of odd multiples.
#[inline(always)]
fn add_digit(acc: &mut Jacobian, table: &[Affine], d: i8) {
    if let Some(entry) = table.get(usize::from(d.unsigned_abs() / 2))
        && add_mixed_in_place(&mut acc.x, &mut acc.y, &mut acc.z, entry, d < 0, None)
    {
        // acc = d P: the doubling is called from here, not from the addition's frame.
        acc.double_assign();
    }
}

/// `a * G + b * Q` for public scalars and a public point (variable time): Straus's
/// interleaving over a width-6 NAF of `a` (a constant table of 16 odd multiples of G) and a
/// width-5 NAF of `b` (8 odd multiples of Q, computed here): about 256 doublings and 80
/// additions.
///
/// Its own frame (not inlined into the caller's, which holds the message digest) holds the
/// table of Q; the table is built in a callee, then the NAFs and the loop run in another, so
/// their temporaries never share the stack.
#[inline(never)]
pub fn double_mul_vartime(a: &Scalar, b: &Scalar, q: &Affine) -> Jacobian {
    let mut tq = [G; 8];
    odd_multiples(q, &mut tq);
    straus(a, b, &tq)
}

/// The loop of [`double_mul_vartime`], with the table of Q made.
#[inline(never)]
fn straus(a: &Scalar, b: &Scalar, tq: &[Affine; 8]) -> Jacobian {
    let tg = &super::g_table::G_ODD_MULTIPLES;
    // Non-zero digits at most 6 (5) positions apart over 257 positions.
    let mut na = SparseNaf::<6, 43>::new(&a.0);
    let mut nb = SparseNaf::<5, 52>::new(&b.0);
    let mut acc = Jacobian::IDENTITY;
    let Some(top) = na.top().max(nb.top()) else {
        return acc;
    };
    for i in (0..=top).rev() {
        if !acc.z.is_zero_vartime() {
            acc.double_assign();
        }
        let da = na.take(i);
        if da != 0 {
            add_digit(&mut acc, tg, da);
        }
        let db = nb.take(i);
        if db != 0 {
            add_digit(&mut acc, tq, db);
        }
    }
    acc
}
