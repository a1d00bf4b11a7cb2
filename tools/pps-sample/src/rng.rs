//! A tiny deterministic pseudo-random generator (SplitMix64).
//!
//! The sample must come out byte for byte the same on every machine and every
//! run, so no crate with a changing algorithm and no seeding from the clock.

#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// An independent stream for item `index`, so parallel generation does
    /// not depend on the order in which threads pick up work.
    pub fn stream(seed: u64, index: u64) -> Self {
        let mut r = Self(seed ^ index.wrapping_mul(0xA076_1D64_78BD_642F));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in 0..n.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A count drawn around `mean`: Poisson for small means (so 0, 1, 2 occur
    /// as they do in small partnerships), a rounded near-normal otherwise.
    pub fn count(&mut self, mean: f64) -> i64 {
        if mean <= 0.0 {
            return 0;
        }
        if mean < 12.0 {
            let limit = (-mean).exp();
            let mut k = 0;
            let mut p = self.unit();
            while p > limit {
                k += 1;
                p *= self.unit();
            }
            return k;
        }
        // Sum of four uniforms: mean 2, variance 1/3.
        let z = (self.unit() + self.unit() + self.unit() + self.unit() - 2.0) * 3f64.sqrt();
        (mean + z * mean.sqrt()).round().max(0.0) as i64
    }
}
