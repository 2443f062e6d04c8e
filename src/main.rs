//! The `bordersim` binary: parse arguments, hand them to the library.

fn main() {
    let cli = bordersim::cli::parse();
    std::process::exit(bordersim::cli::run(cli));
}
