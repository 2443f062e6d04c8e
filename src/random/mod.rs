//! Randomness: named independent streams and the distributions drawn from them.

pub mod dist;
pub mod stream;

pub use dist::Dist;
pub use stream::{StreamRng, stream};
