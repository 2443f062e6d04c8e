//! The `bordersim` binary: parse arguments, hand them to the library.

use clap::Parser;

fn main() {
    let cli = bordersim::cli::Cli::parse();
    std::process::exit(bordersim::cli::run(cli));
}
