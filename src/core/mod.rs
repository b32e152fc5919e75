//! The vendor-neutral, side-effect-free core: request model, encoders, crypto
//! primitives, JSON, injected time and randomness, and the error type.

pub mod clock;
pub mod crypto;
pub mod echo;
pub mod encode;
pub mod error;
pub mod error_table;
pub mod json;
pub mod request;
pub mod rsa;
pub mod time;
