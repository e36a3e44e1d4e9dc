//! Fuzz target `xlsx_grid`: see `fuzz/harness/mod.rs` (`harness::xlsx_grid`) for what it runs and asserts.
#![no_main]

#[path = "../harness/mod.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::xlsx_grid(data));
